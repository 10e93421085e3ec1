"""A Telegram draft that follows a reply while the LLM writes it (``sendMessageDraft``).

Drafts exist in private chats only. A chat's drafts are updated at most once per ``interval``
(however fast the model writes, however many streams the chat has), and the latest state always
reaches the screen before the final message, which replaces the draft. Drafts go through the bot's
rate limiter like every send.

A Bot API that rejects drafts (400, or no such method) is remembered for the life of the process:
later replies take the placeholder-and-edit path at once instead of failing again each time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from typing import Any

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import BadRequest, EndPointNotFound, TelegramError

log = logging.getLogger(__name__)


class _Support:
    """Whether this process's Bot API takes drafts (until it says otherwise, it is assumed to), and
    when each chat last got a draft update: two streams in one chat (a summary and an answer) share
    the chat's pace."""

    FORGET_AFTER = 60.0  # seconds; an older entry can't hold back a draft any more

    def __init__(self) -> None:
        self.rejected = False
        self.last_sent: dict[int, float] = {}

    def sending(self, chat_id: int, at: float) -> None:
        self.last_sent[chat_id] = at
        if len(self.last_sent) > 10_000:  # many chats at once: drop those long done
            self.last_sent = {c: t for c, t in self.last_sent.items() if at - t < self.FORGET_AFTER}


SUPPORT = _Support()


def available() -> bool:
    return not SUPPORT.rejected


class Draft:
    """A new draft (its id random: non-zero, and new to the chat) in the private chat ``chat_id``.

    ``show(text)`` never waits: it keeps the newest text, and once ``start`` was called a background
    task sends it when the interval allows (a reply ready within its grace period sends no draft at
    all). ``rejected`` is set when the Bot API refuses drafts; nothing more is sent then.
    """

    def __init__(self, bot: Bot, chat_id: int, *, interval: float) -> None:
        self.bot = bot
        self.chat_id = chat_id
        self.draft_id = secrets.randbelow(2**31 - 1) + 1
        self.interval = interval
        self.rejected = asyncio.Event()
        self.updates = 0  # drafts Telegram accepted
        self._latest: str | None = None
        self._sent: str | None = None
        self._changed = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._started = False
        self._closed = False

    def show(self, text: str) -> None:
        if self.rejected.is_set() or self._closed:
            return
        self._latest = text
        self._changed.set()
        if self._started and self._task is None:
            self._task = asyncio.create_task(self._run(), name=f"draft {self.chat_id}")

    def start(self, text: str) -> None:
        """Begin sending: ``text`` is shown unless something newer already was given to ``show``."""
        self._started = True
        self.show(self._latest if self._latest is not None else text)

    async def until_done_or_refused(self, work: asyncio.Future[Any]) -> None:
        """Wait for ``work`` to finish, or for the Bot API to refuse this draft, whichever is first."""
        refused = asyncio.ensure_future(self.rejected.wait())
        try:
            await asyncio.wait({work, refused}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            refused.cancel()

    async def close(self) -> None:
        """Stop updating, before the final message replaces the draft. The newest text is still
        shown when the chat's pace allows it right now; waiting for the pace would only hold back
        the final message, which shows all of it anyway."""
        await self.discard()
        if self._started and not self.rejected.is_set() and self._pace_allows():
            await self._send_latest()

    def _pace_allows(self) -> bool:
        return SUPPORT.last_sent.get(self.chat_id, -float("inf")) + self.interval <= time.monotonic()

    async def discard(self) -> None:
        """Stop updating, sending nothing more (the reply was stopped, or failed)."""
        self._closed = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while not self.rejected.is_set():
            await self._changed.wait()
            await self._pace()
            self._changed.clear()
            await self._send_latest()

    async def _pace(self) -> None:
        """Until the chat may have its next draft update (checked again after waking: another
        stream in the chat may have taken the turn meanwhile)."""
        wait = SUPPORT.last_sent.get(self.chat_id, -float("inf")) + self.interval - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
            await self._pace()

    async def _send_latest(self) -> None:
        text = self._latest
        if text is None or text == self._sent:
            return
        SUPPORT.sending(self.chat_id, time.monotonic())
        try:
            await self.bot.send_message_draft(self.chat_id, self.draft_id, text, parse_mode=ParseMode.HTML)
        except (BadRequest, EndPointNotFound) as exc:
            if "can't parse entities" in str(exc).lower():
                log.error("telegram rejected our draft HTML", extra={"error": str(exc)})
                return  # this state is skipped; the next one (and the final message) still go
            log.warning("telegram rejects message drafts; replies use placeholders from now on",
                        extra={"error": str(exc)})
            SUPPORT.rejected = True
            self.rejected.set()
            return
        except TelegramError as exc:
            log.info("draft update failed", extra={"chat_id": self.chat_id, "error": str(exc)})  # the next one may pass
            return
        self._sent = text
        self.updates += 1
