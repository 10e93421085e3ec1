"""Send a link, get the story: links and pasted articles in, summary replies out; the buttons that
summarize again (🔄 under a summary, 📄 under a digest entry)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from telegram import Message, Update

from bot import render
from bot.app.summaries import Refreshed
from bot.callbacks import EntrySummary, Refresh
from bot.errors import FetchError
from bot.net.urls import parse_user_url
from bot.pipeline import SummaryResult
from bot.telegram import messages, sender, texts, views
from bot.telegram.buttons import Press
from bot.telegram.catalog import t
from bot.telegram.context import NewsContext
from bot.telegram.replies import reply_with_summary, show_summary

TOAST_WITHIN = 0.8  # seconds a refresh may take and still answer the press with its outcome


def _readable(links: list[str]) -> tuple[list[str], list[FetchError]]:
    """The links that parse as web links (cleaned), and why the others don't."""
    valid: list[str] = []
    invalid: list[FetchError] = []
    for link in links:
        try:
            valid.append(parse_user_url(link))
        except FetchError as exc:
            invalid.append(exc)
    return valid, invalid


async def summarize_links(update: Update, context: NewsContext, message: Message, links: list[str]) -> None:
    # Validation before anything else: nothing downstream (placeholder, keys) sees a broken link.
    chosen, invalid = _readable(links[: messages.MAX_LINKS])
    for exc in invalid:
        await sender.reply_html(message, render.render_error(exc.reason))
    if not chosen:
        return
    verdict = await context.summaries.within_limit(messages.limit_subject(update), len(chosen))
    if not verdict.allowed:
        await sender.reply_html(message, render.esc(views.too_fast(texts.RATE_LIMITED_LINKS, verdict)))
        return
    if len(links) > messages.MAX_LINKS:
        await sender.reply_html(message, render.esc(texts.TOO_MANY_LINKS.format(n=messages.MAX_LINKS)))
    language = await messages.language_of(update, context)
    await context.conversations.close(message.chat_id)
    await _replies_in_order(context, message, [context.summaries.for_link(url, language) for url in chosen], chosen,
                            language)


def _awaiting(work: asyncio.Future[SummaryResult]) -> Callable[[], Awaitable[SummaryResult]]:
    async def result() -> SummaryResult:
        return await work

    return result


async def _replies_in_order(
    context: NewsContext, message: Message, works: list[Awaitable[SummaryResult]], urls: list[str], language: str
) -> None:
    """All summaries are worked on at once; their replies go out in the order of the links."""
    started = [asyncio.ensure_future(work) for work in works]
    try:
        for url, work in zip(urls, started, strict=True):
            await reply_with_summary(context, message, render.placeholder(url), _awaiting(work), lang=language)
    finally:
        for work in started:
            work.cancel()  # only those left behind when a reply failed


async def summarize_pasted(update: Update, context: NewsContext, message: Message, text: str) -> None:
    verdict = await context.summaries.within_limit(messages.limit_subject(update))
    if not verdict.allowed:
        await sender.reply_html(message, render.esc(views.too_fast(texts.RATE_LIMITED_LINKS, verdict)))
        return
    language = await messages.language_of(update, context)
    await reply_with_summary(context, message, texts.READING_TEXT, lambda: context.summaries.for_text(text, language),
                             lambda: context.summaries.ready_text(text, language))


async def summarize_command(update: Update, context: NewsContext) -> None:
    """/summarize <url> — also as a reply to a message that has a link (works in groups)."""
    message = update.effective_message
    if message is None:
        return
    links = messages.links_in(message)
    if not links and message.reply_to_message:
        links = messages.links_in(message.reply_to_message)
        if not links:
            quoted = messages.text_of(message.reply_to_message)
            if messages.is_pasted_article(quoted):
                await summarize_pasted(update, context, message, quoted)
                return
    if not links and context.args:
        links = [context.args[0]]  # a bare "example.com/story" that Telegram didn't mark as a link
    if not links:
        await sender.reply_html(message, texts.SUMMARIZE_USAGE)
        return
    await summarize_links(update, context, message, links)


async def refresh_button(press: Press[Refresh], context: NewsContext) -> None:
    """🔄: fetch the article again. Unchanged: "No changes since HH:MM" (a toast when that is known
    in time, else a short reply); changed: the summary redone in place, marked updated."""
    url = await context.summaries.link_of(press.action.key)
    lang = await messages.language_of(press.update, context)
    if not url:
        await press.toast(t("REFRESH_EXPIRED", lang), alert=True)
        return
    verdict = await context.summaries.within_limit(messages.limit_subject(press.update))
    if not verdict.allowed:
        await press.toast(views.too_fast(texts.RATE_LIMITED_LINKS, verdict), alert=True)
        return
    seen = await context.conversations.text_hash(press.action.key)
    work = asyncio.ensure_future(context.summaries.refresh(url, lang, seen))
    done, _ = await asyncio.wait({work}, timeout=TOAST_WITHIN)
    if not done:
        await press.toast(t("REFRESHING", lang))
    refreshed = work.result() if await _finished(work) else None
    if refreshed is not None and not refreshed.changed:
        note = t("NO_CHANGES", lang, at=await _shown_at(press.message, context))
        await (press.toast(note) if done else sender.reply_html(press.message, render.esc(note)))
        return
    if done:
        await press.toast(t("UPDATED_TOAST", lang) if refreshed is not None else None)
    await show_summary(context, press.message, _refreshed_summary(work), keep_on_error=True, lang=lang)


async def _finished(work: asyncio.Future[Refreshed]) -> bool:
    """Wait for ``work``; True when it gave a result (its error is read later, by ``show_summary``)."""
    await asyncio.wait({work})
    return work.exception() is None


def _refreshed_summary(work: asyncio.Future[Refreshed]) -> Callable[[], Awaitable[SummaryResult]]:
    async def result() -> SummaryResult:
        return (await work).result

    return result


async def _shown_at(message: Message, context: NewsContext) -> str:
    """When the message got its current text, in the chat's digest time zone (else UTC, said so)."""
    shown = message.edit_date or message.date
    zone_name = (await context.digests.schedule(message.chat_id)).timezone
    try:
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    at = shown.astimezone(zone).strftime("%H:%M")
    return f"{at} UTC" if zone.key == "UTC" else at


async def entry_summary_button(press: Press[EntrySummary], context: NewsContext) -> None:
    """📄 under a digest entry: the full summary, as if the user had sent the link."""
    url = await context.summaries.link_of(press.action.key)
    if not url:
        await press.toast(texts.STORY_GONE, alert=True)
        return
    verdict = await context.summaries.within_limit(messages.limit_subject(press.update))
    if not verdict.allowed:
        await press.toast(views.too_fast(texts.RATE_LIMITED_LINKS, verdict), alert=True)
        return
    await press.toast(texts.SUMMARIZING)
    language = await messages.language_of(press.update, context)
    await reply_with_summary(context, press.message, render.placeholder(url),
                             lambda: context.summaries.for_link(url, language),
                             lambda: context.summaries.ready_link(url, language), lang=language)  # fmt: skip
