"""/start, /help, unknown commands, the allowlist gate and the error handler."""

from __future__ import annotations

import html
import logging

from telegram import Update
from telegram.constants import ChatType
from telegram.error import Forbidden
from telegram.ext import ApplicationHandlerStop

from bot import render
from bot.app.inline import article_key_of
from bot.store.guard import StoreUnavailable
from bot.telegram import inline_results, messages, retry, sender
from bot.telegram.catalog import t
from bot.telegram.context import NewsContext
from bot.telegram.handlers import inline, links

log = logging.getLogger(__name__)


async def start(update: Update, context: NewsContext) -> None:
    user = update.effective_user
    if update.effective_chat:
        await context.digests.resume_if_stopped(update.effective_chat.id)
    token = context.args[0] if context.args else ""
    if update.effective_message and article_key_of(token):  # "Ask the bot" under a shared summary
        await links.open_shared(update, context, update.effective_message, token)
        return
    name = f", {html.escape(user.first_name)}" if user and user.first_name else ""
    if update.effective_message:
        lang = await messages.language_of(update, context)
        await sender.reply_html(update.effective_message, t("WELCOME", lang, name=name), quote=False)


async def help_command(update: Update, context: NewsContext) -> None:
    if update.effective_message:
        lang = await messages.language_of(update, context)
        await sender.reply_html(update.effective_message, t("HELP", lang), quote=False)


async def unknown_command(update: Update, context: NewsContext) -> None:
    message = update.effective_message
    if not message or not message.text:
        return
    command = message.text.split()[0].split("@")[0]
    text = t("UNKNOWN_COMMAND", await messages.language_of(update, context), command=command)
    await sender.reply_html(message, render.esc(text), quote=False)


async def allowlist_gate(update: Update, context: NewsContext) -> None:
    """Runs before every handler: stops updates from users outside ALLOWED_USER_IDS."""
    user_id = messages.user_id_of(update)
    if context.access.admits(user_id):
        return
    log.info("update refused by allowlist", extra={"user_id": user_id})
    refusal = t("NOT_ALLOWED", messages.app_language(update))
    if update.callback_query:
        await update.callback_query.answer(refusal, show_alert=True)
    elif update.inline_query:
        await inline.answer_inline(update, inline_results.not_allowed(await messages.language_of(update, context)))
    elif update.effective_message and update.effective_chat and update.effective_chat.type == ChatType.PRIVATE:
        await update.effective_message.reply_text(refusal)
    raise ApplicationHandlerStop


BLOCKED_KEY = "chats_that_blocked_us"
MAX_REMEMBERED_BLOCKS = 10_000


def _note_blocked(update: object, context: NewsContext) -> None:
    """A chat that blocked the bot (403) is an INFO line once, not an error on every update."""
    chat = update.effective_chat if isinstance(update, Update) else None
    seen: set[int] = context.bot_data.setdefault(BLOCKED_KEY, set())
    if chat is not None and chat.id in seen:
        return
    if len(seen) >= MAX_REMEMBERED_BLOCKS:
        seen.clear()
    if chat is not None:
        seen.add(chat.id)
    log.info("chat unreachable (blocked, deactivated or kicked)",
             extra={"chat_id": chat.id if chat else None, "error": str(context.error)})


async def on_error(update: object, context: NewsContext) -> None:
    """Last line of defence: log the bug, tell the user something friendly, keep running.
    Telegram's own failures are not bugs: a blocked chat is noted once, an unreachable Bot API
    is logged where it starts and ends (delivery already retried; an apology would fail too). A Redis
    outage was logged where it began: the user hears to try again, the log gets nothing more."""
    error = context.error
    if isinstance(error, StoreUnavailable):
        await _apologize(update, "STORE_UNAVAILABLE")
        return
    if isinstance(error, Forbidden):
        _note_blocked(update, context)
        return
    if error is not None and retry.transient(error):
        # the outage itself is logged where calls fail (one line at its start, one at its end)
        if isinstance(update, Update):
            log.info("update not answered, telegram unreachable", extra={"update_id": update.update_id})
        return
    log.error("unhandled error in handler", exc_info=error)
    await _apologize(update, "INTERNAL_ERROR")


async def _apologize(update: object, key: str) -> None:
    """Say sorry in the sender's app language (the stored choice may be what failed)."""
    if isinstance(update, Update) and update.effective_message:
        try:
            await update.effective_message.reply_text(t(key, messages.app_language(update)))
        except Exception:  # the apology itself failed (blocked, flood); nothing more to do
            log.warning("could not deliver error apology", exc_info=True)
