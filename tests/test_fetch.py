"""The safe fetcher against real local servers (aiohttp on 127.0.0.1, free ports).

Host names like ``news.example`` don't exist: a mapping resolver answers for them, so a
successful fetch also proves the fetcher never did its own DNS lookup. For the SSRF cases where
a *public* first hop is needed, ``loopback_is_public`` makes 127.0.0.1 (only) count as public.
"""

from __future__ import annotations

import asyncio
import gzip
import shutil
import socket
import ssl
import subprocess
import tracemalloc
import zlib
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

import bot.net.guard
from bot.config import Settings
from bot.errors import FetchError
from bot.net.fetch import Fetcher

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
HTML = "<!doctype html><html><head><title>t</title></head><body><p>hello</p></body></html>"


class Site:
    """A tiny scriptable web server: ``site.route("/x")(handler)``."""

    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.hits: Counter[str] = Counter()
        self.hosts: list[str] = []
        self.headers: list[dict[str, str]] = []
        self.port = 0
        self.active = 0
        self.max_active = 0
        self._runner: web.AppRunner | None = None

    def route(self, path: str) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.routes[path] = handler
            return handler

        return register

    def html(self, path: str, body: str | bytes = HTML, content_type: str = "text/html; charset=utf-8") -> None:
        data = body.encode() if isinstance(body, str) else body

        async def handler(request: web.Request) -> web.StreamResponse:
            return web.Response(body=data, headers={"Content-Type": content_type})

        self.routes[path] = handler

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        async def handler(request: web.Request) -> web.StreamResponse:
            return web.Response(status=status, headers={"Location": location}, text="moved")

        self.routes[path] = handler

    def url(self, path: str = "/", host: str = "127.0.0.1", scheme: str = "http") -> str:
        return f"{scheme}://{host}:{self.port}{path}"

    async def start(self, ssl_context: ssl.SSLContext | None = None) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        # handler_cancellation: a handler stuck writing to a client we hung up on stops at once.
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.2, handler_cancellation=True)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0, ssl_context=ssl_context)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        self.hits[request.path] += 1
        self.hosts.append(request.host)
        self.headers.append(dict(request.headers))
        handler = self.routes.get(request.path)
        if handler is None:
            return web.Response(status=404, text="no such page")
        self.active += 1
        self.max_active = max(self.max_active, self.active)
        try:
            return await handler(request)
        finally:
            self.active -= 1


class MapResolver:
    """Resolver from a dict; a list value is returned as is, a callable is called per lookup."""

    def __init__(self, mapping: dict[str, Any]) -> None:
        self.mapping = mapping
        self.calls: list[str] = []

    async def resolve(self, host: str, port: int) -> list[str]:
        self.calls.append(host)
        value = self.mapping.get(host)
        if value is None:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return list(value()) if callable(value) else list(value)


@pytest.fixture
async def site() -> AsyncIterator[Site]:
    server = Site()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def make_fetcher() -> AsyncIterator[Callable[..., Fetcher]]:
    made: list[Fetcher] = []

    def make(
        *, resolver: MapResolver | None = None, ssl_context: ssl.SSLContext | None = None, **overrides: Any
    ) -> Fetcher:
        values: dict[str, Any] = {
            "fetch_allow_private_networks": True,
            "fetch_allowed_ports": [80, 443],
            "fetch_timeout": 5.0,
            "fetch_connect_timeout": 2.0,
            "fetch_read_timeout": 3.0,
        }
        values.update(overrides)
        fetcher = Fetcher(Settings(**values), resolver=resolver, ssl_context=ssl_context)
        made.append(fetcher)
        return fetcher

    yield make
    for fetcher in made:
        await fetcher.aclose()


