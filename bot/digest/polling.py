"""Fetching feeds: validation for /subscribe, conditional polling, backoff and failure reports.

Every request goes through the one safe fetcher (``Fetcher.fetch``); feedparser only ever sees the
fetched bytes. A feed is fetched at most once per poll interval however many chats follow it:
polls run under a cross-process single-flight keyed by the feed, and a fresh state short-circuits.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot import cpu
from bot.digest.feedbudget import FeedByteBudget
from bot.digest.feeds import NO_FEED_ON_PAGE, NOT_A_FEED, FeedLink, NotAFeed, ParsedFeed, discover_feeds, parse_feed
from bot.errors import NewsbotError
from bot.logs import url_fields
from bot.models import Fetched
from bot.net.fetch import Fetcher, conditional_headers
from bot.net.urls import parse_user_url, url_key
from bot.store.feeds import FeedState, FeedStateStore, ItemStore
from bot.store.singleflight import SingleFlight
from bot.store.subscriptions import SubscriptionStore

log = logging.getLogger(__name__)

KINDS = ("feed", "html")  # servers label feeds text/html surprisingly often; the parser decides
MAX_CHOICES = 8
REPORT_AFTER = timedelta(days=2)  # a feed failing this long is reported to its subscribers, once


Notify = Callable[[list[int], str, str], Awaitable[None]]  # chats, text, dedupe key


async def _parse(fetched: Fetched) -> ParsedFeed | None:
    """The fetched body as a feed, parsed in a CPU worker (a big feed takes seconds)."""
    return await cpu.run(parse_feed, fetched.body, url=fetched.final_url, content_type=fetched.content_type,
                         what="parse feed")  # fmt: skip


@dataclass(frozen=True, slots=True)
class FoundFeed:
    url: str  # the feed URL to store (after redirects)
    title: str
    parsed: ParsedFeed
    fetched: Fetched


@dataclass(frozen=True, slots=True)
class Resolution:
    feed: FoundFeed | None = None
    choices: list[FeedLink] | None = None  # a site advertising several feeds


class FeedPoller:
    def __init__(
        self, fetcher: Fetcher, *, items: ItemStore, states: FeedStateStore, subscriptions: SubscriptionStore,
        flight: SingleFlight, interval: float, wait_timeout: float, notify: Notify | None = None,
        budget: FeedByteBudget | None = None,
    ) -> None:  # fmt: skip
        self.fetcher = fetcher
        self.items = items
        self.states = states
        self.subscriptions = subscriptions
        self.flight = flight
        self.interval = interval
        self.wait_timeout = wait_timeout  # how long a second poller waits for the first one
        self.notify = notify
        self.budget = budget  # feed bytes per chat per day

    # -- /subscribe -------------------------------------------------------------------------------

    async def resolve(self, text: str) -> Resolution:
        """What a URL the user sent is: a feed, a page listing feeds, or an error (raised, with a
        user-facing reason)."""
        url = parse_user_url(text)
        fetched = await self.fetcher.fetch(url, kinds=KINDS)
        parsed = await _parse(fetched)
        if parsed is not None:
            return Resolution(feed=FoundFeed(fetched.final_url, parsed.title, parsed, fetched))
        if fetched.content_type not in ("text/html", "application/xhtml+xml"):
            raise NotAFeed(NOT_A_FEED, detail=f"content_type={fetched.content_type}")
        links = await cpu.run(discover_feeds, fetched.text(), fetched.final_url, what="find feeds")
        if not links:
            raise NotAFeed(NO_FEED_ON_PAGE, detail=f"page={fetched.final_url}")
        if len(links) == 1:
            return Resolution(feed=await self.check(links[0].url, fallback_title=links[0].title))
        return Resolution(choices=links[:MAX_CHOICES])

    async def check(self, url: str, *, fallback_title: str = "") -> FoundFeed:
        """Fetch ``url`` and make sure it is a feed (raises FetchError / NotAFeed)."""
        fetched = await self.fetcher.fetch(parse_user_url(url), kinds=KINDS)
        parsed = await _parse(fetched)
        if parsed is None:
            raise NotAFeed(NOT_A_FEED, detail=f"url={fetched.final_url}")
        return FoundFeed(fetched.final_url, parsed.title or fallback_title, parsed, fetched)

    async def ingest(self, url: str, found: FoundFeed, now: datetime) -> None:
        """Store what a /subscribe fetch already got, so the feed isn't fetched again right away."""
        await self.items.add(url, found.parsed.items, now=now)
        headers = found.fetched.headers
        await self.states.record_success(
            url, now=now, etag=headers.get("etag"), last_modified=headers.get("last-modified")
        )

    # -- polling ------------------------------------------------------------------------------------

    def fresh(self, state: FeedState, now: datetime) -> bool:
        """Nothing to do now: fetched within the interval, or backing off after failures."""
        if not state.due(now):
            return True
        return state.last_success is not None and now - state.last_success < timedelta(seconds=self.interval)

    async def refresh(self, url: str, now: datetime) -> FeedState:
        """Poll ``url`` unless it is fresh; at most one poll of a feed at a time across processes."""
        states = self.states

        async def lookup() -> FeedState | None:
            state = await states.get(url)
            return state if self.fresh(state, now) else None

        async def compute() -> FeedState:
            return await self._poll(url, now)

        return await self.flight.run(f"feedpoll:{url_key(url)}", lookup, compute, wait_timeout=self.wait_timeout)

    async def refresh_many(self, urls: list[str], now: datetime) -> None:
        """Poll the stale ones of ``urls``; a feed that fails fails alone (the digest goes on with
        what is stored for it, and every other feed)."""
        states = await self.states.get_many(urls)
        stale = [url for url in urls if not self.fresh(states[url], now)]
        if not stale:
            return
        results = await asyncio.gather(*(self.refresh(url, now) for url in stale), return_exceptions=True)
        for url, result in zip(stale, results, strict=True):
            if isinstance(result, BaseException) and not isinstance(result, Exception):
                raise result  # cancellation: not a feed's failure
            if isinstance(result, Exception):
                log.warning("feed refresh failed, using stored items", extra={**url_fields(url), "error": repr(result)})

    async def _poll(self, url: str, now: datetime) -> FeedState:
        states = self.states
        state = await states.get(url)
        try:
            validators = conditional_headers(state.etag, state.last_modified)
            fetched = await self.fetcher.fetch(url, kinds=KINDS, headers=validators)
            if fetched.status == 304:
                previous = await states.record_success(url, now=now, not_modified=True)
                log.info("feed not modified", extra=url_fields(url))
            else:
                if self.budget is not None:
                    await self.budget.charge(url, len(fetched.body), now)
                parsed = await _parse(fetched)
                if parsed is None:
                    raise NotAFeed(NOT_A_FEED, detail=f"url={fetched.final_url}")
                fresh = await self.items.add(url, parsed.items, now=now)
                previous = await states.record_success(
                    url, now=now, etag=fetched.headers.get("etag"),
                    last_modified=fetched.headers.get("last-modified"),
                )  # fmt: skip
                log.info("feed polled", extra={**url_fields(url), "items": len(parsed.items), "new": len(fresh),
                                               "skipped": parsed.skipped})  # fmt: skip
        except NewsbotError as exc:
            failed = await states.record_failure(url, now=now, error=f"{exc.code}: {exc.reason}")
            log.info("feed poll failed", extra={**url_fields(url), "reason": exc.code, "failures": failed.failures,
                                                "detail": exc.detail or "-"})  # fmt: skip
            await self._maybe_report(url, failed, exc, now)
            return failed
        except Exception:
            # A bug met by a hostile feed: this feed backs off like any failing one, and the digests
            # of every chat following it go on without it. Logged here, once per poll.
            log.exception("feed poll crashed", extra=url_fields(url))
            return await states.record_failure(url, now=now, error="bug: unexpected error")
        if previous.reported:
            log.info("feed works again", extra=url_fields(url))
        return await states.get(url)

    async def _maybe_report(self, url: str, state: FeedState, exc: NewsbotError, now: datetime) -> None:
        if state.first_failure is None or now - state.first_failure < REPORT_AFTER or self.notify is None:
            return
        if not await self.states.mark_reported(url):
            return  # already told them about this failure streak
        chats = await self.subscriptions.chats_following(url)
        days = max(2, int((now - state.first_failure).total_seconds() // 86400))
        text = (
            f"⚠️ The feed {url} hasn't worked for {days} days ({exc.reason}). "
            "It stays in your list and I keep trying; send /subscriptions to remove it."
        )
        log.warning("feed failing for days, reporting", extra={**url_fields(url), "chats": len(chats), "days": days})
        stamp = int(state.first_failure.timestamp())
        await self.notify(chats, text, f"feedfail:{url_key(url)}:{stamp}")
