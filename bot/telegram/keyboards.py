"""The inline keyboards the bot sends; every button's data is a ``bot.callbacks`` action."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.app.subscriptions import Choices, Feed
from bot.callbacks import Action, AskAbout, AskSuggested, PickFeed, Refresh, Unsubscribe
from bot.pipeline import PDF_PREFIX, TEXT_PREFIX, SummaryResult
from bot.telegram import texts


def _button(label: str, action: Action) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=action.encode())


def summary(result: SummaryResult) -> InlineKeyboardMarkup:
    """Suggested questions, "ask" and "refresh" (not for pasted text or an uploaded PDF: nothing to
    fetch again), the original."""
    key = result.article_key
    rows = [[_button(texts.BUTTON_SUGGESTED.format(question=q), AskSuggested(key, i))]
            for i, q in enumerate(result.summary.questions)]  # fmt: skip
    actions = [_button(texts.BUTTON_ASK, AskAbout(key))]
    if not key.startswith((TEXT_PREFIX, PDF_PREFIX)):
        actions.append(_button(texts.BUTTON_REFRESH, Refresh(key)))
    rows.append(actions)
    if result.article.link.startswith(("http://", "https://")):
        rows.append([InlineKeyboardButton(texts.BUTTON_ORIGINAL, url=result.article.link)])
    return InlineKeyboardMarkup(rows)


def suggested_question(markup: InlineKeyboardMarkup | None, data: str) -> str | None:
    """The question written on the button with ``data`` (the summary keeps no other copy)."""
    prefix = texts.BUTTON_SUGGESTED.format(question="")
    for row in markup.inline_keyboard if markup else ():
        for button in row:
            if button.callback_data == data:
                return button.text.removeprefix(prefix).strip() or None
    return None


def feed_choices(choices: Choices) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[_button(title[:60], PickFeed(choices.token, i))] for i, title in enumerate(choices.titles)]
    )


def unsubscribe(feeds: list[Feed]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[_button(texts.BUTTON_UNSUBSCRIBE.format(number=i, name=feed.name[:40]), Unsubscribe(feed.key))]
         for i, feed in enumerate(feeds, 1)]
    )  # fmt: skip
