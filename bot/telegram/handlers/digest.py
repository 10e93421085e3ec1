"""The daily digest's commands and buttons: thin handlers over bot/digest/.

/subscribe, /subscriptions, /unsubscribe, /sources, /export, an .opml document (import),
/digest_time, /timezone, /digest [off|on|silent|notify]; buttons: choose a feed (``dpick:``),
unsubscribe (``dun:``), an entry's full summary (``dsum:``) or a question about it (``dask:``,
the same flow as "Ask about this" under a summary). In groups only admins change the settings.
"""

from __future__ import annotations

import asyncio
import io
import logging
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Message, Update
from telegram.constants import ChatAction, ChatType
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, filters

from bot import render
from bot.digest.opml import MAX_OPML_BYTES, OpmlError, OpmlFeed, export_opml, parse_opml
from bot.digest.polling import FoundFeed
from bot.digest.presets import find_preset, presets
from bot.digest.schedule import ZONE_HELP, next_due_at, resolve_timezone
from bot.digest.service import DigestService, zone_of
from bot.errors import NewsbotError
from bot.net.urls import url_key
from bot.services import Services
from bot.store.subscriptions import SubscriptionLimitError
from bot.telegram import sender, texts
from bot.telegram.context import services_of
from bot.telegram.digest_sender import DIGEST_KEY
from bot.telegram.handlers import links, questions
from bot.timeofday import TIME_HELP, parse_hhmm

log = logging.getLogger(__name__)

IMPORT_CONCURRENCY = 8

SUBSCRIBE_USAGE = (
    "Send /subscribe with a feed or site address, or a source name from /sources, e.g.\n"
    "<code>/subscribe https://example.com/rss.xml</code>\n<code>/subscribe bbc-world</code>"
)
ADMINS_ONLY = "Only this group's admins can change its digest."
NO_SUBSCRIPTIONS = (
    "You don't follow any feeds yet. Send /subscribe with a feed or site address, "
    "or pick a source from /sources."
)
UNKNOWN_SOURCE = (
    "I don't know a source called “{name}”. /sources lists the built-in ones, "
    "or send a feed or site address."
)
ASK_TIMEZONE = (
    "🌍 Which time zone are you in? Send /timezone with a zone name like "
    "<code>/timezone Europe/Berlin</code> or your city, so the digest comes at your morning."
)
STORY_GONE = "This story is too old now. Send its link to get a summary."


def digest_of(context: ContextTypes.DEFAULT_TYPE) -> DigestService:
    return context.application.bot_data[DIGEST_KEY]


def _host(url: str) -> str:
    return (urlsplit(url).hostname or url).removeprefix("www.")


