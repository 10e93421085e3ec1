"""Response bodies: which content types we accept, bounded decompression, charset detection.

Kept apart from the network code so each rule is small and testable on plain bytes.
"""

from __future__ import annotations

import codecs
import re
import zlib
from collections.abc import Collection, Iterator

from bot.errors import FetchError

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain"})
FEED_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml", "text/xml",
     # JSON Feed (jsonfeed.org); plain JSON is accepted too and rejected by the parser if it isn't one
     "application/feed+json", "application/json"}
)
PDF_TYPES = frozenset({"application/pdf", "application/x-pdf"})
KIND_TYPES: dict[str, frozenset[str]] = {"html": HTML_TYPES, "feed": FEED_TYPES, "pdf": PDF_TYPES}
# Types servers use when they don't know: decide by sniffing the first bytes instead.
UNKNOWN_TYPES = frozenset({"", "application/octet-stream", "binary/octet-stream", "unknown/unknown"})

SNIFF_BYTES = 1024
META_SCAN_BYTES = 4096
DETECT_BYTES = 64 * 1024
INFLATE_STEP = 64 * 1024  # max bytes one decompress() call may produce

NOT_ARTICLE = "not_article"


def mime_type(content_type: str | None) -> str:
    """'Text/HTML; charset=UTF-8' -> 'text/html'."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def header_charset(content_type: str | None) -> str | None:
    match = re.search(r"charset\s*=\s*[\"']?([^\s\"';]+)", content_type or "", re.IGNORECASE)
    return match.group(1) if match else None


def accepted_types(kinds: Collection[str]) -> frozenset[str]:
    if isinstance(kinds, str):
        kinds = (kinds,)  # a bare "html" would otherwise iterate as "h", "t", ...
    try:
        return frozenset().union(*(KIND_TYPES[kind] for kind in kinds))
    except KeyError as exc:
        raise ValueError(f"unknown content kind {exc.args[0]!r}; use 'html', 'feed' or 'pdf'") from None


def refuse_type(mime: str, kinds: Collection[str]) -> FetchError:
    """A friendly refusal for a content type the caller didn't ask for."""
    major = mime.partition("/")[0]
    if mime in PDF_TYPES:
        reason = "That link is a PDF document, not a feed." if "feed" in kinds else "That link is a PDF document."
    elif major == "image":
        reason = "That link is an image, not an article."
    elif major == "video":
        reason = "That link is a video, not an article."
    elif major == "audio":
        reason = "That link is an audio file, not an article."
    elif mime in {"application/json", "application/ld+json", "text/javascript", "text/css"}:
        reason = "That link is data for programs, not an article."
    elif mime in FEED_TYPES and "feed" not in kinds:
        reason = "That link is a feed or XML file, not an article."
    elif mime in HTML_TYPES and "html" not in kinds:
        reason = "That link is a web page, not a feed."
    else:
        reason = "That link is a file download, not an article."
    return FetchError(reason, code=NOT_ARTICLE, detail=f"content_type={mime or '-'}")


def sniff_type(prefix: bytes) -> str | None:
    """Guess a type from the first bytes when the server didn't say (or said octet-stream)."""
    head = prefix[:SNIFF_BYTES].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"%pdf-"):
        return "application/pdf"
    if head.startswith((b"<!doctype html", b"<html", b"<head", b"<body")):
        return "text/html"
    if head.startswith(b"<?xml") or head.startswith(b"<rss") or head.startswith(b"<feed"):
        if b"<rss" in head:
            return "application/rss+xml"
        if b"<feed" in head:
            return "application/atom+xml"
        if b"<html" in head:
            return "application/xhtml+xml"
        return "application/xml"
    return None


def content_encoding(value: str | None) -> str | None:
    """The one content-coding to undo ("gzip"/"deflate") or None; refuse anything else.

    Chains ("gzip, gzip") are refused outright: urllib3 CVE-2025-66418 was an unbounded chain.
    brotli/zstd are refused because we don't advertise them and can't bound them without
    extra dependencies.
    """
    codings = [c.strip().lower() for c in (value or "").split(",") if c.strip()]
    codings = [c for c in codings if c != "identity"]
    if not codings:
        return None
    if len(codings) > 1:
        raise _bad_encoding(f"content-encoding chain {value!r}")
    coding = {"x-gzip": "gzip"}.get(codings[0], codings[0])
    if coding not in {"gzip", "deflate"}:
        raise _bad_encoding(f"content-encoding {coding!r}")
    return coding


def _bad_encoding(detail: str) -> FetchError:
    return FetchError("That site sent a response I can't read.", code="bad_encoding", detail=detail)


