"""The inline keyboards the bot sends; every button's data is a ``bot.callbacks`` action."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.app.follows import Listing
from bot.app.subscriptions import Choices, Feed
from bot.callbacks import Action, AskAbout, AskSuggested, Follow, NightUpdates, PickFeed, Refresh, Unfollow, Unsubscribe
from bot.pipeline import PDF_PREFIX, TEXT_PREFIX, SummaryResult
from bot.telegram.catalog import t


def _button(label: str, action: Action) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=action.encode())


SUGGESTED = "❓ "  # before a suggested question on its button, in every language


def summary(result: SummaryResult, lang: str | None) -> InlineKeyboardMarkup:
    """Suggested questions, "ask", "refresh" and "follow" (not for pasted text or an uploaded PDF:
    nothing to fetch again), the original."""
    key = result.article_key
    rows = [[_button(f"{SUGGESTED}{q}", AskSuggested(key, i))] for i, q in enumerate(result.summary.questions)]
    actions = [_button(t("BUTTON_ASK", lang), AskAbout(key))]
    if not key.startswith((TEXT_PREFIX, PDF_PREFIX)):
        actions.append(_button(t("BUTTON_REFRESH", lang), Refresh(key)))
    rows.append(actions)
    if not key.startswith((TEXT_PREFIX, PDF_PREFIX)):
        rows.append([_button(t("BUTTON_FOLLOW", lang), Follow(key))])
    if result.article.link.startswith(("http://", "https://")):
        rows.append([InlineKeyboardButton(t("BUTTON_ORIGINAL", lang), url=result.article.link)])
    return InlineKeyboardMarkup(rows)


def suggested_question(markup: InlineKeyboardMarkup | None, data: str) -> str | None:
    """The question written on the button with ``data`` (the summary keeps no other copy)."""
    prefix = SUGGESTED
    for row in markup.inline_keyboard if markup else ():
        for button in row:
            if button.callback_data == data:
                return button.text.removeprefix(prefix).strip() or None
    return None


def feed_choices(choices: Choices) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[_button(title[:60], PickFeed(choices.token, i))] for i, title in enumerate(choices.titles)]
    )


def unsubscribe(feeds: list[Feed], label: str) -> InlineKeyboardMarkup:
    """✖ per feed; ``label`` has ``{number}`` and ``{name}``."""
    return InlineKeyboardMarkup(
        [[_button(label.format(number=i, name=feed.name[:40]), Unsubscribe(feed.key))]
         for i, feed in enumerate(feeds, 1)]
    )  # fmt: skip


def following(listing: Listing, language: str | None) -> InlineKeyboardMarkup | None:
    """/following: an Unfollow button per story, and the night switch."""
    if not listing.stories:
        return None
    rows = [[_button(t("BUTTON_UNFOLLOW", language, number=i, title=(story.title or story.url)[:40]),
                     Unfollow(story.key))] for i, story in enumerate(listing.stories, 1)]  # fmt: skip
    night = NightUpdates(0) if listing.night else NightUpdates(1)
    rows.append([_button(t("BUTTON_NIGHT_OFF" if listing.night else "BUTTON_NIGHT_ON", language), night)])
    return InlineKeyboardMarkup(rows)
