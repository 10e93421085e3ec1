"""Following stories without Telegram: follow/unfollow, the shared re-check of a story, and the
delivery of what changed to each follower exactly once (``bot/follow/jobs.py`` runs these on saq).

One check per story however many chats follow it: a check runs under the story's claim and only
when the story is due (the ``due`` zset moves forward before the claim is released), so a second
worker or process that got the same job finds it fresh. Conditional GET (ETag/Last-Modified) makes
an unchanged page a 304; a changed body is compared sentence by sentence (``changes.compare``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from redis.exceptions import LockNotOwnedError

from bot import cpu
from bot.config import Settings
from bot.digest.clock import Clock
from bot.digest.delivery import ChatGone, Courier, RejectedMessage
from bot.engines.llm_whatsnew import whats_new_llm
from bot.errors import NewsbotError
from bot.extract import extract_article
from bot.follow.changes import Change, compare
from bot.follow.schedule import interval_at, next_check, night_until
from bot.models import Article, Part
from bot.net.fetch import conditional_headers
from bot.pipeline import Pipeline
from bot.store.chats import ChatStore
from bot.store.follows import FollowStore, Story, Update
from bot.store.subscriptions import SubscriptionStore

log = logging.getLogger(__name__)

# Renders a chat's pending updates as one message in its language (the Telegram edge's catalog).
Render = Callable[[list[Update], str], Part]


@dataclass(frozen=True)
class Following:
    key: str
    title: str
    url: str


@dataclass(frozen=True)
class LimitReached:
    limit: int


@dataclass(frozen=True)
class AlreadyFollowing:
    title: str


def update_of(key: str, version: int, url: str, change: Change) -> Update:
    return Update(key=key, version=version, url=url, old_title=change.old_title, new_title=change.new_title,
                  facts=change.facts, quotes=[q.model_dump() for q in change.quotes],
                  removed=len(change.removed))  # fmt: skip


class FollowService:
    def __init__(
        self, settings: Settings, *, store: FollowStore, pipeline: Pipeline, subscriptions: SubscriptionStore,
        chats: ChatStore, clock: Clock, courier: Courier | None = None, render: Render | None = None,
    ) -> None:  # fmt: skip
        self.settings = settings
        self.store = store
        self.pipeline = pipeline
        self.subscriptions = subscriptions
        self.chats = chats
        self.clock = clock
        self.courier = courier
        self.render = render
        self.stop_after = timedelta(hours=settings.follow_stop_hours)
        self.idle_after = timedelta(hours=settings.follow_idle_hours)

    # -- following ----------------------------------------------------------------------------------

    async def follow(self, chat_id: int, url: str, language: str) -> Following | AlreadyFollowing | LimitReached:
        """Follow the story at ``url`` (raises NewsbotError with a reason when it can't be read)."""
        await self.store.set_language(chat_id, language)
        key, article = await self.pipeline.article(url)
        if await self.store.is_following(chat_id, key):
            return AlreadyFollowing(article.title or article.link)
        if await self.store.count(chat_id) >= self.store.limit:
            return LimitReached(self.store.limit)
        now = await self.clock.now()
        story = Story(key=key, url=article.final_url or article.url, title=article.title,
                      paragraphs=article.paragraphs, text_hash=article.text_hash, started=now)  # fmt: skip
        await self.store.follow(chat_id, story, now, now + interval_at(timedelta(0)))
        log.info("story followed", extra={"chat_id": chat_id, "key": key})
        return Following(key, article.title or article.link, story.url)

    # -- checking -----------------------------------------------------------------------------------

    async def due(self, now: datetime) -> list[str]:
        return await self.store.due(now)

    async def check(self, key: str) -> str:
        """Check one story if it is due; returns what happened (for logs and tests)."""
        claim = self.store.claim(key)
        if not await claim.acquire():
            return "claimed"
        try:
            now = await self.clock.now()
            at = await self.store.next_check_at(key)
            if at is None or at > now:
                return "fresh"
            story = await self.store.story(key)
            fans = await self.store.fans(key)
            if story is None or not fans:
                await self.store.end(key)
                return "ended"
            return await self._check(story, fans, now)
        finally:
            with contextlib.suppress(LockNotOwnedError):
                await claim.release()

    async def _check(self, story: Story, fans: list[int], now: datetime) -> str:
        following = next_check(story.started, story.last_change, now, stop_after=self.stop_after,
                               idle_after=self.idle_after)  # fmt: skip
        try:
            validators = conditional_headers(story.etag, story.last_modified)
            fetched = await self.pipeline.fetcher.fetch(story.url, headers=validators)
            if fetched.status == 304:
                await self.store.record(story, next_check=following)
                log.info("followed story not modified", extra={"key": story.key})
                return "not-modified"
            article = await extract_article(fetched, url=story.url)
        except NewsbotError as exc:
            log.info("followed story check failed", extra={"key": story.key, "code": exc.code})
            await self.store.record(story, next_check=following)
            return "failed"
        story.etag = fetched.headers.get("etag", "")
        story.last_modified = fetched.headers.get("last-modified", "")
        if article.text_hash == story.text_hash and article.title == story.title:
            await self.store.record(story, next_check=following)
            return "unchanged"
        old_title, old = story.title, story.paragraphs
        change = await self.changes(old_title, old, article)
        story.paragraphs, story.text_hash, story.title = article.paragraphs, article.text_hash, article.title
        if not change.material:
            await self.store.record(story, next_check=following)
            log.info("followed story changed, nothing material", extra={"key": story.key})
            return "immaterial"
        story.version += 1
        story.last_change = now
        following = next_check(story.started, now, now, stop_after=self.stop_after, idle_after=self.idle_after)
        update = update_of(story.key, story.version, story.url, change)
        updates = await self._per_follower(update, fans, old_title, old, article)
        await self.store.record(story, next_check=following, updates=updates, deliver_at=now)
        log.info("followed story changed",
                 extra={"key": story.key, "version": story.version, "added": len(change.added),
                        "removed": len(change.removed), "followers": len(fans)})  # fmt: skip
        return "changed"

    async def language(self, chat_id: int) -> str:
        return await self.chats.language(chat_id) or await self.store.language(chat_id) or "en"

    async def _per_follower(self, update: Update, fans: list[int], old_title: str, old: list[str],
                            new: Article) -> dict[int, Update]:  # fmt: skip
        """Each follower's update: with an LLM, a short "what's new" in their language (one call
        per language and change, not per follower); without one, or when it fails, the offline
        view (the ranked new sentences) alone."""
        languages = {chat: await self.language(chat) for chat in fans}
        texts: dict[str, str] = {}
        llm = self.pipeline.llm
        for language in sorted(set(languages.values())) if llm is not None else []:
            assert llm is not None
            try:
                async with asyncio.timeout(self.settings.summary_deadline):
                    texts[language] = await whats_new_llm(
                        llm, old_title=old_title, old=old, new_title=new.title, new=new.paragraphs,
                        language=language, token_budget=self.settings.llm_article_token_budget,
                    )  # fmt: skip
            except (NewsbotError, TimeoutError) as exc:
                log.info("what's new by llm failed, offline view", extra={"key": update.key, "error": str(exc)})
        return {chat: replace(update, whats_new=texts.get(languages[chat], "")) for chat in fans}

    async def changes(self, old_title: str, old: list[str], new: Article) -> Change:
        return await cpu.run(compare, old_title, old, new.title, new.paragraphs, what="compare versions")

    # -- delivering ---------------------------------------------------------------------------------

    async def ready_chats(self, now: datetime) -> list[int]:
        return await self.store.ready_chats(now)

    async def _night(self, chat_id: int, now: datetime) -> datetime | None:
        """Until when ``chat_id`` sleeps (a digest time zone was set and night pings are off)."""
        if not await self.subscriptions.has_timezone(chat_id) or await self.store.night(chat_id):
            return None
        chat = await self.subscriptions.get_settings(chat_id)
        try:
            zone = ZoneInfo(chat.timezone)
        except (ValueError, KeyError):
            return None
        return night_until(now, zone)

    async def deliver(self, chat_id: int) -> str:
        """Send ``chat_id`` its pending updates as one message (exactly once: an update leaves the
        inbox only after Telegram accepted the message that carries it)."""
        if self.courier is None or self.render is None:
            raise RuntimeError("FollowService has no transport")
        claim = self.store.send_claim(chat_id)
        if not await claim.acquire():
            return "claimed"
        try:
            now = await self.clock.now()
            inbox = await self.store.inbox(chat_id)
            if not inbox:
                await self.store.delivered(chat_id, [])
                return "empty"
            until = await self._night(chat_id, now)
            if until is not None:
                await self.store.postpone(chat_id, until)
                return "night"
            language = await self.language(chat_id)
            updates = sorted(inbox.values(), key=lambda u: (u.key, u.version))
            try:
                await self.courier.send(chat_id, self.render(updates, language))
            except ChatGone:
                await self.store.delivered(chat_id, list(inbox))
                return "gone"
            except RejectedMessage as exc:
                log.error("telegram refused a follow update", extra={"chat_id": chat_id, "error": str(exc)})
            await self.store.delivered(chat_id, list(inbox))
            log.info("follow update sent", extra={"chat_id": chat_id, "updates": len(updates)})
            return "sent"
        finally:
            with contextlib.suppress(LockNotOwnedError):
                await claim.release()

    # -- preferences ----------------------------------------------------------------------------------

    async def set_night(self, chat_id: int, on: bool) -> None:
        await self.store.set_night(chat_id, on)
