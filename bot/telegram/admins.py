"""Who may change a chat's digest: anyone in a private chat; in groups, the chat's admins."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError

from bot import render
from bot.telegram import messages, sender
from bot.telegram.catalog import t
from bot.telegram.context import NewsContext

log = logging.getLogger(__name__)


async def may_change(update: Update, context: NewsContext) -> bool:
    """Private chats: yes. Groups: chat admins (and anonymous admins posting as the group)."""
    chat, user, message = update.effective_chat, update.effective_user, update.effective_message
    if chat is None:
        return False
    if chat.type == ChatType.PRIVATE:
        return True
    if message is not None and message.sender_chat is not None and message.sender_chat.id == chat.id:
        return True
    if user is None:
        return False
    try:
        member = await context.bot.get_chat_member(chat.id, user.id)
    except TelegramError as exc:
        log.info("admin check failed", extra={"chat_id": chat.id, "user_id": user.id, "error": str(exc)})
        return False
    return member.status in (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)


async def allowed_to_change(update: Update, context: NewsContext) -> bool:
    """``may_change``, telling the user when not (an alert on a button, else a reply)."""
    if await may_change(update, context):
        return True
    refusal = t("ADMINS_ONLY", await messages.language_of(update, context))
    if update.callback_query:
        await sender.safe(update.callback_query.answer(refusal, show_alert=True), "answer")
    elif update.effective_message:
        await sender.reply_html(update.effective_message, render.esc(refusal))
    return False
