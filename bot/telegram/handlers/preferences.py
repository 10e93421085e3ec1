"""/language: the summary language, stored per user."""

from __future__ import annotations

import re

from telegram import Update
from telegram.ext import ContextTypes

from bot import render
from bot.telegram import sender, texts
from bot.telegram.context import services_of
from bot.telegram.handlers.links import language_for

_CODE = re.compile(r"^[a-z]{2,3}(-[a-z]{2,4})?$")


async def language_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    services = services_of(context)
    if not context.args:
        current = await language_for(services, update)
        await sender.reply_html(message, texts.LANGUAGE_USAGE.format(current=render.esc(current)))
        return
    code = context.args[0].strip().lower().replace("_", "-")
    if code in {"auto", "default", "reset"}:
        await services.chats.clear_language(user.id)
        await sender.reply_html(message, texts.LANGUAGE_AUTO)
        return
    if not _CODE.match(code):
        await sender.reply_html(message, render.esc(texts.LANGUAGE_BAD.format(code=code[:20])))
        return
    await services.chats.set_language(user.id, code)
    await sender.reply_html(message, texts.LANGUAGE_SET.format(code=render.esc(code)))
