"""The digest, end to end, without Telegram: what is due, what a chat's digest says, and sending
it exactly once. ``bot/digest/jobs.py`` runs these on saq workers; the Telegram handlers call the
same methods for /subscribe and /digest.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from redis.asyncio.lock import Lock
from redis.exceptions import LockNotOwnedError

from bot import cpu, metrics
from bot.config import Settings
from bot.digest.clock import Clock
from bot.digest.compose import Story, top_stories
from bot.digest.delivery import ChatGone, Courier, RejectedMessage, Transport
from bot.digest.entries import EntrySummarizer, EntryText, feed_text
from bot.digest.limiter import SendLimiter
from bot.digest.polling import FeedPoller
from bot.digest.render import DigestWords, render_digest, render_empty
from bot.digest.schedule import is_due, local_day
from bot.logs import url_fields
from bot.models import Body, Entry, FeedItem, Part, item_time
from bot.render import esc
from bot.store.chats import ChatStore
from bot.store.feeds import ItemStore
from bot.store.runs import RunStore, manual_run, scheduled_run
from bot.store.subscriptions import ChatSettings, SubscriptionStore

log = logging.getLogger(__name__)

FIRST_DIGEST_WINDOW = timedelta(hours=24)  # the first digest looks back at most this far
MAX_AGE = timedelta(hours=36)  # older items are not news any more; a day's leftovers still make the next digest
SETTINGS_BATCH = 64  # concurrent reads; the Redis pool is shared with the senders
KEEPALIVE_EVERY = 2.0  # claim extension and saq heartbeat of a running digest

Touch = Callable[[], Awaitable[object]]
WordsFor = Callable[[str], DigestWords]  # a language code → the digest's words in it
Translate = Callable[[str, str], str]  # (an English notice, a language code) → the notice in it
NotifyQueue = Callable[[list[int], str, str], Awaitable[None]]


def zone_of(settings: ChatSettings) -> ZoneInfo:
    try:
        return settings.zone
    except (ValueError, KeyError):  # a zone that vanished from tzdata: better UTC than nothing
        return ZoneInfo("UTC")


def _sources(story: Story) -> list[tuple[str, str | None]]:
    links: dict[str, str | None] = {}
    for item in story.items:
        if item.source in story.sources and item.source not in links:
            links[item.source] = item.url
    return [(name, links.get(name)) for name in story.sources]


class DigestService:
    def __init__(
        self, settings: Settings, *, poller: FeedPoller, summarizer: EntrySummarizer,
        subscriptions: SubscriptionStore, items: ItemStore, runs: RunStore, chats: ChatStore,
        limiter: SendLimiter, clock: Clock, transport: Transport | None = None, words: WordsFor | None = None,
        translate: Translate | None = None,
    ) -> None:  # fmt: skip
        self.words: WordsFor = words or (lambda _language: DigestWords())
        self.translate: Translate = translate or (lambda text, _language: text)
        self.settings = settings
        self.poller = poller
        self.summarizer = summarizer
        self.subscriptions = subscriptions
        self.items = items
        self.runs = runs
        self.chats = chats
        self.limiter = limiter
        self.clock = clock
        self.transport = transport
        self.courier = Courier(limiter, transport, subscriptions, runs) if transport else None
        self.queue_notices: NotifyQueue | None = None  # set by DigestJobs: notices become jobs
        poller.notify = self.notify

    # -- scheduling -------------------------------------------------------------------------------

    async def due_digests(self, now: datetime) -> list[tuple[int, str]]:
        """(chat, local day) of every chat whose digest is due and not sent yet."""
        chats = await self.subscriptions.chats_with_subscriptions()
        due: list[tuple[int, str]] = []
        for start in range(0, len(chats), SETTINGS_BATCH):
            batch = chats[start : start + SETTINGS_BATCH]
            for chat in await asyncio.gather(*(self.subscriptions.get_settings(c) for c in batch)):
                if chat.paused or chat.parked:
                    continue
                zone = zone_of(chat)
                if is_due(now, chat.digest_time, zone, chat.settled_day):
                    due.append((chat.chat_id, local_day(now, zone).isoformat()))
        return due

    async def due_feeds(self, now: datetime) -> list[str]:
        feeds = await self.subscriptions.feeds()
        if not feeds:
            return []
        budget = self.poller.budget
        stopped = await budget.stopped_feeds(now) if budget is not None else set()
        urls = [feed.url for feed in feeds if feed.key not in stopped]  # key: the feed's URL identity
        states = await self.poller.states.get_many(urls)
        return [url for url in urls if not self.poller.fresh(states[url], now)]

    # -- composing --------------------------------------------------------------------------------

    async def language(self, chat_id: int) -> str:
        return (
            await self.chats.language(chat_id) or await self.runs.language(chat_id) or "en"
        )

    async def new_items(self, chat_id: int, urls: list[str], now: datetime) -> list[FeedItem]:
        cutoff = await self.runs.cutoff(chat_id)
        shown = await self.runs.shown(chat_id)
        floor = now - (FIRST_DIGEST_WINDOW if cutoff is None and not shown else MAX_AGE)
        found = await self.items.items_since(urls, floor)  # scored by item time
        fresh: list[FeedItem] = []
        for item in found:
            when = item_time(item)
            if when is None or when < floor or item.key in shown:
                continue
            if cutoff is not None:
                seen = item.seen.timestamp() if item.seen else 0.0
                if seen <= cutoff and when.timestamp() <= cutoff:
                    continue  # covered by an earlier digest
            fresh.append(item)
        return fresh

    async def compose(self, chat_id: int, now: datetime, run: str, *, manual: bool = False) -> Body:
        """The digest of what is new: the top ``DIGEST_MAX_ITEMS`` stories (fair across feeds) and,
        when there are more, a "+N more" line with a button for the next page. Stories not shown
        stay new (the cutoff only moves when everything was shown) for that page or the next digest."""
        chat = await self.subscriptions.get_settings(chat_id)
        subs = await self.subscriptions.list(chat_id)
        urls = [sub.url for sub in subs]
        budget = self.poller.budget
        if budget is None or not await budget.is_over(chat_id, now):  # over: today's stored items only
            await self.poller.refresh_many(urls, now)
        items = await self.new_items(chat_id, urls, now)
        page = self.settings.digest_max_items
        stories, more = await cpu.run(top_stories, items, now, page, what="cluster stories")
        language = await self.language(chat_id)
        cutoff = now.timestamp() if not more else 0.0  # 0: the cutoff stays where it is
        if not stories:
            mode = await self.runs.empty_mode(chat_id) or self.settings.digest_empty
            parts = render_empty(self.words(language)) if manual or mode == "notify" else []
            return Body(run=run, parts=parts, cutoff=cutoff, stories=0, language=language)
        texts = await asyncio.gather(*(self._entry_text(story, language, now) for story in stories))
        entries = [
            Entry(title=story.title, url=story.url, line=text.line, sources=_sources(story),
                  article_key=text.article_key, from_feed=text.engine == "feed")
            for story, text in zip(stories, texts, strict=True)
        ]  # fmt: skip
        day = local_day(now, zone_of(chat))
        parts = render_digest(entries, day, more=more, page=page, words=self.words(language))
        shown = [item.key for story in stories for item in story.items]
        return Body(run=run, parts=parts, cutoff=cutoff, stories=len(stories), language=language, shown=shown)

    async def _entry_text(self, story: Story, language: str, now: datetime) -> EntryText:
        """The story's line; a story that breaks something gets its feed's text (or none), and the
        rest of the digest goes on."""
        try:
            return await self.summarizer.text(story, language, now)
        except Exception:
            log.exception("digest entry failed, shown without a summary", extra=url_fields(story.url or ""))
            try:
                return EntryText(feed_text(story), None, "feed")
            except Exception:
                return EntryText("", None, "none")

    # -- delivery ---------------------------------------------------------------------------------

    async def run_scheduled(self, chat_id: int, day: str, *, touch: Touch | None = None) -> str:
        """Send ``chat_id``'s digest of local ``day`` unless it was sent; returns what happened."""
        now = await self.clock.now()
        chat = await self.subscriptions.get_settings(chat_id)
        if chat.settled_day is not None and chat.settled_day.isoformat() >= day:
            return "already-sent"  # or skipped: a schedule change moved that day's slot into the past
        if chat.parked or chat.paused:
            return "parked" if chat.parked else "paused"
        if local_day(now, zone_of(chat)).isoformat() != day:
            return "stale"  # that local day is over; today's run is scheduled on its own
        run = scheduled_run(chat_id, day)
        return await self._run(run, chat_id, now, touch=touch, day=date.fromisoformat(day))

    async def send_now(self, chat_id: int, request_id: str | int) -> str:
        """/digest: the digest now (items since the last one); doesn't use up the scheduled one."""
        now = await self.clock.now()
        return await self._run(manual_run(chat_id, request_id), chat_id, now, day=None)

    async def _run(self, run: str, chat_id: int, now: datetime, *, day: date | None,
                   touch: Touch | None = None) -> str:  # fmt: skip
        if self.courier is None:
            raise RuntimeError("DigestService has no transport")
        claim = self.runs.claim(run)
        if not await claim.acquire():
            return "claimed"  # another worker is on it; the scheduler asks again later
        keeper = asyncio.create_task(self._keep_alive(run, claim, touch))
        try:
            body = await self.runs.body(run)
            if body is None:
                body = await self.runs.save_body(await self.compose(chat_id, now, run, manual=day is None))
            try:
                chat_id = await self._deliver(run, chat_id, body)
            except ChatGone:
                return "parked"
            await self.runs.mark_shown(chat_id, body.shown)
            await self.runs.advance_cutoff(chat_id, body.cutoff)
            if day is not None:
                await self.subscriptions.mark_digest_sent(chat_id, day, run)
            log.info("digest sent", extra={"chat_id": chat_id, "run": run, "stories": body.stories,
                                           "parts": len(body.parts)})  # fmt: skip
            metrics.digest_sent((await self.clock.now() - now).total_seconds())
            return "sent" if body.parts else "empty"
        finally:
            keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keeper
            with contextlib.suppress(LockNotOwnedError):  # it expired during a stall: not ours any more
                await claim.release()

    async def _deliver(self, run: str, chat_id: int, body: Body) -> int:
        assert self.courier is not None
        done = await self.runs.sent_parts(run)
        for index, part in enumerate(body.parts):
            if index in done:
                continue
            try:
                chat_id, message_id = await self.courier.send(chat_id, part)
            except RejectedMessage as exc:
                log.error("telegram refused a digest part, skipping it",
                          extra={"run": run, "part": index, "error": str(exc)})
                message_id = 0
            await self.runs.part_sent(run, index, message_id)
        return chat_id

    async def _keep_alive(self, run: str, claim: Lock, touch: Touch | None) -> None:
        while True:
            await asyncio.sleep(KEEPALIVE_EVERY)
            try:
                # Lost during a stall: carry on; the sent parts keep a second worker from resending them.
                with contextlib.suppress(LockNotOwnedError):
                    await claim.reacquire()
                if touch is not None:
                    await touch()  # saq heartbeat: a dead worker's job is swept and retried
            except Exception:  # keep trying; a Redis blip must not kill the run
                log.warning("digest keep-alive failed", extra={"run": run}, exc_info=True)

    # -- notices ----------------------------------------------------------------------------------

    async def notify(self, chats: list[int], text: str, key: str) -> None:
        """Tell chats something (a feed failing for days): queued when workers run, else sent."""
        if self.queue_notices is not None:
            await self.queue_notices(chats, text, key)
            return
        for chat in chats:
            await self.send_notice(chat, text)

    async def send_notice(self, chat_id: int, text: str) -> bool:
        if self.courier is None:
            return False
        text = self.translate(text, await self.language(chat_id))
        try:
            await self.courier.send(chat_id, Part(esc(text)))
        except (ChatGone, RejectedMessage):
            return False
        return True
