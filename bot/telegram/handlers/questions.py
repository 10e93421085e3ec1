"""Ask about it: follow-up questions answered from the article, per chat and per article."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram import Chat, ForceReply, Message, Update
from telegram.constants import ChatAction, ParseMode

from bot import render
from bot.app.conversations import Question, Refusal, Reply, headline_of
from bot.callbacks import AskAbout, AskSuggested
from bot.models import AnswerDraft
from bot.store.limits import Verdict
from bot.telegram import drafts, keyboards, messages, pickers, sender, views
from bot.telegram.buttons import Press
from bot.telegram.catalog import reason, t
from bot.telegram.context import NewsContext
from bot.telegram.drafts import Draft
from bot.telegram.replies import within_grace
from bot.telegram.stops import STREAMS

log = logging.getLogger(__name__)

TYPING_EVERY = 4.0  # Telegram shows a chat action for about 5 s


def _refusal(refusal: Refusal | Verdict, context: NewsContext, lang: str) -> str:
    if isinstance(refusal, Verdict):
        return views.too_fast("RATE_LIMITED_QUESTIONS", refusal, lang)
    if refusal is Refusal.TOO_LONG:
        return t("QUESTION_TOO_LONG", lang, n=context.conversations.max_question_chars)
    return t("ARTICLE_GONE", lang)


def _heading(headline: str, lang: str) -> str:
    return t("ANSWER_ABOUT", lang, title=render.esc(headline)) if headline else ""


def _render_reply(reply: Reply, lang: str) -> str:
    """The answer under a line naming its article; the first miss of a conversation says why."""
    blocks = [_heading(reply.headline, lang)] if reply.headline else []
    if reply.off_topic_note:
        blocks.append(render.esc(t("ONLY_ABOUT_ARTICLE", lang, title=reply.headline)))
    body = render.render_answer(reply.answer.model_copy(update={"text": reason(reply.answer.text, lang)}))
    return "\n".join(blocks) + "\n\n" + body if blocks else body


async def answer(update: Update, context: NewsContext, key: str, question: str, reply_to: Message) -> None:
    """Answer ``question`` about the article ``key`` in a reply to ``reply_to``."""
    conversations = context.conversations
    chat_id = reply_to.chat_id
    lang = await messages.language_of(update, context)
    asked = await conversations.ask(chat_id, messages.limit_subject(update), key, question)
    if isinstance(asked, Refusal | Verdict):
        await sender.reply_html(reply_to, render.esc(_refusal(asked, context, lang)))
        return
    if messages.is_private(reply_to) and conversations.streamed and drafts.available():
        await STREAMS.run(chat_id, _streamed_answer(context, asked, lang, reply_to))
        return
    work = asyncio.ensure_future(conversations.answer(asked, lang))
    await _typing_until(work, reply_to.chat)  # a slow answer: show, every few seconds, that one is coming
    await _send_answer(context, await work, lang, reply_to, key)


async def _streamed_answer(context: NewsContext, asked: Question, lang: str, reply_to: Message) -> None:
    """The answer streamed into a draft while the LLM writes it, then sent; drafts refused: typing…"""
    draft = Draft(context.bot, reply_to.chat_id, interval=context.summaries.draft_interval)
    heading = _heading(headline_of(asked.article), lang)

    def progress(state: AnswerDraft) -> None:
        draft.show(render.render_answer_draft(state, heading))

    work = asyncio.ensure_future(context.conversations.answer(asked, lang, progress))
    try:
        if not await within_grace(work):
            draft.start(render.render_answer_draft(AnswerDraft(), heading))
        await draft.until_done_or_refused(work)
        if draft.rejected.is_set():
            await _typing_until(work, reply_to.chat)
        reply = await work
        await draft.close()  # the whole answer on screen before the message replaces it
        await _send_answer(context, reply, lang, reply_to, asked.article_key)
    finally:
        await draft.discard()
        work.cancel()


async def _send_answer(context: NewsContext, reply: Reply, lang: str, reply_to: Message, key: str) -> None:
    sent = await sender.reply_html(reply_to, _render_reply(reply, lang))
    log.info("answer sent", extra={"chat_id": reply_to.chat_id, "engine": reply.answer.engine,
                                   "found": reply.answer.found})  # fmt: skip
    await context.conversations.link(reply_to.chat_id, sent.message_id, key)


async def _typing_until(work: asyncio.Future[Any], chat: Chat) -> None:
    """A slow answer: "typing…" from the end of the grace period until the answer is ready."""
    if await within_grace(work):
        return
    while not work.done():
        await sender.safe(chat.send_action(ChatAction.TYPING), "typing")
        await asyncio.wait({work}, timeout=TYPING_EVERY)


async def ask_active(update: Update, context: NewsContext, message: Message, question: str) -> None:
    """A plain message in a private chat that reads as a question: about the chat's active article."""
    key = await context.conversations.active(message.chat_id)
    if key is None:
        lang = await messages.language_of(update, context)
        await sender.reply_html(message, render.esc(t("NO_ACTIVE_ARTICLE", lang)))
        return
    await answer(update, context, key, question, message)


async def chatter(update: Update, context: NewsContext, message: Message, greeting: bool) -> None:
    """A greeting, thanks, emoji or gibberish: what the bot can do, not an answer from the article."""
    lang = await messages.language_of(update, context)
    key = await context.conversations.active(message.chat_id)
    title = await context.conversations.title(key) if key else ""
    hint = t("CHAT_HINT_ACTIVE", lang, title=title) if title else t("CHAT_HINT", lang)
    text = f"{t('HELLO', lang)} {hint}" if greeting else hint
    markup = pickers.ask_about(key, t("BUTTON_ASK", lang)) if key and title else None
    await sender.reply_html(message, render.esc(text), markup)


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
    lang = await messages.language_of(press.update, context)
    verdict = await context.conversations.may_prompt(messages.limit_subject(press.update))
    if not verdict.allowed:
        await press.toast(views.too_fast("RATE_LIMITED_QUESTIONS", verdict, lang), alert=True)
        return
    await press.toast()
    title = await context.conversations.title(key)
    prompt = await press.message.reply_text(
        render.ask_prompt(title, t("ASK_PROMPT", lang), t("ASK_PROMPT_UNTITLED", lang)),
        parse_mode=ParseMode.HTML,
        reply_markup=ForceReply(selective=True, input_field_placeholder=t("QUESTION_PLACEHOLDER", lang)),
    )
    await context.conversations.link(prompt.chat_id, prompt.message_id, key)


async def suggested_question(press: Press[AskSuggested], context: NewsContext) -> None:
    """❓ A suggested-question button: ask the question written on it."""
    question = keyboards.suggested_question(press.message.reply_markup, press.query.data or "")
    await press.toast()
    if not question:
        return
    await answer(press.update, context, press.action.key, question, press.message)


async def stop_command(update: Update, context: NewsContext) -> None:
    """/stop: the reply being written in this chat stops (its LLM request too); nothing more of it comes."""
    message = update.effective_message
    if message is None:
        return
    stopped = STREAMS.stop(message.chat_id)
    lang = await messages.language_of(update, context)
    await sender.reply_html(message, render.esc(t("STOPPED" if stopped else "NOTHING_TO_STOP", lang)))


async def new_conversation(update: Update, context: NewsContext) -> None:
    message = update.effective_message
    if message is None:
        return
    forgotten = await context.conversations.forget(message.chat_id)
    lang = await messages.language_of(update, context)
    await sender.reply_html(message, render.esc(t("FORGOT" if forgotten else "NOT_SAVED", lang)))
