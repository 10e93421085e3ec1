"""An aiohttp app served (on 127.0.0.1 unless told otherwise) from a background thread.

Each server owns a thread with its own event loop, so it keeps serving while a sync test blocks, while
an async test runs its own loop, and while the bot runs as a separate process.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Coroutine
from typing import Any, Self, TypeVar

from aiohttp import web

T = TypeVar("T")

HOST = "127.0.0.1"


class ThreadedAiohttpServer:
    """Base class. Subclasses implement ``_build_app()`` and may override ``_on_start``/``_on_stop``.

    State shared between the server thread and the test thread is guarded by ``self._lock``
    (an RLock); ``self._changed`` is a Condition on it that is notified whenever state changes,
    which is what the blocking ``wait_*`` helpers sleep on.
    """

    thread_name = "fake-server"
    shutdown_timeout = 0.5

    def __init__(self, port: int = 0, *, host: str = HOST) -> None:
        self._requested_port = port
        self.host = host
        self._port: int | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._ready = threading.Event()
        self._start_error: BaseException | None = None
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._stopping = False

    # -- lifecycle -------------------------------------------------------------------------------

    def _build_app(self) -> web.Application:  # pragma: no cover - abstract
        raise NotImplementedError

    async def _on_start(self) -> None:
        """Runs on the server loop after the socket is bound."""

    async def _on_stop(self) -> None:
        """Runs on the server loop before the runner is cleaned up."""

    def start(self) -> Self:
        if self._thread is not None:
            return self
        self._stopping = False
        self._ready.clear()
        self._start_error = None
        self._thread = threading.Thread(target=self._run, name=self.thread_name, daemon=True)
        self._thread.start()
        if not self._ready.wait(15):
            raise RuntimeError(f"{type(self).__name__} did not start within 15 s")
        if self._start_error is not None:
            self._thread.join(5)
            self._thread = None
            raise RuntimeError(f"{type(self).__name__} failed to start") from self._start_error
        return self

    def stop(self) -> None:
        thread, loop = self._thread, self._loop
        if thread is None or loop is None:
            return
        self._stopping = True
        with self._changed:
            self._changed.notify_all()
        if not loop.is_closed():
            loop.call_soon_threadsafe(loop.stop)
        thread.join(15)
        self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    async def __aenter__(self) -> Self:
        return self.start()

    async def __aexit__(self, *exc: object) -> None:
        self.stop()

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(self._astart())
        except BaseException as exc:  # report to start()
            self._start_error = exc
            self._ready.set()
            loop.close()
            return
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            try:
                loop.run_until_complete(self._astop())
                pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
                for task in pending:
                    task.cancel()
                if pending:
                    loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
                loop.run_until_complete(loop.shutdown_asyncgens())
            finally:
                loop.close()

    async def _astart(self) -> None:
        app = self._build_app()
        # handler_cancellation: a handler whose client went away is cancelled (long polls, hangs)
        runner = web.AppRunner(
            app,
            access_log=None,
            handle_signals=False,
            shutdown_timeout=self.shutdown_timeout,
            handler_cancellation=True,
        )
        await runner.setup()
        site = web.TCPSite(runner, self.host, self._requested_port)
        await site.start()
        self._runner = runner
        sockets = site._server.sockets  # type: ignore[union-attr]
        self._port = sockets[0].getsockname()[1]
        await self._on_start()

    async def _astop(self) -> None:
        try:
            await self._on_stop()
        finally:
            if self._runner is not None:
                await self._runner.cleanup()
                self._runner = None

    # -- helpers ---------------------------------------------------------------------------------

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError(f"{type(self).__name__} is not started")
        return self._port

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def run_on_loop(self, coro: Coroutine[Any, Any, T], timeout: float = 30.0) -> T:
        """Run a coroutine on the server loop from another thread and return its result."""
        if self._loop is None:
            raise RuntimeError("not started")
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    def call_soon(self, fn: Callable[..., Any], *args: Any) -> None:
        """Schedule ``fn(*args)`` on the server loop (thread-safe; no-op when stopped)."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            try:
                loop.call_soon_threadsafe(fn, *args)
            except RuntimeError:  # loop closed in between
                pass

    def _notify(self) -> None:
        with self._changed:
            self._changed.notify_all()

    def _wait_until(self, check: Callable[[], T | None], timeout: float, describe: Callable[[], str]) -> T:
        """Block until ``check()`` (called under the lock) returns something not None."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                result = check()
                if result is not None:
                    return result
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(describe())
                self._changed.wait(min(remaining, 0.25))

    async def _await_until(
        self,
        check: Callable[[], T | None],
        timeout: float,  # noqa: ASYNC109 - mirrors the blocking API
        describe: Callable[[], str],
    ) -> T:
        """Async twin of ``_wait_until`` for tests whose event loop must keep running."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                result = check()
            if result is not None:
                return result
            if time.monotonic() >= deadline:
                raise TimeoutError(describe())
            await asyncio.sleep(0.02)
