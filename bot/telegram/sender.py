"""Sending and editing bot messages, in one place: HTML with a plain-text fallback, link previews
off, keyboards on the last part, and delivery failures (blocked, gone) logged instead of raised."""

from __future__ import annotations

import html
import logging
import re

from telegram import InlineKeyboardMarkup, LinkPreviewOptions, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden

log = logging.getLogger(__name__)

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


def _plain(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def _is_parse_error(exc: BadRequest) -> bool:
    return "can't parse entities" in str(exc).lower()


async def edit_html(message: Message, text: str, markup: InlineKeyboardMarkup | None = None) -> Message:
    try:
        result = await message.edit_text(
            text, parse_mode=ParseMode.HTML, reply_markup=markup, link_preview_options=NO_PREVIEW
        )
    except BadRequest as exc:
        if "not modified" in str(exc).lower():
            return message
        if not _is_parse_error(exc):
            raise
        log.error("telegram rejected our HTML, sending plain text error=%s", exc)
        result = await message.edit_text(_plain(text), reply_markup=markup, link_preview_options=NO_PREVIEW)
    return result if isinstance(result, Message) else message


async def reply_html(
    message: Message, text: str, markup: object | None = None, *, quote: bool = True
) -> Message:
    kwargs: dict[str, object] = {"reply_markup": markup, "link_preview_options": NO_PREVIEW}
    if quote:
        kwargs["do_quote"] = True
    try:
        return await message.reply_text(text, parse_mode=ParseMode.HTML, **kwargs)  # type: ignore[arg-type]
    except BadRequest as exc:
        if not _is_parse_error(exc):
            raise
        log.error("telegram rejected our HTML, sending plain text error=%s", exc)
        return await message.reply_text(_plain(text), **kwargs)  # type: ignore[arg-type]


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
    except (BadRequest, Forbidden) as exc:
        log.info("best-effort telegram call failed what=%s error=%s", what, exc)
