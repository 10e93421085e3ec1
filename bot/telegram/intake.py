"""Update intake that one bad update cannot stop: updates are parsed one at a time, and one the
library cannot parse (a field it requires and the server didn't send) is skipped, counted and
logged at most once a minute — in long polling and in webhook mode.

python-telegram-bot parses a getUpdates batch as a whole and refetches the same batch when any
update in it fails, forever; its webhook answers such an update with 400, which the Bot API
retries forever too. So the raw list is filtered where the bot receives it (``IntakeBot``), and
webhook mode runs its own small endpoint (``webhook_server``).
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from telegram import Update
from telegram.error import NetworkError
from telegram.ext import ExtBot

from bot.telegram.outage import ApiOutage, unreachable

log = logging.getLogger(__name__)

LOG_EVERY = 60.0


class SkippedUpdates:
    """Counts updates that could not be parsed; one log line per minute, not one per update."""

    def __init__(self, every: float = LOG_EVERY) -> None:
        self.every = every
        self.total = 0
        self._unlogged = 0
        self._logged_at: float | None = None

    def note(self, data: object, exc: Exception) -> None:
        self.total += 1
        self._unlogged += 1
        now = time.monotonic()
        if self._logged_at is not None and now - self._logged_at < self.every:
            return
        update_id = data.get("update_id") if isinstance(data, dict) else None
        kinds = [k for k in data if k != "update_id"] if isinstance(data, dict) else []
        log.warning("skipped updates that could not be parsed", extra={
            "count": self._unlogged, "total": self.total, "last_id": update_id, "kind": ",".join(kinds) or "?",
            "error": str(exc)})
        self._unlogged = 0
        self._logged_at = now


def parse_update(data: object, bot: ExtBot[Any], skipped: SkippedUpdates) -> Update | None:
    """The update, or None (counted in ``skipped``) when it cannot be parsed."""
    if not isinstance(data, dict):
        skipped.note(data, TypeError("not a JSON object"))
        return None
    try:
        return Update.de_json(data, bot)
    except Exception as exc:  # the library raises TypeError, KeyError, ValueError… on bad data
        skipped.note(data, exc)
        return None


class BatchFilter:
    """For long polling: drops the updates of a getUpdates reply that cannot be parsed and
    remembers to acknowledge them, since the updater computes the next offset from the last
    update it was given."""

    def __init__(self) -> None:
        self.skipped = SkippedUpdates()
        self.acked_to = 0  # the next poll starts at least here

    def offset(self, requested: object) -> object:
        if self.acked_to and (requested is None or (isinstance(requested, int) and 0 <= requested < self.acked_to)):
            return self.acked_to
        return requested

    def keep(self, batch: list[Any], bot: ExtBot[Any]) -> list[Any]:
        kept: list[Any] = []
        for raw in batch:
            if parse_update(raw, bot, self.skipped) is not None:
                kept.append(raw)
            elif isinstance(raw, dict) and isinstance(raw.get("update_id"), int):
                self.acked_to = max(self.acked_to, raw["update_id"] + 1)
        return kept


class IntakeBot(ExtBot[None]):
    """An ExtBot whose getUpdates drops (and acknowledges) the updates it cannot parse, on the raw
    reply (``_do_post``), before the library parses the batch as a whole. Every call also reports
    to ``outage``, so a Bot API outage is logged once where it starts and once where it ends."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        with self._unfrozen():  # the library freezes its objects after __init__
            self.batches = BatchFilter()
            self.outage = ApiOutage()

    async def _do_post(self, endpoint: str, data: dict[str, Any], **kwargs: Any) -> Any:
        try:
            result = await self._filtered_post(endpoint, data, **kwargs)
        except NetworkError as exc:
            if unreachable(exc):
                self.outage.failed(exc)
            raise
        self.outage.succeeded()
        return result

    async def _filtered_post(self, endpoint: str, data: dict[str, Any], **kwargs: Any) -> Any:
        if endpoint != "getUpdates":
            return await super()._do_post(endpoint, data, **kwargs)
        offset = self.batches.offset(data.get("offset"))
        result = await super()._do_post(endpoint, {**data, "offset": offset} if offset else data, **kwargs)
        return self.batches.keep(result, self) if isinstance(result, list) else result


def decode_body(body: bytes) -> object:
    """A webhook request's JSON body (None when it isn't JSON)."""
    try:
        return json.loads(body)
    except ValueError:
        return None