@pytest.fixture
def loopback_is_public(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let 127.0.0.1 pass the address policy (our test server must be a 'public' first hop)."""
    real = bot.net.guard.blocked_reason

    def patched(address: Any) -> str | None:
        return None if str(address) == "127.0.0.1" else real(address)

    monkeypatch.setattr(bot.net.guard, "blocked_reason", patched)


async def _fails(coro: Awaitable[Any], code: str) -> FetchError:
    with pytest.raises(FetchError) as info:
        await coro
    assert info.value.code == code, (info.value.code, info.value.detail)
    assert info.value.reason and info.value.detail
    return info.value


# --- the happy path and pinning -------------------------------------------------------------------


async def test_fetch_pins_to_resolved_ip_and_keeps_the_host_header(site: Site, make_fetcher: Any) -> None:
    site.html("/a", "<html><body><p>caf\u00e9</p></body></html>")
    resolver = MapResolver({"news.example": ["127.0.0.1"]})
    fetcher = make_fetcher(resolver=resolver, fetch_allowed_ports=[site.port])
    url = site.url("/a", host="news.example")

    fetched = await fetcher.fetch(url)

    assert fetched.status == 200
    assert fetched.url == fetched.final_url == url
    assert fetched.content_type == "text/html"
    assert fetched.charset == "utf-8"
    assert "café" in fetched.text()
    assert fetched.headers["content-type"].startswith("text/html")
    # the name doesn't exist in real DNS: the connection went to the address we checked
    assert resolver.calls == ["news.example"]
    assert site.hosts == [f"news.example:{site.port}"]
    sent = site.headers[0]
    assert sent["User-Agent"] == Settings().fetch_user_agent
    assert sent["Accept-Encoding"] == "gzip, deflate"
    assert "text/html" in sent["Accept"]


async def test_proxy_environment_is_ignored(site: Site, make_fetcher: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # A proxy would route around every address check (notes §b): trust_env must be off.
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("ALL_PROXY", "http://127.0.0.1:9")
    site.html("/")
    fetcher = make_fetcher(fetch_allowed_ports=[site.port])
    assert (await fetcher.fetch(site.url())).status == 200


async def test_dns_failure(make_fetcher: Any) -> None:
    fetcher = make_fetcher(resolver=MapResolver({}))
    error = await _fails(fetcher.fetch("https://no-such-host.example/"), "dns")
    assert error.reason == "I couldn't find that site."


# --- address policy -------------------------------------------------------------------------------


async def test_name_resolving_to_loopback_is_refused(site: Site, make_fetcher: Any) -> None:
    site.html("/")
    resolver = MapResolver({"evil.example": ["127.0.0.1"]})
    fetcher = make_fetcher(resolver=resolver, fetch_allow_private_networks=False, fetch_allowed_ports=[site.port])
    error = await _fails(fetcher.fetch(site.url(host="evil.example")), "blocked_address")
    assert error.reason == "That address isn't allowed."
    assert site.hits == {}


async def test_one_private_answer_refuses_the_whole_host(site: Site, make_fetcher: Any) -> None:
    resolver = MapResolver({"mixed.example": ["93.184.216.34", "10.0.0.1"]})
    fetcher = make_fetcher(resolver=resolver, fetch_allow_private_networks=False)
    await _fails(fetcher.fetch("http://mixed.example/"), "blocked_address")
    assert resolver.calls == ["mixed.example"]


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "[::1]", "[::ffff:127.0.0.1]", "0x7f.1", "2130706433", "0177.0.0.1", "127.1",
     "[64:ff9b::7f00:1]", "[::127.0.0.1]", "0.0.0.0", "169.254.169.254", "[fd00:ec2::254]", "100.64.0.1"],
)  # fmt: skip
async def test_ip_literals_are_checked_without_dns(site: Site, make_fetcher: Any, host: str) -> None:
    site.html("/")
    resolver = MapResolver({})
    fetcher = make_fetcher(
        resolver=resolver, fetch_allow_private_networks=False, fetch_allowed_ports=[80, 443, site.port]
    )
    await _fails(fetcher.fetch(f"http://{host}:{site.port}/"), "blocked_address")
    assert resolver.calls == []
    assert site.hits == {}


@pytest.mark.parametrize(
    "target",
    ["http://internal.example:{port}/", "http://169.254.169.254/latest/meta-data/", "http://[::1]:{port}/",
     "http://[::ffff:10.0.0.1]:{port}/", "http://0x7f000002:{port}/"],
)  # fmt: skip
@pytest.mark.usefixtures("loopback_is_public")
async def test_redirect_to_private_address_is_refused(site: Site, make_fetcher: Any, target: str) -> None:
    site.redirect("/start", target.format(port=site.port))
    site.html("/", "secret admin page")
    resolver = MapResolver({"public.example": ["127.0.0.1"], "internal.example": ["10.0.0.1"]})
    fetcher = make_fetcher(resolver=resolver, fetch_allow_private_networks=False, fetch_allowed_ports=[80, site.port])
    await _fails(fetcher.fetch(site.url("/start", host="public.example")), "blocked_address")
    assert site.hits == {"/start": 1}


@pytest.mark.usefixtures("loopback_is_public")
async def test_dns_rebinding_one_resolution_per_hop(site: Site, make_fetcher: Any) -> None:
    """The resolver answers public first, private afterwards. The checked answer is the one used:
    one lookup per connection, and a later hop's fresh lookup is checked again."""
    answers = iter([["127.0.0.1"], ["10.0.0.1"], ["10.0.0.1"]])
    resolver = MapResolver({"rebind.example": lambda: next(answers)})
    site.html("/page")
    site.redirect("/hop", "/page")
    fetcher = make_fetcher(resolver=resolver, fetch_allow_private_networks=False, fetch_allowed_ports=[site.port])

    fetched = await fetcher.fetch(site.url("/page", host="rebind.example"))
    assert fetched.status == 200
    assert resolver.calls == ["rebind.example"]  # no second lookup between check and connect

    # The redirect body is never read, so the connection is dropped; the next hop connects anew
    # and the new (private) answer is refused.
    await fetcher.aclose()
    fresh = make_fetcher(resolver=resolver, fetch_allow_private_networks=False, fetch_allowed_ports=[site.port])
    answers = iter([["127.0.0.1"], ["10.0.0.1"]])
    resolver.calls.clear()
    await _fails(fresh.fetch(site.url("/hop", host="rebind.example")), "blocked_address")
    assert resolver.calls == ["rebind.example", "rebind.example"]
    assert site.hits["/page"] == 1  # only the first test fetch reached it


# --- ports, URLs, redirects ---------------------------------------------------------------------


async def test_port_not_allowed(site: Site, make_fetcher: Any) -> None:
    site.html("/")
    fetcher = make_fetcher()  # 80 and 443 only
    error = await _fails(fetcher.fetch(site.url()), "blocked_port")
    assert "port" in error.reason
    assert site.hits == {}


async def test_redirect_to_port_not_allowed(site: Site, make_fetcher: Any) -> None:
    site.redirect("/", "http://127.0.0.1:22/")
    fetcher = make_fetcher(fetch_allowed_ports=[site.port])
    await _fails(fetcher.fetch(site.url()), "blocked_port")


@pytest.mark.parametrize(
    "url", ["http://user:pw@127.0.0.1/", "http://admin@127.0.0.1/", "ftp://127.0.0.1/", "gopher://x/"]
)
async def test_bad_urls(make_fetcher: Any, url: str) -> None:
    error = await _fails(make_fetcher().fetch(url), "bad_url")
    assert error.reason == "That doesn't look like a web link."


@pytest.mark.parametrize(
    "location", ["http://user:pw@127.0.0.1/", "file:///etc/passwd", "javascript:alert(1)", "gopher://127.0.0.1/"]
)
async def test_redirect_to_bad_url(site: Site, make_fetcher: Any, location: str) -> None:
    site.redirect("/", location)
    await _fails(make_fetcher(fetch_allowed_ports=[site.port]).fetch(site.url()), "bad_url")


async def test_redirects_are_followed_and_reported(site: Site, make_fetcher: Any) -> None:
    site.redirect("/old", "/mid", 301)
    site.redirect("/mid", site.url("/new", host="news.example"), 308)
    site.html("/new")
    resolver = MapResolver({"news.example": ["127.0.0.1"]})
    fetched = await make_fetcher(resolver=resolver, fetch_allowed_ports=[site.port]).fetch(site.url("/old"))
    assert fetched.final_url == site.url("/new", host="news.example")
    assert fetched.url == site.url("/old")
    assert site.hosts[-1] == f"news.example:{site.port}"


async def test_redirect_loop(site: Site, make_fetcher: Any) -> None:
    site.redirect("/a", "/b")
    site.redirect("/b", "/a")
    error = await _fails(make_fetcher(fetch_allowed_ports=[site.port]).fetch(site.url("/a")), "too_many_redirects")
    assert "redirect" in error.reason
    assert sum(site.hits.values()) == 6  # the first request plus 5 redirects (the default cap)


async def test_too_many_redirects(site: Site, make_fetcher: Any) -> None:
    for i in range(10):
        site.redirect(f"/r{i}", f"/r{i + 1}")
    site.html("/r10")
    fetcher = make_fetcher(fetch_allowed_ports=[site.port], fetch_max_redirects=3)
    await _fails(fetcher.fetch(site.url("/r0")), "too_many_redirects")
    assert sum(site.hits.values()) == 4
    # exactly the cap is fine
    assert (await fetcher.fetch(site.url("/r7"))).final_url == site.url("/r10")


async def test_redirect_body_is_never_read(site: Site, make_fetcher: Any) -> None:
    @site.route("/bomb-redirect")
    async def bomb_redirect(request: web.Request) -> web.StreamResponse:
        # A gzip bomb as a redirect body (urllib3 CVE-2026-21441): we must not even read it.
        return web.Response(
            status=302,
            body=_GZIP_BOMB,
            headers={"Location": "/", "Content-Encoding": "gzip", "Content-Type": "text/html"},
        )

    site.html("/")
    tracemalloc.start()
    try:
        fetched = await make_fetcher(fetch_allowed_ports=[site.port]).fetch(site.url("/bomb-redirect"))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert fetched.status == 200
    assert peak < 5 * 1024 * 1024


async def test_cookies_live_for_one_redirect_chain_only(site: Site, make_fetcher: Any) -> None:
    @site.route("/set")
    async def set_cookie(request: web.Request) -> web.StreamResponse:
        response = web.Response(status=302, headers={"Location": "/check"})
        response.set_cookie("seen", "1")
        return response

    @site.route("/check")
    async def check(request: web.Request) -> web.StreamResponse:
        if request.cookies.get("seen") != "1":
            return web.Response(status=302, headers={"Location": "/set"})
        return web.Response(text=HTML, content_type="text/html")

    fetcher = make_fetcher(fetch_allowed_ports=[site.port])
    assert (await fetcher.fetch(site.url("/set"))).final_url == site.url("/check")
    site.headers.clear()
    await fetcher.fetch(site.url("/set"))
    assert "Cookie" not in site.headers[0]  # nothing carried over from the previous fetch


# --- TLS: SNI and certificate checks still use the host name -----------------------------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl CLI not available")
    folder = tmp_path_factory.mktemp("tls")
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=secure.example",
         "-addext", "subjectAltName=DNS:secure.example"],
        check=True, capture_output=True,
    )  # fmt: skip
    yield key, cert


