"""``newsbot healthcheck``: the Docker HEALTHCHECK of every process kind.

With METRICS_PORT set it asks the process's own /healthz (its event loop answers, so it is alive);
without, it reads the heartbeat file the bot and the worker write.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import httpx

from bot.config import Settings

HTTP_TIMEOUT = 4.0  # under the HEALTHCHECK's own 5 s
ANY_ADDRESS = {"", "0.0.0.0", "::"}


def healthcheck(settings: Settings) -> int:
    if settings.metrics_port:
        return _http(settings.metrics_listen, settings.metrics_port)
    return _heartbeat(settings.heartbeat_file)


def _http(listen: str, port: int) -> int:
    host = "127.0.0.1" if listen in ANY_ADDRESS else listen
    url = f"http://[{host}]:{port}/healthz" if ":" in host else f"http://{host}:{port}/healthz"
    try:
        status = httpx.get(url, timeout=HTTP_TIMEOUT).status_code
    except httpx.HTTPError as exc:
        print(f"newsbot: {url} did not answer ({type(exc).__name__})", file=sys.stderr)
        return 1
    if status != 200:
        print(f"newsbot: {url} answered {status}", file=sys.stderr)
        return 1
    return 0


def _heartbeat(path: str) -> int:
    from bot.telegram.app import HEARTBEAT_EVERY

    try:
        age = time.time() - Path(path).stat().st_mtime
    except OSError:
        print("newsbot: no heartbeat yet", file=sys.stderr)
        return 1
    if age > 3 * HEARTBEAT_EVERY:
        print(f"newsbot: heartbeat is {age:.0f}s old", file=sys.stderr)
        return 1
    return 0
