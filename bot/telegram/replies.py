"""A summary as a reply, in as few Bot API calls as the answer allows.

A summary that is already made (or made within ``GRACE``) is sent straight away as the final
message: one call. Only slower work shows progress, and with one call: a ⏳ placeholder that is then
edited into the summary (more parts follow as replies) or into a friendly error.

In a private chat an LLM summary streams instead (``stream_summary``): a draft shows the placeholder,
then the summary as the model writes it, and the final message replaces the draft. Where drafts are
refused, the placeholder is sent as a message and edited, as above.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TypeVar

from telegram import Message

from bot import metrics, render
from bot.engines.partial import SummaryProgress
from bot.errors import NewsbotError
from bot.logs import url_fields
from bot.models import SummaryDraft
from bot.pipeline import SummaryResult
from bot.telegram import keyboards, sender
from bot.telegram.catalog import reason, summary_words, t
from bot.telegram.context import NewsContext
from bot.telegram.drafts import Draft
from bot.telegram.reasons import reason_text

log = logging.getLogger(__name__)

# Seconds of work a reply may take before the user is shown progress. The user should see something
# within ~300 ms of sending; this clock starts only once the update has reached the handler and the
# progress message still has to travel, so it stops well short of that.
GRACE = 0.2

T = TypeVar("T")
Summarize = Callable[[], Awaitable[SummaryResult]]
StreamedSummarize = Callable[[SummaryProgress], Awaitable[SummaryResult]]
Ready = Callable[[], Awaitable[SummaryResult | None]]
Outcome = SummaryResult | str  # the summary, or an error message (HTML)


@dataclass(frozen=True)
class _Job:
    """One summary reply: where it goes, in which language, and since when (for the log line)."""

    chat_id: int
    lang: str
    started: float = field(default_factory=time.monotonic)

    def ms(self) -> int:
        return round((time.monotonic() - self.started) * 1000)


async def within_grace(work: asyncio.Future[T]) -> bool:
    """Wait up to ``GRACE`` for ``work``; True when it finished (it keeps running otherwise)."""
    done, _ = await asyncio.wait({work}, timeout=GRACE)
    return bool(done)


async def _settle(summarize: Callable[[], Awaitable[SummaryResult | None]], job: _Job) -> Outcome | None:
    try:
        return await summarize()
    except (NewsbotError, TimeoutError) as exc:
        why = exc.code if isinstance(exc, NewsbotError) else "timeout"
        metrics.replied(why)
        log.info("summary not made", extra={"chat_id": job.chat_id, "outcome": why, "reason": why,
                                            "duration_ms": job.ms()})  # fmt: skip
        lang = job.lang
        return render.render_error(reason_text(exc, lang) if isinstance(exc, NewsbotError) else t("TOO_SLOW", lang))


async def reply_with_summary(
    context: NewsContext, message: Message, placeholder: str, summarize: Summarize, ready: Ready | None = None,
    *, lang: str,
) -> None:  # fmt: skip
    """Reply to ``message`` with the summary: ``ready`` looks it up (None: not made yet), else
    ``summarize`` makes it, behind ``placeholder`` when that takes longer than ``GRACE``."""
    job = _Job(message.chat_id, lang)
    outcome = await _settle(ready, job) if ready is not None else None
    if outcome is None:
        work = asyncio.ensure_future(_settle(summarize, job))
        if not await within_grace(work):
            pending = await sender.reply_html(message, placeholder)
            await _edit_into(context, pending, await work, job, keep_on_error=False)
            return
        outcome = work.result()
    await _send_outcome(context, message, outcome, job)


async def stream_summary(
    context: NewsContext, message: Message, placeholder: str, summarize: StreamedSummarize, ready: Ready | None = None,
    *, lang: str,
) -> None:  # fmt: skip
    """Like ``reply_with_summary`` in a private chat, the summary streamed into a draft while
    ``summarize`` makes it. Drafts refused: the placeholder-and-edit path."""
    job = _Job(message.chat_id, lang)
    outcome = await _settle(ready, job) if ready is not None else None
    if outcome is not None:
        await _send_outcome(context, message, outcome, job)
        return
    draft = Draft(context.bot, message.chat_id, interval=context.summaries.draft_interval)
    words = summary_words(lang)

    def progress(state: SummaryDraft) -> None:
        draft.show(render.render_summary_draft(state, words))

    work = asyncio.ensure_future(_settle(lambda: summarize(progress), job))
    try:
        if not await within_grace(work):
            draft.start(placeholder)
        await draft.until_done_or_refused(work)
        if draft.rejected.is_set():
            pending = await sender.reply_html(message, placeholder)
            await _edit_into(context, pending, await work, job, keep_on_error=False)
            return
        outcome = await work
        if isinstance(outcome, SummaryResult):
            await draft.close()  # the whole summary on screen before the message replaces it
        await _send_outcome(context, message, outcome, job)
    finally:
        await draft.discard()
        work.cancel()


async def _send_outcome(context: NewsContext, message: Message, outcome: Outcome | None, job: _Job) -> None:
    if not isinstance(outcome, SummaryResult):
        await sender.reply_html(message, outcome or render.render_error(t("TOO_SLOW", job.lang)))
        return
    await _send_new(context, message, outcome, job)


async def show_summary(context: NewsContext, target: Message, summarize: Summarize, *,
                       keep_on_error: bool = False, lang: str) -> None:  # fmt: skip
    """Edit ``target`` into the summary. An error replaces it, or (``keep_on_error``: it already
    shows a summary worth keeping) goes into a new reply."""
    job = _Job(target.chat_id, lang)
    await _edit_into(context, target, await _settle(summarize, job), job, keep_on_error=keep_on_error)


async def _edit_into(
    context: NewsContext, target: Message, outcome: Outcome | None, job: _Job, *, keep_on_error: bool
) -> None:
    lang = job.lang
    if isinstance(outcome, str) or outcome is None:
        error = outcome or render.render_error(t("TOO_SLOW", lang))
        if keep_on_error:
            await sender.reply_html(target, error)
        else:
            await sender.edit_html(target, error)
        return
    _log_sent(outcome, job)
    key = outcome.article_key
    await context.conversations.begin(target.chat_id, target.message_id, key, outcome.article)
    parts = _rendered(outcome, lang)
    sent = await sender.deliver_parts(target, parts, keyboards.summary(outcome, lang))
    for part in sent[1:]:
        await context.conversations.link(part.chat_id, part.message_id, key)


async def _send_new(context: NewsContext, message: Message, result: SummaryResult, job: _Job) -> None:
    """The summary as new replies to ``message`` (keyboard on the last part), each linked to its article."""
    key = result.article_key
    await context.conversations.open(message.chat_id, key, result.article)
    parts = _rendered(result, job.lang)
    markup = keyboards.summary(result, job.lang)
    previous = message
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        previous = await sender.reply_html(previous, part, markup if last else None, quote=i == 0)
        await context.conversations.link(previous.chat_id, previous.message_id, key)
    _log_sent(result, job)


def _rendered(result: SummaryResult, lang: str) -> list[str]:
    """The summary's messages, its fixed words and its note (why it is extractive) in ``lang``."""
    summary = result.summary
    if summary.note:
        summary = summary.model_copy(update={"note": reason(summary.note, lang)})
    return render.render_summary(result.article, summary, updated=result.updated, words=summary_words(lang))


def _log_sent(result: SummaryResult, job: _Job) -> None:
    metrics.replied("summary")
    log.info("summary sent", extra={"chat_id": job.chat_id, **url_fields(result.article.url), "outcome": "summary",
                                    "engine": result.summary.engine, "cached": result.cached,
                                    "duration_ms": job.ms()})  # fmt: skip
