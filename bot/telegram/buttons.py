"""Inline-button presses, routed by what ``bot.callbacks`` decodes from their data.

``on(Refresh, handler)`` registers a handler that sees only presses of that action, already
decoded and under an accessible message; ``outdated`` (registered after all of them) answers every
other press — garbage, a retired format, a message too old to edit — with a friendly alert
instead of leaving the button spinning.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from telegram import CallbackQuery, Message, Update
from telegram.ext import CallbackQueryHandler

from bot.callbacks import Action, decode
from bot.telegram import messages, sender
from bot.telegram.catalog import t
from bot.telegram.context import NewsContext

A = TypeVar("A", bound=Action)


@dataclass(frozen=True)
class Press(Generic[A]):
    update: Update
    query: CallbackQuery
    message: Message  # the message the button is under
    action: A

    async def toast(self, text: str | None = None, *, alert: bool = False) -> None:
        """Answer the press (stops the button's spinner), optionally with a short note."""
        await sender.safe(self.query.answer(text, show_alert=alert), "answer")


def on(kind: type[A], handle: Callable[[Press[A], NewsContext], Awaitable[None]]) -> CallbackQueryHandler:
    def matches(data: object) -> bool:
        return isinstance(decode(data), kind)

    async def callback(update: Update, context: NewsContext) -> None:
        query = update.callback_query
        if query is None:
            return
        action = decode(query.data)
        if not isinstance(action, kind) or not isinstance(query.message, Message):
            await outdated(update, context)
            return
        await handle(Press(update, query, query.message, action), context)

    return CallbackQueryHandler(callback, pattern=matches)


async def outdated(update: Update, context: NewsContext) -> None:
    if update.callback_query is not None:
        text = t("OUTDATED_BUTTON", messages.app_language(update))  # no storage lookup: answer at once
        await sender.safe(update.callback_query.answer(text, show_alert=True), "answer")
