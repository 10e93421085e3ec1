"""When the digest comes, and the digest on request: /digest_time, /timezone, /digest [off|on|
silent|notify]. In groups only admins change these."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.constants import ChatAction

from bot import render
from bot.app.digests import Schedule
from bot.callbacks import MoreStories
from bot.digest.schedule import zone_label
from bot.telegram import sender, texts, views
from bot.telegram.admins import allowed_to_change
from bot.telegram.buttons import Press
from bot.telegram.context import NewsContext

PAUSE_WORDS = frozenset({"off", "pause", "stop"})
RESUME_WORDS = frozenset({"on", "resume", "start"})
QUIET_WORDS = frozenset({"silent", "quiet", "notify"})


async def _setting(
    update: Update, context: NewsContext, *, shown: Callable[[Schedule], str],
    change: Callable[[int, str], Awaitable[str]],
) -> None:  # fmt: skip
    """A digest setting command: no argument shows it; an argument changes it (admins, in groups)
    and the reply confirms, or says why the value was not understood."""
    message = update.effective_message
    if message is None:
        return
    if not context.args:
        await sender.reply_html(message, shown(await context.digests.schedule(message.chat_id)))
        return
    if not await allowed_to_change(update, context):
        return
    try:
        reply = await change(message.chat_id, " ".join(context.args))
    except ValueError as exc:  # its message is for the user
        reply = render.esc(str(exc))
    await sender.reply_html(message, reply)


async def digest_time_command(update: Update, context: NewsContext) -> None:
    async def change(chat_id: int, text: str) -> str:
        at, upcoming = await context.digests.set_time(chat_id, text)
        return texts.DIGEST_TIME_SET.format(at=at.strftime("%H:%M"), next=views.next_line(upcoming))

    def shown(schedule: Schedule) -> str:
        return texts.DIGEST_TIME_IS.format(at=schedule.at.strftime("%H:%M"), help=render.esc(texts.TIME_HELP))

    await _setting(update, context, shown=shown, change=change)


async def timezone_command(update: Update, context: NewsContext) -> None:
    async def change(chat_id: int, text: str) -> str:
        zone = await context.digests.set_timezone(chat_id, text)
        local = zone.local_now.strftime("%H:%M")
        label = render.esc(zone_label(zone.zone))
        return texts.TIMEZONE_SET.format(zone=label, local=local, next=views.next_line(zone.next))

    def shown(schedule: Schedule) -> str:
        zone = render.esc(zone_label(schedule.timezone))
        return texts.TIMEZONE_IS.format(zone=zone, help=render.esc(texts.ZONE_HELP))

    await _setting(update, context, shown=shown, change=change)


async def digest_command(update: Update, context: NewsContext) -> None:
    message = update.effective_message
    if message is None:
        return
    digests = context.digests
    chat_id = message.chat_id
    word = (context.args or [""])[0].strip().lower()
    if word and word not in PAUSE_WORDS | RESUME_WORDS | QUIET_WORDS:
        await sender.reply_html(message, render.esc(texts.DIGEST_USAGE))
        return
    if not await allowed_to_change(update, context):
        return
    if word in PAUSE_WORDS:
        await digests.pause(chat_id)
        await sender.reply_html(message, texts.DIGEST_PAUSED)
    elif word in RESUME_WORDS:
        upcoming = await digests.resume(chat_id)
        if await digests.has_feeds(chat_id):
            await sender.reply_html(message, texts.DIGEST_RESUMED.format(next=views.next_line(upcoming)))
        else:  # nothing would come: say how to get a digest instead of announcing one
            await sender.reply_html(message, render.esc(texts.DIGEST_ON_NO_FEEDS))
    elif word in QUIET_WORDS:
        notify = word == "notify"
        await digests.set_quiet_days(chat_id, notify=notify)
        what = texts.QUIET_DAYS_NOTE if notify else texts.QUIET_DAYS_NOTHING
        await sender.reply_html(message, texts.QUIET_DAYS.format(what=what))
    elif not await digests.has_feeds(chat_id):
        await sender.reply_html(message, render.esc(texts.NO_SUBSCRIPTIONS))
    else:
        verdict = await digests.within_limit(chat_id)
        if not verdict.allowed:
            await sender.reply_html(message, render.esc(views.too_fast(texts.RATE_LIMITED_DIGEST, verdict)))
            return
        await sender.safe(message.chat.send_action(ChatAction.TYPING), "typing")
        await digests.send_now(chat_id, message.message_id)


async def more_stories_button(press: Press[MoreStories], context: NewsContext) -> None:
    """▶ under a digest that had more stories: the next page, as a digest on request."""
    verdict = await context.digests.within_limit(press.message.chat_id)
    if not verdict.allowed:
        await press.toast(views.too_fast(texts.RATE_LIMITED_DIGEST, verdict), alert=True)
        return
    await press.toast(texts.MORE_STORIES)
    await context.digests.send_now(press.message.chat_id, press.query.id)
