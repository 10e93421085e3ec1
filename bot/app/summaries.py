"""Summaries of links and pasted text, under the deadline a user waits for a reply."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, replace

from bot.logs import url_fields
from bot.pipeline import Pipeline, SummaryResult
from bot.store.limits import RateLimiter, Rule, Verdict

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Refreshed:
    """A summary fetched again: ``changed`` when its text differs from the one the user saw (the
    summary is then marked updated)."""

    result: SummaryResult
    changed: bool


class Summaries:
    def __init__(self, pipeline: Pipeline, limits: RateLimiter, *, deadline: float, links_per_minute: int) -> None:
        self.pipeline = pipeline
        self.limits = limits
        self.deadline = deadline
        self.rule = Rule("links", links_per_minute)

    async def within_limit(self, subject: str, links: int = 1) -> Verdict:
        """Whether ``subject`` may have ``links`` more summaries now (and counts them). Links,
        refreshes and a digest entry's full summary all count here."""
        return await self.limits.allow(self.rule, subject, cost=links)

    async def for_link(self, url: str, language: str, *, refresh: bool = False) -> SummaryResult:
        """Raises NewsbotError (with a reason for the user) or TimeoutError past the deadline."""
        try:
            async with asyncio.timeout(self.deadline):
                return await self.pipeline.summarize_url(url, language=language, refresh=refresh)
        except TimeoutError:
            log.warning("summary deadline exceeded", extra={**url_fields(url), "deadline_s": self.deadline})
            raise

    async def refresh(self, url: str, language: str, seen_text_hash: str | None) -> Refreshed:
        """The article fetched again; compared with the text the user saw (unknown counts as changed).
        Raises like ``for_link``."""
        result = await self.for_link(url, language, refresh=True)
        if seen_text_hash is not None and result.article.text_hash == seen_text_hash:
            return Refreshed(result, changed=False)
        return Refreshed(replace(result, updated=True), changed=True)

    async def for_text(self, text: str, language: str) -> SummaryResult:
        """Like ``for_link``, for an article's text the user pasted."""
        try:
            async with asyncio.timeout(self.deadline):
                return await self.pipeline.summarize_text(text, language=language)
        except TimeoutError:
            log.warning("summary deadline exceeded", extra={"url": "text", "deadline_s": self.deadline})
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
