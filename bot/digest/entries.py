"""One summary line per story, shared by every chat whose digest carries it.

The line comes from the summary cache through the pipeline, so an article is fetched and
summarized once for all users (LLM calls per digest run = distinct articles). The LLM engine is
used while the day's digest budget lasts (DIGEST_LLM_DAILY_BUDGET), then the offline extractive
engine. Lines are cached per article and language and computed under a cross-process single-flight.

Only what we fetched and extracted ourselves is shared: a feed's own text says whatever its author
likes, about any URL, so it is never cached for other chats. When the article can't be read, the
line is the feed text of the chat's own items (its own feeds), marked as the feed's.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from bot.digest.compose import Story
from bot.errors import NewsbotError
from bot.logs import url_fields
from bot.models import Summary
from bot.net.urls import normalize_url, url_key
from bot.pipeline import Pipeline
from bot.store.runs import RunStore
from bot.text.clean import shorten, strip_furniture

log = logging.getLogger(__name__)

LINE_CHARS = 240
LLM_LINE_TTL = 12 * 3600
OFFLINE_LINE_TTL = 3600
NO_LINE_TTL = 600  # the article couldn't be read: try again soon


@dataclass(frozen=True, slots=True)
class EntryText:
    line: str
    article_key: str | None  # pipeline key of the article (buttons), None when it can't be fetched
    engine: str  # "llm" | "extractive"; "none" (shared: no line) | "feed" (this chat's feed text)


def summary_line(summary: Summary) -> str:
    """One or two short lines: the first bullet, plus the second when both are short."""
    # The same cleaning as extraction: an LLM summary can carry furniture the page glued in.
    bullets = [line for line in (strip_furniture(b) for b in summary.bullets) if line]
    if not bullets:
        return ""
    line = bullets[0]
    if len(bullets) > 1 and len(line) + len(bullets[1]) < LINE_CHARS - 1:
        line = f"{line} {bullets[1]}"
    return shorten(line, LINE_CHARS)


def story_cache_key(story: Story) -> str:
    if story.url:
        try:
            return url_key(story.url)
        except NewsbotError:
            pass
    return story.key


def feed_text(story: Story) -> str:
    text = next((item.summary for item in story.items if item.summary), "")
    if text.casefold().startswith(story.title.casefold()):
        text = text[len(story.title) :].lstrip(" .:-–—")
    return shorten(text, LINE_CHARS)


class EntrySummarizer:
    def __init__(self, pipeline: Pipeline, runs: RunStore, *, daily_budget: int, wait_timeout: float) -> None:
        self.pipeline = pipeline
        self.runs = runs
        self.daily_budget = daily_budget
        self.wait_timeout = wait_timeout  # how long a second process waits for the first one's line

    async def text(self, story: Story, language: str, now: datetime) -> EntryText:
        """The article's line, shared by every chat; else the story's feed text (``story`` holds
        only the asking chat's items: their feeds' words reach no other chat)."""
        shared = await self.article_text(story, language, now)
        if shared.line:
            return shared
        return EntryText(feed_text(story), shared.article_key, "feed")

    async def article_text(self, story: Story, language: str, now: datetime) -> EntryText:
        key = story_cache_key(story)

        async def lookup() -> EntryText | None:
            cached = await self.runs.entry(key, language)
            return EntryText(**cached) if cached else None

        async def compute() -> EntryText:
            entry, ttl = await self._compute(story, language, now)
            await self.runs.save_entry(key, language, {"line": entry.line, "article_key": entry.article_key,
                                                       "engine": entry.engine}, ttl)  # fmt: skip
            return entry

        return await self.pipeline.flight.run(
            f"dentry:{key}:{language}", lookup, compute, wait_timeout=self.wait_timeout
        )

    async def _compute(self, story: Story, language: str, now: datetime) -> tuple[EntryText, int]:
        if not story.url:
            return EntryText("", None, "none"), NO_LINE_TTL
        try:
            article_key, article = await self.pipeline.article(story.url)
        except NewsbotError as exc:
            log.info("digest entry has no article line", extra={**url_fields(story.url), "reason": exc.code})
            return EntryText("", None, "none"), NO_LINE_TTL
        except Exception:
            # Cached like any failure, so the chats that share this story don't each hit (and log) it.
            log.exception("digest entry article crashed", extra=url_fields(story.url))
            return EntryText("", None, "none"), NO_LINE_TTL
        await self.pipeline.cache.remember_url(article_key, normalize_url(story.url))
        summary: Summary | None = None
        try:
            if self.pipeline.llm is not None:
                summary = await self.pipeline.cached_summary(article, language=language)
                if summary is None and await self.runs.take_llm_budget(now.date(), self.daily_budget):
                    summary = (await self.pipeline.summarize_article(article_key, article, language=language)).summary
            if summary is None:
                summary = (
                    await self.pipeline.summarize_article(article_key, article, language=language, offline=True)
                ).summary
        except NewsbotError as exc:
            log.info("digest entry summary failed", extra={**url_fields(story.url), "reason": exc.code})
            return EntryText("", article_key, "none"), NO_LINE_TTL
        line = summary_line(summary)
        ttl = LLM_LINE_TTL if summary.engine == "llm" else OFFLINE_LINE_TTL
        return EntryText(line, article_key, summary.engine), ttl
