"""The Redis locks: single-flight across processes and the exclusive claim of a digest run."""

from __future__ import annotations

import asyncio
import time

import pytest
import redis.asyncio as redis_async
from redis.asyncio.lock import Lock
from redis.exceptions import LockNotOwnedError

from bot.store.guard import RedisGuard
from bot.store.redis import connect
from bot.store.runs import CLAIM_TTL, RunStore
from bot.store.singleflight import SingleFlight, lock_key


class Work:
    """A computation whose result lands in a shared cache (a dict standing in for Redis)."""

    def __init__(self, cache: dict[str, str], seconds: float = 0.2) -> None:
        self.cache = cache
        self.seconds = seconds
        self.started: list[float] = []

    async def lookup(self) -> str | None:
        return self.cache.get("result")

    async def compute(self) -> str:
        self.started.append(time.monotonic())
        await asyncio.sleep(self.seconds)
        self.cache["result"] = "done"
        return "done"


async def test_one_computation_across_processes(clients: list[redis_async.Redis]) -> None:
    flights = [SingleFlight(client, RedisGuard()) for client in clients]
    work = Work({})
    results = await asyncio.gather(
        *(flights[n % 2].run("k", work.lookup, work.compute, wait_timeout=5) for n in range(10))
    )
    assert results == ["done"] * 10
    assert len(work.started) == 1
    assert not await clients[0].exists(lock_key("k"))  # released at the end


async def test_a_dead_holders_lock_expires_and_a_waiter_takes_over(clients: list[redis_async.Redis]) -> None:
    dead = Lock(clients[0], lock_key("k"), timeout=0.5, blocking=False, thread_local=False)
    assert await dead.acquire()  # and never kept alive nor released: its process died
    work = Work({}, seconds=0)
    started = time.monotonic()
    flight = SingleFlight(clients[1], RedisGuard())
    assert await flight.run("k", work.lookup, work.compute, wait_timeout=5) == "done"
    assert 0.4 <= work.started[0] - started < 2


async def test_the_holder_keeps_its_lock_alive_and_a_waiter_gives_up_waiting(
    clients: list[redis_async.Redis],
) -> None:
    holder = SingleFlight(clients[0], RedisGuard(), lock_ttl=0.3)
    waiter = SingleFlight(clients[1], RedisGuard(), lock_ttl=0.3)
    slow = Work({}, seconds=2)
    first = asyncio.create_task(holder.run("k", slow.lookup, slow.compute, wait_timeout=5))
    await asyncio.sleep(0.1)
    impatient = Work({}, seconds=0)
    started = time.monotonic()
    assert await waiter.run("k", impatient.lookup, impatient.compute, wait_timeout=1) == "done"
    # well past the lock's TTL: the holder kept it alive, so the waiter computed at its deadline
    assert 0.9 <= impatient.started[0] - started < 1.5
    assert await first == "done"


async def test_without_redis_everyone_computes() -> None:
    client = connect("redis://127.0.0.1:1")  # nothing listens there
    try:
        work = Work({}, seconds=0)
        flight = SingleFlight(client, RedisGuard())
        assert await flight.run("k", work.lookup, work.compute, wait_timeout=5) == "done"
    finally:
        await client.aclose()


async def test_run_claim_is_exclusive_kept_alive_and_released(clients: list[redis_async.Redis]) -> None:
    runs = [RunStore(client) for client in clients]
    mine, theirs = runs[0].claim("1:2026-03-02"), runs[1].claim("1:2026-03-02")
    assert await mine.acquire()
    assert not await theirs.acquire()  # another worker is on it
    key = mine.name
    assert 0 < await clients[0].pttl(key) <= CLAIM_TTL * 1000  # a crashed worker's claim expires
    await clients[0].pexpire(key, 300)
    await mine.reacquire()  # the keep-alive
    assert await clients[0].pttl(key) > 300
    await mine.release()
    assert await theirs.acquire()


async def test_an_expired_claim_is_not_released_for_its_new_holder(clients: list[redis_async.Redis]) -> None:
    runs = [RunStore(client) for client in clients]
    stalled, next_worker = runs[0].claim("manual:1:7"), runs[1].claim("manual:1:7")
    assert await stalled.acquire()
    await clients[0].pexpire(stalled.name, 50)  # the holder stalled past the claim's TTL
    await asyncio.sleep(0.1)
    assert await next_worker.acquire()
    with pytest.raises(LockNotOwnedError):
        await stalled.reacquire()
    with pytest.raises(LockNotOwnedError):
        await stalled.release()
    assert await next_worker.owned()


async def test_abandoned_work_stops_only_when_asked_and_nobody_else_waits(clients: list[redis_async.Redis]) -> None:
    flight = SingleFlight(clients[0], RedisGuard())

    class Writing:
        """A computation that runs until it is cancelled (an LLM writing until told to stop)."""

        def __init__(self) -> None:
            self.started, self.stopped = asyncio.Event(), asyncio.Event()

        async def compute(self) -> str:
            self.started.set()
            try:
                await asyncio.Event().wait()
            except asyncio.CancelledError:
                self.stopped.set()
                raise
            return "never"

    async def nothing() -> None:
        return None

    async def give_up(task: asyncio.Task[str]) -> None:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    # A caller that gives up without asking: the work goes on (for the cache and the others).
    quiet = Writing()
    caller = asyncio.create_task(flight.run("a", nothing, quiet.compute, wait_timeout=5))
    await quiet.started.wait()
    await give_up(caller)
    assert not quiet.stopped.is_set()
    flight._local["a"].cancel()

    # Two callers asking: the work goes on while one of them still waits, and stops with the last.
    asked = Writing()
    first, second = (asyncio.create_task(flight.run("b", nothing, asked.compute, wait_timeout=5,
                                                    stop_when_abandoned=True)) for _ in range(2))  # fmt: skip
    await asked.started.wait()
    await give_up(first)
    assert not asked.stopped.is_set()
    await give_up(second)
    await asyncio.wait_for(asked.stopped.wait(), 5)
