"""The operations endpoint of every process kind: /metrics, /healthz and /readyz on METRICS_PORT.

A tiny tornado server on the process's own event loop (tornado is already what serves webhooks),
so ``newsbot run`` and ``newsbot worker`` serve it alike. /healthz says the process is alive (its
event loop answers); /readyz runs the process's checks (Redis, the Bot API) and answers 503 naming
the ones that failed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from tornado.httpserver import HTTPServer
from tornado.web import Application, RequestHandler

log = logging.getLogger(__name__)

Check = Callable[[], Awaitable[object]]
CHECK_TIMEOUT = 3.0


class _Metrics(RequestHandler):
    def get(self) -> None:
        self.set_header("Content-Type", CONTENT_TYPE_LATEST)
        self.write(generate_latest())


class _Health(RequestHandler):
    def get(self) -> None:
        self.write("ok\n")


class _Ready(RequestHandler):
    def initialize(self, checks: Mapping[str, Check]) -> None:
        self.checks = checks

    async def get(self) -> None:
        results = await asyncio.gather(*(_passes(check) for check in self.checks.values()))
        failed = [name for name, ok in zip(self.checks, results, strict=True) if not ok]
        if failed:
            self.set_status(503)
            self.write(f"not ready: {', '.join(failed)} unreachable\n")
        else:
            self.write("ready\n")

    def log_exception(self, *args: object) -> None:  # a failing check is an answer, not an error
        pass


async def _passes(check: Check) -> bool:
    try:
        async with asyncio.timeout(CHECK_TIMEOUT):
            await check()
    except Exception as exc:  # any failure means "not ready"; its name goes to the log
        log.info("readiness check failed", extra={"error": type(exc).__name__})
        return False
    return True


class OpsServer:
    """Start on the running event loop with ``start``; ``stop`` closes the socket."""

    def __init__(self, checks: Mapping[str, Check]) -> None:
        app = Application([
            (r"/metrics", _Metrics), (r"/healthz", _Health), (r"/readyz", _Ready, {"checks": checks}),
        ], log_function=lambda handler: None)  # fmt: skip
        self._server = HTTPServer(app)

    def start(self, port: int, address: str) -> None:
        self._server.listen(port, address)
        log.info("serving metrics and health", extra={"listen": address, "port": port})

    def stop(self) -> None:
        self._server.stop()


def start_ops_server(port: int | None, address: str, checks: Mapping[str, Check]) -> OpsServer | None:
    """The server when ``port`` is set (METRICS_PORT), else None."""
    if port is None:
        return None
    server = OpsServer(checks)
    server.start(port, address)
    return server
