"""The safe fetcher: every URL a user sends goes through here and nowhere else.

Rules (notes/security.md §c): resolve once, refuse if *any* answer is non-public, then connect to
the checked address only, so DNS rebinding between check and connect cannot work. We pin at the
httpcore network-backend level rather than rewriting the URL to the IP: the Host header, TLS SNI
and certificate checks keep using the hostname, and the connection pool stays keyed by hostname
(with an IP in the URL, a TLS connection made for a.com would be reused for b.com on the same CDN
address). Redirects are followed by hand so each hop is validated again; bodies are read raw and
decompressed under a cap; a total deadline covers the whole chain.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import ssl
import time
from collections.abc import AsyncIterator, Collection, Iterable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Protocol, Self
from urllib.parse import urlsplit

import httpcore
import httpx

from bot.config import Settings
from bot.errors import FetchError
from bot.models import Fetched
from bot.net.addresses import blocked_reason, parse_ip
from bot.net.content import (
    UNKNOWN_TYPES,
    BoundedInflater,
    accepted_types,
    content_encoding,
    detect_charset,
    header_charset,
    mime_type,
    refuse_type,
    sniff_type,
)
from bot.net.urls import parse_user_url

log = logging.getLogger(__name__)

REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
MAX_ADDRESSES_TRIED = 3  # a host with many A/AAAA records gets a few connect attempts, not all
# Headers we own: callers may not override them (our decompressor only speaks gzip/deflate).
RESERVED_HEADERS = frozenset(
    {"host", "accept-encoding", "connection", "content-length", "transfer-encoding", "te", "upgrade"}
)
CREDENTIAL_HEADERS = frozenset({"authorization", "cookie", "proxy-authorization"})
ACCEPT = {
    "html": "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.8,*/*;q=0.5",
    "feed": "application/rss+xml,application/atom+xml,application/xml;q=0.9,text/xml;q=0.9,*/*;q=0.5",
}

BLOCKED_REASON = "That address isn't allowed."
CONNECT_REASON = "Couldn't connect to that site."
TIMEOUT_REASON = "That site took too long to answer."
TOO_LARGE_REASON = "That page is too large for me."


class Resolver(Protocol):
    async def resolve(self, host: str, port: int) -> list[str]:
        """All addresses for host, as IP strings."""
        ...


class SystemResolver:
    """getaddrinfo via the event loop (runs in a thread, so it doesn't block the loop)."""

    async def resolve(self, host: str, port: int) -> list[str]:
        loop = asyncio.get_running_loop()
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        return list(dict.fromkeys(str(info[4][0]) for info in infos))


class _AddressGuard:
    """Resolve a host once and check every answer against the address policy."""

    def __init__(self, resolver: Resolver, *, allow_private: bool) -> None:
        self.resolver = resolver
        self.allow_private = allow_private

    def check(self, host: str, addresses: Iterable[str]) -> list[str]:
        addresses = list(addresses)
        if not addresses:
            raise FetchError("I couldn't find that site.", code="dns", detail=f"host={host} no addresses")
        if not self.allow_private:
            bad = {a: why for a in addresses if (why := blocked_reason(a))}
            if bad:
                # Synapse's rule: one bad answer refuses the whole host (mixed answers are a trick).
                raise FetchError(BLOCKED_REASON, code="blocked_address", detail=f"host={host} {bad}")
        connectable: list[str] = []
        for ip in (parse_ip(a) for a in addresses):
            if ip is None:
                continue  # only reachable with allow_private (it's "not an IP" to the policy)
            # ::ffff:a.b.c.d is an IPv4 host: connect over IPv4, which works without IPv6 sockets.
            mapped = getattr(ip, "ipv4_mapped", None)
            connectable.append(str(mapped or ip))
        return connectable

    async def resolve(self, host: str, port: int, dns_timeout: float | None) -> list[str]:
        literal = parse_ip(host)
        if literal is not None:
            return self.check(host, [str(literal)])
        try:
            async with asyncio.timeout(dns_timeout):
                addresses = await self.resolver.resolve(host, port)
        except TimeoutError:
            raise FetchError(
                "I couldn't look up that site in time.", code="dns", detail=f"host={host} dns timeout"
            ) from None
        except OSError as exc:  # socket.gaierror: no such name
            raise FetchError("I couldn't find that site.", code="dns", detail=f"host={host} {exc}") from None
        return self.check(host, addresses)


class _PinningBackend(httpcore.AsyncNetworkBackend):
    """httpcore calls connect_tcp(hostname, port) for every new connection (first request,
    redirects, keep-alive reconnects); we resolve, check, and connect to the checked IP only.
    SNI and certificate checks still use the hostname: httpcore passes it to start_tls itself."""

    def __init__(self, guard: _AddressGuard, allowed_ports: Collection[int]) -> None:
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
            log.debug("fetch connect host=%s ip=%s port=%s", host, address, port)
            return stream
        assert error is not None
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


class _PinnedTransport(httpx.AsyncHTTPTransport):
    def __init__(self, backend: _PinningBackend, ssl_context: ssl.SSLContext, limits: httpx.Limits):
        super().__init__(verify=ssl_context, trust_env=False, limits=limits, retries=0)
        # httpx's transport doesn't take a network backend; httpcore's pool does (§c.2).
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


@dataclass
class _HostSlot:
    semaphore: asyncio.Semaphore
    users: int = 0


@dataclass
class _Progress:
    """How far a fetch got, for its log line (also when it fails)."""

    final_url: str
    redirects: int = 0


@dataclass
class _Hop:
    url: str
    scheme: str
    host: str
    port: int


class Fetcher:
    """Fetch user-supplied URLs safely. One instance per process; share it."""

    def __init__(
        self,
        settings: Settings,
        *,
        resolver: Resolver | None = None,
        ssl_context: ssl.SSLContext | None = None,  # tests (self-signed) and private CAs
    ) -> None:
        self._settings = settings
        self._guard = _AddressGuard(resolver or SystemResolver(), allow_private=settings.fetch_allow_private_networks)
        self._ports = frozenset(settings.fetch_allowed_ports)
        ssl_context = ssl_context or httpx.create_ssl_context()
        transport = _PinnedTransport(
            _PinningBackend(self._guard, self._ports),
            ssl_context,
            httpx.Limits(max_connections=100, max_keepalive_connections=20, keepalive_expiry=5),
        )
        self._transport = transport
        self._client = httpx.AsyncClient(
            transport=transport,
            trust_env=False,  # HTTP(S)_PROXY would route around every check here
            follow_redirects=False,
            timeout=httpx.Timeout(
                connect=settings.fetch_connect_timeout,
                read=settings.fetch_read_timeout,
                write=settings.fetch_read_timeout,
                pool=settings.fetch_timeout,
            ),
            headers={"User-Agent": settings.fetch_user_agent, "Accept-Encoding": "gzip, deflate"},
        )
        self._slots: dict[str, _HostSlot] = {}

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    async def fetch(
        self,
        url: str,
        *,
        kinds: Collection[str] = ("html",),
        headers: Mapping[str, str] | None = None,
    ) -> Fetched:
        """GET url (following safe redirects) and return the decoded-size-capped body.

        Raises FetchError with a user-facing reason. A 304 (caller sent If-None-Match or
        If-Modified-Since in ``headers``) returns a Fetched with status 304 and an empty body.
        """
        started = time.perf_counter()
        progress = _Progress(final_url=url)
        try:
            target = parse_user_url(url)
            progress.final_url = target
            # The deadline covers everything (slot wait, DNS, every hop, the body): a server that
            # drips one byte per second never trips the read timeout, but it does trip this.
            async with asyncio.timeout(self._settings.fetch_timeout):
                fetched = await self._follow(target, kinds, headers or {}, progress)
        except TimeoutError:
            error = FetchError(TIMEOUT_REASON, code="timeout", detail="total deadline")
            self._log_failure(url, progress, started, error)
            raise error from None
        except FetchError as error:
            self._log_failure(url, progress, started, error)
            raise
        log.info(
            "fetch ok url=%s final_url=%s status=%s type=%s charset=%s bytes=%d hops=%d ms=%d",
            url,
            fetched.final_url,
            fetched.status,
            fetched.content_type or "-",
            fetched.charset or "-",
            len(fetched.body),
            progress.redirects,
            (time.perf_counter() - started) * 1000,
        )
        return fetched

    def _log_failure(self, url: str, progress: _Progress, started: float, error: FetchError) -> None:
        log.info(
            "fetch failed url=%s final_url=%s code=%s hops=%d ms=%d detail=%s",
            url,
            progress.final_url,
            error.code,
            progress.redirects,
            (time.perf_counter() - started) * 1000,
            error.detail or "-",
        )

    async def _follow(
        self,
        target: str,
        kinds: Collection[str],
        extra_headers: Mapping[str, str],
        progress: _Progress,
    ) -> Fetched:
        accepted = accepted_types(kinds)
        kind_list = (kinds,) if isinstance(kinds, str) else tuple(kinds)
        base_headers = {"Accept": ", ".join(ACCEPT[k] for k in dict.fromkeys(kind_list))}
        for name, value in extra_headers.items():
            if name.lower() not in RESERVED_HEADERS:
                base_headers[name] = value
        # Cookies live for one redirect chain only: some sites set one and redirect back.
        jar = httpx.Cookies()
        hop = self._check_hop(target)
        first = hop
        for redirects in range(self._settings.fetch_max_redirects + 1):
            progress.redirects, progress.final_url = redirects, hop.url
            request_headers = dict(base_headers)
            if (hop.scheme, hop.host, hop.port) != (first.scheme, first.host, first.port):
                # Never carry credentials to a different origin (same rule as browsers/httpx).
                request_headers = {k: v for k, v in request_headers.items() if k.lower() not in CREDENTIAL_HEADERS}
            async with self._host_slot(hop.host):
                request = self._client.build_request("GET", hop.url, headers=request_headers)
                jar.set_cookie_header(request)
                response = await self._send(request)
                try:
                    jar.extract_cookies(response)
                    location = response.headers.get("location")
                    if response.status_code in REDIRECT_CODES and location:
                        # Close without reading: redirect bodies are never decompressed or read
                        # (urllib3 CVE-2026-21441); httpcore then drops the connection.
                        hop = self._next_hop(hop, location)
                        continue
                    return await self._finish(target, hop, response, accepted, kinds)
                finally:
                    await response.aclose()
        raise FetchError(
            "That link redirects too many times.",
            code="too_many_redirects",
            detail=f"more than {self._settings.fetch_max_redirects} redirects, last={hop.url}",
        )

    def _check_hop(self, url: str) -> _Hop:
        parts = urlsplit(url)
        scheme, host = parts.scheme, parts.hostname or ""
        port = parts.port or (443 if scheme == "https" else 80)
        if port not in self._ports:
            raise FetchError("Links to that port aren't allowed.", code="blocked_port", detail=f"port={port}")
        if parse_ip(host) is not None and not self._guard.allow_private:
            self._guard.check(host, [host])  # IP-literal URLs: checked here, no DNS involved
        return _Hop(url=url, scheme=scheme, host=host, port=port)

    def _next_hop(self, hop: _Hop, location: str) -> _Hop:
        try:
            absolute = str(httpx.URL(hop.url).join(location))
        except (httpx.InvalidURL, ValueError) as exc:
            raise FetchError(
                "That link redirects somewhere invalid.", code="bad_url", detail=f"location={location!r} {exc}"
            ) from None
        next_url = parse_user_url(absolute)  # same validation as a link typed by a user
        if hop.scheme == "https" and next_url.startswith("http://"):
            raise FetchError(
                "That link redirects from a secure to an insecure address.",
                code="insecure_redirect",
                detail=f"{hop.url} -> {next_url}",
            )
        return self._check_hop(next_url)

    async def _send(self, request: httpx.Request) -> httpx.Response:
        try:
            # Straight to the transport: even with follow_redirects=False, client.send() parses the
            # Location header to build response.next_request, and a hostile Location raises from
            # there. We resolve Location ourselves (_next_hop). The client's cookie jar is never
            # touched either, so nothing leaks between users' fetches.
            response = await self._transport.handle_async_request(request)
            response.request = request
            return response
        except httpx.TimeoutException as exc:
            raise FetchError(TIMEOUT_REASON, code="timeout", detail=_describe(exc)) from None
        except httpx.TransportError as exc:
            raise _transport_error(exc) from None

    async def _finish(
        self,
        asked: str,
        hop: _Hop,
        response: httpx.Response,
        accepted: frozenset[str],
        kinds: Collection[str],
    ) -> Fetched:
        status = response.status_code
        headers = _flat_headers(response.headers)
        mime = mime_type(response.headers.get("content-type"))
        if status == 304:
            return Fetched(asked, hop.url, status, mime, None, b"", headers)
        if not 200 <= status < 300:
            raise _status_error(status, hop.url)
        if mime not in accepted and mime not in UNKNOWN_TYPES:
            raise refuse_type(mime, kinds)  # before reading a single body byte
        limit = self._settings.fetch_max_bytes
        length = response.headers.get("content-length", "")
        if length.isdigit() and int(length) > limit:
            raise FetchError(TOO_LARGE_REASON, code="too_large", detail=f"content-length={length} cap={limit}")
        coding = content_encoding(response.headers.get("content-encoding"))
        body = await self._read_body(response, coding, limit)
        if mime in UNKNOWN_TYPES:
            sniffed = sniff_type(body)
            if sniffed is None or sniffed not in accepted:
                raise refuse_type(sniffed or mime, kinds)
            mime = sniffed
        charset = detect_charset(body, header_charset(response.headers.get("content-type")), mime)
        return Fetched(asked, hop.url, status, mime, charset, body, headers)

    async def _read_body(self, response: httpx.Response, coding: str | None, limit: int) -> bytes:
        inflater = BoundedInflater(coding) if coding else None
        chunks: list[bytes] = []
        raw_total = total = 0

        def take(piece: bytes) -> None:
            nonlocal total
            total += len(piece)
            if total > limit:
                raise FetchError(TOO_LARGE_REASON, code="too_large", detail=f"body over {limit} bytes")
            chunks.append(piece)

        try:
            async for raw in response.aiter_raw():
                raw_total += len(raw)
                if raw_total > limit:
                    raise FetchError(TOO_LARGE_REASON, code="too_large", detail=f"raw body over {limit} bytes")
                if inflater is None:
                    take(raw)
                else:
                    for piece in inflater.feed(raw):
                        take(piece)  # raises mid-stream: the rest is never inflated
            if inflater is not None:
                for piece in inflater.finish():
                    take(piece)
        except httpx.TimeoutException as exc:
            raise FetchError(TIMEOUT_REASON, code="timeout", detail=_describe(exc)) from None
        except httpx.TransportError as exc:
            raise _transport_error(exc) from None
        return b"".join(chunks)

    @asynccontextmanager
    async def _host_slot(self, host: str) -> AsyncIterator[None]:
        """At most fetch_per_host_concurrency requests to one host at a time.

        Entries exist only while someone holds or waits for them, so the dict stays bounded.
        """
        slot = self._slots.get(host)
        if slot is None:
            slot = self._slots[host] = _HostSlot(asyncio.Semaphore(self._settings.fetch_per_host_concurrency))
        slot.users += 1
        try:
            async with slot.semaphore:
                yield
        finally:
            slot.users -= 1
            if slot.users == 0:
                del self._slots[host]


def _flat_headers(headers: httpx.Headers) -> dict[str, str]:
    flat: dict[str, str] = {}
    for name, value in headers.multi_items():
        flat[name] = f"{flat[name]}, {value}" if name in flat else value
    return flat


def _status_error(status: int, url: str) -> FetchError:
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


def _transport_error(exc: httpx.TransportError) -> FetchError:
    cause: BaseException | None = exc
    for _ in range(10):  # walk the chain (bounded) to the ssl error httpcore wrapped
        if cause is None:
            break
        if isinstance(cause, ssl.SSLCertVerificationError):
            return FetchError("That site's security certificate isn't valid.", code="tls", detail=_describe(exc))
        cause = cause.__cause__ or cause.__context__
    return FetchError(CONNECT_REASON, code="connect", detail=_describe(exc))


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
