"""The test suite's Telegram: the shared Bot API emulator plus scripted faults.

Point the bot at it with ``TELEGRAM_API_URL=fake.base_url``, or in-process with
``telegram.Bot(token, base_url=f"{fake.base_url}/bot")``::

    msg = fake.push_message(1001, "read https://example.com/a")       # a user writes to the bot
    [reply] = fake.wait_for_messages(1001)                            # blocking
    [reply] = await fake.await_messages(1001)                          # async twin
    fake.fail_next("sendMessage", 500, "Internal Server Error")        # the next call fails

See :class:`bot.playground.emulator.BotApiEmulator` for the rest of the API.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Any

from bot.playground.api_types import Call, StoredMessage, TelegramError
from bot.playground.emulator import BotApiEmulator

DEFAULT_TOKEN = "123456:TEST-token-SECRET"


@dataclass
class _Fault:
    status: int
    description: str
    parameters: dict[str, Any] | None
    times: int


class FakeTelegram(BotApiEmulator):
    """The emulator with ``fail_next``: errors scripted per method, checked before anything else."""

    thread_name = "fake-telegram"

    def __init__(self, token: str = DEFAULT_TOKEN, *, bot_username: str = "newsbot_test_bot", **kwargs: Any) -> None:
        super().__init__(token, bot_username=bot_username, **kwargs)

    def _reset_state(self) -> None:
        with self._lock:
            super()._reset_state()
            self._faults: dict[str, deque[_Fault]] = {}

    def fail_next(
        self,
        method: str,
        status: int,
        description: str,
        retry_after: int | None = None,
        times: int = 1,
        parameters: dict[str, Any] | None = None,
    ) -> None:
        """The next ``times`` calls of ``method`` (``"*"`` = any method) fail with this error.

        ``retry_after`` adds ``parameters.retry_after`` (use status 429 and a description like
        "Too Many Requests: retry after 3").
        """
        params = dict(parameters or {})
        if retry_after is not None:
            params["retry_after"] = retry_after
        key = "*" if method == "*" else self._canonical(method)
        with self._lock:
            self._faults.setdefault(key, deque()).append(_Fault(status, description, params or None, times))

    def _check_call(self, method: str, params: dict[str, Any]) -> None:
        with self._lock:
            for key in (method, "*"):
                queue = self._faults.get(key)
                if queue:
                    fault = queue[0]
                    fault.times -= 1
                    if fault.times <= 0:
                        queue.popleft()
                    raise TelegramError(fault.status, fault.description, fault.parameters)
        super()._check_call(method, params)


__all__ = ["DEFAULT_TOKEN", "Call", "FakeTelegram", "StoredMessage", "TelegramError"]
