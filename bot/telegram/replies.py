"""A summary as a reply, in as few Bot API calls as the answer allows.

A summary that is already made (or made within ``GRACE``) is sent straight away as the final
message: one call. Only slower work shows progress, and with one call: a ⏳ placeholder that is then
edited into the summary (more parts follow as replies) or into a friendly error.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from telegram import Message

from bot import metrics, render
from bot.errors import NewsbotError
from bot.pipeline import SummaryResult
from bot.telegram import keyboards, sender, texts
from bot.telegram.context import NewsContext

log = logging.getLogger(__name__)

# Seconds of work a reply may take before the user is shown progress. The user should see something
# within ~300 ms of sending; this clock starts only once the update has reached the handler and the
# progress message still has to travel, so it stops well short of that.
GRACE = 0.2

T = TypeVar("T")
Summarize = Callable[[], Awaitable[SummaryResult]]
Ready = Callable[[], Awaitable[SummaryResult | None]]
Outcome = SummaryResult | str  # the summary, or an error message (HTML)


async def within_grace(work: asyncio.Future[T]) -> bool:
    """Wait up to ``GRACE`` for ``work``; True when it finished (it keeps running otherwise)."""
    done, _ = await asyncio.wait({work}, timeout=GRACE)
    return bool(done)


async def _settle(summarize: Callable[[], Awaitable[SummaryResult | None]]) -> Outcome | None:
    try:
        return await summarize()
    except (NewsbotError, TimeoutError) as exc:
        metrics.replied(exc.code if isinstance(exc, NewsbotError) else "timeout")
        return render.render_error(exc.reason if isinstance(exc, NewsbotError) else texts.TOO_SLOW)


async def reply_with_summary(
    context: NewsContext, message: Message, placeholder: str, summarize: Summarize, ready: Ready | None = None
) -> None:
    """Reply to ``message`` with the summary: ``ready`` looks it up (None: not made yet), else
    ``summarize`` makes it, behind ``placeholder`` when that takes longer than ``GRACE``."""
    outcome = await _settle(ready) if ready is not None else None
    if outcome is None:
        work = asyncio.ensure_future(_settle(summarize))
        if not await within_grace(work):
            pending = await sender.reply_html(message, placeholder)
            await _edit_into(context, pending, await work, keep_on_error=False)
            return
        outcome = work.result()
    if not isinstance(outcome, SummaryResult):
        await sender.reply_html(message, outcome or render.render_error(texts.TOO_SLOW))
        return
    await _send_new(context, message, outcome)


async def show_summary(context: NewsContext, target: Message, summarize: Summarize, *,
                       keep_on_error: bool = False) -> None:  # fmt: skip
    """Edit ``target`` into the summary. An error replaces it, or (``keep_on_error``: it already
    shows a summary worth keeping) goes into a new reply."""
    await _edit_into(context, target, await _settle(summarize), keep_on_error=keep_on_error)


async def _edit_into(context: NewsContext, target: Message, outcome: Outcome | None, *, keep_on_error: bool) -> None:
    if isinstance(outcome, str) or outcome is None:
        error = outcome or render.render_error(texts.TOO_SLOW)
        if keep_on_error:
            await sender.reply_html(target, error)
        else:
            await sender.edit_html(target, error)
        return
    _log_sent(outcome)
    key = outcome.article_key
    await context.conversations.begin(target.chat_id, target.message_id, key, outcome.article)
    parts = render.render_summary(outcome.article, outcome.summary, updated=outcome.updated)
    sent = await sender.deliver_parts(target, parts, keyboards.summary(outcome))
    for part in sent[1:]:
        await context.conversations.link(part.chat_id, part.message_id, key)


async def _send_new(context: NewsContext, message: Message, result: SummaryResult) -> None:
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
    _log_sent(result)


def _log_sent(result: SummaryResult) -> None:
    metrics.replied("summary")
    log.info("summary sent url=%s engine=%s cached=%s", result.article.url, result.summary.engine, result.cached)
