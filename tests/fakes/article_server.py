"""A fake web site serving article pages on 127.0.0.1 (own thread and event loop).

Files in ``tests/data/pages/`` are served by name (``/seed.html``); ``add`` / ``redirect`` /
``delay`` script other paths. The query string is ignored for routing and counting, so
``/a.html?utm_source=x`` is the same page as ``/a.html``.
"""

from __future__ import annotations

import asyncio
import copy
import email.utils
import hashlib
import mimetypes
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.playground.server_thread import HOST, ThreadedAiohttpServer

PAGES_DIR = Path(__file__).resolve().parent.parent / "data" / "pages"


@dataclass
class Page:
    body: bytes
    content_type: str
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    etag: str = ""
    last_modified: float = 0.0
    chunk_size: int | None = None  # with chunk_delay: send the body in pieces (slow server)
    chunk_delay: float = 0.0


def _content_type_for(name: str) -> str:
    ext = Path(name).suffix.lower()
    if ext in (".html", ".htm"):
        return "text/html; charset=utf-8"
    guessed = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if guessed.startswith("text/") or guessed in (
        "application/json",
        "application/xml",
        "application/rss+xml",
        "application/atom+xml",
    ):
        return f"{guessed}; charset=utf-8"  # fmt: skip
    return guessed


