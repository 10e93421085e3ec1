"""OPML in and out: /export sends the chat's feeds as a file; an .opml document imports one."""

from __future__ import annotations

import io
import logging

from telegram import InputFile, Update
from telegram.error import TelegramError

from bot import render
from bot.digest.opml import OpmlError
from bot.errors import NewsbotError
from bot.telegram import messages, sender, texts, views
from bot.telegram.admins import allowed_to_change
from bot.telegram.context import NewsContext

log = logging.getLogger(__name__)


async def export_command(update: Update, context: NewsContext) -> None:
    message = update.effective_message
    if message is None:
        return
    exported = await context.subscriptions.export(message.chat_id)
    if exported is None:
        await sender.reply_html(message, render.esc(texts.NO_SUBSCRIPTIONS))
        return
    data, count = exported
    await message.reply_document(
        InputFile(io.BytesIO(data), filename=texts.EXPORT_FILENAME),
        caption=texts.EXPORT_CAPTION.format(count=count, s="s" if count != 1 else ""),
    )


async def opml_document(update: Update, context: NewsContext) -> None:
    message = update.effective_message
    if message is None or message.document is None:
        return
    if not await allowed_to_change(update, context):
        return
    subscriptions = context.subscriptions
    if not subscriptions.opml_fits(message.document.file_size):
        await sender.reply_html(message, texts.OPML_TOO_LARGE)
        return
    try:
        data = bytes(await (await message.document.get_file()).download_as_bytearray())
        opml = await subscriptions.read_opml(data)
    except OpmlError as exc:
        await sender.reply_html(message, render.render_error(str(exc)))
        return
    except NewsbotError as exc:
        await sender.reply_html(message, render.render_error(exc.reason))
        return
    except TelegramError as exc:
        log.warning("opml download failed", extra={"chat_id": message.chat_id, "error": str(exc)})
        await sender.reply_html(message, render.render_error(texts.OPML_DOWNLOAD_FAILED))
        return
    if not opml.feeds:
        await sender.reply_html(message, texts.OPML_EMPTY)
        return
    verdict = await subscriptions.import_within_limit(messages.limit_subject(update), len(opml.feeds))
    if not verdict.allowed:
        await sender.reply_html(message, render.esc(views.too_fast(texts.RATE_LIMITED_OPML, verdict)))
        return
    status = await sender.reply_html(message, texts.OPML_CHECKING.format(count=len(opml.feeds)))
    language = update.effective_user.language_code if update.effective_user else None
    report = await subscriptions.import_feeds(message.chat_id, opml.feeds, language)
    for i, part in enumerate(views.import_report(report, opml.cut_at)):
        if i == 0:
            await sender.edit_html(status, part)
        else:
            await sender.reply_html(message, part)
