"""OPML in and out: /export sends the chat's feeds as a file; an .opml document imports one."""

from __future__ import annotations

import io
import logging

from telegram import InputFile, Update
from telegram.error import TelegramError

from bot import render
from bot.digest.opml import OpmlError
from bot.errors import NewsbotError
from bot.telegram import messages, sender, views
from bot.telegram.admins import allowed_to_change
from bot.telegram.catalog import reason, t
from bot.telegram.context import NewsContext

log = logging.getLogger(__name__)

EXPORT_FILENAME = "newsbot-feeds.opml"


async def export_command(update: Update, context: NewsContext) -> None:
    message = update.effective_message
    if message is None:
        return
    exported = await context.subscriptions.export(message.chat_id)
    lang = await messages.language_of(update, context)
    if exported is None:
        await sender.reply_html(message, render.esc(t("NO_SUBSCRIPTIONS", lang)))
        return
    data, count = exported
    await message.reply_document(
        InputFile(io.BytesIO(data), filename=EXPORT_FILENAME),
        caption=t("EXPORT_CAPTION", lang, count=count, s="s" if count != 1 else ""),
    )


async def opml_document(update: Update, context: NewsContext) -> None:
    message = update.effective_message
    if message is None or message.document is None:
        return
    if not await allowed_to_change(update, context):
        return
    subscriptions = context.subscriptions
    lang = await messages.language_of(update, context)
    if not subscriptions.opml_fits(message.document.file_size):
        await sender.reply_html(message, t("OPML_TOO_LARGE", lang))
        return
    try:
        data = bytes(await (await message.document.get_file()).download_as_bytearray())
        opml = await subscriptions.read_opml(data)
    except OpmlError as exc:
        await sender.reply_html(message, render.render_error(reason(str(exc), lang)))
        return
    except NewsbotError as exc:
        await sender.reply_html(message, render.render_error(reason(exc.reason, lang)))
        return
    except TelegramError as exc:
        log.warning("opml download failed", extra={"chat_id": message.chat_id, "error": str(exc)})
        await sender.reply_html(message, render.render_error(t("OPML_DOWNLOAD_FAILED", lang)))
        return
    if not opml.feeds:
        await sender.reply_html(message, t("OPML_EMPTY", lang))
        return
    verdict = await subscriptions.import_within_limit(messages.limit_subject(update), len(opml.feeds))
    if not verdict.allowed:
        await sender.reply_html(message, render.esc(views.too_fast("RATE_LIMITED_OPML", verdict, lang)))
        return
    status = await sender.reply_html(message, t("OPML_CHECKING", lang, count=len(opml.feeds)))
    report = await subscriptions.import_feeds(message.chat_id, opml.feeds, messages.app_language(update))
    parts, markup = views.import_report(report, opml.cut_at, lang)
    for i, part in enumerate(parts):
        buttons = markup if i == len(parts) - 1 else None
        if i == 0:
            await sender.edit_html(status, part, buttons)
        else:
            await sender.reply_html(message, part, buttons)
