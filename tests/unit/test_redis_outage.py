"""A Redis outage is one line where it starts and one where it ends, whichever parts of the process
(the store's guard, the send budget, saq's workers) noticed it and however often they failed."""

from __future__ import annotations

import logging

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from bot.store.guard import RedisGuard, StoreUnavailable
from bot.store.outage import RedisOutage


def outage_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "bot.store.outage"]


async def test_one_start_and_one_end_line_for_the_whole_process(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    outage = RedisOutage()
    guard = RedisGuard(pause=0.0, outage=outage)

    async def refused() -> None:
        raise RedisConnectionError("Connection refused")

    async def answered() -> str:
        return "PONG"

    for _ in range(3):
        with pytest.raises(StoreUnavailable):
            await guard.required(refused)
        outage.failed(RedisConnectionError("Connection refused"), "digest queue")
    outage.failed(OSError("Connection reset"), "send budget")
    [started] = outage_lines(caplog)
    assert "redis unreachable" in started.getMessage() and getattr(started, "noticed_by", None) == "store"

    assert await guard.call(answered, "") == "PONG"
    outage.succeeded()  # the others find Redis again too: nothing more to say
    [_, ended] = outage_lines(caplog)
    assert ended.getMessage() == "redis is back" and getattr(ended, "failed_calls", None) == 7
