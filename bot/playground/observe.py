"""Reading the emulator's state: calls answered, messages in chats, drafts, commands; and waiting on it."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

from bot.playground.api_types import (
    Call,
    StoredMessage,
)
from bot.playground.state import EmulatorState


class Observation(EmulatorState):
    """What the bot did, as copies; the ``wait_*`` helpers block on a condition, never on a fixed sleep."""


    @property
    def calls(self) -> list[Call]:
        with self._lock:
            return list(self._calls)

    def calls_of(self, method: str) -> list[Call]:
        method = self._canonical(method)
        with self._lock:
            return [c for c in self._calls if c.method == method]

    @property
    def errors(self) -> list[Call]:
        """Every call answered with a 4xx/5xx (getUpdates 409s included)."""
        with self._lock:
            return [c for c in self._calls if c.status >= 400]

    @property
    def count_429(self) -> int:
        with self._lock:
            return sum(1 for c in self._calls if c.status == 429)

    @property
    def unknown_calls(self) -> list[Call]:
        with self._lock:
            return [c for c in self._calls if c.status == 404 and c.token == self.token]

    def messages(self, chat_id: int, *, include_deleted: bool = True) -> list[StoredMessage]:
        """Messages the bot sent to ``chat_id`` (final state after edits), oldest first. Copies."""
        with self._lock:
            return [
                copy.deepcopy(m)
                for m in self._messages.get(int(chat_id), {}).values()
                if m.from_bot and (include_deleted or not m.deleted)
            ]

    def message(self, chat_id: int, message_id: int) -> StoredMessage | None:
        """Any stored message (bot or user) by id."""
        with self._lock:
            m = self._messages.get(int(chat_id), {}).get(int(message_id))
            return copy.deepcopy(m) if m else None

    def drafts(self, chat_id: int) -> list[dict[str, Any]]:
        """sendMessageDraft calls for the chat: dicts with draft_id, text, plain_text, parse_mode, time."""
        with self._lock:
            return copy.deepcopy(self._drafts.get(int(chat_id), []))

    @property
    def commands(self) -> list[dict[str, Any]]:
        """Commands set for the default scope and no language (``[]`` if never set)."""
        return self.commands_for()

    def commands_for(self, scope: dict[str, Any] | None = None, language_code: str = "") -> list[dict]:
        key = (json.dumps(scope or {"type": "default"}, sort_keys=True), language_code or "")
        with self._lock:
            return copy.deepcopy(self._commands.get(key, []))

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        with self._lock:
            return copy.deepcopy(list(self._updates))

    @property
    def webhook(self) -> dict[str, Any] | None:
        with self._lock:
            return copy.deepcopy(self._webhook)

    def uploaded_file(self, file_id: str) -> bytes | None:
        with self._lock:
            return self._files.get(file_id)

    def _describe_chat(self, chat_id: int) -> str:
        msgs = self.messages(chat_id)
        lines = [f"bot messages in chat {chat_id}: {len(msgs)}"]
        for m in msgs[-10:]:
            state = " (deleted)" if m.deleted else ""
            lines.append(f"  #{m.message_id}{state}: {(m.plain_text or m.plain_caption or '')[:200]!r}")
        errs = self.errors[-10:]
        if errs:
            lines.append("recent errors:")
            lines += [f"  {c.method} {c.status} {c.description}" for c in errs]
        calls = self.calls[-15:]
        lines.append("recent calls: " + ", ".join(f"{c.method}:{c.status}" for c in calls))
        return "\n".join(lines)

    def _match_messages(
        self, chat_id: int, count: int, predicate: Callable[[StoredMessage], bool] | None,
        include_deleted: bool,
    ) -> list[StoredMessage] | None:  # fmt: skip
        found = [
            m for m in self.messages(chat_id, include_deleted=include_deleted) if predicate is None or predicate(m)
        ]
        return found if len(found) >= count else None

    def wait_for_messages(
        self,
        chat_id: int,
        count: int = 1,
        timeout: float = 10.0,
        predicate: Callable[[StoredMessage], bool] | None = None,
        *,
        include_deleted: bool = False,
    ) -> list[StoredMessage]:
        """Block until at least ``count`` bot messages in the chat satisfy ``predicate`` (which sees
        the current state, after edits); return all that match. Deleted ones don't count unless
        ``include_deleted``. Raises TimeoutError with a summary of what the fake saw.

        Blocking: in an async test whose event loop also runs the bot, use ``await_messages``.
        """
        return self._wait_until(
            lambda: self._match_messages(chat_id, count, predicate, include_deleted),
            timeout,
            lambda: f"timed out waiting for {count} message(s)\n{self._describe_chat(chat_id)}",
        )

    async def await_messages(
        self,
        chat_id: int,
        count: int = 1,
        timeout: float = 10.0,  # noqa: ASYNC109 - mirrors wait_for_messages
        predicate: Callable[[StoredMessage], bool] | None = None,
        *,
        include_deleted: bool = False,
    ) -> list[StoredMessage]:
        """Async twin of ``wait_for_messages`` (does not block the test's event loop)."""
        return await self._await_until(
            lambda: self._match_messages(chat_id, count, predicate, include_deleted),
            timeout,
            lambda: f"timed out waiting for {count} message(s)\n{self._describe_chat(chat_id)}",
        )

    def wait_for(self, predicate: Callable[[list[Call]], Any], timeout: float = 10.0) -> Any:
        """Block until ``predicate(calls)`` is truthy; returns its value."""

        def check() -> Any:
            value = predicate(list(self._calls))
            return value if value else None

        return self._wait_until(check, timeout, lambda: "timed out; " + self._describe_recent())

    async def await_for(
        self,
        predicate: Callable[[list[Call]], Any],
        timeout: float = 10.0,  # noqa: ASYNC109 - mirrors wait_for
    ) -> Any:
        def check() -> Any:
            value = predicate(list(self._calls))
            return value if value else None

        return await self._await_until(check, timeout, lambda: "timed out; " + self._describe_recent())

    def wait_for_call(
        self, method: str, timeout: float = 10.0, predicate: Callable[[Call], bool] | None = None
    ) -> Call:
        """Block until a call of ``method`` (matching ``predicate``) has been answered; return it."""
        method = self._canonical(method)
        return self.wait_for(
            lambda calls: next(
                (c for c in calls if c.method == method and (predicate is None or predicate(c))),
                None,
            ),
            timeout,
        )

    def _describe_recent(self) -> str:
        calls = self.calls[-20:]
        return "recent calls: " + ", ".join(f"{c.method}:{c.status}" for c in calls)
