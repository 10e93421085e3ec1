"""Sending and editing bot messages, in one place: HTML with a plain-text fallback, link previews
off, keyboards on the last part; transient Bot API failures retried, a placeholder that can't be
edited replaced by a new message, replies sent even when the message they answer was deleted."""

from __future__ import annotations

import html
import logging
import re

from telegram import Bot, InlineKeyboardMarkup, LinkPreviewOptions, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError

from bot.telegram import retry

log = logging.getLogger(__name__)

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
# What the Bot API says about a message that can no longer be edited: deleted, or too old.
_NOT_EDITABLE = ("message to edit not found", "message can't be edited", "message_id_invalid")


def _plain(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def _is_parse_error(exc: BadRequest) -> bool:
    return "can't parse entities" in str(exc).lower()


async def _edit(message: Message, text: str, markup: InlineKeyboardMarkup | None) -> Message:
    try:
        result = await message.edit_text(
            text, parse_mode=ParseMode.HTML, reply_markup=markup, link_preview_options=NO_PREVIEW
        )
    except BadRequest as exc:
        if "not modified" in str(exc).lower():
            return message
        if not _is_parse_error(exc):
            raise
        log.error("telegram rejected our HTML, sending plain text",
                  extra={"chat_id": message.chat_id, "error": str(exc)})
        result = await message.edit_text(_plain(text), reply_markup=markup, link_preview_options=NO_PREVIEW)
    return result if isinstance(result, Message) else message


def _not_editable(exc: BadRequest) -> bool:
    return any(hint in str(exc).lower() for hint in _NOT_EDITABLE)


async def edit_html(message: Message, text: str, markup: InlineKeyboardMarkup | None = None) -> Message:
    """Edit ``message`` (a placeholder) into ``text``, retrying transient failures. A message that
    can't be edited (deleted, too old) or edits that keep failing: ``text`` goes in a new message
    and the old one is deleted, so no placeholder stays on screen."""
    try:
        return await retry.persist(lambda: _edit(message, text, markup), "edit")
    except BadRequest as exc:
        if not _not_editable(exc):
            raise
        failure: Exception = exc
    except (NetworkError, RetryAfter) as exc:
        failure = exc
    log.info("message not editable, sending a new one", extra={"chat_id": message.chat_id, "error": str(failure)})
    target = message.reply_to_message
    sent = await reply_html(target, text, markup) if target else await reply_html(message, text, markup, quote=False)
    await safe(message.delete(), "delete")
    return sent


async def edit_inline_html(bot: Bot, inline_message_id: str, text: str, markup: InlineKeyboardMarkup | None) -> None:
    """Edit a message sent in inline mode (it has no chat: Telegram names it by
    ``inline_message_id``), retrying transient failures; HTML Telegram refuses goes as plain text."""

    async def edit() -> None:
        try:
            await bot.edit_message_text(text, inline_message_id=inline_message_id, parse_mode=ParseMode.HTML,
                                        reply_markup=markup, link_preview_options=NO_PREVIEW)  # fmt: skip
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                return
            if not _is_parse_error(exc):
                raise
            log.error("telegram rejected our HTML, sending plain text", extra={"error": str(exc)})
            await bot.edit_message_text(_plain(text), inline_message_id=inline_message_id, reply_markup=markup,
                                        link_preview_options=NO_PREVIEW)  # fmt: skip

    await retry.persist(edit, "edit inline")


async def reply_html(
    message: Message, text: str, markup: object | None = None, *, quote: bool = True
) -> Message:
    """Reply to ``message`` (quoting it while it exists), retrying transient failures."""
    kwargs: dict[str, object] = {"reply_markup": markup, "link_preview_options": NO_PREVIEW}
    if quote:
        kwargs.update(do_quote=True, allow_sending_without_reply=True)

    async def send() -> Message:
        try:
            return await message.reply_text(text, parse_mode=ParseMode.HTML, **kwargs)  # type: ignore[arg-type]
        except BadRequest as exc:
            if not _is_parse_error(exc):
                raise
            log.error("telegram rejected our HTML, sending plain text",
                      extra={"chat_id": message.chat_id, "error": str(exc)})
            return await message.reply_text(_plain(text), **kwargs)  # type: ignore[arg-type]

    return await retry.persist(send, "reply")


async def deliver_parts(
    placeholder: Message, parts: list[str], markup: InlineKeyboardMarkup | None
) -> list[Message]:
    """Edit the placeholder into the first part; send the rest as follow-ups (keyboard on last)."""
    sent: list[Message] = []
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if i == 0:
            sent.append(await edit_html(placeholder, part, markup if last else None))
        else:
            sent.append(await reply_html(sent[-1], part, markup if last else None, quote=False))
    return sent


async def safe(coro: object, what: str) -> None:
    """Await a best-effort call (typing action, callback answer): log, never raise."""
    try:
        await coro  # type: ignore[misc]
    except TelegramError as exc:
        log.info("best-effort telegram call failed", extra={"what": what, "error": str(exc)})
