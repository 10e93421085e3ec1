"""PDF documents sent to the bot: downloaded (up to FETCH_MAX_BYTES) and summarized like a link."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError

from bot import render
from bot.telegram import messages, sender, views
from bot.telegram.catalog import t
from bot.telegram.context import NewsContext
from bot.telegram.replies import reply_with_summary

log = logging.getLogger(__name__)

NAME_CHARS = 60  # of the file name shown while reading


async def pdf_document(update: Update, context: NewsContext) -> None:
    message = update.effective_message
    if message is None or message.document is None:
        return
    # In a group every member's files pass by: read one only when the bot is asked to.
    if not messages.is_private(message) and not messages.mentions_bot(message, context.bot):
        return
    document = message.document
    language = await messages.language_of(update, context)
    summaries = context.summaries
    if not summaries.pdf_fits(document.file_size):
        mb = max(1, summaries.max_pdf_bytes // (1024 * 1024))
        await sender.reply_html(message, render.render_error(t("PDF_TOO_LARGE", language, mb=mb)))
        return
    verdict = await summaries.within_limit(messages.limit_subject(update))
    if not verdict.allowed:
        await sender.reply_html(message, render.esc(views.too_fast("RATE_LIMITED_LINKS", verdict, language)))
        return
    try:
        data = bytes(await (await document.get_file()).download_as_bytearray())
    except TelegramError as exc:
        log.warning("pdf download failed", extra={"error": str(exc)})
        await sender.reply_html(message, render.render_error(t("PDF_DOWNLOAD_FAILED", language)))
        return
    if not summaries.pdf_fits(len(data)):  # the size Telegram gave may be missing or wrong
        mb = max(1, summaries.max_pdf_bytes // (1024 * 1024))
        await sender.reply_html(message, render.render_error(t("PDF_TOO_LARGE", language, mb=mb)))
        return
    name = (document.file_name or "document.pdf")[:NAME_CHARS]
    placeholder = t("READING_PDF", language, name=render.esc(name))
    await reply_with_summary(context, message, placeholder, lambda: summaries.for_pdf(data, name, language),
                             lang=language)
