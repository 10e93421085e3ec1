"""Pick the engine, fall back when the LLM fails, and verify every quote against the article.

The LLM engine is used when one is configured; a timeout, an API error or unusable output after
its retries falls back to the extractive engine with a one-line note. Quotes from either engine
reach users only if they occur in the article and their speaker is named there.
"""

from __future__ import annotations

import asyncio
import logging

from bot.engines.extractive import summarize_extractive
from bot.engines.summary_llm import prompt_version, summarize_llm
from bot.errors import SummarizeError
from bot.llm.client import LLM
from bot.models import Article, Summary
from bot.text.quotes import verify_quotes

log = logging.getLogger(__name__)

EXTRACTIVE_VERSION = "x2"  # bump when the extractive algorithm changes, to refresh cached summaries
FALLBACK_NOTE = "The AI summarizer is unavailable right now, so this is an extractive summary."


def engine_identity(llm: LLM | None, language: str) -> tuple[str, str, str]:
    """(version, model, language) — the parts of the summary cache key that depend on the engine.
    The extractive engine doesn't translate, so its summaries are shared across languages."""
    if llm is None:
        return EXTRACTIVE_VERSION, "extractive", "orig"
    return prompt_version(), llm.model, language


async def summarize(
    article: Article, *, language: str, llm: LLM | None, token_budget: int, llm_deadline: float
) -> Summary:
    summary: Summary | None = None
    if llm is not None:
        try:
            async with asyncio.timeout(llm_deadline):
                summary = await summarize_llm(llm, article, language, token_budget)
        except (SummarizeError, TimeoutError) as exc:
            detail = exc.detail if isinstance(exc, SummarizeError) else f"deadline {llm_deadline:.0f}s"
            log.warning("llm summary failed, using extractive engine reason=%s detail=%s",
                        getattr(exc, "code", "timeout"), detail)
    if summary is None:
        summary = await asyncio.to_thread(summarize_extractive, article)
        if llm is not None:
            summary = summary.model_copy(update={"note": FALLBACK_NOTE})
    kept, dropped = verify_quotes(summary.quotes, article.text)
    if dropped:
        log.warning(
            "dropped unverifiable quotes count=%d engine=%s url=%s", len(dropped), summary.engine, article.url
        )
    return summary.model_copy(update={"quotes": kept})
