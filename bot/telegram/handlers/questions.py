"""Ask about it: follow-up questions answered from the article, per chat and per article."""

from __future__ import annotations

import asyncio
import logging

from telegram import Chat, ForceReply, Message, Update
from telegram.constants import ChatAction, ParseMode

from bot import render
from bot.app.conversations import Refusal
from bot.callbacks import AskAbout, AskSuggested
from bot.models import Answer
from bot.telegram import keyboards, messages, sender, texts
from bot.telegram.buttons import Press
from bot.telegram.context import NewsContext
from bot.telegram.replies import within_grace

log = logging.getLogger(__name__)

TYPING_EVERY = 4.0  # Telegram shows a chat action for about 5 s


def _refusal(refusal: Refusal, context: NewsContext) -> str:
    if refusal is Refusal.TOO_LONG:
        return texts.QUESTION_TOO_LONG.format(n=context.conversations.max_question_chars)
    if refusal is Refusal.TOO_FAST:
        return texts.RATE_LIMITED_QUESTIONS
    return texts.ARTICLE_GONE


async def answer(update: Update, context: NewsContext, key: str, question: str, reply_to: Message) -> None:
    """Answer ``question`` about the article ``key`` in a reply to ``reply_to``."""
    user = update.effective_user
    conversations = context.conversations
    chat_id = reply_to.chat_id
    asked = await conversations.ask(chat_id, user.id if user else None, key, question)
    if isinstance(asked, Refusal):
        await sender.reply_html(reply_to, render.esc(_refusal(asked, context)))
        return
    work = asyncio.ensure_future(conversations.answer(asked, await messages.language_of(update, context)))
    await _typing_until(work, reply_to.chat)
    result = await work
    sent = await sender.reply_html(reply_to, render.render_answer(result))
    log.info("answer sent chat_id=%s engine=%s found=%s", chat_id, result.engine, result.found)
    await conversations.link(chat_id, sent.message_id, key)


async def _typing_until(work: asyncio.Future[Answer], chat: Chat) -> None:
    """A slow answer: "typing…" from the end of the grace period until the answer is ready."""
    if await within_grace(work):
        return
    while not work.done():
        await sender.safe(chat.send_action(ChatAction.TYPING), "typing")
        await asyncio.wait({work}, timeout=TYPING_EVERY)


async def ask_active(update: Update, context: NewsContext, message: Message, question: str) -> None:
    """A plain message in a private chat: a question about the chat's active article."""
    key = await context.conversations.active(message.chat_id)
    if key is None:
        await sender.reply_html(message, render.esc(texts.NO_ACTIVE_ARTICLE))
        return
    await answer(update, context, key, question, message)


async def ask_replied(update: Update, context: NewsContext, message: Message, question: str) -> bool:
    """A reply to one of our messages: a question about *that* message's article.
    Returns False when the replied-to message is about no article."""
    if message.reply_to_message is None:
        return False
    key = await context.conversations.about(message.chat_id, message.reply_to_message.message_id)
    if key is None:
        return False
    await answer(update, context, key, question, message)
    return True


async def ask_button(press: Press[AskAbout], context: NewsContext) -> None:
    """💬 "Ask about this": prompt with a ForceReply; the reply is the question."""
    key = press.action.key
    await press.toast()
    title = await context.conversations.title(key)
    prompt = await press.message.reply_text(
        render.ask_prompt(title),
        parse_mode=ParseMode.HTML,
        reply_markup=ForceReply(selective=True, input_field_placeholder=texts.QUESTION_PLACEHOLDER),
    )
    await context.conversations.link(prompt.chat_id, prompt.message_id, key)


async def suggested_question(press: Press[AskSuggested], context: NewsContext) -> None:
    """❓ A suggested-question button: ask the question written on it."""
    question = keyboards.suggested_question(press.message.reply_markup, press.query.data or "")
    await press.toast()
    if not question:
        return
    await answer(press.update, context, press.action.key, question, press.message)


async def new_conversation(update: Update, context: NewsContext) -> None:
    message = update.effective_message
    if message is None:
        return
    forgotten = await context.conversations.forget(message.chat_id)
    await sender.reply_html(message, render.esc(texts.FORGOT if forgotten else texts.NOT_SAVED))
