"""A chat's daily digest: when it comes, pausing it, quiet days, and one on request."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, time

from bot.digest.clock import Clock
from bot.digest.schedule import next_due_at, resolve_timezone, slot_passed_today
from bot.digest.service import DigestService, zone_of
from bot.store.guard import RedisGuard, needs_store
from bot.store.limits import RateLimiter, Rule, Verdict, chat_subject
from bot.store.runs import RunStore
from bot.store.subscriptions import ChatSettings, SubscriptionStore
from bot.timeofday import parse_hhmm

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Schedule:
    timezone: str
    at: time
    paused: bool
    parked: bool  # stopped because the chat couldn't be reached


def schedule_of(chat: ChatSettings) -> Schedule:
    return Schedule(chat.timezone, chat.digest_time, chat.paused, chat.parked)


@dataclass(frozen=True)
class NextDigest:
    at: datetime  # in the chat's time zone
    zone: str


@dataclass(frozen=True)
class ZoneSet:
    zone: str
    local_now: datetime  # the time there now
    next: NextDigest


class Digests:
    def __init__(
        self, service: DigestService, subscriptions: SubscriptionStore, runs: RunStore, clock: Clock,
        guard: RedisGuard, limits: RateLimiter, *, per_hour: int,
    ) -> None:  # fmt: skip
        self.limits = limits
        self.rule = Rule("digest", per_hour, 3600.0)
        self.service = service
        self.subscriptions = subscriptions
        self.runs = runs
        self.clock = clock
        self.guard = guard

    @needs_store
    async def schedule(self, chat_id: int) -> Schedule:
        return schedule_of(await self.subscriptions.get_settings(chat_id))

    @needs_store
    async def next_digest(self, chat_id: int) -> NextDigest:
        chat = await self.subscriptions.get_settings(chat_id)
        zone = zone_of(chat)
        now = await self.clock.now()
        at = next_due_at(now, chat.digest_time, zone, chat.settled_day).astimezone(zone)
        return NextDigest(at, zone.key)

    @needs_store
    async def set_time(self, chat_id: int, text: str) -> tuple[time, NextDigest]:
        """Raises ValueError (its message is for the user) when ``text`` isn't a time of day."""
        at = parse_hhmm(text)
        chat = await self.subscriptions.get_settings(chat_id)
        skip = slot_passed_today(await self.clock.now(), at, zone_of(chat), chat.settled_day)
        await self.subscriptions.set_digest_time(chat_id, at, skip_day=skip)
        return at, await self.next_digest(chat_id)

    @needs_store
    async def set_timezone(self, chat_id: int, text: str) -> ZoneSet:
        """Raises ValueError (its message is for the user) when ``text`` names no time zone."""
        zone = resolve_timezone(text)
        chat = await self.subscriptions.get_settings(chat_id)
        now = await self.clock.now()
        skip = slot_passed_today(now, chat.digest_time, zone, chat.settled_day)
        await self.subscriptions.set_timezone(chat_id, zone, skip_day=skip)
        local_now = now.astimezone(zone)
        return ZoneSet(zone.key, local_now, await self.next_digest(chat_id))

    @needs_store
    async def pause(self, chat_id: int) -> None:
        await self.subscriptions.set_paused(chat_id, True)

    @needs_store
    async def resume(self, chat_id: int) -> NextDigest:
        """Unpause, and undo a stop after delivery failures."""
        await self.subscriptions.set_paused(chat_id, False)
        await self.subscriptions.unpark(chat_id)
        return await self.next_digest(chat_id)

    async def resume_if_stopped(self, chat_id: int) -> None:
        """/start: the user is back, so digests stopped after delivery failures resume. Best effort:
        with Redis down the welcome still goes out and the next /start tries again."""
        if await self.guard.call(lambda: self.subscriptions.unpark(chat_id), False):
            log.info("chat unparked by /start", extra={"chat_id": chat_id})

    @needs_store
    async def set_quiet_days(self, chat_id: int, *, notify: bool) -> None:
        """On days with nothing new: a one-line note (``notify``) or no message at all."""
        await self.runs.set_empty_mode(chat_id, "notify" if notify else "silent")

    @needs_store
    async def has_feeds(self, chat_id: int) -> bool:
        return bool(await self.subscriptions.list(chat_id))

    async def within_limit(self, chat_id: int) -> Verdict:
        """Whether the chat may have another digest on request now (and counts it). Per chat: the
        work (fetching, summaries from the shared daily budget) is the chat's, whoever asks."""
        return await self.limits.allow(self.rule, chat_subject(chat_id))

    @needs_store
    async def send_now(self, chat_id: int, request_id: str | int) -> str:
        """The digest now (what is new since the last one); returns what happened."""
        outcome = await self.service.send_now(chat_id, request_id)
        log.info("digest on request", extra={"chat_id": chat_id, "outcome": outcome})
        return outcome
