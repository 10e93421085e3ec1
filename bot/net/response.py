"""From a final (non-redirect) response to a Fetched: status, type and size checks, bounded
decompression and the charset. Nothing is read before the headers say it may be wanted."""

from __future__ import annotations

from collections.abc import Collection

import httpx

from bot.errors import FetchError
from bot.models import Fetched
from bot.net.content import (
    PDF_TYPES,
    UNKNOWN_TYPES,
    BoundedInflater,
    content_encoding,
    detect_charset,
    header_charset,
    mime_type,
    refuse_type,
    sniff_type,
)
from bot.net.failures import network_failure, status_failure

TOO_LARGE_REASON = "That page is too large for me."


async def read_response(
    response: httpx.Response,
    *,
    asked: str,
    final_url: str,
    accepted: frozenset[str],
    kinds: Collection[str],
    limit: int,
) -> Fetched:
    """The body of response, or a FetchError saying why we won't have it.

    A 304 (the caller sent a validator) comes back as status 304 with an empty body.
    """
    status = response.status_code
    headers = _flat_headers(response.headers)
    mime = mime_type(response.headers.get("content-type"))
    if status == 304:
        return Fetched(asked, final_url, status, mime, None, b"", headers)
    if not 200 <= status < 300:
        raise status_failure(status, final_url)
    if mime not in accepted and mime not in UNKNOWN_TYPES:
        raise refuse_type(mime, kinds)  # before reading a single body byte
    length = response.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit:
        raise FetchError(TOO_LARGE_REASON, code="too_large", detail=f"content-length={length} cap={limit}")
    coding = content_encoding(response.headers.get("content-encoding"))
    body = await _read_body(response, coding, limit)
    if mime in UNKNOWN_TYPES:
        sniffed = sniff_type(body)
        if sniffed is None or sniffed not in accepted:
            raise refuse_type(sniffed or mime, kinds)
        mime = sniffed
    if mime in PDF_TYPES:
        return Fetched(asked, final_url, status, mime, None, body, headers)  # binary: no charset
    charset = detect_charset(body, header_charset(response.headers.get("content-type")), mime)
    return Fetched(asked, final_url, status, mime, charset, body, headers)


async def _read_body(response: httpx.Response, coding: str | None, limit: int) -> bytes:
    """Read raw bytes and inflate them ourselves, stopping at `limit` on both sides."""
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
    except httpx.TransportError as exc:
        raise network_failure(exc) from None
    return b"".join(chunks)


def _flat_headers(headers: httpx.Headers) -> dict[str, str]:
    flat: dict[str, str] = {}
    for name, value in headers.multi_items():
        flat[name] = f"{flat[name]}, {value}" if name in flat else value
    return flat
