"""A summary as a reply, in as few Bot API calls as the answer allows.

A summary that is already made (or made within ``GRACE``) is sent straight away as the final
message: one call. Only slower work shows progress, and with one call: a ⏳ placeholder that is then
edited into the summary (more parts follow as replies) or into a friendly error.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from telegram import Message

from bot import metrics, render
from bot.errors import NewsbotError
from bot.logs import url_fields
from bot.pipeline import SummaryResult
from bot.telegram import keyboards, sender, texts
from bot.telegram.context import NewsContext

log = logging.getLogger(__name__)

GRACE = 0.3  # seconds of work a reply may take before the user is shown progress

T = TypeVar("T")
Summarize = Callable[[], Awaitable[SummaryResult]]
Ready = Callable[[], Awaitable[SummaryResult | None]]
Outcome = SummaryResult | str  # the summary, or an error message (HTML)


async def within_grace(work: asyncio.Future[T]) -> bool:
    """Wait up to ``GRACE`` for ``work``; True when it finished (it keeps running otherwise)."""
    done, _ = await asyncio.wait({work}, timeout=GRACE)
    return bool(done)


async def _settle(summarize: Callable[[], Awaitable[SummaryResult | None]], chat_id: int, started: float
                  ) -> Outcome | None:  # fmt: skip
    try:
        return await summarize()
    except (NewsbotError, TimeoutError) as exc:
        reason = exc.code if isinstance(exc, NewsbotError) else "timeout"
        metrics.replied(reason)
        log.info("summary not made", extra={"chat_id": chat_id, "outcome": reason, "reason": reason,
                                            "duration_ms": _ms_since(started)})  # fmt: skip
        return render.render_error(exc.reason if isinstance(exc, NewsbotError) else texts.TOO_SLOW)


def _ms_since(started: float) -> int:
    return round((time.monotonic() - started) * 1000)


async def reply_with_summary(
    context: NewsContext, message: Message, placeholder: str, summarize: Summarize, ready: Ready | None = None
) -> None:
    """Reply to ``message`` with the summary: ``ready`` looks it up (None: not made yet), else
    ``summarize`` makes it, behind ``placeholder`` when that takes longer than ``GRACE``."""
    started = time.monotonic()
    outcome = await _settle(ready, message.chat_id, started) if ready is not None else None
    if outcome is None:
        work = asyncio.ensure_future(_settle(summarize, message.chat_id, started))
        if not await within_grace(work):
            pending = await sender.reply_html(message, placeholder)
            await _edit_into(context, pending, await work, started, keep_on_error=False)
            return
        outcome = work.result()
    if not isinstance(outcome, SummaryResult):
        await sender.reply_html(message, outcome or render.render_error(texts.TOO_SLOW))
        return
    await _send_new(context, message, outcome, started)


async def show_summary(context: NewsContext, target: Message, summarize: Summarize, *,
                       keep_on_error: bool = False) -> None:  # fmt: skip
    """Edit ``target`` into the summary. An error replaces it, or (``keep_on_error``: it already
    shows a summary worth keeping) goes into a new reply."""
    started = time.monotonic()
    outcome = await _settle(summarize, target.chat_id, started)
    await _edit_into(context, target, outcome, started, keep_on_error=keep_on_error)


async def _edit_into(context: NewsContext, target: Message, outcome: Outcome | None, started: float, *,
                     keep_on_error: bool) -> None:  # fmt: skip
    if isinstance(outcome, str) or outcome is None:
        error = outcome or render.render_error(texts.TOO_SLOW)
        if keep_on_error:
            await sender.reply_html(target, error)
        else:
            await sender.edit_html(target, error)
        return
    _log_sent(outcome, target.chat_id, started)
    key = outcome.article_key
    await context.conversations.begin(target.chat_id, target.message_id, key, outcome.article)
    parts = render.render_summary(outcome.article, outcome.summary, updated=outcome.updated)
    sent = await sender.deliver_parts(target, parts, keyboards.summary(outcome))
    for part in sent[1:]:
        await context.conversations.link(part.chat_id, part.message_id, key)


async def _send_new(context: NewsContext, message: Message, result: SummaryResult, started: float) -> None:
    """The summary as new replies to ``message`` (keyboard on the last part), each linked to its article."""
    key = result.article_key
    await context.conversations.open(message.chat_id, key, result.article)
    parts = render.render_summary(result.article, result.summary, updated=result.updated)
    markup = keyboards.summary(result)
    previous = message
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        previous = await sender.reply_html(previous, part, markup if last else None, quote=i == 0)
        await context.conversations.link(previous.chat_id, previous.message_id, key)
    _log_sent(result, message.chat_id, started)


def _log_sent(result: SummaryResult, chat_id: int, started: float) -> None:
    metrics.replied("summary")
    log.info("summary sent", extra={"chat_id": chat_id, **url_fields(result.article.url), "outcome": "summary",
                                    "engine": result.summary.engine, "cached": result.cached,
                                    "duration_ms": _ms_since(started)})  # fmt: skip
