"""Summaries shared from any chat (inline mode, ``@bot <link>``): what to offer for a query, the
summary a chosen "⏳" result becomes, and the article tokens of "Ask the bot" deep links.

An offer never costs more than a link sent to the bot: the summary goes through the same pipeline
(cache, single-flight), so a query, the result picked from it and everyone else sending the link
share one fetch and one LLM call.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass

from bot.app.summaries import Summaries
from bot.errors import NewsbotError
from bot.logs import url_fields
from bot.net.urls import host_of, parse_user_url
from bot.pipeline import TEXT_PREFIX, SummaryResult
from bot.store.limits import Verdict

log = logging.getLogger(__name__)

# Seconds an answer waits for work it started: a quick summary, and a quick failure (a blocked
# address, a paywall), answer at once instead of behind a "⏳" result.
GRACE = 1.0
MAX_WORK = 256  # summaries started by queries, kept (per process) until they finish
TOKEN_PREFIX = "a_"
# Telegram's start parameter: at most 64 characters of [A-Za-z0-9_-]; article keys are 16 hex.
_TOKEN = re.compile(r"^a_([0-9a-f]{16})$")
_LINKISH = re.compile(r"://|^[^\s/]+\.[a-z]{2,}", re.IGNORECASE)


def article_token(article_key: str) -> str | None:
    """The deep-link parameter naming an article; None for pasted text (nothing to link to)."""
    if article_key.startswith(TEXT_PREFIX):
        return None
    token = TOKEN_PREFIX + article_key
    return token if _TOKEN.match(token) else None


def article_key_of(token: str) -> str | None:
    """The article key a deep-link parameter names, or None when it names none."""
    match = _TOKEN.match(token.strip())
    return match.group(1) if match else None


@dataclass(frozen=True)
class Hint:
    """An empty query: say what to type."""


@dataclass(frozen=True)
class NoLink:
    """A query with no link in it."""


@dataclass(frozen=True)
class TooFast:
    verdict: Verdict


@dataclass(frozen=True)
class Failed:
    """The link can't be summarized: ``reason`` for the user, None when it took too long."""

    reason: str | None
    url: str = ""


@dataclass(frozen=True)
class Ready:
    result: SummaryResult
    token: str | None  # the "Ask the bot" deep-link parameter


@dataclass(frozen=True)
class Pending:
    """The summary is being made: offer a "⏳" result that becomes it once picked."""

    url: str
    site: str


Offer = Hint | NoLink | TooFast | Failed | Ready | Pending


def link_in(query: str) -> str | Failed | None:
    """The first link in an inline query (cleaned), a Failed for a broken one, None for none."""
    first_error: NewsbotError | None = None
    for word in query.split():
        if not _LINKISH.search(word):
            continue
        try:
            return parse_user_url(word)
        except NewsbotError as exc:
            first_error = first_error or exc
    return Failed(first_error.reason) if first_error else None


class InlineSummaries:
    def __init__(self, summaries: Summaries, *, grace: float = GRACE) -> None:
        self.summaries = summaries
        self.grace = grace
        self._work: dict[tuple[str, str], asyncio.Task[SummaryResult]] = {}

    async def offer(self, query: str, subject: str, language: str) -> Offer:
        """What to answer an inline query with. A link that needs work counts against ``subject``'s
        link limit, like a link sent to the bot (a summary already made is free); a summary not made
        yet is started here."""
        if not query.strip():
            return Hint()
        url = link_in(query)
        if url is None or isinstance(url, Failed):
            return url or NoLink()
        try:
            ready = await self.summaries.ready_link(url, language)
        except NewsbotError as exc:  # a recent failure of the same link
            return Failed(exc.reason, url)
        if ready is not None:  # costs us nothing, so it costs the user nothing (as in a chat)
            return Ready(ready, article_token(ready.article_key))
        verdict = await self.summaries.within_limit(subject)
        if not verdict.allowed:
            return TooFast(verdict)
        try:
            work = self._start(url, language)
        except NewsbotError as exc:
            return Failed(exc.reason, url)
        done, _ = await asyncio.wait({work}, timeout=self.grace)
        if not done:
            return Pending(url, host_of(url, fallback=url))
        return self._outcome(work, url)

    async def deliver(self, query: str, language: str) -> Ready | Failed:
        """The summary a picked "⏳" result turns into: the work its query started (or, in another
        process or after a restart, the cache or the single flight others already wait on)."""
        url = link_in(query)
        if url is None or isinstance(url, Failed):
            return url or Failed(None)
        try:
            work = self._start(url, language)
        except NewsbotError as exc:
            return Failed(exc.reason, url)
        await asyncio.wait({work})
        return self._outcome(work, url)

    def _start(self, url: str, language: str) -> asyncio.Task[SummaryResult]:
        """The summary of ``url`` under way in this process, started if it isn't."""
        key = (url, language)
        work = self._work.get(key)
        if work is not None:
            return work
        if len(self._work) >= MAX_WORK:
            raise NewsbotError("I'm summarizing a lot right now. Please try again in a moment.", code="busy")
        work = asyncio.ensure_future(self.summaries.for_link(url, language))
        self._work[key] = work
        work.add_done_callback(lambda done: self._finished(key, done))
        return work

    def _finished(self, key: tuple[str, str], work: asyncio.Task[SummaryResult]) -> None:
        self._work.pop(key, None)
        if not work.cancelled():
            work.exception()  # read here: a result nobody picked must not log "never retrieved"

    @staticmethod
    def _outcome(work: asyncio.Task[SummaryResult], url: str) -> Ready | Failed:
        if work.cancelled():  # shutting down
            return Failed(None, url)
        error = work.exception()
        if error is None:
            result = work.result()
            return Ready(result, article_token(result.article_key))
        if isinstance(error, NewsbotError):
            return Failed(error.reason, url)
        if isinstance(error, TimeoutError):
            return Failed(None, url)
        log.error("inline summary failed", extra=url_fields(url), exc_info=error)
        return Failed(None, url)

    async def url_of_token(self, token: str) -> tuple[str, str] | None:
        """(article key, URL) a deep-link parameter names, while the URL is remembered."""
        key = article_key_of(token)
        url = await self.summaries.link_of(key) if key else None
        return (key, url) if key and url else None