class BoundedInflater:
    """Incremental gzip/deflate decoder that never produces more than INFLATE_STEP per call.

    httpx's own decoders call ``decompress(data)`` without ``max_length``, so a 50 KB gzip bomb
    comes out as one 50 MB chunk before any size check can run (notes/security.md §c.4). Here the
    caller counts each piece as it is yielded and stops the generator at its cap.
    """

    def __init__(self, coding: str) -> None:
        self._coding = coding
        self._pending = b""  # raw deflate vs zlib is decided from the first two bytes
        self._obj: zlib._Decompress | None = None
        if coding == "gzip":
            self._obj = zlib.decompressobj(wbits=47)  # 32+15: gzip or zlib header, auto-detected

    def feed(self, data: bytes) -> Iterator[bytes]:
        if self._obj is None:
            self._pending += data
            if len(self._pending) < 2:
                return
            data, self._pending = self._pending, b""
            # "deflate" should be zlib-wrapped (RFC 9110) but many servers send raw deflate.
            cmf, flg = data[0], data[1]
            is_zlib = cmf & 0x0F == 8 and (cmf << 8 | flg) % 31 == 0
            self._obj = zlib.decompressobj(wbits=15 if is_zlib else -15)
        yield from self._run(data)

    def finish(self) -> Iterator[bytes]:
        if self._pending:
            yield from self.feed(b"\0")  # a 1-byte body can't be valid; let zlib say so
        if self._obj is not None:
            try:
                tail = self._obj.flush()  # bounded: at most what zlib holds internally
            except zlib.error as exc:
                raise _bad_encoding(f"bad {self._coding} data: {exc}") from None
            if tail:
                yield tail

    def _run(self, data: bytes) -> Iterator[bytes]:
        obj = self._obj
        assert obj is not None
        while True:
            try:
                out = obj.decompress(data, INFLATE_STEP)
            except zlib.error as exc:
                raise _bad_encoding(f"bad {self._coding} data: {exc}") from None
            if out:
                yield out
            if obj.eof:
                rest = obj.unused_data
                if not rest.startswith(b"\x1f\x8b"):
                    return  # trailing padding after the stream: ignore it
                obj = self._obj = zlib.decompressobj(wbits=47)  # another gzip member follows
                data = rest
                continue
            data = obj.unconsumed_tail
            # A full step may leave output pending inside zlib even with no input left: drain it.
            if not data and len(out) < INFLATE_STEP:
                return


# --- charsets ---------------------------------------------------------------------------------

# WHATWG encoding spec: browsers decode these labels as windows-1252, and pages rely on it.
_WHATWG_ALIASES = {"iso-8859-1": "cp1252", "latin1": "cp1252", "us-ascii": "cp1252", "ascii": "cp1252"}
_META_CHARSET = re.compile(rb"<meta[^>]+?charset\s*=\s*[\"']?\s*([-\w:.]+)", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"<\?xml[^>]*?encoding\s*=\s*[\"']([-\w.:]+)[\"']", re.IGNORECASE)
# Text codecs no page is written in: "undefined" always raises, idna/punycode are for host names,
# the escape codecs and UTF-7 turn plain ASCII into other characters (WHATWG refuses UTF-7 for that).
_NOT_PAGE_CHARSETS = frozenset({"undefined", "idna", "punycode", "unicode-escape", "raw-unicode-escape", "utf-7"})
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def codec_name(label: str | bytes | None) -> str | None:
    """Python's name for an encoding label, or None when Python doesn't know it."""
    if not label:
        return None
    text = label.decode("ascii", "ignore") if isinstance(label, bytes) else label
    text = text.strip().lower()
    text = _WHATWG_ALIASES.get(text, text)
    try:
        info = codecs.lookup(text)
    except LookupError:
        return None
    # Only real text encodings: Python also knows "undefined" (raises on use), base64, rot13, zlib…
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_PAGE_CHARSETS:
        return None
    return info.name


def detect_charset(body: bytes, declared: str | None, mime: str) -> str:
    """BOM, then the Content-Type charset, then <meta>/<?xml?> in the first 4 KB, then a guess."""
    for bom, bom_charset in _BOMS:
        if body.startswith(bom):
            return bom_charset  # a BOM beats everything, as in browsers
    name = codec_name(declared)
    if name:
        return name
    head = body[:META_SCAN_BYTES]
    if mime != "text/plain":
        match = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
        name = codec_name(match.group(1)) if match else None
        if name and not name.startswith("utf-16"):
            return name  # an ASCII-compatible page can't really be UTF-16 without a BOM
    try:
        body.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    return _guess_charset(body[:DETECT_BYTES])


def _guess_charset(sample: bytes) -> str:
    try:
        # A transitive dependency (trafilatura, htmldate); without it, UTF-8 with replacement.
        from charset_normalizer import from_bytes
    except ImportError:
        return "utf-8"
    best = from_bytes(sample).best()
    guessed = codec_name(best.encoding) if best is not None else None
    return guessed or "utf-8"
