"""CPU-bound work (extraction, feed and OPML parsing, clustering, the extractive engine) off the
event loop, in a bounded pool of worker processes.

One slow page or a 5 MB feed must not freeze every other user: the loop only hands work over and
awaits it. At most ``workers + queue`` jobs are handed to the pool at once (the rest wait their turn
on the loop, where waiting is free); each job has a deadline that covers waiting and running, and a
CPU-time limit inside its worker, so a job over its limit fails alone with a clear reason and frees
its worker. Everything sent to a worker is pickled: pass module-level functions and plain data.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
import threading
import time
import weakref
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, TypeVar

from bot import metrics
from bot.errors import NewsbotError

log = logging.getLogger(__name__)

T = TypeVar("T")

TOO_HEAVY = "That took too much work to process. Please try something smaller."
# Imported once in the fork server, so each worker starts with them loaded.
WATCH_EVERY = 1.0  # seconds between a worker's checks that the bot is still there
PRELOAD = ["bot.extract", "bot.digest.feeds", "bot.digest.opml", "bot.engines.extractive", "bot.engines.retrieval"]


class CpuLimitError(NewsbotError):
    """A CPU job went over its time limit (or its worker died); only that job fails."""

    code = "cpu_limit"


@dataclass(frozen=True)
class PoolSettings:
    workers: int = max(os.cpu_count() or 1, 1)
    queue: int = 32  # jobs handed to the pool beyond one per worker
    timeout: float = 30.0  # seconds per job: waiting for a worker and running on it
    nice: int = 10  # added to the workers' niceness: the event loop's process wins every core they share


class _OverCpu(BaseException):
    """Not an Exception: parser boundaries and libraries that catch every Exception must not turn a
    job over its CPU limit into an ordinary failure (or swallow it and run on)."""


def _over_cpu(_signum: int, _frame: object) -> None:
    raise _OverCpu


def _start_worker(owner: int, nice: int) -> None:
    """Runs in each new worker: lower its CPU priority, and exit with the process that made the pool.

    With as many workers as cores, a few big feeds keep every core busy; at normal priority the
    scheduler then shares the cores evenly and the bot's event loop gets a fraction of one, so every
    user waits. At a lower priority the loop gets a core whenever it has work, and the workers use
    what is left."""
    if nice > 0:
        os.nice(nice)
    _exit_with(owner)


def _exit_with(owner: int) -> None:
    """Exit when the process that made the pool is gone.

    A pool's workers wait on a queue they themselves hold open, so when the bot is killed (SIGKILL,
    the OOM killer) nothing would ever wake them: without this they, and the fork server they keep
    alive, outlive the bot for good."""

    def watch() -> None:
        while True:
            time.sleep(WATCH_EVERY)
            if not _alive(owner):
                os._exit(0)

    threading.Thread(target=watch, name="cpu-owner-watch", daemon=True).start()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # dead but not yet reaped by its own parent
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return stat.read().rsplit(")", 1)[-1].split()[0] != "Z"
    except OSError:
        return True


def _limited(seconds: float, fn: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any]) -> T:
    """Runs in the worker: ``fn(*args, **kwargs)`` stopped after ``seconds`` of CPU time."""
    signal.signal(signal.SIGVTALRM, _over_cpu)
    signal.setitimer(signal.ITIMER_VIRTUAL, seconds)
    try:
        return fn(*args, **kwargs)
    finally:
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)


class CpuPool:
    def __init__(self, settings: PoolSettings) -> None:
        self.settings = settings
        # one semaphore per event loop: the CLI and tests may run several loops in turn
        self._slots: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
            weakref.WeakKeyDictionary()
        )
        self._executor: ProcessPoolExecutor | None = None

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            # forkserver: workers do not inherit the bot's threads, sockets or event loop
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(PRELOAD)
            self._executor = ProcessPoolExecutor(
                self.settings.workers, mp_context=context, initializer=_start_worker,
                initargs=(os.getpid(), self.settings.nice),
            )
        return self._executor

    async def run(self, fn: Callable[..., T], *args: Any, what: str, **kwargs: Any) -> T:
        """``fn(*args, **kwargs)`` in a worker process; CpuLimitError past the job's deadline or CPU limit.
        ``what`` names the job in log lines."""
        limit = self.settings.timeout
        loop = asyncio.get_running_loop()
        slots = self._slots.setdefault(loop, asyncio.Semaphore(self.settings.workers + self.settings.queue))
        try:
            async with asyncio.timeout(limit):
                with metrics.CPU_JOBS.track_inprogress():
                    async with slots:
                        return await loop.run_in_executor(self._pool(), _limited, limit, fn, args, kwargs)
        except (TimeoutError, _OverCpu):
            log.warning("cpu job over its limit", extra={"what": what, "limit_s": limit})
            raise CpuLimitError(TOO_HEAVY, detail=f"{what} over {limit:.0f}s") from None
        except BrokenProcessPool:
            log.error("cpu worker died, restarting the pool", extra={"what": what})
            self._executor = None
            raise CpuLimitError(TOO_HEAVY, detail=f"{what} worker died") from None

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None


_current: CpuPool | None = None


def configure(settings: PoolSettings) -> CpuPool:
    """Set up the process's pool (once, at start); replaces and closes an earlier one."""
    global _current
    if _current is not None:
        _current.close()
    _current = CpuPool(settings)
    return _current


def pool() -> CpuPool:
    """The process's pool (default settings when ``configure`` was not called: the CLI, tests)."""
    return _current or configure(PoolSettings())


async def run(fn: Callable[..., T], *args: Any, what: str, **kwargs: Any) -> T:
    """``fn(*args, **kwargs)`` in the process's CPU pool (see ``CpuPool.run``)."""
    return await pool().run(fn, *args, what=what, **kwargs)


def shutdown() -> None:
    global _current
    if _current is not None:
        _current.close()
        _current = None
