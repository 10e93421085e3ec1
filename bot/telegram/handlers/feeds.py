"""Following feeds: /subscribe (and the button picking one of a site's feeds), /subscriptions,
/unsubscribe (and its buttons), /sources. In groups only admins change the list."""

from __future__ import annotations

from telegram import Message, Update
from telegram.constants import ChatAction

from bot import render
from bot.app.subscriptions import Choices
from bot.callbacks import PickFeed, Unsubscribe
from bot.telegram import keyboards, messages, sender, texts, views
from bot.telegram.admins import allowed_to_change
from bot.telegram.buttons import Press
from bot.telegram.context import NewsContext


def _language(update: Update) -> str | None:
    return update.effective_user.language_code if update.effective_user else None


async def subscribe_command(update: Update, context: NewsContext) -> None:
    message = update.effective_message
    if message is None or update.effective_chat is None:
        return
    query = " ".join(context.args or []).strip()
    if not query:
        await sender.reply_html(message, texts.SUBSCRIBE_USAGE)
        return
    if not await allowed_to_change(update, context):
        return
    target = context.subscriptions.find(query)
    if target is None:
        await sender.reply_html(message, render.esc(texts.UNKNOWN_SOURCE.format(name=query[:60])))
        return
    verdict = await context.subscriptions.within_limit(messages.limit_subject(update))
    if not verdict.allowed:
        await sender.reply_html(message, render.esc(views.too_fast(texts.RATE_LIMITED_SUBSCRIBE, verdict)))
        return
    await sender.safe(message.chat.send_action(ChatAction.TYPING), "typing")
    outcome = await context.subscriptions.subscribe(message.chat_id, target, _language(update))
    if isinstance(outcome, Choices):
        await sender.reply_html(message, texts.WHICH_FEED, keyboards.feed_choices(outcome))
    else:
        await sender.reply_html(message, views.subscription(outcome))


async def pick_button(press: Press[PickFeed], context: NewsContext) -> None:
    """One of the feeds /subscribe offered: subscribe, and say so in place of the question."""
    if not await allowed_to_change(press.update, context):
        return
    target = await context.subscriptions.offered(press.action.token, press.action.index)
    if target is None:
        await press.toast(texts.CHOICE_EXPIRED, alert=True)
        return
    verdict = await context.subscriptions.within_limit(messages.limit_subject(press.update))
    if not verdict.allowed:
        await press.toast(views.too_fast(texts.RATE_LIMITED_SUBSCRIBE, verdict), alert=True)
        return
    await press.toast(texts.CHECKING_FEED)
    outcome = await context.subscriptions.subscribe(press.message.chat_id, target, _language(press.update))
    assert not isinstance(outcome, Choices)  # an offered address is checked as a feed, never resolved
    await sender.edit_html(press.message, views.subscription(outcome))


async def _send_listing(context: NewsContext, message: Message) -> None:
    parts, markup = views.listing(await context.subscriptions.list(message.chat_id))
    for i, part in enumerate(parts):
        await sender.reply_html(message, part, markup if i == len(parts) - 1 else None)


async def subscriptions_command(update: Update, context: NewsContext) -> None:
    if update.effective_message is not None:
        await _send_listing(context, update.effective_message)


async def unsubscribe_command(update: Update, context: NewsContext) -> None:
    message = update.effective_message
    if message is None:
        return
    if not context.args:
        await _send_listing(context, message)
        return
    if not await allowed_to_change(update, context):
        return
    removed = await context.subscriptions.unsubscribe(message.chat_id, " ".join(context.args).strip())
    if removed is None:
        await sender.reply_html(message, texts.NOT_FOLLOWING)
        return
    await sender.reply_html(message, texts.UNSUBSCRIBED.format(name=render.esc(removed.title or removed.url)))


async def unsubscribe_button(press: Press[Unsubscribe], context: NewsContext) -> None:
    """✖ in /subscriptions: remove the feed, then show the list again in the same message."""
    if not await allowed_to_change(press.update, context):
        return
    chat_id = press.message.chat_id
    removed = await context.subscriptions.unsubscribe_key(chat_id, press.action.feed)
    note = texts.UNSUBSCRIBED_TOAST.format(name=removed.title or removed.url) if removed else texts.ALREADY_REMOVED
    await press.toast(note[:190])
    parts, markup = views.listing(await context.subscriptions.list(chat_id))
    await sender.edit_html(press.message, parts[0], markup if len(parts) == 1 else None)


async def sources_command(update: Update, context: NewsContext) -> None:
    message = update.effective_message
    if message is None:
        return
    for part in views.sources(context.subscriptions.sources()):
        await sender.reply_html(message, part)
