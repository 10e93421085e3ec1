"""A network failure in a few words ("connection refused", "name not resolved") for one-line
start-up errors: the cause is usually an OSError a few exceptions down the chain."""

from __future__ import annotations

import errno
import socket
import ssl

_ERRNO_REASONS = {
    errno.ECONNREFUSED: "connection refused",
    errno.ECONNRESET: "connection reset",
    errno.EHOSTUNREACH: "host unreachable",
    errno.ENETUNREACH: "network unreachable",
    errno.ETIMEDOUT: "timed out",
    errno.ENOENT: "no such socket",
}


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def network_reason(exc: BaseException) -> str:
    """The most specific cause in ``exc``'s chain, lower case, without addresses or secrets."""
    chain = _chain(exc)
    for cause in chain:
        if isinstance(cause, socket.gaierror):
            return "name not resolved"
        if isinstance(cause, ssl.SSLError):
            return f"TLS failed ({cause.reason or 'handshake'})"
        if isinstance(cause, TimeoutError):
            return "timed out"
        if isinstance(cause, OSError) and cause.errno in _ERRNO_REASONS:
            return _ERRNO_REASONS[cause.errno]
    for cause in chain:
        name = type(cause).__name__.lower()
        if "timeout" in name or "timedout" in name:
            return "timed out"
    text = str(chain[-1]).strip() or type(chain[-1]).__name__
    return text.splitlines()[0][:120]
