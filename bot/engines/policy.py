"""The one engine policy for summaries and answers.

The LLM gets a deadline; a timeout, an API error or unusable output after its retries falls back
to the extractive engine (CPU-bound, so in a thread). Whichever engine answered, its quotes reach
users only if they occur in the article and their speaker is named there.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from bot import cpu
from bot.errors import SummarizeError
from bot.models import Answer, Article, Summary
from bot.text.quotes import verify_quotes

log = logging.getLogger(__name__)

Result = TypeVar("Result", Summary, Answer)

_FELL_BACK = "llm %s failed, using extractive engine reason=%s detail=%s"


async def llm_or_extractive(
    kind: str,
    article: Article,
    *,
    llm_call: Callable[[], Awaitable[Result]] | None,
    extractive: Callable[[], Result],  # runs in a CPU worker: picklable (a partial of a module function)
    deadline: float,
) -> Result:
    """``llm_call()`` within ``deadline`` seconds, else ``extractive()``; quotes verified either way.

    ``kind`` ("summary", "answer") names the work in log lines. ``llm_call`` is None when no LLM
    is configured.
    """
    result: Result | None = None
    if llm_call is not None:
        try:
            async with asyncio.timeout(deadline):
                result = await llm_call()
        except SummarizeError as exc:
            log.warning(_FELL_BACK, kind, exc.code, exc.detail)
        except TimeoutError:
            log.warning(_FELL_BACK, kind, "timeout", f"deadline {deadline:.0f}s")
    if result is None:
        result = await cpu.run(extractive, what=f"extractive {kind}")
    kept, dropped = verify_quotes(result.quotes, article.text)
    if dropped:
        log.warning("dropped unverifiable %s quotes count=%d engine=%s url=%s",
                    kind, len(dropped), result.engine, article.url)
    return result.model_copy(update={"quotes": kept})
