"""Streamed replies a user may stop with /stop: the ones running in this process, per chat.

A stopped reply is cancelled where it stands, LLM request included (cancelling closes the HTTP
stream, and with it the model's work); nothing more of it is sent.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any


class Stoppable:
    def __init__(self) -> None:
        self._running: dict[int, set[asyncio.Task[Any]]] = {}

    async def run(self, chat_id: int, work: Coroutine[Any, Any, None]) -> bool:
        """Run ``work`` until it ends or /stop in ``chat_id`` cancels it; False when stopped."""
        task = asyncio.ensure_future(work)
        tasks = self._running.setdefault(chat_id, set())
        tasks.add(task)
        try:
            await task
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if current is not None and current.cancelling():
                raise  # we were cancelled ourselves (shutdown), not stopped by the user
            return False
        finally:
            tasks.discard(task)
            if not tasks:
                self._running.pop(chat_id, None)
        return True

    def stop(self, chat_id: int) -> bool:
        """Cancel the chat's streamed replies; False when none was running."""
        tasks = self._running.get(chat_id, set())
        for task in tasks:
            task.cancel()
        return bool(tasks)


STREAMS = Stoppable()
