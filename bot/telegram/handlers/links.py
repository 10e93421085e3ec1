"""Send a link, get the story: links and pasted articles in, summary replies out; the buttons that
summarize again (🔄 under a summary, 📄 under a digest entry)."""

from __future__ import annotations

import asyncio

from telegram import Message, Update

from bot import render
from bot.callbacks import EntrySummary, Refresh
from bot.telegram import messages, sender, texts, views
from bot.telegram.buttons import Press
from bot.telegram.context import NewsContext
from bot.telegram.replies import reply_with_summary, show_summary


async def summarize_links(update: Update, context: NewsContext, message: Message, links: list[str]) -> None:
    chosen = links[: messages.MAX_LINKS]
    verdict = await context.summaries.within_limit(messages.limit_subject(update), len(chosen))
    if not verdict.allowed:
        await sender.reply_html(message, render.esc(views.too_fast(texts.RATE_LIMITED_LINKS, verdict)))
        return
    if len(links) > messages.MAX_LINKS:
        await sender.reply_html(message, render.esc(texts.TOO_MANY_LINKS.format(n=messages.MAX_LINKS)))
    language = await messages.language_of(update, context)

    async def answer(url: str) -> None:
        await reply_with_summary(context, message, render.placeholder(url),
                                 lambda: context.summaries.for_link(url, language),
                                 lambda: context.summaries.ready_link(url, language))  # fmt: skip

    await asyncio.gather(*(answer(url) for url in chosen))


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
    """🔄: fetch the article again and redo the summary in place (errors go in a new reply)."""
    url = await context.summaries.link_of(press.action.key)
    if not url:
        await press.toast(texts.REFRESH_EXPIRED, alert=True)
        return
    verdict = await context.summaries.within_limit(messages.limit_subject(press.update))
    if not verdict.allowed:
        await press.toast(views.too_fast(texts.RATE_LIMITED_LINKS, verdict), alert=True)
        return
    await press.toast(texts.REFRESHING)
    language = await messages.language_of(press.update, context)
    await show_summary(context, press.message, lambda: context.summaries.for_link(url, language, refresh=True),
                       keep_on_error=True)  # fmt: skip


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
                             lambda: context.summaries.ready_link(url, language))  # fmt: skip
