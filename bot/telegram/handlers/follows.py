"""Following a story: /follow <link>, the 🔔 button under a summary, /following with its Unfollow
and night buttons. The rules live in ``bot.app.follows``; this only parses and renders."""

from __future__ import annotations

from telegram import Update

from bot import render
from bot.app.follows import AlreadyFollowing, Following, LimitReached, NotALink
from bot.callbacks import Follow, NightUpdates, Unfollow
from bot.errors import NewsbotError
from bot.telegram import keyboards, messages, sender, views
from bot.telegram.buttons import Press
from bot.telegram.catalog import reason, t
from bot.telegram.context import NewsContext
from bot.telegram.follow_view import listing_text

Outcome = Following | AlreadyFollowing | LimitReached | NotALink


def _said(outcome: Outcome, language: str, hours: int) -> str:
    if isinstance(outcome, Following):
        return t("FOLLOW_STARTED", language, title=render.esc(outcome.title), hours=hours)
    if isinstance(outcome, AlreadyFollowing):
        return t("FOLLOW_ALREADY", language, title=render.esc(outcome.title))
    if isinstance(outcome, LimitReached):
        return render.esc(t("FOLLOW_LIMIT", language, limit=outcome.limit))
    return render.esc(t("FOLLOW_NOT_A_LINK", language))


async def follow_command(update: Update, context: NewsContext) -> None:
    message = update.effective_message
    if message is None:
        return
    language = await messages.language_of(update, context)
    links = messages.links_in(message) or list(context.args or [])[:1]
    if not links and message.reply_to_message is not None:
        links = messages.links_in(message.reply_to_message)
    if not links:
        await sender.reply_html(message, t("FOLLOW_USAGE", language))
        return
    verdict = await context.follows.within_limit(messages.limit_subject(update))
    if not verdict.allowed:
        await sender.reply_html(message, render.esc(views.too_fast("RATE_LIMITED_LINKS", verdict, language)))
        return
    try:
        outcome: Outcome = await context.follows.follow_link(message.chat_id, links[0], language)
    except NewsbotError as exc:
        await sender.reply_html(message, render.render_error(reason(exc.reason, language)))
        return
    await sender.reply_html(message, _said(outcome, language, context.follows.hours))


async def follow_button(press: Press[Follow], context: NewsContext) -> None:
    """🔔 under a summary: follow its story; the answer comes as a reply (a toast is too short)."""
    language = await messages.language_of(press.update, context)
    verdict = await context.follows.within_limit(messages.limit_subject(press.update))
    if not verdict.allowed:
        await press.toast(views.too_fast("RATE_LIMITED_LINKS", verdict, language), alert=True)
        return
    try:
        outcome = await context.follows.follow_key(press.message.chat_id, press.action.key, language)
    except NewsbotError as exc:
        await press.toast(reason(exc.reason, language)[:190], alert=True)
        return
    if isinstance(outcome, Following):
        await press.toast(t("FOLLOW_TOAST", language))
    else:
        await press.toast()
    await sender.reply_html(press.message, _said(outcome, language, context.follows.hours))


async def following_command(update: Update, context: NewsContext) -> None:
    message = update.effective_message
    if message is None:
        return
    language = await messages.language_of(update, context)
    listing = await context.follows.listing(message.chat_id)
    await sender.reply_html(message, listing_text(listing, language), keyboards.following(listing, language))


async def _show_listing(press: Press[Unfollow] | Press[NightUpdates], context: NewsContext, language: str) -> None:
    listing = await context.follows.listing(press.message.chat_id)
    await sender.edit_html(press.message, listing_text(listing, language), keyboards.following(listing, language))


async def unfollow_button(press: Press[Unfollow], context: NewsContext) -> None:
    language = await messages.language_of(press.update, context)
    removed = await context.follows.unfollow(press.message.chat_id, press.action.key)
    if removed is not None:
        note = t("UNFOLLOWED_TOAST", language, title=removed.title or removed.url)
    else:
        note = t("UNFOLLOW_GONE", language)
    await press.toast(note[:190])
    await _show_listing(press, context, language)


async def night_button(press: Press[NightUpdates], context: NewsContext) -> None:
    language = await messages.language_of(press.update, context)
    await context.follows.set_night(press.message.chat_id, bool(press.action.on))
    await press.toast()
    await _show_listing(press, context, language)
