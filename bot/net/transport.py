"""The connection layer: an httpx transport whose every connection goes to a checked address.

We pin at the httpcore network-backend level rather than rewriting the URL to the IP: the Host
header, TLS SNI and certificate checks keep using the hostname, and the connection pool stays
keyed by hostname (with an IP in the URL, a TLS connection made for a.com would be reused for b.com
on the same CDN address). httpx's own transport doesn't take a network backend but httpcore's pool
does (notes/security.md §c.2), so the transport here owns that pool and speaks httpx on its edge.
"""

from __future__ import annotations

import logging
import ssl
from collections.abc import AsyncIterable, AsyncIterator, Collection, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import httpcore
import httpx

from bot.errors import FetchError
from bot.net.guard import BLOCKED_REASON, AddressGuard

log = logging.getLogger(__name__)

MAX_ADDRESSES_TRIED = 3  # a host with many A/AAAA records gets a few connect attempts, not all


class PinningBackend(httpcore.AsyncNetworkBackend):
    """httpcore calls connect_tcp(hostname, port) for every new connection (first request,
    redirects, keep-alive reconnects); we resolve, check, and connect to the checked IP only.
    SNI and certificate checks still use the hostname: httpcore passes it to start_tls itself."""

    def __init__(self, guard: AddressGuard, allowed_ports: Collection[int]) -> None:
        self._guard = guard
        self._ports = frozenset(allowed_ports)
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        if port not in self._ports:  # also enforced per hop in Fetcher; this is the last line
            raise FetchError(BLOCKED_REASON, code="blocked_port", detail=f"port={port}")
        addresses = await self._guard.resolve(host, port, timeout)
        error: Exception | None = None
        for address in addresses[:MAX_ADDRESSES_TRIED]:
            try:
                stream = await self._inner.connect_tcp(
                    address,
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
                continue
            log.debug("fetch connect", extra={"host": host, "ip": address, "port": port})
            return stream
        assert error is not None  # the guard never returns an empty list
        raise error

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise FetchError(BLOCKED_REASON, code="blocked_address", detail="unix socket")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class PinnedTransport(httpx.AsyncBaseTransport):
    """HTTP/1.1 over a connection pool that connects through a PinningBackend. No proxies, no
    retries: a retry would be a second connect the caller's deadline and logs don't know about."""

    def __init__(self, backend: PinningBackend, ssl_context: ssl.SSLContext, limits: httpx.Limits) -> None:
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            http1=True,
            http2=False,
            retries=0,
            network_backend=backend,
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if not isinstance(request.stream, httpx.AsyncByteStream):
            raise TypeError("PinnedTransport needs an async request body")
        url = request.url
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=url.raw_path),
            headers=request.headers.raw,
            content=request.stream,
            extensions=dict(request.extensions),  # carries the client's per-phase timeouts
        )
        with _httpx_errors():
            core_response = await self._pool.handle_async_request(core_request)
        if not isinstance(core_response.stream, AsyncIterable):
            raise TypeError("httpcore's async pool returned a sync body")
        return httpx.Response(
            status_code=core_response.status,
            headers=core_response.headers,
            stream=_ResponseBody(core_response.stream),
            extensions=core_response.extensions,
        )

    async def aclose(self) -> None:
        await self._pool.aclose()


class _ResponseBody(httpx.AsyncByteStream):
    """httpcore's body stream, raising httpx errors while it is read."""

    def __init__(self, stream: AsyncIterable[bytes]) -> None:
        self._stream = stream

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with _httpx_errors():
            async for chunk in self._stream:
                yield chunk

    async def aclose(self) -> None:
        close = getattr(self._stream, "aclose", None)  # the pool's stream returns the connection
        if close is not None:
            await close()


# httpx's errors mirror httpcore's one for one. The first match wins, so subclasses come first.
_HTTPX_ERRORS: tuple[tuple[type[Exception], type[httpx.TransportError]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.ProtocolError, httpx.ProtocolError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.ProxyError, httpx.ProxyError),
)
_CORE_ERRORS = tuple(core for core, _ in _HTTPX_ERRORS)


@contextmanager
def _httpx_errors() -> Iterator[None]:
    """Raise httpcore's errors as their httpx twins, chained so the cause (an ssl error, say)
    stays reachable. Anything else, such as the backend's FetchError, passes through as is."""
    try:
        yield
    except _CORE_ERRORS as exc:
        raise _as_httpx(exc) from exc


def _as_httpx(exc: Exception) -> httpx.TransportError:
    return next(twin(str(exc)) for core, twin in _HTTPX_ERRORS if isinstance(exc, core))
