"""Following feeds: subscribing (by address, site or curated name), OPML in and out, listing and
removing. Subscriptions are primary data: nothing here reports success before it is stored, and
with Redis down every method raises StoreUnavailable rather than guessing."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import time
from typing import Literal
from urllib.parse import urlsplit

from bot import cpu
from bot.app.digests import Schedule, schedule_of
from bot.config import Settings
from bot.digest.clock import Clock
from bot.digest.likely_zones import likely_zones
from bot.digest.opml import MAX_OPML_BYTES, OpmlFeed, export_opml, parse_opml
from bot.digest.polling import FeedPoller, FoundFeed
from bot.digest.presets import find_preset, presets
from bot.digest.sources import Source
from bot.errors import NewsbotError
from bot.net.urls import url_key
from bot.store.guard import RedisGuard, needs_store
from bot.store.limits import RateLimiter, Rule, Verdict
from bot.store.runs import RunStore
from bot.store.subscriptions import Subscription, SubscriptionLimitError, SubscriptionStore
from bot.text.language_codes import known_language

log = logging.getLogger(__name__)

IMPORT_CONCURRENCY = 8


def host(url: str) -> str:
    return (urlsplit(url).hostname or url).removeprefix("www.")


@dataclass(frozen=True)
class Target:
    """A feed the user asked for, before it has been fetched."""

    address: str
    title: str | None = None  # a curated source's name: shown instead of the feed's own title
    fallback_title: str = ""  # offered with the address; used when the feed has no title
    exact: bool = False  # the address must be a feed itself (no looking for feeds on a page)


@dataclass(frozen=True)
class Feed:
    title: str  # may be empty
    url: str
    key: str  # short and stable: what an unsubscribe button carries

    @property
    def name(self) -> str:
        return self.title or host(self.url)


def _feed(sub: Subscription) -> Feed:
    return Feed(sub.title, sub.url, url_key(sub.key))


@dataclass(frozen=True)
class Subscribed:
    name: str
    schedule: Schedule
    needs_timezone: bool  # the chat never said where it is, and wasn't asked yet
    zones: tuple[str, ...] = ()  # when asking: the likely ones, from the subscriber's language


@dataclass(frozen=True)
class AlreadyFollowing:
    name: str


@dataclass(frozen=True)
class Refused:
    reason: str  # for the user
    stage: Literal["check", "limit", "store"]  # not a feed / too many feeds / not stored


@dataclass(frozen=True)
class Choices:
    """The site offers several feeds; the user picks one of ``titles`` (saved under ``token``)."""

    token: str
    titles: list[str]


Outcome = Subscribed | AlreadyFollowing | Refused | Choices


@dataclass(frozen=True)
class Listing:
    feeds: list[Feed]
    limit: int
    schedule: Schedule | None  # None when there are no feeds


@dataclass(frozen=True)
class Skipped:
    name: str
    reason: str | None  # None: over the subscription limit


@dataclass(frozen=True)
class ImportReport:
    added: list[str]
    known: list[str]
    skipped: list[Skipped]
    limit_reason: str  # "" unless the limit stopped the import
    needs_timezone: bool
    zones: tuple[str, ...] = ()  # when asking: the likely ones, from the importer's language


@dataclass(frozen=True)
class OpmlFile:
    feeds: list[OpmlFeed]
    cut_at: int | None  # the file listed more feeds than one import reads


class Subscriptions:
    def __init__(
        self, store: SubscriptionStore, poller: FeedPoller, runs: RunStore, clock: Clock, limits: RateLimiter,
        settings: Settings, guard: RedisGuard,
    ) -> None:  # fmt: skip
        self.guard = guard  # an outage is StoreUnavailable, not a traceback
        self.limits = limits
        self.subscribes = Rule("subscribe", settings.subscribes_per_hour, 3600.0)
        self.opml_feeds = Rule("opml", settings.opml_feeds_per_hour, 3600.0)
        self.store = store
        self.poller = poller
        self.runs = runs
        self.clock = clock
        self.limit = settings.digest_max_subscriptions
        self.default_time: time = settings.digest_default_time
        self.sources_file = settings.digest_sources_file
        self.opml_max_feeds = settings.digest_opml_max_feeds

    # -- subscribing ------------------------------------------------------------------------------

    async def within_limit(self, subject: str) -> Verdict:
        """Whether ``subject`` may have one more feed checked now (and counts it)."""
        return await self.limits.allow(self.subscribes, subject)

    async def import_within_limit(self, subject: str, feeds: int) -> Verdict:
        """Whether ``subject`` may have ``feeds`` more feeds of OPML files checked now (and counts them)."""
        return await self.limits.allow(self.opml_feeds, subject, cost=feeds)

    def find(self, query: str) -> Target | None:
        """What ``query`` names: a curated source or an address; None for an unknown name."""
        preset = find_preset(query, self.sources_file)
        if preset is not None:
            return Target(preset.url, title=preset.name)
        if any(ch in query for ch in "./:"):
            return Target(query)
        return None

    def sources(self) -> tuple[Source, ...]:
        return presets(self.sources_file)

    @needs_store
    async def offered(self, token: str, index: int) -> Target | None:
        """The feed picked from ``Choices``; None once the choice has expired."""
        options = await self.runs.choice(token)
        if not options or index >= len(options):
            return None
        option = options[index]
        return Target(option["url"], fallback_title=option["title"], exact=True)

    @needs_store
    async def subscribe(self, chat_id: int, target: Target, language: str | None) -> Outcome:
        """Fetch and check the feed, then follow it. ``language``: the user's, for a first digest."""
        # the store first: with Redis down the answer is "try again in a minute" before any fetch
        first = not await self.store.list(chat_id)
        try:
            if target.exact:
                found = await self.poller.check(target.address, fallback_title=target.fallback_title)
            else:
                resolution = await self.poller.resolve(target.address)
                if resolution.choices:
                    return await self._offer([(link.url, link.title) for link in resolution.choices])
                assert resolution.feed is not None
                found = resolution.feed
        except NewsbotError as exc:
            log.info("subscribe refused", extra={"chat_id": chat_id, "reason": exc.code, "detail": exc.detail})
            return Refused(exc.reason, "check")
        return await self._add(chat_id, found, target.title, language, first=first)

    async def _offer(self, links: list[tuple[str, str]]) -> Choices:
        options = [{"url": url, "title": title or host(url)} for url, title in links]
        token = await self.runs.save_choice(options)
        return Choices(token, [option["title"] for option in options])

    async def _add(self, chat_id: int, found: FoundFeed, title: str | None, language: str | None, *,
                   first: bool) -> Outcome:  # fmt: skip
        name = title or found.title or host(found.url)
        try:
            added = await self.store.add(chat_id, found.url, name)  # durable before we say so
        except SubscriptionLimitError as exc:
            return Refused(exc.reason, "limit")
        except NewsbotError as exc:
            return Refused(exc.reason, "store")
        if not added:
            return AlreadyFollowing(name)
        await self.poller.ingest(found.url, found, await self.clock.now())
        if first:
            await self._first_subscription(chat_id, language)
        schedule = schedule_of(await self.store.get_settings(chat_id))
        needs_timezone = await self.store.ask_timezone_once(chat_id)
        log.info("subscribed", extra={"chat_id": chat_id, "feed": found.url})
        return Subscribed(name, schedule, needs_timezone, likely_zones(language) if needs_timezone else ())

    async def _first_subscription(self, chat_id: int, language: str | None) -> None:
        if not await self.store.has_digest_time(chat_id):
            await self.store.set_digest_time(chat_id, self.default_time)
        known = known_language(language)
        if known and not await self.runs.language(chat_id):
            await self.runs.set_language(chat_id, known)

    # -- OPML ---------------------------------------------------------------------------------------

    def opml_fits(self, size: int | None) -> bool:
        """Whether a file of ``size`` bytes (None: unknown) is worth downloading."""
        return not size or size <= MAX_OPML_BYTES

    async def read_opml(self, data: bytes) -> OpmlFile:
        """The feeds an OPML file lists; raises OpmlError (its message is for the user), or
        CpuLimitError for a file too heavy to parse."""
        feeds = await cpu.run(parse_opml, data, limit=self.opml_max_feeds + 1, what="parse opml")
        cut = len(feeds) > self.opml_max_feeds
        return OpmlFile(feeds[: self.opml_max_feeds], self.opml_max_feeds if cut else None)

    @needs_store
    async def import_feeds(self, chat_id: int, feeds: list[OpmlFeed], language: str | None) -> ImportReport:
        gate = asyncio.Semaphore(IMPORT_CONCURRENCY)

        async def check(feed: OpmlFeed) -> FoundFeed | NewsbotError:
            async with gate:
                try:
                    return await self.poller.check(feed.url, fallback_title=feed.title)
                except NewsbotError as exc:
                    return exc

        results = await asyncio.gather(*(check(feed) for feed in feeds))
        added: list[str] = []
        known: list[str] = []
        skipped: list[Skipped] = []
        first = not await self.store.list(chat_id)
        now = await self.clock.now()
        limit_reason = ""
        for feed, result in zip(feeds, results, strict=True):
            name = feed.title or host(feed.url)
            if isinstance(result, NewsbotError):
                skipped.append(Skipped(name, result.reason))
                continue
            if limit_reason:
                skipped.append(Skipped(name, None))
                continue
            try:
                if await self.store.add(chat_id, result.url, feed.title or result.title or name):
                    added.append(name)
                    await self.poller.ingest(result.url, result, now)
                else:
                    known.append(name)
            except SubscriptionLimitError as exc:
                limit_reason = exc.reason
                skipped.append(Skipped(name, None))
        if added and first:
            await self._first_subscription(chat_id, language)
        needs_timezone = bool(added) and await self.store.ask_timezone_once(chat_id)
        log.info("opml import", extra={"chat_id": chat_id, "added": len(added), "known": len(known),
                                       "failed": len(skipped)})  # fmt: skip
        zones = likely_zones(language) if needs_timezone else ()
        return ImportReport(added, known, skipped, limit_reason, needs_timezone, zones)

    @needs_store
    async def export(self, chat_id: int) -> tuple[bytes, int] | None:
        """The chat's feeds as an OPML file and how many there are; None without feeds."""
        subs = await self.store.list(chat_id)
        if not subs:
            return None
        feeds = [OpmlFeed(url=s.url, title=s.title) for s in subs]
        return export_opml(feeds, title="newsbot subscriptions"), len(subs)

    # -- listing and removing -----------------------------------------------------------------------

    @needs_store
    async def list(self, chat_id: int) -> Listing:
        subs = await self.store.list(chat_id)
        schedule = schedule_of(await self.store.get_settings(chat_id)) if subs else None
        return Listing([_feed(sub) for sub in subs], self.limit, schedule)

    @needs_store
    async def unsubscribe(self, chat_id: int, which: str) -> Feed | None:
        """Stop following a feed given by address or by its number in the list; None if not followed."""
        removed = await self.store.remove(chat_id, which)
        if removed is not None:
            log.info("unsubscribed", extra={"chat_id": chat_id, "feed": removed.url})
        return _feed(removed) if removed else None

    @needs_store
    async def unsubscribe_key(self, chat_id: int, key: str) -> Feed | None:
        """Stop following the feed with this ``Feed.key``; None if it was already removed."""
        sub = next((s for s in await self.store.list(chat_id) if url_key(s.key) == key), None)
        return await self.unsubscribe(chat_id, sub.url) if sub else None
