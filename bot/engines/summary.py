"""Summaries: the entry point, and the engine's part of the summary cache key.

The LLM engine is used when one is configured; when it fails, the extractive summary carries a
one-line note saying why it is not the AI's (the policy itself is in ``bot.engines.policy``).
"""

from __future__ import annotations

from functools import partial

from bot.engines.extractive import summarize_extractive
from bot.engines.llm_summary import prompt_version, summarize_llm
from bot.engines.partial import SummaryProgress
from bot.engines.policy import llm_or_extractive
from bot.llm.client import LLM
from bot.models import Article, Summary

EXTRACTIVE_VERSION = "x3"  # bump when the extractive algorithm changes, to refresh cached summaries
FALLBACK_NOTE = "The AI summarizer is unavailable right now, so this is an extractive summary."


def engine_identity(llm: LLM | None, language: str) -> tuple[str, str, str]:
    """(version, model, language) — the parts of the summary cache key that depend on the engine.
    The extractive engine doesn't translate, so its summaries are shared across languages."""
    if llm is None:
        return EXTRACTIVE_VERSION, "extractive", "orig"
    return prompt_version(), llm.model, language


def _extractive(article: Article, *, fallback: bool) -> Summary:
    """The extractive summary (in a CPU worker); ``fallback``: it stands in for the LLM's."""
    summary = summarize_extractive(article)
    return summary.model_copy(update={"note": FALLBACK_NOTE}) if fallback else summary


async def summarize(
    article: Article, *, language: str, llm: LLM | None, token_budget: int, llm_deadline: float,
    progress: SummaryProgress | None = None,
) -> Summary:
    """The summary; with an LLM, ``progress`` sees it as it is written (the extractive one isn't streamed)."""
    return await llm_or_extractive(
        "summary",
        article,
        llm_call=None if llm is None else lambda: summarize_llm(llm, article, language, token_budget, progress),
        extractive=partial(_extractive, article, fallback=llm is not None),
        deadline=llm_deadline,
        breaker=None if llm is None else llm.breaker,
    )
