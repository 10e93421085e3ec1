"""/start, /help, unknown commands, the allowlist gate and the error handler."""

from __future__ import annotations

import html
import logging

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.telegram import texts
from bot.telegram.context import services_of

log = logging.getLogger(__name__)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    user = update.effective_user
    services = services_of(context)
    chat = update.effective_chat
    # Best effort: with Redis down the welcome still goes out; the next /start unparks.
    if chat and await services.guard.call(lambda: services.subscriptions.unpark(chat.id), False):
        log.info("chat unparked by /start chat_id=%s", chat.id)  # digests resume
    name = f", {html.escape(user.first_name)}" if user and user.first_name else ""
    if update.effective_message:
        await update.effective_message.reply_text(
            texts.WELCOME.format(name=name), parse_mode=ParseMode.HTML
        )


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_message:
        await update.effective_message.reply_text(texts.HELP, parse_mode=ParseMode.HTML)


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if not message or not message.text:
        return
    command = message.text.split()[0].split("@")[0]
    await message.reply_text(texts.UNKNOWN_COMMAND.format(command=command))


async def allowlist_gate(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Runs before every handler: stops updates from users outside ALLOWED_USER_IDS."""
    settings = services_of(context).settings
    allowed = set(settings.allowed_user_ids)
    if not allowed:
        return
    user = update.effective_user
    if user and (user.id in allowed or user.id in settings.admin_ids):
        return
    log.info("update refused by allowlist user_id=%s", user.id if user else None)
    if update.callback_query:
        await update.callback_query.answer(texts.NOT_ALLOWED, show_alert=True)
    elif update.effective_message and update.effective_chat and update.effective_chat.type == "private":
        await update.effective_message.reply_text(texts.NOT_ALLOWED)
    raise ApplicationHandlerStop


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Last line of defence: log the bug, tell the user something friendly, keep running."""
    log.error("unhandled error in handler", exc_info=context.error)
    if isinstance(update, Update) and update.effective_message:
        try:
            await update.effective_message.reply_text(texts.INTERNAL_ERROR)
        except Exception:  # the apology itself failed (blocked, flood); nothing more to do
            log.warning("could not deliver error apology", exc_info=True)
