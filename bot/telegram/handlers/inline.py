"""Inline mode: ``@bot <link>`` in any chat offers the summary; a picked "⏳" result is edited into
it when it is ready (Telegram reports the pick only with BotFather's inline feedback on)."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest

from bot.app.inline import Ready
from bot.telegram import inline_results, messages, sender
from bot.telegram.context import NewsContext

log = logging.getLogger(__name__)


async def inline_query(update: Update, context: NewsContext) -> None:
    query = update.inline_query
    if query is None:
        return
    language = await messages.language_of(update, context)
    offer = await context.inline.offer(query.query, messages.limit_subject(update), language)
    answer = inline_results.answer(offer, language, context.bot.username)
    await answer_inline(update, answer)
    log.info("inline query answered", extra={"offer": type(offer).__name__.lower()})


async def answer_inline(update: Update, answer: inline_results.Answer) -> None:
    """Answer the update's inline query; one that expired meanwhile (the user typed on) is let go."""
    query = update.inline_query
    if query is None:
        return
    try:
        await query.answer(answer.results, cache_time=answer.cache_time, is_personal=True)
    except BadRequest as exc:
        log.info("inline query not answered", extra={"query_id": query.id, "error": str(exc)})


async def chosen_result(update: Update, context: NewsContext) -> None:
    """A "⏳" result was sent: edit it into the summary (or a clear failure) once that is ready."""
    chosen = update.chosen_inline_result
    if chosen is None or chosen.result_id != inline_results.PENDING_ID or not chosen.inline_message_id:
        return
    language = await messages.language_of(update, context)
    outcome = await context.inline.deliver(chosen.query, language)
    text, markup = inline_results.delivered(outcome, language, context.bot.username)
    try:
        await sender.edit_inline_html(context.bot, chosen.inline_message_id, text, markup)
    except BadRequest as exc:  # the user deleted the message meanwhile
        log.info("inline message not editable",
                 extra={"inline_message_id": chosen.inline_message_id, "error": str(exc)})
        return
    log.info("inline summary delivered", extra={"ok": isinstance(outcome, Ready)})
