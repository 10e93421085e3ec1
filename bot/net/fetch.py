"""The safe fetcher: every URL a user sends goes through here and nowhere else.

The policy lives here: which headers go out, redirects followed by hand so each hop is validated
again (scheme, port, address, credentials), cookies kept for one chain only, a per-host cap, and
a total deadline over the whole chain. Connecting only to checked addresses is the transport's job
(bot/net/transport.py); reading a capped, decompressed body is bot/net/response.py's.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Self
from urllib.parse import urlsplit

import httpx

from bot import metrics
from bot.config import Settings
from bot.errors import FetchError
from bot.logs import url_fields
from bot.models import Fetched
from bot.net.addresses import parse_ip
from bot.net.content import accepted_types
from bot.net.failures import TIMEOUT_REASON, network_failure
from bot.net.guard import AddressGuard, Resolver, SystemResolver
from bot.net.hosts import HostSlots
from bot.net.response import read_response
from bot.net.transport import PinnedTransport, PinningBackend
from bot.net.urls import parse_user_url

log = logging.getLogger(__name__)

REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
# Headers we own: callers may not override them (our decompressor only speaks gzip/deflate).
RESERVED_HEADERS = frozenset(
    {"host", "accept-encoding", "connection", "content-length", "transfer-encoding", "te", "upgrade"}
)
CREDENTIAL_HEADERS = frozenset({"authorization", "cookie", "proxy-authorization"})
ACCEPT = {
    "html": "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.8,*/*;q=0.5",
    "feed": "application/rss+xml,application/atom+xml,application/xml;q=0.9,text/xml;q=0.9,*/*;q=0.5",
    "pdf": "application/pdf;q=0.8",
}
POOL_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20, keepalive_expiry=5)


def conditional_headers(etag: str | None, last_modified: str | None) -> dict[str, str]:
    """The validators of a copy fetched before: the server answers 304 when it hasn't changed."""
    headers: dict[str, str] = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


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

    @property
    def origin(self) -> tuple[str, str, int]:
        return self.scheme, self.host, self.port


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
        self._guard = AddressGuard(resolver or SystemResolver(), allow_private=settings.fetch_allow_private_networks)
        self._ports = frozenset(settings.fetch_allowed_ports)
        self._transport = PinnedTransport(
            PinningBackend(self._guard, self._ports), ssl_context or httpx.create_ssl_context(), POOL_LIMITS
        )
        # The client builds requests (default headers, per-phase timeouts) and owns the transport's
        # lifetime; requests go to the transport directly (see _send).
        self._client = httpx.AsyncClient(
            transport=self._transport,
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
        self._slots = HostSlots(settings.fetch_per_host_concurrency)

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
            _log_failure(url, progress, started, error)
            raise error from None
        except FetchError as error:
            _log_failure(url, progress, started, error)
            raise
        metrics.fetched("ok")
        log.info(
            "fetch ok",
            extra={**url_fields(url), "outcome": "ok", "final_url": fetched.final_url, "status": fetched.status,
                   "content_type": fetched.content_type or "-", "charset": fetched.charset or "-",
                   "bytes": len(fetched.body), "hops": progress.redirects,
                   "duration_ms": round((time.perf_counter() - started) * 1000)},
        )
        return fetched

    async def _follow(
        self,
        target: str,
        kinds: Collection[str],
        extra_headers: Mapping[str, str],
        progress: _Progress,
    ) -> Fetched:
        accepted = accepted_types(kinds)
        base_headers = _request_headers(kinds, extra_headers)
        # Cookies live for one redirect chain only: some sites set one and redirect back.
        jar = httpx.Cookies()
        hop = first = self._check_hop(target)
        for redirects in range(self._settings.fetch_max_redirects + 1):
            progress.redirects, progress.final_url = redirects, hop.url
            request_headers = dict(base_headers)
            if hop.origin != first.origin:
                # Never carry credentials to a different origin (same rule as browsers/httpx).
                request_headers = {k: v for k, v in request_headers.items() if k.lower() not in CREDENTIAL_HEADERS}
            async with self._slots.hold(hop.host):
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
                    return await read_response(
                        response,
                        asked=target,
                        final_url=hop.url,
                        accepted=accepted,
                        kinds=kinds,
                        limit=self._settings.fetch_max_bytes,
                    )
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
        except httpx.TransportError as exc:
            raise network_failure(exc) from None
        response.request = request
        return response


def _request_headers(kinds: Collection[str], extra: Mapping[str, str]) -> dict[str, str]:
    """Accept for the kinds asked for, plus the caller's headers except those we own."""
    kind_list = (kinds,) if isinstance(kinds, str) else tuple(kinds)
    headers = {"Accept": ", ".join(ACCEPT[k] for k in dict.fromkeys(kind_list))}
    for name, value in extra.items():
        if name.lower() not in RESERVED_HEADERS:
            headers[name] = value
    return headers


def _log_failure(url: str, progress: _Progress, started: float, error: FetchError) -> None:
    metrics.fetched(error.code)
    log.info(
        "fetch failed",
        extra={**url_fields(url), "outcome": error.code, "reason": error.code, "final_url": progress.final_url,
               "hops": progress.redirects, "duration_ms": round((time.perf_counter() - started) * 1000),
               "detail": error.detail or "-"},
    )
