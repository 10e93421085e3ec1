"""Per-host politeness: at most N requests to one host at a time, across all users."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass


@dataclass
class _Slot:
    semaphore: asyncio.Semaphore
    users: int = 0


class HostSlots:
    """``async with slots.hold(host):`` waits while `per_host` requests to host are under way.

    Entries exist only while someone holds or waits for them, so the dict stays bounded.
    """

    def __init__(self, per_host: int) -> None:
        self._per_host = per_host
        self._slots: dict[str, _Slot] = {}

    @asynccontextmanager
    async def hold(self, host: str) -> AsyncIterator[None]:
        slot = self._slots.get(host)
        if slot is None:
            slot = self._slots[host] = _Slot(asyncio.Semaphore(self._per_host))
        slot.users += 1
        try:
            async with slot.semaphore:
                yield
        finally:
            slot.users -= 1
            if slot.users == 0:
                del self._slots[host]

    def __len__(self) -> int:
        """Hosts with a request under way or waiting."""
        return len(self._slots)
