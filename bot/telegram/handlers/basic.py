"""/start, /help, unknown commands, the allowlist gate and the error handler."""

from __future__ import annotations

import html
import logging

from telegram import Update
from telegram.constants import ChatType, ParseMode
from telegram.ext import ApplicationHandlerStop

from bot.telegram import messages, texts
from bot.telegram.catalog import t
from bot.telegram.context import NewsContext

log = logging.getLogger(__name__)


async def start(update: Update, context: NewsContext) -> None:
    user = update.effective_user
    if update.effective_chat:
        await context.digests.resume_if_stopped(update.effective_chat.id)
    name = f", {html.escape(user.first_name)}" if user and user.first_name else ""
    if update.effective_message:
        lang = await messages.language_of(update, context)
        await update.effective_message.reply_text(t("WELCOME", lang, name=name), parse_mode=ParseMode.HTML)


async def help_command(update: Update, context: NewsContext) -> None:
    if update.effective_message:
        lang = await messages.language_of(update, context)
        await update.effective_message.reply_text(t("HELP", lang), parse_mode=ParseMode.HTML)


async def unknown_command(update: Update, context: NewsContext) -> None:
    message = update.effective_message
    if not message or not message.text:
        return
    command = message.text.split()[0].split("@")[0]
    await message.reply_text(texts.UNKNOWN_COMMAND.format(command=command))


async def allowlist_gate(update: Update, context: NewsContext) -> None:
    """Runs before every handler: stops updates from users outside ALLOWED_USER_IDS."""
    user_id = messages.user_id_of(update)
    if context.access.admits(user_id):
        return
    log.info("update refused by allowlist user_id=%s", user_id)
    if update.callback_query:
        await update.callback_query.answer(texts.NOT_ALLOWED, show_alert=True)
    elif update.effective_message and update.effective_chat and update.effective_chat.type == ChatType.PRIVATE:
        await update.effective_message.reply_text(texts.NOT_ALLOWED)
    raise ApplicationHandlerStop


async def on_error(update: object, context: NewsContext) -> None:
    """Last line of defence: log the bug, tell the user something friendly, keep running."""
    log.error("unhandled error in handler", exc_info=context.error)
    if isinstance(update, Update) and update.effective_message:
        try:
            await update.effective_message.reply_text(texts.INTERNAL_ERROR)
        except Exception:  # the apology itself failed (blocked, flood); nothing more to do
            log.warning("could not deliver error apology", exc_info=True)