@pytest.fixture
async def tls_site(certificate: tuple[Path, Path]) -> AsyncIterator[Site]:
    key, cert = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    server = Site()
    await server.start(ssl_context=context)
    yield server
    await server.stop()


@pytest.fixture
def client_tls(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(certificate[1]))


async def test_https_uses_hostname_for_sni_and_certificate(
    tls_site: Site, make_fetcher: Any, client_tls: ssl.SSLContext
) -> None:
    tls_site.html("/")
    resolver = MapResolver({"secure.example": ["127.0.0.1"], "other.example": ["127.0.0.1"]})
    fetcher = make_fetcher(resolver=resolver, ssl_context=client_tls, fetch_allowed_ports=[tls_site.port])
    fetched = await fetcher.fetch(tls_site.url(host="secure.example", scheme="https"))
    assert fetched.status == 200
    # Same IP, other name: the certificate doesn't match, so the pinned connection is refused.
    error = await _fails(fetcher.fetch(tls_site.url(host="other.example", scheme="https")), "tls")
    assert "certificate" in error.reason


async def test_https_to_http_downgrade_is_refused(
    tls_site: Site, site: Site, make_fetcher: Any, client_tls: ssl.SSLContext
) -> None:
    site.html("/")
    tls_site.redirect("/", site.url(host="secure.example"))
    resolver = MapResolver({"secure.example": ["127.0.0.1"]})
    fetcher = make_fetcher(resolver=resolver, ssl_context=client_tls, fetch_allowed_ports=[tls_site.port, site.port])
    error = await _fails(fetcher.fetch(tls_site.url(host="secure.example", scheme="https")), "insecure_redirect")
    assert "insecure" in error.reason
    assert site.hits == {}


