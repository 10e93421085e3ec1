"""When the digest comes, and the digest on request: /digest_time, /timezone (and the buttons of
the time-zone question), /digest [off|on|silent|notify]. In groups only admins change these."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.constants import ChatAction

from bot import render
from bot.app.digests import Schedule, ZoneSet
from bot.callbacks import MoreStories, PickZone
from bot.digest.schedule import zone_label, zone_with_offset
from bot.telegram import messages, sender, views
from bot.telegram.admins import allowed_to_change
from bot.telegram.buttons import Press
from bot.telegram.catalog import reason, t
from bot.telegram.context import NewsContext

PAUSE_WORDS = frozenset({"off", "pause", "stop"})
RESUME_WORDS = frozenset({"on", "resume", "start"})
QUIET_WORDS = frozenset({"silent", "quiet", "notify"})


async def _setting(
    update: Update, context: NewsContext, *, shown: Callable[[Schedule, str], str],
    change: Callable[[int, str, str], Awaitable[str]],
) -> None:  # fmt: skip
    """A digest setting command: no argument shows it; an argument changes it (admins, in groups)
    and the reply confirms, or says why the value was not understood."""
    message = update.effective_message
    if message is None:
        return
    lang = await messages.language_of(update, context)
    if not context.args:
        await sender.reply_html(message, shown(await context.digests.schedule(message.chat_id), lang))
        return
    if not await allowed_to_change(update, context):
        return
    try:
        reply = await change(message.chat_id, " ".join(context.args), lang)
    except ValueError as exc:  # its message is for the user
        reply = render.esc(reason(str(exc), lang))
    await sender.reply_html(message, reply)


async def digest_time_command(update: Update, context: NewsContext) -> None:
    async def change(chat_id: int, text: str, lang: str) -> str:
        at, upcoming = await context.digests.set_time(chat_id, text)
        return t("DIGEST_TIME_SET", lang, at=at.strftime("%H:%M"), next=views.next_line(upcoming, lang))

    def shown(schedule: Schedule, lang: str) -> str:
        return t("DIGEST_TIME_IS", lang, at=schedule.at.strftime("%H:%M"), help=render.esc(t("TIME_HELP", lang)))

    await _setting(update, context, shown=shown, change=change)


def zone_set(zone: ZoneSet, lang: str) -> str:
    """The confirmation of a new time zone, with its offset from UTC and the next digest."""
    label = render.esc(zone_with_offset(zone.zone, zone.local_now))
    local = zone.local_now.strftime("%H:%M")
    return t("TIMEZONE_SET", lang, zone=label, local=local, next=views.next_line(zone.next, lang))


async def timezone_command(update: Update, context: NewsContext) -> None:
    async def change(chat_id: int, text: str, lang: str) -> str:
        return zone_set(await context.digests.set_timezone(chat_id, text), lang)

    def shown(schedule: Schedule, lang: str) -> str:
        zone = render.esc(zone_label(schedule.timezone))
        return t("TIMEZONE_IS", lang, zone=zone, help=render.esc(t("ZONE_HELP", lang)))

    await _setting(update, context, shown=shown, change=change)


async def zone_button(press: Press[PickZone], context: NewsContext) -> None:
    """A zone under the time-zone question: set it, and confirm with its UTC offset. The question's
    buttons go, so an older tap can't undo a newer choice by accident."""
    if not await allowed_to_change(press.update, context):
        return
    lang = await messages.language_of(press.update, context)
    try:
        zone = await context.digests.set_timezone(press.message.chat_id, press.action.zone)
    except ValueError:  # a zone name tzdata no longer has
        await press.toast(t("OUTDATED_BUTTON", lang), alert=True)
        return
    await press.toast(zone_label(zone.zone))
    await sender.safe(press.message.edit_reply_markup(None), "edit")
    await sender.reply_html(press.message, zone_set(zone, lang), quote=False)


async def digest_command(update: Update, context: NewsContext) -> None:
    message = update.effective_message
    if message is None:
        return
    digests = context.digests
    chat_id = message.chat_id
    lang = await messages.language_of(update, context)
    word = (context.args or [""])[0].strip().lower()
    if word and word not in PAUSE_WORDS | RESUME_WORDS | QUIET_WORDS:
        await sender.reply_html(message, render.esc(t("DIGEST_USAGE", lang)))
        return
    if not await allowed_to_change(update, context):
        return
    if word in PAUSE_WORDS:
        await digests.pause(chat_id)
        await sender.reply_html(message, t("DIGEST_PAUSED", lang))
    elif word in RESUME_WORDS:
        upcoming = await digests.resume(chat_id)
        if await digests.has_feeds(chat_id):
            await sender.reply_html(message, t("DIGEST_RESUMED", lang, next=views.next_line(upcoming, lang)))
        else:  # nothing would come: say how to get a digest instead of announcing one
            await sender.reply_html(message, render.esc(t("DIGEST_ON_NO_FEEDS", lang)))
    elif word in QUIET_WORDS:
        notify = word == "notify"
        await digests.set_quiet_days(chat_id, notify=notify)
        what = t("QUIET_DAYS_NOTE" if notify else "QUIET_DAYS_NOTHING", lang)
        await sender.reply_html(message, t("QUIET_DAYS", lang, what=what))
    elif not await digests.has_feeds(chat_id):
        await sender.reply_html(message, render.esc(t("NO_SUBSCRIPTIONS", lang)))
    else:
        verdict = await digests.within_limit(chat_id)
        if not verdict.allowed:
            await sender.reply_html(message, render.esc(views.too_fast("RATE_LIMITED_DIGEST", verdict, lang)))
            return
        await sender.safe(message.chat.send_action(ChatAction.TYPING), "typing")
        await digests.send_now(chat_id, message.message_id)


async def more_stories_button(press: Press[MoreStories], context: NewsContext) -> None:
    """▶ under a digest that had more stories: the next page, as a digest on request."""
    lang = await messages.language_of(press.update, context)
    verdict = await context.digests.within_limit(press.message.chat_id)
    if not verdict.allowed:
        await press.toast(views.too_fast("RATE_LIMITED_DIGEST", verdict, lang), alert=True)
        return
    await press.toast(t("MORE_STORIES", lang))
    await context.digests.send_now(press.message.chat_id, press.query.id)
