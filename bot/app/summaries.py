"""Summaries of links and pasted text, under the deadline a user waits for a reply."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, replace

from bot import cpu
from bot.engines.partial import SummaryProgress
from bot.errors import NewsbotError
from bot.follow.changes import Change, compare
from bot.logs import url_fields
from bot.models import Article
from bot.pipeline import Pipeline, SummaryResult
from bot.store.limits import ALLOWED, RateLimiter, Rule, Verdict

log = logging.getLogger(__name__)

# The link limit counts in units, so a failed link can cost a fraction of one that was summarized:
# a summary costs us a fetch and an LLM call, a failure (dead page, paywall) only the fetch.
UNITS_PER_LINK = 3
UNITS_PER_FAILED_LINK = 1


@dataclass(frozen=True)
class Admission:
    """What a message's links cost. ``ready``: answered from the cache (a summary, or a recent
    failure), free; ``admitted``: counted, to work on; ``refused``: over the limit (``verdict`` says
    when to try again)."""

    ready: dict[str, SummaryResult | NewsbotError]
    admitted: list[str]
    refused: list[str]
    verdict: Verdict


@dataclass(frozen=True)
class Refreshed:
    """A summary fetched again: ``changed`` when its text differs from the one the user saw (the
    summary is then marked updated); ``change`` says what changed, the way a followed story's
    update does, when the text the user saw is still kept and the difference is material."""

    result: SummaryResult
    changed: bool
    change: Change | None = None


class Summaries:
    def __init__(self, pipeline: Pipeline, limits: RateLimiter, *, deadline: float, links_per_minute: int) -> None:
        self.pipeline = pipeline
        self.limits = limits
        self.deadline = deadline
        self.rule = Rule("links", links_per_minute * UNITS_PER_LINK)

    async def within_limit(self, subject: str, links: int = 1) -> Verdict:
        """Whether ``subject`` may have ``links`` more summaries now (and counts them). Links,
        refreshes and a digest entry's full summary all count here."""
        return await self.limits.allow(self.rule, subject, cost=links * UNITS_PER_LINK)

    async def admit_links(self, subject: str, urls: list[str], language: str) -> Admission:
        """Count a message's links fairly: only those that need work (a cache hit costs us nothing,
        so it costs the user nothing), all or none of them. ``urls`` are valid links."""
        ready: dict[str, SummaryResult | NewsbotError] = {}
        pending: list[str] = []
        for url in urls:
            try:
                found = await self.ready_link(url, language)
            except NewsbotError as exc:
                ready[url] = exc
                continue
            if found is None:
                pending.append(url)
            else:
                ready[url] = found
        if not pending:
            return Admission(ready, [], [], ALLOWED)
        verdict = await self.within_limit(subject, len(pending))
        if not verdict.allowed:
            return Admission(ready, [], pending, verdict)
        return Admission(ready, pending, [], verdict)

    async def for_admitted_link(
        self, admission: Admission, subject: str, url: str, language: str, *, progress: SummaryProgress | None = None
    ) -> SummaryResult:
        """``for_link`` for one of ``admission``'s links; a link that fails gives back most of its cost."""
        try:
            return await self.for_link(url, language, progress=progress)
        except NewsbotError:
            first = admission.admitted.index(url) * UNITS_PER_LINK + 1
            await self.limits.refund(self.rule, subject, admission.verdict, UNITS_PER_LINK - UNITS_PER_FAILED_LINK,
                                     first=first)  # fmt: skip
            raise

    @property
    def streamed(self) -> bool:
        """Whether new summaries stream: written by an LLM (``progress`` has something to show) and
        streaming is on (STREAM_REPLIES)."""
        return self.pipeline.llm is not None and self.pipeline.settings.stream_replies

    @property
    def draft_interval(self) -> float:
        """Seconds between two updates of a streamed reply's draft, at least (DRAFT_INTERVAL)."""
        return self.pipeline.settings.draft_interval

    async def for_link(
        self, url: str, language: str, *, refresh: bool = False, progress: SummaryProgress | None = None
    ) -> SummaryResult:
        """Raises NewsbotError (with a reason for the user) or TimeoutError past the deadline.
        ``progress`` sees the summary while the LLM writes it."""
        try:
            async with asyncio.timeout(self.deadline):
                return await self.pipeline.summarize_url(url, language=language, refresh=refresh, progress=progress)
        except TimeoutError:
            log.warning("summary deadline exceeded", extra={**url_fields(url), "deadline_s": self.deadline})
            raise

    async def refresh(self, url: str, language: str, seen: Article | None) -> Refreshed:
        """The article fetched again; compared with the text the user saw (unknown counts as changed).
        Raises like ``for_link``."""
        result = await self.for_link(url, language, refresh=True)
        if seen is not None and result.article.text_hash == seen.text_hash:
            return Refreshed(result, changed=False)
        change = None
        if seen is not None:
            new = result.article
            found = await cpu.run(
                compare, seen.title, seen.paragraphs, new.title, new.paragraphs, what="compare versions"
            )
            change = found if found.material else None
        return Refreshed(replace(result, updated=True), changed=True, change=change)

    async def for_text(self, text: str, language: str, *, progress: SummaryProgress | None = None) -> SummaryResult:
        """Like ``for_link``, for an article's text the user pasted."""
        try:
            async with asyncio.timeout(self.deadline):
                return await self.pipeline.summarize_text(text, language=language, progress=progress)
        except TimeoutError:
            log.warning("summary deadline exceeded", extra={"url": "text", "deadline_s": self.deadline})
            raise

    @property
    def max_pdf_bytes(self) -> int:
        return self.pipeline.settings.fetch_max_bytes

    def pdf_fits(self, size: int | None) -> bool:
        """Whether a document of ``size`` bytes (None: unknown) may be downloaded and read."""
        return not size or size <= self.max_pdf_bytes

    async def for_pdf(self, data: bytes, name: str, language: str) -> SummaryResult:
        """Like ``for_link``, for a PDF document the user sent (its bytes and file name)."""
        try:
            async with asyncio.timeout(self.deadline):
                return await self.pipeline.summarize_pdf(data, name=name, language=language)
        except TimeoutError:
            log.warning("summary deadline exceeded", extra={"pdf": name})
            raise

    async def ready_link(self, url: str, language: str) -> SummaryResult | None:
        """The summary ``for_link`` would give when it is already made, else None (no work started).
        Raises NewsbotError for an invalid link or a recent failure."""
        return await self.pipeline.ready_url(url, language=language)

    async def ready_text(self, text: str, language: str) -> SummaryResult | None:
        """Like ``ready_link``, for pasted text."""
        return await self.pipeline.ready_text(text, language=language)

    async def link_of(self, article_key: str) -> str | None:
        """The URL behind an article key (from a button), while it is remembered."""
        return await self.pipeline.cache.url_for(article_key)
