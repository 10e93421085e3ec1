"""Ask about it: follow-up questions answered from the article, per chat and per article."""

from __future__ import annotations

import logging

from telegram import ForceReply, Message, Update
from telegram.constants import ChatAction
from telegram.ext import ContextTypes

from bot import render
from bot.engines.answer import answer_question
from bot.errors import NewsbotError
from bot.models import Article
from bot.services import Services
from bot.telegram import sender, texts
from bot.telegram.context import services_of
from bot.telegram.handlers.links import language_for

log = logging.getLogger(__name__)


async def load_article(services: Services, key: str) -> Article | None:
    """The article behind a key: kept documents first, else fetched again from its URL."""
    article = await services.documents.get(key)
    if article is not None:
        return article
    url = await services.pipeline.cache.url_for(key)
    if not url:
        return None
    try:
        _, article = await services.pipeline.article(url)
    except NewsbotError:
        return None
    await services.documents.put(key, article)
    return article


async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE, key: str, question: str,
                 reply_to: Message) -> None:
    services = services_of(context)
    settings = services.settings
    user = update.effective_user
    chat_id = reply_to.chat_id
    question = question.strip()
    if len(question) > settings.max_question_chars:
        await sender.reply_html(reply_to, render.esc(texts.QUESTION_TOO_LONG.format(n=settings.max_question_chars)))
        return
    if user and not await services.limits.allow("questions", user.id, settings.questions_per_minute):
        await sender.reply_html(reply_to, render.esc(texts.RATE_LIMITED_QUESTIONS))
        return
    article = await load_article(services, key)
    if article is None:
        await sender.reply_html(reply_to, render.esc(texts.ARTICLE_GONE))
        return
    await sender.safe(reply_to.chat.send_action(ChatAction.TYPING), "typing")
    history = await services.chats.history(chat_id, key)
    result = await answer_question(
        article, question, history=history, language=await language_for(services, update),
        llm=services.llm, token_budget=settings.llm_article_token_budget,
        deadline=settings.summary_deadline - 5,
    )
    await services.chats.add_turn(chat_id, key, question, result.text)
    await services.chats.set_active(chat_id, key)
    sent = await sender.reply_html(reply_to, render.render_answer(result))
    log.info("answer sent chat_id=%s engine=%s found=%s", chat_id, result.engine, result.found)
    await services.chats.link_message(chat_id, sent.message_id, key)


async def ask_active(update: Update, context: ContextTypes.DEFAULT_TYPE, question: str) -> None:
    """A plain message in a private chat: a question about the chat's active article."""
    message = update.effective_message
    if message is None:
        return
    services = services_of(context)
    key = await services.chats.active(message.chat_id)
    if key is None:
        await sender.reply_html(message, render.esc(texts.NO_ACTIVE_ARTICLE))
        return
    await answer(update, context, key, question, message)


async def ask_replied(update: Update, context: ContextTypes.DEFAULT_TYPE, question: str) -> bool:
    """A reply to one of our messages: a question about *that* message's article.
    Returns False when the replied-to message is about no article."""
    message = update.effective_message
    if message is None or message.reply_to_message is None:
        return False
    services = services_of(context)
    key = await services.chats.article_of_message(message.chat_id, message.reply_to_message.message_id)
    if key is None:
        return False
    await answer(update, context, key, question, message)
    return True


async def ask_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """ "Ask about this": prompt with a ForceReply; the reply is the question."""
    query = update.callback_query
    if query is None or query.data is None or not isinstance(query.message, Message):
        return
    services = services_of(context)
    key = query.data.split(":", 1)[1]
    await sender.safe(query.answer(), "answer")
    article = await services.documents.get(key)
    prompt = await query.message.reply_text(
        render.ask_prompt(article.title if article else ""),
        parse_mode="HTML",
        reply_markup=ForceReply(selective=True, input_field_placeholder="Your question…"),
    )
    await services.chats.link_message(prompt.chat_id, prompt.message_id, key)


async def suggested_question(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A suggested-question button: ask the question written on it."""
    query = update.callback_query
    if query is None or query.data is None or not isinstance(query.message, Message):
        return
    key = query.data.split(":", 2)[1]
    question = None
    markup = query.message.reply_markup
    for row in markup.inline_keyboard if markup else ():
        for button in row:
            if button.callback_data == query.data:
                question = button.text.removeprefix("❓ ").strip()
    await sender.safe(query.answer(), "answer")
    if not question:
        return
    await answer(update, context, key, question, query.message)


async def new_conversation(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is None:
        return
    await services_of(context).chats.forget(message.chat_id)
    await sender.reply_html(message, render.esc(texts.FORGOT))
