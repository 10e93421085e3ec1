"""A Redis outage is one line where it starts and one where it ends, whichever parts of the process
(the store's guard, the send budget, saq's workers) noticed it and however often they failed."""

from __future__ import annotations

import logging

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from bot.store.guard import RedisGuard, StoreUnavailable
from bot.store.outage import RedisOutage


def outage_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "bot.store.outage"]


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
    assert "redis unreachable" in started and "noticed_by=store" in started

    assert await guard.call(answered, "") == "PONG"
    outage.succeeded()  # the others find Redis again too: nothing more to say
    [_, ended] = outage_lines(caplog)
    assert ended.startswith("redis is back after") and "(7 failed calls)" in ended
