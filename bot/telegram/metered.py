"""Counting at the Telegram edge: every Bot API call (and its 429s), every update by type.

``MeteredRequest`` is PTB's HTTPX request with a counter on ``do_request``, the one place every
Bot API call passes, whichever bot (updates, replies, digests) makes it. ``count_update`` runs
before every other handler and also names the update's user for the LLM's per-user budget.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.request import HTTPXRequest

from bot import metrics
from bot.telegram.context import NewsContext


class MeteredRequest(HTTPXRequest):
    async def do_request(self, url: str, method: str, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        status, payload = await super().do_request(url, method, *args, **kwargs)
        name = url.rsplit("/", 1)[-1]
        metrics.bot_api(name if name.isalpha() else "file", status)  # file paths would be endless labels
        return status, payload


async def count_update(update: Update, context: NewsContext) -> None:
    kind = next((name for name in Update.ALL_TYPES if getattr(update, name, None) is not None), "other")
    user = update.effective_user.id if update.effective_user else None
    metrics.acting_user.set(user)  # the handlers after this one run in the same task: they see it
    metrics.update(kind, user)
