"""Plain messages: decide whether a message is links to summarize, a pasted article, a question
or chatter."""

from __future__ import annotations

from telegram import Update

from bot import render
from bot.telegram import messages, sender
from bot.telegram.catalog import t
from bot.telegram.context import NewsContext
from bot.telegram.handlers import links, questions
from bot.text.intent import Intent, intent_of


async def on_message(update: Update, context: NewsContext) -> None:
    message = update.effective_message
    if message is None:
        return
    bot = context.bot
    private = messages.is_private(message)
    urls = messages.links_in(message)
    text = messages.without_mention(messages.text_of(message), bot)

    if urls:
        if private or messages.mentions_bot(message, bot) or messages.replies_to_bot(message, bot):
            await links.summarize_links(update, context, message, urls)
        return
    if not text:
        if messages.mentions_bot(message, bot):  # "@botname" and nothing else: what can it do?
            await sender.reply_html(message, t("HELP", await messages.language_of(update, context)))
        return
    if messages.is_pasted_article(text) and (private or messages.mentions_bot(message, bot)):
        await links.summarize_pasted(update, context, message, text)
        return
    if messages.replies_to_bot(message, bot) and await questions.ask_replied(update, context, message, text):
        return
    if private:
        intent = intent_of(text)
        if intent is Intent.QUESTION:
            await questions.ask_active(update, context, message, text)
        else:
            await questions.chatter(update, context, message, greeting=intent is Intent.GREETING)
    elif messages.mentions_bot(message, bot) and message.reply_to_message is None:
        await sender.reply_html(message, render.esc(t("NO_LINK_HINT", await messages.language_of(update, context))))
