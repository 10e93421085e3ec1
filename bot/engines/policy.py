"""The one engine policy for summaries and answers.

The LLM gets a deadline; a timeout, an API error or unusable output after its retries falls back
to the extractive engine (CPU-bound, so in a thread), and counts towards the LLM's circuit
breaker: while it is open the extractive engine answers at once. Whichever engine answered, its quotes reach
users only if they occur in the article and their speaker is named there.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from bot import cpu, metrics
from bot.errors import SummarizeError
from bot.llm.breaker import CircuitBreaker
from bot.llm.usage import BUDGET_CODE
from bot.logs import url_fields
from bot.models import Answer, Article, Summary
from bot.text.quotes import verify_quotes

log = logging.getLogger(__name__)

Result = TypeVar("Result", Summary, Answer)

_FELL_BACK = "llm failed, using extractive engine"
BUDGET_NOTE = "The daily AI allowance is used up, so this is an extractive summary."


async def llm_or_extractive(
    kind: str,
    article: Article,
    *,
    llm_call: Callable[[], Awaitable[Result]] | None,
    extractive: Callable[[], Result],  # runs in a CPU worker: picklable (a partial of a module function)
    deadline: float,
    breaker: CircuitBreaker | None = None,
) -> Result:
    """``llm_call()`` within ``deadline`` seconds, else ``extractive()``; quotes verified either way.

    ``kind`` ("summary", "answer") names the work in log lines. ``llm_call`` is None when no LLM
    is configured. While ``breaker`` is open the LLM is not called at all.
    """
    result: Result | None = None
    reason = "breaker_open"
    if llm_call is not None and (breaker is None or breaker.allows()):
        result, reason = await _try_llm(kind, llm_call, deadline, breaker)
    if result is None:
        if llm_call is not None:
            metrics.fallback(kind, reason)
        result = await cpu.run(extractive, what=f"extractive {kind}")
        if reason == BUDGET_CODE and isinstance(result, Summary):  # an answer has no note
            result = result.model_copy(update={"note": BUDGET_NOTE})
    # Verification attributes every quotation of the article: CPU work, so off the event loop too.
    kept, dropped = (
        await cpu.run(verify_quotes, result.quotes, article.text, what=f"verify {kind} quotes")
        if result.quotes else ([], [])
    )  # fmt: skip
    if dropped:
        log.warning("dropped unverifiable quotes", extra={"kind": kind, "count": len(dropped), "engine": result.engine,
                                                          **url_fields(article.url)})  # fmt: skip
    return result.model_copy(update={"quotes": kept})


async def _try_llm(
    kind: str, llm_call: Callable[[], Awaitable[Result]], deadline: float, breaker: CircuitBreaker | None
) -> tuple[Result | None, str]:
    """The LLM's result, or None and why after a failure (logged, and counted by ``breaker``)."""
    try:
        async with asyncio.timeout(deadline):
            result = await llm_call()
    except SummarizeError as exc:
        log.warning(_FELL_BACK, extra={"kind": kind, "reason": exc.code, "detail": exc.detail})
        if exc.code in ("llm_refused", BUDGET_CODE):  # the endpoint works; it wasn't (to be) asked
            return None, exc.code
        reason = exc.code
    except TimeoutError:
        log.warning(_FELL_BACK, extra={"kind": kind, "reason": "timeout", "detail": f"deadline {deadline:.0f}s"})
        reason = "timeout"
    except asyncio.CancelledError:
        if breaker is not None:
            breaker.abandoned()
        raise
    else:
        if breaker is not None:
            breaker.succeeded()
        return result, "ok"
    if breaker is not None:
        breaker.failed()
    return None, reason
