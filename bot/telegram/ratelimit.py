"""python-telegram-bot's rate limiter on the send budget every process shares through Redis
(``bot.digest.limiter``): replies take slots ahead of the digest fan-out, and a 429 seen by any
process pauses all of them.

Only calls that post a message count (``SEND_METHODS``); answering a button, getting updates and
the like go straight through, as Telegram doesn't count them. A draft update (``sendMessageDraft``)
takes a slot of the overall budget but not of its chat's: it is no message in the chat, and a
stream spaces its own updates (``bot.telegram.drafts``) — so drafts never delay the final message.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from redis.exceptions import RedisError
from telegram._utils.types import JSONDict
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.config import Settings
from bot.digest.limiter import SendLimiter
from bot.services import send_limiter
from bot.store.guard import OUTAGE_ERRORS
from bot.store.outage import PROCESS_OUTAGE, RedisOutage
from bot.store.redis import connect
from bot.telegram.digest_sender import retry_seconds

log = logging.getLogger(__name__)

SEND_METHODS = frozenset(
    {
        "sendMessage", "editMessageText", "editMessageCaption", "editMessageMedia", "sendDocument",
        "sendPhoto", "sendVideo", "sendAnimation", "sendAudio", "sendVoice", "sendVideoNote", "sendSticker",
        "sendMediaGroup", "sendLocation", "sendVenue", "sendContact", "sendPoll", "sendDice", "copyMessage",
        "copyMessages", "forwardMessage", "forwardMessages", "answerInlineQuery", "sendMessageDraft",
    }
)  # fmt: skip
UNSPACED_METHODS = frozenset({"sendMessageDraft"})  # in the overall budget, not in the chat's spacing

Callback = Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]]


def _chat(data: dict[str, Any]) -> int | str | None:
    chat_id = data.get("chat_id")
    with contextlib.suppress(ValueError, TypeError):
        return int(chat_id)  # type: ignore[arg-type]
    return chat_id if isinstance(chat_id, str) else None


class SharedRateLimiter(BaseRateLimiter[int]):
    """``BaseRateLimiter`` on the shared ``SendLimiter``; ``rate_limit_args`` (an int) overrides
    the number of retries after a 429 for one call."""

    def __init__(self, settings: Settings, outage: RedisOutage = PROCESS_OUTAGE) -> None:
        self.settings = settings
        self.max_retries = settings.send_max_retries
        self.limiter: SendLimiter | None = None
        self.outage = outage  # Redis unreachable: replies go out unmetered rather than not at all
        self._refused = False  # Redis answers, but refuses the budget's commands

    async def initialize(self) -> None:
        self.limiter = send_limiter(self.settings, connect(self.settings.redis_url))

    async def shutdown(self) -> None:
        if self.limiter is not None:
            await self.limiter.redis.aclose()
            self.limiter = None

    async def process_request(
        self,
        callback: Callback,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | JSONDict | list[JSONDict]:
        limiter = self.limiter
        if endpoint not in SEND_METHODS or limiter is None:
            return await callback(*args, **kwargs)
        chat_id = None if endpoint in UNSPACED_METHODS else _chat(data)
        retries = self.max_retries if rate_limit_args is None else rate_limit_args
        attempt = 0
        while True:
            await self._shared(limiter.acquire(chat_id))
            try:
                result = await callback(*args, **kwargs)
            except RetryAfter as exc:
                if not await self._shared(limiter.pause(retry_seconds(exc))):
                    await asyncio.sleep(retry_seconds(exc))  # no shared pause: at least this call waits
                attempt += 1
                if attempt > retries:
                    log.error("telegram flood control: giving up", extra={"method": endpoint, "retries": retries})
                    raise
                continue
            await self._shared(limiter.sent(chat_id))
            return result

    async def _shared(self, step: Coroutine[Any, Any, Any]) -> bool:
        """Run one step of the shared budget; while Redis is down, go on without it (the outage is
        logged once, for the whole process): a reply sent without the shared count beats no reply at all."""
        try:
            await step
        except OUTAGE_ERRORS as exc:
            self.outage.failed(exc, "send budget")
            return False
        except RedisError as exc:
            if not self._refused:
                self._refused = True
                log.warning("send budget unavailable, sending unmetered", extra={"error": str(exc)})
            return False
        self._refused = False
        self.outage.succeeded()
        return True
