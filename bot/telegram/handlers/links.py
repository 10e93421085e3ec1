"""Send a link, get the story: links and pasted articles in, summary replies out; the buttons that
summarize again (🔄 under a summary, 📄 under a digest entry)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from telegram import Message, Update

from bot import render
from bot.app.summaries import Refreshed
from bot.callbacks import EntrySummary, Refresh
from bot.errors import FetchError, NewsbotError
from bot.net.urls import parse_user_url
from bot.pipeline import SummaryResult
from bot.telegram import drafts, messages, sender, views
from bot.telegram.buttons import Press
from bot.telegram.catalog import reason, t
from bot.telegram.context import NewsContext
from bot.telegram.follow_view import change_view
from bot.telegram.replies import reply_with_summary, show_summary, stream_summary
from bot.telegram.stops import STREAMS

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
    language = await messages.language_of(update, context)
    for exc in invalid:
        await sender.reply_html(message, render.render_error(reason(exc.reason, language)))
    if not chosen:
        return
    subject = messages.limit_subject(update)
    admission = await context.summaries.admit_links(subject, chosen, language)
    if admission.refused:
        await sender.reply_html(message, render.esc(views.too_fast("RATE_LIMITED_LINKS", admission.verdict, language)))
    answered = [url for url in chosen if url in admission.ready or url in admission.admitted]
    if not answered:
        return
    if len(links) > messages.MAX_LINKS:
        await sender.reply_html(message, render.esc(t("TOO_MANY_LINKS", language, n=messages.MAX_LINKS)))
    await context.conversations.close(message.chat_id)
    summaries = context.summaries
    if len(answered) == 1 and answered[0] in admission.admitted and _streams(context, message):
        [url] = answered
        await STREAMS.run(message.chat_id, stream_summary(
            context, message, render.placeholder(url, t("READING_LINK", language)),
            lambda progress: summaries.for_admitted_link(admission, subject, url, language, progress=progress),
            lang=language))  # fmt: skip
        return
    works = [_known(admission.ready[url]) if url in admission.ready
             else summaries.for_admitted_link(admission, subject, url, language) for url in answered]  # fmt: skip
    await _replies_in_order(context, message, works, answered, language)


async def _known(outcome: SummaryResult | NewsbotError) -> SummaryResult:
    """A cache hit (or a recently failed link) as the work that would have made it."""
    if isinstance(outcome, NewsbotError):
        raise outcome
    return outcome


def _streams(context: NewsContext, message: Message) -> bool:
    """Whether a summary for ``message`` streams: a private chat, an LLM writing, drafts taken.
    (Several links at once keep their placeholders: their replies must keep the links' order.)"""
    return messages.is_private(message) and context.summaries.streamed and drafts.available()


def _awaiting(work: asyncio.Future[SummaryResult]) -> Callable[[], Awaitable[SummaryResult]]:
    async def result() -> SummaryResult:
        return await work

    return result


async def _replies_in_order(
    context: NewsContext, message: Message, works: Sequence[Awaitable[SummaryResult]], urls: list[str], lang: str
) -> None:
    """All summaries are worked on at once; their replies go out in the order of the links."""
    started = [asyncio.ensure_future(work) for work in works]
    try:
        for url, work in zip(urls, started, strict=True):
            placeholder = render.placeholder(url, t("READING_LINK", lang))
            await reply_with_summary(context, message, placeholder, _awaiting(work), lang=lang)
    finally:
        for work in started:
            work.cancel()  # only those left behind when a reply failed


async def summarize_pasted(update: Update, context: NewsContext, message: Message, text: str) -> None:
    language = await messages.language_of(update, context)
    verdict = await context.summaries.within_limit(messages.limit_subject(update))
    if not verdict.allowed:
        await sender.reply_html(message, render.esc(views.too_fast("RATE_LIMITED_LINKS", verdict, language)))
        return
    if _streams(context, message):
        await STREAMS.run(message.chat_id, stream_summary(
            context, message, t("READING_TEXT", language),
            lambda progress: context.summaries.for_text(text, language, progress=progress),
            lambda: context.summaries.ready_text(text, language), lang=language))  # fmt: skip
        return
    await reply_with_summary(context, message, t("READING_TEXT", language),
                             lambda: context.summaries.for_text(text, language),
                             lambda: context.summaries.ready_text(text, language), lang=language)  # fmt: skip


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
        await sender.reply_html(message, t("SUMMARIZE_USAGE", await messages.language_of(update, context)))
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
        await press.toast(views.too_fast("RATE_LIMITED_LINKS", verdict, lang), alert=True)
        return
    seen = await context.conversations.shown(press.action.key)
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
    if refreshed is not None and refreshed.change is not None:  # what changed, as a follower would see it
        await sender.reply_html(press.message, change_view(refreshed.change, refreshed.result.article.link, lang))


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
    language = await messages.language_of(press.update, context)
    if not url:
        await press.toast(t("STORY_GONE", language), alert=True)
        return
    verdict = await context.summaries.within_limit(messages.limit_subject(press.update))
    if not verdict.allowed:
        await press.toast(views.too_fast("RATE_LIMITED_LINKS", verdict, language), alert=True)
        return
    await press.toast(t("SUMMARIZING", language))
    await reply_with_summary(context, press.message, render.placeholder(url, t("READING_LINK", language)),
                             lambda: context.summaries.for_link(url, language),
                             lambda: context.summaries.ready_link(url, language), lang=language)  # fmt: skip


async def open_shared(update: Update, context: NewsContext, message: Message, token: str) -> None:
    """/start <article token>, from "Ask the bot" under a summary shared in inline mode: the
    article's summary here, and questions in this chat are about it from then on."""
    language = await messages.language_of(update, context)
    found = await context.inline.url_of_token(token)
    if found is None:
        await sender.reply_html(message, render.esc(t("ARTICLE_GONE", language)), quote=False)
        return
    _, url = found
    verdict = await context.summaries.within_limit(messages.limit_subject(update))
    if not verdict.allowed:
        await sender.reply_html(message, render.esc(views.too_fast("RATE_LIMITED_LINKS", verdict, language)))
        return
    await context.conversations.close(message.chat_id)
    await reply_with_summary(context, message, render.placeholder(url, t("READING_LINK", language)),
                             lambda: context.summaries.for_link(url, language),
                             lambda: context.summaries.ready_link(url, language), lang=language)  # fmt: skip
