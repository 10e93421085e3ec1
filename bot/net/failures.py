"""What the fetcher tells the user when a fetch fails: HTTP statuses and network errors as
FetchErrors with a friendly reason (and a detail for the logs)."""

from __future__ import annotations

import ssl

import httpx

from bot.errors import FetchError

CONNECT_REASON = "Couldn't connect to that site."
TIMEOUT_REASON = "That site took too long to answer."


def status_failure(status: int, url: str) -> FetchError:
    """A non-2xx, non-redirect answer."""
    detail = f"status={status} url={url}"
    if status in {404, 410}:
        return FetchError("That page doesn't exist (anymore).", code="not_found", detail=detail)
    if status in {401, 403, 451}:
        return FetchError("That site refused to show me the page.", code="refused", detail=detail)
    if status == 429:
        return FetchError(
            "That site is limiting requests right now; try again later.",
            code="rate_limited",
            detail=detail,
        )
    if status >= 500:
        return FetchError(
            "That site is having trouble right now; try again later.",
            code="server_error",
            detail=detail,
        )
    return FetchError(f"That site answered with an error (HTTP {status}).", code="http_error", detail=detail)


def network_failure(exc: httpx.TransportError) -> FetchError:
    """A timeout, a refused connection or a bad certificate, at any point of the exchange."""
    if isinstance(exc, httpx.TimeoutException):
        return FetchError(TIMEOUT_REASON, code="timeout", detail=describe(exc))
    cause: BaseException | None = exc
    for _ in range(10):  # walk the chain (bounded) to the ssl error httpcore wrapped
        if cause is None:
            break
        if isinstance(cause, ssl.SSLCertVerificationError):
            return FetchError("That site's security certificate isn't valid.", code="tls", detail=describe(exc))
        cause = cause.__cause__ or cause.__context__
    return FetchError(CONNECT_REASON, code="connect", detail=describe(exc))


def describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