class ArticleServer(ThreadedAiohttpServer):
    """Test-side API (thread-safe): ``url(path)``, ``add``, ``redirect``, ``delay``, ``remove``,
    ``hits(path)``, ``requests`` (list of dicts: method, path, query, headers, status), ``reset()``."""

    thread_name = "fake-articles"

    def __init__(self, root: str | Path | None = None, *, port: int = 0) -> None:
        super().__init__(port)
        self.root = Path(root) if root is not None else PAGES_DIR
        self._reset_state()

    def _reset_state(self) -> None:
        with self._lock:
            self._pages: dict[str, Page] = {}
            self._redirects: dict[str, tuple[str, int]] = {}
            self._delays: dict[str, float] = {}
            self._hits: dict[str, int] = {}
            self._requests: list[dict[str, Any]] = []

    def reset(self) -> None:
        """Forget added pages, redirects, delays and counters (files on disk stay served)."""
        self._reset_state()
        self._notify()

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def url(self, path: str) -> str:
        if not path.startswith("/"):
            path = "/" + path
        return f"{self.base_url}{path}"

    # -- scripting ---------------------------------------------------------------------------------

    def add(
        self,
        path: str,
        body: bytes | str,
        content_type: str | None = None,
        status: int = 200,
        headers: dict[str, str] | None = None,
        *,
        chunk_size: int | None = None,
        chunk_delay: float = 0.0,
        last_modified: float | None = None,
    ) -> str:
        """Serve ``body`` at ``path`` (content type from the extension unless given; str bodies are
        UTF-8). 200 responses carry ``ETag`` and ``Last-Modified`` and answer conditional requests
        with 304. ``chunk_size``+``chunk_delay`` drip the body slowly. Returns the full URL."""
        if not path.startswith("/"):
            path = "/" + path
        data = body.encode("utf-8") if isinstance(body, str) else bytes(body)
        page = Page(
            body=data,
            content_type=content_type or _content_type_for(path.split("?")[0] or "index.html"),
            status=status,
            headers=dict(headers or {}),
            etag='"' + hashlib.sha1(data).hexdigest()[:16] + '"',
            last_modified=float(int(last_modified if last_modified is not None else time.time())),
            chunk_size=chunk_size,
            chunk_delay=chunk_delay,
        )
        with self._lock:
            self._pages[path] = page
        return self.url(path)

    def remove(self, path: str) -> None:
        with self._lock:
            self._pages.pop(path, None)
            self._redirects.pop(path, None)
            self._delays.pop(path, None)

    def redirect(self, path: str, to: str, status: int = 301) -> str:
        """``path`` answers ``status`` with ``Location: to`` (absolute URL or a path here)."""
        with self._lock:
            self._redirects[path] = (to, status)
        return self.url(path)

    def delay(self, path: str, seconds: float) -> None:
        """Wait ``seconds`` before sending the response headers for ``path``."""
        with self._lock:
            self._delays[path] = seconds

    # -- inspection --------------------------------------------------------------------------------

    def hits(self, path: str) -> int:
        """Requests for ``path`` (any query string, any method, any outcome)."""
        with self._lock:
            return self._hits.get(path.split("?", 1)[0], 0)

    @property
    def requests(self) -> list[dict[str, Any]]:
        with self._lock:
            return copy.deepcopy(self._requests)

    def wait_for_hits(self, path: str, count: int = 1, timeout: float = 10.0) -> int:
        return self._wait_until(
            lambda: self._hits.get(path, 0) if self._hits.get(path, 0) >= count else None,
            timeout,
            lambda: f"{path}: {self._hits.get(path, 0)} hit(s), wanted {count}",
        )

    # -- server ------------------------------------------------------------------------------------

    def _build_app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        return app

    def _file_page(self, path: str) -> Page | None:
        name = path.lstrip("/")
        if not name or "/" in name or "\\" in name or name.startswith("."):
            return None
        file = (self.root / name).resolve()
        if file.parent != self.root.resolve() or not file.is_file():
            return None
        data = file.read_bytes()
        return Page(
            body=data,
            content_type=_content_type_for(name),
            etag='"' + hashlib.sha1(data).hexdigest()[:16] + '"',
            last_modified=float(int(file.stat().st_mtime)),
        )

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        with self._changed:
            self._hits[path] = self._hits.get(path, 0) + 1
            entry: dict[str, Any] = {
                "method": request.method,
                "path": path,
                "query": request.query_string,
                "headers": dict(request.headers),
                "status": None,
            }
            self._requests.append(entry)
            delay = self._delays.get(path, 0.0)
            redirect = self._redirects.get(path)
            page = self._pages.get(path)
            self._changed.notify_all()
        if delay:
            await asyncio.sleep(delay)
        response = await self._build_response(request, path, redirect, page)
        with self._lock:
            entry["status"] = response.status
        return response

    async def _build_response(
        self,
        request: web.Request,
        path: str,
        redirect: tuple[str, int] | None,
        page: Page | None,
    ) -> web.StreamResponse:
        if request.method not in ("GET", "HEAD"):
            return web.Response(status=405, text="Method Not Allowed", headers={"Allow": "GET, HEAD"})
        if redirect is not None:
            to, status = redirect
            return web.Response(status=status, headers={"Location": to}, text=f"Moved to {to}")
        if page is None:
            page = await asyncio.to_thread(self._file_page, path)
        if page is None:
            return web.Response(status=404, text="<h1>404 Not Found</h1>", content_type="text/html")
        headers = dict(page.headers)
        if page.status == 200:
            headers.setdefault("ETag", page.etag)
            headers.setdefault("Last-Modified", email.utils.formatdate(page.last_modified, usegmt=True))
            if self._not_modified(request, page):
                return web.Response(status=304, headers=headers)
        headers["Content-Type"] = page.content_type
        if page.chunk_size and request.method == "GET":
            resp = web.StreamResponse(status=page.status, headers=headers)
            resp.content_length = len(page.body)
            await resp.prepare(request)
            for i in range(0, len(page.body), page.chunk_size):
                await resp.write(page.body[i : i + page.chunk_size])
                if page.chunk_delay:
                    await asyncio.sleep(page.chunk_delay)
            await resp.write_eof()
            return resp
        return web.Response(status=page.status, body=page.body, headers=headers)

    @staticmethod
    def _not_modified(request: web.Request, page: Page) -> bool:
        inm = request.headers.get("If-None-Match")
        if inm is not None:
            tags = {t.strip().removeprefix("W/") for t in inm.split(",")}
            return "*" in tags or page.etag in tags
        ims = request.headers.get("If-Modified-Since")
        if ims:
            try:
                since = email.utils.parsedate_to_datetime(ims).timestamp()
            except (TypeError, ValueError):
                return False
            return page.last_modified <= since
        return False


__all__ = ["PAGES_DIR", "ArticleServer", "Page"]
