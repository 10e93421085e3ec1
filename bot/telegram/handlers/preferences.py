"""/language: the summary language, stored per user."""

from __future__ import annotations

from telegram import Update

from bot import render
from bot.telegram import messages, sender, texts
from bot.telegram.context import NewsContext


async def language_command(update: Update, context: NewsContext) -> None:
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    if not context.args:
        current = await messages.language_of(update, context)
        await sender.reply_html(message, texts.LANGUAGE_USAGE.format(current=render.esc(current)))
        return
    choice = await context.preferences.choose_language(user.id, context.args[0])
    if choice.outcome == "auto":
        await sender.reply_html(message, texts.LANGUAGE_AUTO)
    elif choice.outcome == "unsaved":
        await sender.reply_html(message, render.esc(texts.NOT_SAVED))
    elif choice.outcome == "unknown":
        await sender.reply_html(message, render.esc(texts.LANGUAGE_BAD.format(code=choice.code[:20])))
    else:
        await sender.reply_html(message, texts.LANGUAGE_SET.format(code=render.esc(choice.code)))
