"""A summary as a reply: a ⏳ placeholder, the summary under the deadline, then the placeholder
edited into the summary (more parts follow as replies) or into a friendly error."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from telegram import Message

from bot import render
from bot.errors import NewsbotError
from bot.pipeline import SummaryResult
from bot.telegram import keyboards, sender, texts
from bot.telegram.context import NewsContext

log = logging.getLogger(__name__)

Summarize = Callable[[], Awaitable[SummaryResult]]


async def reply_with_summary(context: NewsContext, message: Message, placeholder: str, summarize: Summarize) -> None:
    """Reply to ``message`` with ``placeholder``, then turn it into the summary or an error."""
    pending = await sender.reply_html(message, placeholder)
    await show_summary(context, pending, summarize)


async def show_summary(context: NewsContext, target: Message, summarize: Summarize, *,
                       keep_on_error: bool = False) -> None:  # fmt: skip
    """Edit ``target`` into the summary. An error replaces it, or (``keep_on_error``: it already
    shows a summary worth keeping) goes into a new reply."""
    try:
        result = await summarize()
    except (NewsbotError, TimeoutError) as exc:
        error = render.render_error(exc.reason if isinstance(exc, NewsbotError) else texts.TOO_SLOW)
        if keep_on_error:
            await sender.reply_html(target, error)
        else:
            await sender.edit_html(target, error)
        return
    log.info("summary sent url=%s engine=%s cached=%s", result.article.url, result.summary.engine, result.cached)
    conversations = context.conversations
    key = result.article_key
    await conversations.begin(target.chat_id, target.message_id, key, result.article)
    parts = render.render_summary(result.article, result.summary, updated=result.updated)
    sent = await sender.deliver_parts(target, parts, keyboards.summary(result))
    for message in sent[1:]:
        await conversations.link(message.chat_id, message.message_id, key)
