"""The one path from a link (or pasted text) to a summary: fetch → extract → summarize.

Caching and coalescing live here: an article is fetched once per TTL however many people send it,
and summarized once per (text, prompt version, model, language) — across processes sharing Redis.
Nothing here knows about Telegram; the bot, the CLI and the digest all call this.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass

from bot import metrics
from bot.config import Settings
from bot.engines.extractive import is_heading
from bot.engines.partial import SummaryProgress
from bot.engines.policy import BUDGET_NOTE
from bot.engines.summary import engine_identity, summarize
from bot.errors import NewsbotError
from bot.extract import PdfLimits, extract_article, pdf_article
from bot.llm.client import LLM
from bot.logs import url_fields
from bot.models import Article, Summary
from bot.net.fetch import Fetcher
from bot.net.sites import may_speak_for
from bot.net.urls import normalize_url, parse_user_url, url_key
from bot.store.cache import Cache, summary_key
from bot.store.singleflight import SingleFlight

log = logging.getLogger(__name__)

FALLBACK_SUMMARY_TTL = 300  # an extractive stand-in for a failed LLM is kept briefly, then retried
TEXT_PREFIX = "text:"
PDF_PREFIX = "pdf:"  # an uploaded PDF, keyed by the hash of its bytes


@dataclass(frozen=True)
class SummaryResult:
    article: Article
    article_key: str  # short key of the article (callback buttons, conversations)
    summary: Summary
    cached: bool  # the summary came from the cache
    updated: bool  # the article text changed since it was first summarized


def text_article(text: str) -> tuple[str, Article]:
    """An article made from text a user pasted."""
    paragraphs = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    if len(paragraphs) == 1:
        paragraphs = [line.strip() for line in text.splitlines() if line.strip()]
    digest = hashlib.sha256("\n\n".join(paragraphs).encode()).hexdigest()[:16]
    first = paragraphs[0] if paragraphs else ""
    # Only a heading is a title; a short first sentence is the lead, which the summary needs.
    title = first if len(first) <= 120 and len(paragraphs) > 1 and is_heading(first) else ""
    body = paragraphs[1:] if title and len(paragraphs) > 1 else paragraphs
    return TEXT_PREFIX + digest, Article(url=TEXT_PREFIX + digest, title=title, paragraphs=body)


class Pipeline:
    def __init__(
        self, settings: Settings, cache: Cache, flight: SingleFlight, fetcher: Fetcher, llm: LLM | None
    ) -> None:
        self.settings = settings
        self.cache = cache
        self.flight = flight
        self.fetcher = fetcher
        self.llm = llm
        self.pdf_limits = PdfLimits.of(settings)

    # -- articles ---------------------------------------------------------------------------

    async def article(self, url: str, *, refresh: bool = False) -> tuple[str, Article]:
        """The article at `url` (cached for a short TTL); raises NewsbotError with a user reason."""
        identity = normalize_url(parse_user_url(url))
        key = url_key(identity)

        async def lookup() -> Article | None:
            failure = await self.cache.get_failure(key)
            if failure:
                raise failure
            return await self.cache.get_article(key)

        async def compute() -> Article:
            return await self._fetch_and_extract(identity, key)

        # A refresh fetches again at most once per interval, through the same single flight as
        # everyone else: 15 presses of 🔄 are one fetch, and an unchanged text one summary (its
        # cache is keyed by the text's hash).
        if refresh and await self.cache.claim_refresh(key, self.settings.refresh_interval):
            log.info("article refresh", extra=url_fields(identity))
        return key, await self.flight.run(
            f"article:{key}", lookup, compute, wait_timeout=self.settings.fetch_timeout + 10
        )

    async def _fetch_and_extract(self, identity: str, key: str) -> Article:
        started = time.monotonic()
        try:
            fetched = await self.fetcher.fetch(identity, kinds=("html", "pdf"))
            article = await extract_article(fetched, url=identity, pdf_limits=self.pdf_limits)
        except NewsbotError as exc:
            log.info("article failed", extra={**url_fields(identity), "outcome": exc.code, "reason": exc.code,
                                              "detail": exc.detail})  # fmt: skip
            await self.cache.put_failure(key, exc, self.settings.negative_cache_ttl)
            raise
        # Also cached under the address we ended at, and under the canonical URL when the page
        # may speak for it: one tenant's page must never be served as another tenant's article.
        fetched_at = article.final_url or identity
        aliases = [key]
        for other in (article.final_url, article.canonical_url):
            if other and may_speak_for(fetched_at, other):
                try:
                    aliases.append(url_key(normalize_url(other)))
                except NewsbotError:
                    pass
        await self.cache.put_article(aliases, article, self.settings.article_cache_ttl)
        await self.cache.remember_url(key, identity)
        log.info("article fetched", extra={**url_fields(identity), "outcome": "ok", "words": article.words,
                                           "duration_ms": round((time.monotonic() - started) * 1000)})
        return article

    async def pdf_upload(self, data: bytes, *, name: str = "") -> tuple[str, Article]:
        """The article in an uploaded PDF, cached (failures too) by the hash of its bytes: the same
        file sent again, by anyone, is read once per TTL."""
        key = PDF_PREFIX + hashlib.sha256(data).hexdigest()[:32]

        async def lookup() -> Article | None:
            failure = await self.cache.get_failure(key)
            if failure:
                raise failure
            return await self.cache.get_article(key)

        async def compute() -> Article:
            started = time.monotonic()
            try:
                article = await pdf_article(data, key, limits=self.pdf_limits)
            except NewsbotError as exc:
                log.info("pdf failed", extra={"file": name, "code": exc.code, "detail": exc.detail})
                await self.cache.put_failure(key, exc, self.settings.negative_cache_ttl)
                raise
            await self.cache.put_article([key], article, self.settings.article_cache_ttl)
            log.info("pdf read",
                     extra={"file": name, "pages": article.pages, "words": article.words,
                            "duration_ms": round((time.monotonic() - started) * 1000)})  # fmt: skip
            return article

        wait = self.settings.pdf_timeout + 10
        article = await self.flight.run(f"article:{key}", lookup, compute, wait_timeout=wait)
        # the same bytes may come under another name: each sender sees the name they gave it
        return key, article.model_copy(update={"site": name}) if name else article

    # -- summaries --------------------------------------------------------------------------

    async def summarize_url(
        self, url: str, *, language: str, refresh: bool = False, progress: SummaryProgress | None = None
    ) -> SummaryResult:
        started = time.monotonic()
        key, article = await self.article(url, refresh=refresh)
        return await self.summarize_article(key, article, language=language, started=started, progress=progress)

    async def summarize_pdf(self, data: bytes, *, name: str, language: str) -> SummaryResult:
        started = time.monotonic()
        key, article = await self.pdf_upload(data, name=name)
        return await self.summarize_article(key, article, language=language, started=started)

    async def summarize_text(
        self, text: str, *, language: str, progress: SummaryProgress | None = None
    ) -> SummaryResult:
        key, article = text_article(text)
        return await self.summarize_article(key, article, language=language, progress=progress)

    async def ready_url(self, url: str, *, language: str) -> SummaryResult | None:
        """The summary of ``url`` when it is already made (nothing fetched or computed); None when it
        is not. A recent failure for the URL is ready too: it raises, like ``summarize_url``."""
        identity = normalize_url(parse_user_url(url))
        key = url_key(identity)
        failure = await self.cache.get_failure(key)
        if failure:
            raise failure
        article = await self.cache.get_article(key)
        return await self._ready(key, article, language) if article else None

    async def ready_text(self, text: str, *, language: str) -> SummaryResult | None:
        """Like ``ready_url``, for pasted text."""
        key, article = text_article(text)
        return await self._ready(key, article, language)

    async def _ready(self, key: str, article: Article, language: str) -> SummaryResult | None:
        summary = await self.cached_summary(article, language=language)
        if summary is None:
            return None  # the work that follows counts the lookup
        metrics.cache(hit=True)
        return SummaryResult(article, key, summary, cached=True, updated=await self._updated(key, article))

    async def _updated(self, key: str, article: Article) -> bool:
        story = url_key(normalize_url(article.canonical_url)) if article.canonical_url else key
        return await self.cache.changed_since_first(story, article.text_hash)

    async def cached_summary(self, article: Article, *, language: str) -> Summary | None:
        """The summary the configured engine already made of this text, if any (no work done)."""
        return await self.cache.get_summary(self._summary_key(article, language, self.llm))

    def _summary_key(self, article: Article, language: str, llm: LLM | None) -> str:
        version, model, lang = engine_identity(llm, language)
        return summary_key(article.text_hash, version, model, lang)

    async def summarize_article(
        self, key: str, article: Article, *, language: str, started: float | None = None, offline: bool = False,
        progress: SummaryProgress | None = None,
    ) -> SummaryResult:
        """Summarize (or find in the cache); ``offline`` forces the extractive engine (digest budget).
        ``progress`` sees the LLM's summary as it is written, when this call is the one making it
        (a caller that waits for another's single flight gets the finished summary only)."""
        started = time.monotonic() if started is None else started
        llm = None if offline else self.llm
        skey = self._summary_key(article, language, llm)
        computed = False

        async def lookup() -> Summary | None:
            return await self.cache.get_summary(skey)

        async def compute() -> Summary:
            nonlocal computed
            computed = True
            # Leave room inside the user-facing deadline for the fallback and the reply.
            remaining = self.settings.summary_deadline - (time.monotonic() - started) - 5
            summary = await summarize(
                article,
                language=language,
                llm=llm,
                token_budget=self.settings.llm_article_token_budget,
                llm_deadline=max(remaining, 3.0),
                progress=progress,
            )
            fell_back = llm is not None and summary.engine != "llm"
            ttl = FALLBACK_SUMMARY_TTL if fell_back else self.settings.summary_cache_ttl
            if summary.note != BUDGET_NOTE:  # over one user's budget: not everyone's summary
                await self.cache.put_summary(skey, summary, ttl)
            return summary

        summary = await self.flight.run(
            f"summary:{skey}", lookup, compute, wait_timeout=self.settings.summary_deadline,
            stop_when_abandoned=progress is not None,  # a streamed reply the user stopped
        )
        metrics.cache(hit=not computed)
        updated = await self._updated(key, article)
        return SummaryResult(article, key, summary, cached=not computed, updated=updated)
