"""Send a link, get the story: links and pasted articles in, summary replies out."""

from __future__ import annotations

import asyncio
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatAction
from telegram.ext import ContextTypes

from bot import render
from bot.errors import NewsbotError
from bot.pipeline import SummaryResult
from bot.services import Services
from bot.telegram import messages, sender, texts
from bot.telegram.context import services_of

log = logging.getLogger(__name__)


def summary_keyboard(result: SummaryResult) -> InlineKeyboardMarkup:
    key = result.article_key
    rows = [[InlineKeyboardButton(f"❓ {q}", callback_data=f"q:{key}:{i}")]
            for i, q in enumerate(result.summary.questions)]
    actions = [InlineKeyboardButton("💬 Ask about this", callback_data=f"ask:{key}")]
    if not key.startswith("text:"):
        actions.append(InlineKeyboardButton("🔄 Refresh", callback_data=f"refresh:{key}"))
    rows.append(actions)
    if result.article.link.startswith(("http://", "https://")):
        rows.append([InlineKeyboardButton("🌐 Open original", url=result.article.link)])
    return InlineKeyboardMarkup(rows)


async def language_for(services: Services, update: Update) -> str:
    user = update.effective_user
    if user is None:
        return "en"
    stored = await services.chats.language(user.id)
    return stored or (user.language_code or "en").split("-")[0]


async def publish(services: Services, placeholder: Message, result: SummaryResult) -> None:
    """Turn the placeholder into the summary and remember what the message is about."""
    chat_id = placeholder.chat_id
    # State first: a question sent the moment the summary appears must find its article.
    await services.documents.put(result.article_key, result.article)
    await services.chats.link_message(chat_id, placeholder.message_id, result.article_key)
    await services.chats.set_active(chat_id, result.article_key)
    parts = render.render_summary(result.article, result.summary, updated=result.updated)
    sent = await sender.deliver_parts(placeholder, parts, summary_keyboard(result))
    for message in sent[1:]:
        await services.chats.link_message(chat_id, message.message_id, result.article_key)


async def _answer_one(services: Services, update: Update, message: Message, url: str | None,
                      text: str | None) -> None:
    language = await language_for(services, update)
    label = url if url else "your text"
    placeholder = await sender.reply_html(message, render.placeholder(label) if url else "⏳ Reading your text…")
    try:
        async with asyncio.timeout(services.settings.summary_deadline):
            if url:
                result = await services.pipeline.summarize_url(url, language=language)
            else:
                result = await services.pipeline.summarize_text(text or "", language=language)
    except NewsbotError as exc:
        await sender.edit_html(placeholder, render.render_error(exc.reason))
        return
    except TimeoutError:
        log.warning("summary deadline exceeded url=%s", url)
        await sender.edit_html(placeholder, render.render_error(texts.TOO_SLOW))
        return
    log.info("summary sent url=%s engine=%s cached=%s", url or "text", result.summary.engine, result.cached)
    await publish(services, placeholder, result)


async def summarize_links(update: Update, context: ContextTypes.DEFAULT_TYPE, links: list[str]) -> None:
    services = services_of(context)
    message = update.effective_message
    user = update.effective_user
    if message is None:
        return
    chosen = links[: messages.MAX_LINKS]
    if user and not await services.limits.allow(
        "links", user.id, services.settings.links_per_minute, cost=len(chosen)
    ):
        await sender.reply_html(message, render.esc(texts.RATE_LIMITED_LINKS))
        return
    await sender.safe(message.chat.send_action(ChatAction.TYPING), "typing")
    if len(links) > messages.MAX_LINKS:
        await sender.reply_html(message, render.esc(texts.TOO_MANY_LINKS.format(n=messages.MAX_LINKS)))
    await asyncio.gather(*(_answer_one(services, update, message, url, None) for url in chosen))


async def summarize_pasted(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
    services = services_of(context)
    message = update.effective_message
    user = update.effective_user
    if message is None:
        return
    if user and not await services.limits.allow("links", user.id, services.settings.links_per_minute):
        await sender.reply_html(message, render.esc(texts.RATE_LIMITED_LINKS))
        return
    await sender.safe(message.chat.send_action(ChatAction.TYPING), "typing")
    await _answer_one(services, update, message, None, text)


async def summarize_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/summarize <url> — also as a reply to a message that has a link (works in groups)."""
    message = update.effective_message
    if message is None:
        return
    links = messages.links_in(message)
    if not links and message.reply_to_message:
        links = messages.links_in(message.reply_to_message)
        if not links:
            quoted = messages.text_of(message.reply_to_message)
            if messages.is_pasted_article(quoted):
                await summarize_pasted(update, context, quoted)
                return
    if not links and context.args:
        links = [context.args[0]]  # a bare "example.com/story" that Telegram didn't mark as a link
    if not links:
        await sender.reply_html(message, texts.SUMMARIZE_USAGE)
        return
    await summarize_links(update, context, links)


async def refresh_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query is None or query.data is None or not isinstance(query.message, Message):
        return
    services = services_of(context)
    key = query.data.split(":", 1)[1]
    url = await services.pipeline.cache.url_for(key)
    if not url:
        await sender.safe(query.answer(texts.REFRESH_EXPIRED, show_alert=True), "answer")
        return
    await sender.safe(query.answer("Refreshing…"), "answer")
    language = await language_for(services, update)
    try:
        async with asyncio.timeout(services.settings.summary_deadline):
            result = await services.pipeline.summarize_url(url, language=language, refresh=True)
    except (NewsbotError, TimeoutError) as exc:
        reason = exc.reason if isinstance(exc, NewsbotError) else texts.TOO_SLOW
        await sender.reply_html(query.message, render.render_error(reason))
        return
    await publish(services, query.message, result)
