"""Following feeds: /subscribe (and the button picking one of a site's feeds), /subscriptions,
/unsubscribe (and its buttons), /sources. In groups only admins change the list."""

from __future__ import annotations

from telegram import Message, Update
from telegram.constants import ChatAction

from bot import render
from bot.app.subscriptions import Choices
from bot.callbacks import PickFeed, Unsubscribe
from bot.telegram import keyboards, messages, sender, views
from bot.telegram.admins import allowed_to_change
from bot.telegram.buttons import Press
from bot.telegram.catalog import t
from bot.telegram.context import NewsContext


async def subscribe_command(update: Update, context: NewsContext) -> None:
    message = update.effective_message
    if message is None or update.effective_chat is None:
        return
    query = " ".join(context.args or []).strip()
    lang = await messages.language_of(update, context)
    if not query:
        await sender.reply_html(message, t("SUBSCRIBE_USAGE", lang))
        return
    if not await allowed_to_change(update, context):
        return
    target = context.subscriptions.find(query)
    if target is None:
        await sender.reply_html(message, render.esc(t("UNKNOWN_SOURCE", lang, name=query[:60])))
        return
    verdict = await context.subscriptions.within_limit(messages.limit_subject(update))
    if not verdict.allowed:
        await sender.reply_html(message, render.esc(views.too_fast("RATE_LIMITED_SUBSCRIBE", verdict, lang)))
        return
    await sender.safe(message.chat.send_action(ChatAction.TYPING), "typing")
    outcome = await context.subscriptions.subscribe(message.chat_id, target, messages.app_language(update))
    if isinstance(outcome, Choices):
        await sender.reply_html(message, t("WHICH_FEED", lang), keyboards.feed_choices(outcome))
    else:
        await sender.reply_html(message, *views.subscription(outcome, lang))


async def pick_button(press: Press[PickFeed], context: NewsContext) -> None:
    """One of the feeds /subscribe offered: subscribe, and say so in place of the question."""
    if not await allowed_to_change(press.update, context):
        return
    lang = await messages.language_of(press.update, context)
    target = await context.subscriptions.offered(press.action.token, press.action.index)
    if target is None:
        await press.toast(t("CHOICE_EXPIRED", lang), alert=True)
        return
    verdict = await context.subscriptions.within_limit(messages.limit_subject(press.update))
    if not verdict.allowed:
        await press.toast(views.too_fast("RATE_LIMITED_SUBSCRIBE", verdict, lang), alert=True)
        return
    await press.toast(t("CHECKING_FEED", lang))
    chat_id, language = press.message.chat_id, messages.app_language(press.update)
    outcome = await context.subscriptions.subscribe(chat_id, target, language)
    assert not isinstance(outcome, Choices)  # an offered address is checked as a feed, never resolved
    await sender.edit_html(press.message, *views.subscription(outcome, lang))


async def _send_listing(context: NewsContext, message: Message, lang: str) -> None:
    parts, markup = views.listing(await context.subscriptions.list(message.chat_id), lang)
    for i, part in enumerate(parts):
        await sender.reply_html(message, part, markup if i == len(parts) - 1 else None)


async def subscriptions_command(update: Update, context: NewsContext) -> None:
    if update.effective_message is not None:
        await _send_listing(context, update.effective_message, await messages.language_of(update, context))


async def unsubscribe_command(update: Update, context: NewsContext) -> None:
    message = update.effective_message
    if message is None:
        return
    lang = await messages.language_of(update, context)
    if not context.args:
        await _send_listing(context, message, lang)
        return
    if not await allowed_to_change(update, context):
        return
    removed = await context.subscriptions.unsubscribe(message.chat_id, " ".join(context.args).strip())
    if removed is None:
        await sender.reply_html(message, t("NOT_FOLLOWING", lang))
        return
    await sender.reply_html(message, t("UNSUBSCRIBED", lang, name=render.esc(removed.title or removed.url)))


async def unsubscribe_button(press: Press[Unsubscribe], context: NewsContext) -> None:
    """✖ in /subscriptions: remove the feed, then show the list again in the same message."""
    if not await allowed_to_change(press.update, context):
        return
    chat_id = press.message.chat_id
    removed = await context.subscriptions.unsubscribe_key(chat_id, press.action.feed)
    lang = await messages.language_of(press.update, context)
    note = t("UNSUBSCRIBED_TOAST", lang, name=removed.title or removed.url) if removed else t("ALREADY_REMOVED", lang)
    await press.toast(note[:190])
    parts, markup = views.listing(await context.subscriptions.list(chat_id), lang)
    await sender.edit_html(press.message, parts[0], markup if len(parts) == 1 else None)


async def sources_command(update: Update, context: NewsContext) -> None:
    message = update.effective_message
    if message is None:
        return
    lang = await messages.language_of(update, context)
    for part in views.sources(context.subscriptions.sources(), lang):
        await sender.reply_html(message, part)
