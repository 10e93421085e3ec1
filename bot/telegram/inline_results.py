"""Inline mode's answers as Bot API objects: the results an inline query offers (with how long
Telegram may cache them) and the text a picked "⏳" result is edited into."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
)
from telegram.constants import ParseMode

from bot import render
from bot.app.inline import Failed, Hint, NoLink, Offer, Pending, Ready, TooFast
from bot.net.urls import host_of
from bot.pipeline import SummaryResult
from bot.store.limits import Verdict
from bot.telegram import views
from bot.telegram.catalog import reason, summary_words, t
from bot.telegram.sender import NO_PREVIEW

# Result ids (unique within one answer, ≤ 64 bytes); a chosen_inline_result names the one picked.
SUMMARY_ID = "summary"
PENDING_ID = "pending"
LINK_ID = "link"
NOTE_ID = "note"

# Seconds Telegram may answer the same query from its cache. Every answer is personal: it is in
# the user's language, and counts against (or reports) their own limits.
STEADY = 300  # a made summary, a hint: they don't change within minutes
FAILURE = 30  # a failing link is retried after the negative cache (a few minutes) anyway
DESCRIPTION_CHARS = 120


@dataclass(frozen=True)
class Answer:
    results: list[InlineQueryResultArticle]
    cache_time: int


def _article(result_id: str, title: str, text: str, *, description: str | None = None,
             markup: InlineKeyboardMarkup | None = None, html: bool = True) -> InlineQueryResultArticle:  # fmt: skip
    content = InputTextMessageContent(text, parse_mode=ParseMode.HTML if html else None,
                                      link_preview_options=NO_PREVIEW if html else None)  # fmt: skip
    return InlineQueryResultArticle(result_id, title, content, reply_markup=markup, description=description)


def summary_text(result: SummaryResult, lang: str) -> str:
    """The summary as one message (an inline message can't have a second part): blocks that don't
    fit are left out from the end (quotes, notes); the link is the button under it."""
    summary = result.summary
    if summary.note:
        summary = summary.model_copy(update={"note": reason(summary.note, lang)})
    blocks = render.summary_blocks(result.article, summary, updated=result.updated, show_link=False,
                                   words=summary_words(lang))  # fmt: skip
    return render.pack(blocks)[0]


def summary_markup(url: str, token: str | None, bot_username: str | None, lang: str) -> InlineKeyboardMarkup:
    rows = [[InlineKeyboardButton(t("INLINE_BUTTON_ORIGINAL", lang), url=url)]] if _web(url) else []
    if token and bot_username:
        rows.append([InlineKeyboardButton(t("INLINE_BUTTON_ASK", lang), url=f"https://t.me/{bot_username}?start={token}")])
    return InlineKeyboardMarkup(rows)


def _web(url: str) -> bool:
    return url.startswith(("http://", "https://"))


def _description(result: SummaryResult) -> str:
    site = result.article.site or host_of(result.article.link, fallback="")
    first = result.summary.bullets[0] if result.summary.bullets else ""
    text = " · ".join(part for part in (site, first) if part)
    return text if len(text) <= DESCRIPTION_CHARS else text[: DESCRIPTION_CHARS - 1] + "…"


def too_fast(verdict: Verdict, lang: str) -> str:
    return views.too_fast("RATE_LIMITED_LINKS", verdict, lang)


def failure_text(failed: Failed, lang: str) -> str:
    return render.render_error(reason(failed.reason, lang) if failed.reason else t("TOO_SLOW", lang))


def _link_result(url: str, lang: str) -> InlineQueryResultArticle:
    """The plain link, so whoever is waiting for a summary can always send something."""
    return _article(LINK_ID, t("INLINE_LINK_TITLE", lang), url, description=url, html=False)


def answer(offer: Offer, lang: str, bot_username: str | None) -> Answer:
    """The results for an inline query, and their cache time."""
    if isinstance(offer, Ready):
        result = offer.result
        markup = summary_markup(result.article.link, offer.token, bot_username, lang)
        title = result.summary.headline or result.article.title or host_of(result.article.link)
        return Answer([_article(SUMMARY_ID, title, summary_text(result, lang), description=_description(result),
                                markup=markup)], STEADY)  # fmt: skip
    if isinstance(offer, Pending):
        waiting = t("INLINE_PENDING", lang, site=offer.site)
        # A keyboard is what makes Telegram report the sent message's inline_message_id.
        markup = InlineKeyboardMarkup([[InlineKeyboardButton(t("INLINE_BUTTON_ORIGINAL", lang), url=offer.url)]])
        pending = _article(PENDING_ID, waiting, render.esc(waiting), description=t("INLINE_PENDING_DESCRIPTION", lang),
                           markup=markup)  # fmt: skip
        return Answer([pending, _link_result(offer.url, lang)], 0)  # asked again, it may be ready
    if isinstance(offer, Failed):
        text = failure_text(offer, lang)
        why = reason(offer.reason, lang) if offer.reason else t("TOO_SLOW", lang)
        return Answer([_article(NOTE_ID, t("INLINE_FAILED_TITLE", lang), text, description=why)], FAILURE)
    if isinstance(offer, TooFast):
        note = too_fast(offer.verdict, lang)
        return Answer([_article(NOTE_ID, t("INLINE_TOO_FAST_TITLE", lang), render.esc(note), description=note)],
                      max(1, offer.verdict.retry_after))  # fmt: skip
    if isinstance(offer, NoLink):
        hint = t("INLINE_HINT_MESSAGE", lang, bot=bot_username or "")
        return Answer([_article(NOTE_ID, t("INLINE_NO_LINK_TITLE", lang), render.esc(hint),
                                description=t("INLINE_NO_LINK_DESCRIPTION", lang))], STEADY)  # fmt: skip
    assert isinstance(offer, Hint)
    hint = t("INLINE_HINT_MESSAGE", lang, bot=bot_username or "")
    return Answer([_article(NOTE_ID, t("INLINE_HINT_TITLE", lang), render.esc(hint),
                            description=t("INLINE_HINT_DESCRIPTION", lang))], STEADY)  # fmt: skip


def not_allowed(lang: str) -> Answer:
    note = t("NOT_ALLOWED", lang)
    return Answer([_article(NOTE_ID, t("INLINE_NOT_ALLOWED_TITLE", lang), render.esc(note), description=note)], STEADY)


def delivered(outcome: Ready | Failed, lang: str, bot_username: str | None) -> tuple[str, InlineKeyboardMarkup | None]:
    """What a picked "⏳" message becomes: the summary with its buttons, or why not (with the link)."""
    if isinstance(outcome, Ready):
        result = outcome.result
        return summary_text(result, lang), summary_markup(result.article.link, outcome.token, bot_username, lang)
    markup = InlineKeyboardMarkup([[InlineKeyboardButton(t("INLINE_BUTTON_ORIGINAL", lang), url=outcome.url)]])
    return failure_text(outcome, lang), markup if _web(outcome.url) else None