async def may_change(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
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
        log.info("admin check failed chat_id=%s user_id=%s error=%s", chat.id, user.id, exc)
        return False
    return member.status in ("administrator", "creator")


async def _guard(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    if await may_change(update, context):
        return True
    if update.callback_query:
        await sender.safe(update.callback_query.answer(ADMINS_ONLY, show_alert=True), "answer")
    elif update.effective_message:
        await sender.reply_html(update.effective_message, render.esc(ADMINS_ONLY))
    return False


def _schedule_line(tz: str, at: str, paused: bool) -> str:
    line = f"Your digest comes daily at <b>{at}</b> ({render.esc(tz)})."
    return line + " It is paused: /digest on resumes it." if paused else line


# -- /subscribe ----------------------------------------------------------------------------------


def _looks_like_address(text: str) -> bool:
    return any(ch in text for ch in "./:")


async def subscribe_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is None or update.effective_chat is None:
        return
    query = " ".join(context.args or []).strip()
    if not query:
        await sender.reply_html(message, SUBSCRIBE_USAGE)
        return
    if not await _guard(update, context):
        return
    digest = digest_of(context)
    preset = find_preset(query, digest.settings.digest_sources_file)
    if preset is None and not _looks_like_address(query):
        await sender.reply_html(message, render.esc(UNKNOWN_SOURCE.format(name=query[:60])))
        return
    await sender.safe(message.chat.send_action(ChatAction.TYPING), "typing")
    try:
        resolution = await digest.poller.resolve(preset.url if preset else query)
    except NewsbotError as exc:
        log.info("subscribe refused chat_id=%s code=%s detail=%s", message.chat_id, exc.code, exc.detail)
        await sender.reply_html(message, render.render_error(f"I can't subscribe to that: {exc.reason}"))
        return
    if resolution.choices:
        options = [{"url": link.url, "title": link.title or _host(link.url)} for link in resolution.choices]
        token = await digest.runs.save_choice(options)
        rows = [[InlineKeyboardButton(option["title"][:60], callback_data=f"dpick:{token}:{i}")]
                for i, option in enumerate(options)]  # fmt: skip
        await sender.reply_html(message, "That site has several feeds. Which one would you like?",
                                InlineKeyboardMarkup(rows))  # fmt: skip
        return
    assert resolution.feed is not None
    reply = await add_feed(update, context, resolution.feed, preset.name if preset else None)
    await sender.reply_html(message, reply)


async def add_feed(update: Update, context: ContextTypes.DEFAULT_TYPE, found: FoundFeed, title: str | None) -> str:
    """Subscribe the chat to a checked feed; returns the reply (HTML)."""
    digest = digest_of(context)
    services = services_of(context)
    chat_id = update.effective_chat.id if update.effective_chat else 0
    name = title or found.title or _host(found.url)
    store = services.subscriptions
    first = not await store.list(chat_id)
    try:
        added = await store.add(chat_id, found.url, name)  # durable before we say so
    except SubscriptionLimitError as exc:
        return render.esc(exc.reason)
    except NewsbotError as exc:
        return render.render_error(exc.reason)
    if not added:
        return f"You already follow <b>{render.esc(name)}</b>."
    await digest.poller.ingest(found.url, found, await digest.clock.now())
    if first:
        await _first_subscription(update, services, digest, chat_id)
    chat = await store.get_settings(chat_id)
    lines = [f"✅ Subscribed to <b>{render.esc(name)}</b>.",
             _schedule_line(chat.timezone, chat.digest_time.strftime("%H:%M"), chat.paused)]  # fmt: skip
    if not await store.has_timezone(chat_id):
        lines.append(ASK_TIMEZONE)
    log.info("subscribed chat_id=%s feed=%s", chat_id, found.url)
    return "\n\n".join(lines)


async def _first_subscription(update: Update, services: Services, digest: DigestService, chat_id: int) -> None:
    if not await services.subscriptions.has_digest_time(chat_id):
        await services.subscriptions.set_digest_time(chat_id, services.settings.digest_default_time)
    user = update.effective_user
    if user and user.language_code and not await digest.runs.language(chat_id):
        await digest.runs.set_language(chat_id, user.language_code.split("-")[0])


async def pick_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query is None or query.data is None or not isinstance(query.message, Message):
        return
    if not await _guard(update, context):
        return
    _, token, index = [*query.data.split(":"), "", ""][:3]
    options = await digest_of(context).runs.choice(token)
    if not options or not index.isdigit() or int(index) >= len(options):
        await sender.safe(query.answer("That choice expired. Send /subscribe again.", show_alert=True), "answer")
        return
    option = options[int(index)]
    await sender.safe(query.answer("Checking the feed…"), "answer")
    try:
        found = await digest_of(context).poller.check(option["url"], fallback_title=option["title"])
    except NewsbotError as exc:
        await sender.edit_html(query.message, render.render_error(f"I can't subscribe to that: {exc.reason}"))
        return
    await sender.edit_html(query.message, await add_feed(update, context, found, found.title or option["title"]))


# -- listing and removing ------------------------------------------------------------------------


async def _list_view(services: Services, chat_id: int) -> tuple[list[str], InlineKeyboardMarkup | None]:
    subs = await services.subscriptions.list(chat_id)
    if not subs:
        return [render.esc(NO_SUBSCRIPTIONS)], None
    chat = await services.subscriptions.get_settings(chat_id)
    blocks = [f"<b>Your feeds</b> ({len(subs)}/{services.settings.digest_max_subscriptions})"]
    blocks += [f"{i}. {render.link(sub.url, sub.title or _host(sub.url))}" for i, sub in enumerate(subs, 1)]
    footer = _schedule_line(chat.timezone, chat.digest_time.strftime("%H:%M"), chat.paused)
    if chat.parked:
        footer += "\nDigests are stopped because I couldn't reach this chat; /start resumes them."
    blocks.append(footer + "\nRemove one with a button or /unsubscribe &lt;number&gt;.")
    rows = [[InlineKeyboardButton(f"✖ Unsubscribe {i}. {(sub.title or _host(sub.url))[:40]}",
                                  callback_data=f"dun:{url_key(sub.key)}")]
            for i, sub in enumerate(subs, 1)]  # fmt: skip
    return render.pack(blocks, sep="\n"), InlineKeyboardMarkup(rows)


async def subscriptions_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is None:
        return
    parts, markup = await _list_view(services_of(context), message.chat_id)
    for i, part in enumerate(parts):
        await sender.reply_html(message, part, markup if i == len(parts) - 1 else None)


async def unsubscribe_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is None:
        return
    if not context.args:
        await subscriptions_command(update, context)
        return
    if not await _guard(update, context):
        return
    target = " ".join(context.args).strip()
    removed = await services_of(context).subscriptions.remove(message.chat_id, target)
    if removed is None:
        await sender.reply_html(message, "You don't follow that. /subscriptions lists your feeds with numbers.")
        return
    log.info("unsubscribed chat_id=%s feed=%s", message.chat_id, removed.url)
    await sender.reply_html(message, f"Unsubscribed from <b>{render.esc(removed.title or removed.url)}</b>.")


async def unsubscribe_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query is None or query.data is None or not isinstance(query.message, Message):
        return
    if not await _guard(update, context):
        return
    services = services_of(context)
    chat_id = query.message.chat_id
    key = query.data.split(":", 1)[1]
    sub = next((s for s in await services.subscriptions.list(chat_id) if url_key(s.key) == key), None)
    removed = await services.subscriptions.remove(chat_id, sub.url) if sub else None
    note = f"Unsubscribed from {removed.title or removed.url}" if removed else "Already removed."
    await sender.safe(query.answer(note[:190]), "answer")
    parts, markup = await _list_view(services, chat_id)
    await sender.edit_html(query.message, parts[0], markup if len(parts) == 1 else None)


async def sources_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is None:
        return
    settings = services_of(context).settings
    lines = ["<b>Built-in sources</b> — subscribe with /subscribe and the name after the dash:"]
    lines += [f"• {render.link(s.url, s.name)} — <code>{render.esc(s.id)}</code>"
              for s in presets(settings.digest_sources_file)]  # fmt: skip
    lines.append("Any other site works too: /subscribe with its address.")
    for part in render.pack(lines, sep="\n"):
        await sender.reply_html(message, part)


# -- OPML ----------------------------------------------------------------------------------------


async def export_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is None:
        return
    subs = await services_of(context).subscriptions.list(message.chat_id)
    if not subs:
        await sender.reply_html(message, render.esc(NO_SUBSCRIPTIONS))
        return
    data = export_opml([OpmlFeed(url=s.url, title=s.title) for s in subs], title="newsbot subscriptions")
    await message.reply_document(
        InputFile(io.BytesIO(data), filename="newsbot-feeds.opml"),
        caption=f"Your {len(subs)} feed{'s' if len(subs) != 1 else ''} as OPML: any feed reader imports this.",
    )


async def opml_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is None or message.document is None:
        return
    if not await _guard(update, context):
        return
    digest = digest_of(context)
    settings = digest.settings
    document = message.document
    if document.file_size and document.file_size > MAX_OPML_BYTES:
        await sender.reply_html(message, "That OPML file is too large.")
        return
    try:
        data = bytes(await (await document.get_file()).download_as_bytearray())
        feeds = parse_opml(data, limit=settings.digest_opml_max_feeds + 1)
    except OpmlError as exc:
        await sender.reply_html(message, render.render_error(str(exc)))
        return
    except TelegramError as exc:
        log.warning("opml download failed error=%s", exc)
        await sender.reply_html(message, render.render_error("I couldn't download that file. Please send it again."))
        return
    if not feeds:
        await sender.reply_html(message, "That OPML file lists no feeds.")
        return
    cut = len(feeds) > settings.digest_opml_max_feeds
    feeds = feeds[: settings.digest_opml_max_feeds]
    status = await sender.reply_html(message, f"⏳ Checking {len(feeds)} feeds…")
    report = await import_feeds(update, context, feeds)
    if cut:
        report += f"\n\nOnly the first {settings.digest_opml_max_feeds} feeds of the file were read."
    for i, part in enumerate(render.pack(report.split("\n\n"))):
        if i == 0:
            await sender.edit_html(status, part)
        else:
            await sender.reply_html(message, part)


async def import_feeds(update: Update, context: ContextTypes.DEFAULT_TYPE, feeds: list[OpmlFeed]) -> str:
    digest = digest_of(context)
    chat_id = update.effective_chat.id if update.effective_chat else 0
    gate = asyncio.Semaphore(IMPORT_CONCURRENCY)

    async def check(feed: OpmlFeed) -> FoundFeed | NewsbotError:
        async with gate:
            try:
                return await digest.poller.check(feed.url, fallback_title=feed.title)
            except NewsbotError as exc:
                return exc

    results = await asyncio.gather(*(check(feed) for feed in feeds))
    added: list[str] = []
    known: list[str] = []
    failed: list[str] = []
    store = digest.subscriptions
    first = not await store.list(chat_id)
    now = await digest.clock.now()
    limit_hit = ""
    for feed, result in zip(feeds, results, strict=True):
        name = feed.title or _host(feed.url)
        if isinstance(result, NewsbotError):
            failed.append(f"• {render.esc(name)} — {render.esc(result.reason)}")
            continue
        if limit_hit:
            failed.append(f"• {render.esc(name)} — over the limit")
            continue
        try:
            if await store.add(chat_id, result.url, feed.title or result.title or name):
                added.append(name)
                await digest.poller.ingest(result.url, result, now)
            else:
                known.append(name)
        except SubscriptionLimitError as exc:
            limit_hit = exc.reason
            failed.append(f"• {render.esc(name)} — over the limit")
    if added and first:
        await _first_subscription(update, services_of(context), digest, chat_id)
    blocks = [f"📥 Imported {len(added)} feed{'s' if len(added) != 1 else ''}"
              + (f", {len(known)} you already follow" if known else "") + "."]  # fmt: skip
    if failed:
        blocks.append(f"Skipped {len(failed)}:\n" + "\n".join(failed))
    if limit_hit:
        blocks.append(render.esc(limit_hit))
    if added and not await digest.subscriptions.has_timezone(chat_id):
        blocks.append(ASK_TIMEZONE)
    log.info("opml import chat_id=%s added=%d known=%d failed=%d", chat_id, len(added), len(known), len(failed))
    return "\n\n".join(blocks)


# -- when -----------------------------------------------------------------------------------------


async def _next_line(digest: DigestService, chat_id: int) -> str:
    chat = await digest.subscriptions.get_settings(chat_id)
    zone = zone_of(chat)
    now = await digest.clock.now()
    nxt = next_due_at(now, chat.digest_time, zone, chat.last_digest_day).astimezone(zone)
    return f"Next digest: {nxt.strftime('%a %-d %b, %H:%M')} ({render.esc(zone.key)})."


async def digest_time_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is None:
        return
    digest = digest_of(context)
    if not context.args:
        chat = await digest.subscriptions.get_settings(message.chat_id)
        await sender.reply_html(
            message, f"Your digest comes at <b>{chat.digest_time.strftime('%H:%M')}</b>. {render.esc(TIME_HELP)}"
        )
        return
    if not await _guard(update, context):
        return
    try:
        at = parse_hhmm(" ".join(context.args))
    except ValueError as exc:
        await sender.reply_html(message, render.esc(str(exc)))
        return
    await digest.subscriptions.set_digest_time(message.chat_id, at)
    line = await _next_line(digest, message.chat_id)
    await sender.reply_html(message, f"Done — your digest comes daily at <b>{at.strftime('%H:%M')}</b>.\n{line}")


async def timezone_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is None:
        return
    digest = digest_of(context)
    if not context.args:
        chat = await digest.subscriptions.get_settings(message.chat_id)
        await sender.reply_html(message, f"Your time zone is <b>{render.esc(chat.timezone)}</b>. "
                                         f"{render.esc(ZONE_HELP)}")  # fmt: skip
        return
    if not await _guard(update, context):
        return
    try:
        zone: ZoneInfo = resolve_timezone(" ".join(context.args))
    except ValueError as exc:
        await sender.reply_html(message, render.esc(str(exc)))
        return
    await digest.subscriptions.set_timezone(message.chat_id, zone)
    local = (await digest.clock.now()).astimezone(zone).strftime("%H:%M")
    line = await _next_line(digest, message.chat_id)
    await sender.reply_html(message, f"Time zone set to <b>{render.esc(zone.key)}</b> (it's {local} there).\n{line}")


# -- /digest ---------------------------------------------------------------------------------------

DIGEST_USAGE = (
    "/digest — your digest now\n/digest off — pause the daily digest\n/digest on — resume it\n"
    "/digest silent — no message on days with nothing new\n/digest notify — a one-line note on such days"
)


async def digest_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is None:
        return
    digest = digest_of(context)
    store = digest.subscriptions
    chat_id = message.chat_id
    arg = (context.args or [""])[0].strip().lower()
    if arg not in ("", "off", "on", "pause", "resume", "stop", "start", "silent", "quiet", "notify"):
        await sender.reply_html(message, render.esc(DIGEST_USAGE))
        return
    if not await _guard(update, context):
        return
    if arg in ("off", "pause", "stop"):
        await store.set_paused(chat_id, True)
        await sender.reply_html(message, "⏸ Daily digest paused. /digest on resumes it.")
        return
    if arg in ("on", "resume", "start"):
        await store.set_paused(chat_id, False)
        await store.unpark(chat_id)
        await sender.reply_html(message, f"▶️ Daily digest on. {await _next_line(digest, chat_id)}")
        return
    if arg in ("silent", "quiet", "notify"):
        mode = "notify" if arg == "notify" else "silent"
        await digest.runs.set_empty_mode(chat_id, mode)
        note = "a one-line note" if mode == "notify" else "no message"
        await sender.reply_html(message, f"Done — on days with nothing new you get {note}.")
        return
    if not await store.list(chat_id):
        await sender.reply_html(message, render.esc(NO_SUBSCRIPTIONS))
        return
    await sender.safe(message.chat.send_action(ChatAction.TYPING), "typing")
    outcome = await digest.send_now(chat_id, message.message_id)
    log.info("digest on request chat_id=%s outcome=%s", chat_id, outcome)


# -- entry buttons ---------------------------------------------------------------------------------


async def summary_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """📄 under a digest entry: the full summary, as if the user had sent the link."""
    query = update.callback_query
    if query is None or query.data is None or not isinstance(query.message, Message):
        return
    services = services_of(context)
    url = await services.pipeline.cache.url_for(query.data.split(":", 1)[1])
    if not url:
        await sender.safe(query.answer(STORY_GONE, show_alert=True), "answer")
        return
    user = update.effective_user
    if user and not await services.limits.allow("links", user.id, services.settings.links_per_minute):
        await sender.safe(query.answer(texts.RATE_LIMITED_LINKS, show_alert=True), "answer")
        return
    await sender.safe(query.answer("Summarizing…"), "answer")
    placeholder = await sender.reply_html(query.message, render.placeholder(url))
    language = await links.language_for(services, update)
    try:
        async with asyncio.timeout(services.settings.summary_deadline):
            result = await services.pipeline.summarize_url(url, language=language)
    except NewsbotError as exc:
        await sender.edit_html(placeholder, render.render_error(exc.reason))
        return
    except TimeoutError:
        await sender.edit_html(placeholder, render.render_error(texts.TOO_SLOW))
        return
    await links.publish(services, placeholder, result)


def register_digest_handlers(app: Application) -> None:
    app.add_handler(CommandHandler("subscribe", subscribe_command))
    app.add_handler(CommandHandler("subscriptions", subscriptions_command))
    app.add_handler(CommandHandler("unsubscribe", unsubscribe_command))
    app.add_handler(CommandHandler("sources", sources_command))
    app.add_handler(CommandHandler("export", export_command))
    app.add_handler(CommandHandler("digest_time", digest_time_command))
    app.add_handler(CommandHandler("timezone", timezone_command))
    app.add_handler(CommandHandler("digest", digest_command))
    app.add_handler(MessageHandler(filters.Document.FileExtension("opml") & ~filters.UpdateType.EDITED, opml_document))
    app.add_handler(CallbackQueryHandler(pick_button, pattern=r"^dpick:"))
    app.add_handler(CallbackQueryHandler(unsubscribe_button, pattern=r"^dun:"))
    app.add_handler(CallbackQueryHandler(summary_button, pattern=r"^dsum:"))
    app.add_handler(CallbackQueryHandler(questions.ask_button, pattern=r"^dask:"))