# --- size, time, encoding -------------------------------------------------------------------------


def _bomb(size: int, wbits: int) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, wbits)
    block = b"\0" * (1024 * 1024)
    return b"".join([*(compressor.compress(block) for _ in range(size // len(block))), compressor.flush()])


_GZIP_BOMB = _bomb(50 * 1024 * 1024, 31)


@pytest.mark.parametrize(("coding", "wbits"), [("gzip", 31), ("deflate", 15), ("deflate", -15)])
async def test_decompression_bomb_stops_at_the_cap(site: Site, make_fetcher: Any, coding: str, wbits: int) -> None:
    bomb = _GZIP_BOMB if wbits == 31 else _bomb(50 * 1024 * 1024, wbits)
    assert len(bomb) < 60 * 1024

    @site.route("/bomb")
    async def serve(request: web.Request) -> web.StreamResponse:
        return web.Response(body=bomb, headers={"Content-Type": "text/html", "Content-Encoding": coding})

    fetcher = make_fetcher(fetch_allowed_ports=[site.port])  # default cap: 5 MB
    tracemalloc.start()
    try:
        error = await _fails(fetcher.fetch(site.url("/bomb")), "too_large")  # stopped by size, not a deadline
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"
    assert error.reason == "That page is too large for me."


async def test_gzip_body_within_the_cap_is_decoded(site: Site, make_fetcher: Any) -> None:
    page = "<html><body>" + "<p>news</p>" * 5000 + "</body></html>"
    # two gzip members back to back: valid per RFC 1952
    body = gzip.compress(page[:100].encode()) + gzip.compress(page[100:].encode())

    @site.route("/gz")
    async def serve(request: web.Request) -> web.StreamResponse:
        return web.Response(body=body, headers={"Content-Type": "text/html", "Content-Encoding": "gzip"})

    fetched = await make_fetcher(fetch_allowed_ports=[site.port]).fetch(site.url("/gz"))
    assert fetched.body == page.encode()


@pytest.mark.parametrize("coding", ["gzip, gzip", "gzip, deflate", "br", "zstd", "compress"])
async def test_unsupported_or_chained_content_encoding(site: Site, make_fetcher: Any, coding: str) -> None:
    @site.route("/")
    async def serve(request: web.Request) -> web.StreamResponse:
        return web.Response(body=b"x", headers={"Content-Type": "text/html", "Content-Encoding": coding})

    await _fails(make_fetcher(fetch_allowed_ports=[site.port]).fetch(site.url()), "bad_encoding")


async def test_corrupt_gzip(site: Site, make_fetcher: Any) -> None:
    @site.route("/")
    async def serve(request: web.Request) -> web.StreamResponse:
        return web.Response(
            body=b"\x1f\x8bnot gzip at all", headers={"Content-Type": "text/html", "Content-Encoding": "gzip"}
        )

    await _fails(make_fetcher(fetch_allowed_ports=[site.port]).fetch(site.url()), "bad_encoding")


async def test_endless_body(site: Site, make_fetcher: Any) -> None:
    @site.route("/endless")
    async def endless(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/html"})
        await response.prepare(request)
        chunk = b"<p>" + b"a" * 65536 + b"</p>"
        while True:
            await response.write(chunk)

    fetcher = make_fetcher(fetch_allowed_ports=[site.port], fetch_max_bytes=1024 * 1024)
    error = await _fails(fetcher.fetch(site.url("/endless")), "too_large")  # the cap, not the deadline
    assert "body over" in error.detail


async def test_huge_content_length_is_refused_up_front(site: Site, make_fetcher: Any) -> None:
    @site.route("/huge")
    async def huge(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/html"})
        response.content_length = 10 * 1024**3
        await response.prepare(request)
        await response.write(b"<html>")
        await asyncio.sleep(30)  # would hold the fetch open if we started reading
        return response

    error = await _fails(make_fetcher(fetch_allowed_ports=[site.port]).fetch(site.url("/huge")), "too_large")
    assert error.detail.startswith("content-length=")  # refused from the header, before reading


async def test_slow_drip_hits_the_total_deadline(site: Site, make_fetcher: Any) -> None:
    @site.route("/drip")
    async def drip(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/html"})
        await response.prepare(request)
        for _ in range(1000):
            await response.write(b"a")  # one byte well within the read timeout, forever
            await asyncio.sleep(0.05)
        return response

    fetcher = make_fetcher(fetch_allowed_ports=[site.port], fetch_timeout=1.0, fetch_read_timeout=5.0)
    error = await _fails(fetcher.fetch(site.url("/drip")), "timeout")
    assert error.detail == "total deadline"  # each byte came within the read timeout
    assert "too long" in error.reason


async def test_slow_headers_hit_the_read_timeout(site: Site, make_fetcher: Any) -> None:
    @site.route("/sleepy")
    async def sleepy(request: web.Request) -> web.StreamResponse:
        await asyncio.sleep(10)
        return web.Response(text=HTML, content_type="text/html")

    fetcher = make_fetcher(fetch_allowed_ports=[site.port], fetch_timeout=5.0, fetch_read_timeout=0.3)
    error = await _fails(fetcher.fetch(site.url("/sleepy")), "timeout")
    assert error.detail != "total deadline"  # the read timeout fired, well before the 5 s deadline


async def test_connection_refused(make_fetcher: Any) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    error = await _fails(make_fetcher(fetch_allowed_ports=[port]).fetch(f"http://127.0.0.1:{port}/"), "connect")
    assert error.reason == "Couldn't connect to that site."


# --- status codes and content types -------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "code"),
    [(404, "not_found"), (410, "not_found"), (401, "refused"), (403, "refused"), (451, "refused"),
     (429, "rate_limited"), (400, "http_error"), (500, "server_error"), (503, "server_error")],
)  # fmt: skip
async def test_http_errors(site: Site, make_fetcher: Any, status: int, code: str) -> None:
    @site.route("/")
    async def serve(request: web.Request) -> web.StreamResponse:
        return web.Response(status=status, text="error page", content_type="text/html")

    await _fails(make_fetcher(fetch_allowed_ports=[site.port]).fetch(site.url()), code)


@pytest.mark.parametrize(
    ("content_type", "reason"),
    [
        ("application/pdf", "That link is a PDF document."),
        ("image/png", "That link is an image, not an article."),
        ("video/mp4", "That link is a video, not an article."),
        ("audio/mpeg", "That link is an audio file, not an article."),
        ("application/zip", "That link is a file download, not an article."),
        ("application/json", "That link is data for programs, not an article."),
        ("application/rss+xml", "That link is a feed or XML file, not an article."),
    ],
)
async def test_wrong_content_type_is_refused_before_the_body(
    site: Site, make_fetcher: Any, content_type: str, reason: str
) -> None:
    sent = []

    @site.route("/file")
    async def serve(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": content_type})
        await response.prepare(request)
        for _ in range(100):
            await response.write(b"%PDF-1.7 " * 1000)
            sent.append(1)
            await asyncio.sleep(0.05)
        return response

    error = await _fails(make_fetcher(fetch_allowed_ports=[site.port]).fetch(site.url("/file")), "not_article")
    assert error.reason == reason
    assert len(sent) < 100  # we hung up instead of reading all 100 slow chunks


async def test_feed_kind(site: Site, make_fetcher: Any) -> None:
    site.html("/feed", '<?xml version="1.0"?><rss version="2.0"><channel></channel></rss>', "application/rss+xml")
    site.html("/page")
    fetcher = make_fetcher(fetch_allowed_ports=[site.port])
    fetched = await fetcher.fetch(site.url("/feed"), kinds=("feed",))
    assert fetched.content_type == "application/rss+xml"
    assert "rss+xml" in site.headers[-1]["Accept"]
    error = await _fails(fetcher.fetch(site.url("/page"), kinds=("feed",)), "not_article")
    assert error.reason == "That link is a web page, not a feed."
    both = await fetcher.fetch(site.url("/page"), kinds=("html", "feed"))
    assert both.content_type == "text/html"
    site.html("/feed.json", '{"version": "https://jsonfeed.org/version/1.1", "items": []}', "application/feed+json")
    json_feed = await fetcher.fetch(site.url("/feed.json"), kinds=("feed",))
    assert json_feed.content_type == "application/feed+json"
    await _fails(fetcher.fetch(site.url("/feed.json")), "not_article")  # not an article page


@pytest.mark.parametrize(
    ("body", "result"),
    [(b"  <!DOCTYPE html><html><body>x</body></html>", "text/html"), (b"\x89PNG\r\n\x1a\n....", None)],
)
async def test_missing_content_type_is_sniffed(site: Site, make_fetcher: Any, body: bytes, result: str | None) -> None:
    @site.route("/")
    async def serve(request: web.Request) -> web.StreamResponse:
        response = web.Response(body=body)
        response.headers["Content-Type"] = "application/octet-stream"
        return response

    fetcher = make_fetcher(fetch_allowed_ports=[site.port])
    if result is None:
        await _fails(fetcher.fetch(site.url()), "not_article")
    else:
        assert (await fetcher.fetch(site.url())).content_type == result


# --- charsets -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "content_type", "charset", "expected"),
    [
        ('<html><head><meta charset="windows-1251"></head><body><p>Новости дня</p></body></html>'.encode("cp1251"),
         "text/html", "cp1251", "Новости дня"),
        ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"></head>'
         "<body><p>Caf\u00e9 cr\u00e8me</p></body></html>".encode("latin-1"), "text/html", "cp1252", "Café crème"),
        ("<html><body><p>Caf\u00e9</p></body></html>".encode("latin-1"), "text/html; charset=ISO-8859-1", "cp1252",
         "Café"),
        ('<html><head><meta charset="utf-8"></head><body><p>Новости</p></body></html>'.encode("cp1251"),
         "text/html; charset=windows-1251", "cp1251", "Новости"),  # the header wins over meta
        ("\ufeff<html><body><p>Grüße</p></body></html>".encode("utf-8"), "text/html; charset=latin-1", "utf-8",
         "Grüße"),  # a BOM wins over everything
        ("<html><body><p>Żółć</p></body></html>".encode(), "text/html", "utf-8", "Żółć"),
    ],
)  # fmt: skip
async def test_charset_detection(
    site: Site, make_fetcher: Any, body: bytes, content_type: str, charset: str, expected: str
) -> None:
    site.html("/", body, content_type)
    fetched = await make_fetcher(fetch_allowed_ports=[site.port]).fetch(site.url())
    assert fetched.charset == charset
    assert expected in fetched.text()


# --- conditional GET and concurrency ----------------------------------------------------------------


async def test_conditional_get_returns_304(site: Site, make_fetcher: Any) -> None:
    @site.route("/feed")
    async def serve(request: web.Request) -> web.StreamResponse:
        if request.headers.get("If-None-Match") == '"v1"':
            return web.Response(status=304, headers={"ETag": '"v1"'})
        return web.Response(body=b"<rss/>", headers={"Content-Type": "application/rss+xml", "ETag": '"v1"'})

    fetcher = make_fetcher(fetch_allowed_ports=[site.port])
    first = await fetcher.fetch(site.url("/feed"), kinds=("feed",))
    assert first.status == 200 and first.headers["etag"] == '"v1"'
    again = await fetcher.fetch(site.url("/feed"), kinds=("feed",), headers={"If-None-Match": '"v1"'})
    assert again.status == 304
    assert again.body == b""


async def test_caller_cannot_override_accept_encoding(site: Site, make_fetcher: Any) -> None:
    site.html("/")
    await make_fetcher(fetch_allowed_ports=[site.port]).fetch(site.url(), headers={"Accept-Encoding": "br"})
    assert site.headers[0]["Accept-Encoding"] == "gzip, deflate"


async def test_per_host_concurrency_cap(site: Site, make_fetcher: Any) -> None:
    @site.route("/slow")
    async def slow(request: web.Request) -> web.StreamResponse:
        await asyncio.sleep(0.1)
        return web.Response(text=HTML, content_type="text/html")

    fetcher = make_fetcher(fetch_allowed_ports=[site.port], fetch_per_host_concurrency=2)
    results = await asyncio.gather(*(fetcher.fetch(site.url("/slow")) for _ in range(6)))
    assert all(r.status == 200 for r in results)
    assert site.max_active == 2
    assert len(fetcher._slots) == 0  # entries are dropped when idle: the dict stays bounded


async def test_context_manager_closes_client(site: Site) -> None:
    site.html("/")
    settings = Settings(fetch_allow_private_networks=True, fetch_allowed_ports=[site.port])
    async with Fetcher(settings) as fetcher:
        assert (await fetcher.fetch(site.url())).status == 200
    assert fetcher._client.is_closed
