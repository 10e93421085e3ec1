"""Delivering digest messages under Telegram's rules, with no Telegram import: the transport (a
small adapter in bot/telegram/digest_sender.py) turns Bot API errors into the exceptions below.

* 429 ``retry_after`` → every process pauses (``SendLimiter.pause``) and the same message is tried
  again after the pause.
* 403 (blocked, deactivated, kicked) or "chat not found" → the chat is parked
  (``SubscriptionStore.park``) and nothing more is sent to it until it sends /start.
* 400 with ``migrate_to_chat_id`` → the stored chat id moves to the supergroup, the message is
  sent there.
* Network trouble → a few quick retries, then the error goes up (the job is retried later).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Protocol

from bot import metrics
from bot.digest.limiter import SendLimiter
from bot.models import Button, Part
from bot.store.runs import RunStore
from bot.store.subscriptions import SubscriptionStore

log = logging.getLogger(__name__)

MAX_TRANSIENT_RETRIES = 3
MAX_MIGRATIONS = 3


class SendError(Exception):
    """Base of the transport's failures."""


class FloodWait(SendError):
    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds}s")
        self.seconds = seconds


class ChatGone(SendError):
    """The chat can't receive messages (blocked, deactivated, kicked, not found)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ChatMoved(SendError):
    def __init__(self, new_chat_id: int) -> None:
        super().__init__(f"migrated to {new_chat_id}")
        self.new_chat_id = new_chat_id


class TransientSendError(SendError):
    """Network error, timeout, 5xx: may work later (and may even have been delivered)."""


class RejectedMessage(SendError):
    """Telegram refused this message for good (a 400 that isn't about the chat)."""


class Transport(Protocol):
    async def send(self, chat_id: int, html: str, buttons: list[list[Button]]) -> int:
        """Send one HTML message (link previews off); return its message id."""
        ...


class Courier:
    """Sends single messages at the shared rate, applying the failure rules above."""

    def __init__(
        self, limiter: SendLimiter, transport: Transport, subscriptions: SubscriptionStore, runs: RunStore
    ) -> None:
        self.limiter = limiter
        self.transport = transport
        self.subscriptions = subscriptions
        self.runs = runs

    async def send(self, chat_id: int, part: Part) -> tuple[int, int]:
        """Send ``part``; returns (chat id it went to — changed after a migration, message id).

        Raises ChatGone (after parking the chat), RejectedMessage, or TransientSendError after
        MAX_TRANSIENT_RETRIES.
        """
        transient = migrations = 0
        while True:
            await self.limiter.acquire(chat_id, background=True)  # replies go first
            try:
                message_id = await self.transport.send(chat_id, part.html, part.buttons)
            except FloodWait as exc:
                metrics.digest_message("flood_wait")
                await self.limiter.pause(exc.seconds)
                continue
            except ChatMoved as exc:
                migrations += 1
                if migrations > MAX_MIGRATIONS:
                    raise RejectedMessage("chat keeps migrating") from exc
                log.info("chat migrated", extra={"chat_id": chat_id, "new_chat_id": exc.new_chat_id})
                await self.subscriptions.migrate_chat(chat_id, exc.new_chat_id)
                await self.runs.move_chat(chat_id, exc.new_chat_id)
                chat_id = exc.new_chat_id
                continue
            except ChatGone as exc:
                newly = await self.subscriptions.park(chat_id, exc.reason)
                log.info("chat parked", extra={"chat_id": chat_id, "reason": exc.reason, "new": newly})
                raise
            except TransientSendError:
                transient += 1
                if transient > MAX_TRANSIENT_RETRIES:
                    raise
                await asyncio.sleep(0.5 * 2**transient)
                continue
            await self.limiter.sent(chat_id)
            metrics.digest_message("sent")
            return chat_id, message_id
