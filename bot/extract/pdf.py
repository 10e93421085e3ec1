"""PDF in, Article out: text from PDFium (pypdfium2), cleaned into paragraphs (pdf_layout.py), or
a typed PdfError.

PDFium was chosen by measuring (bench/pdf_extract.py, README): several times faster than pypdf and
pdfminer.six on the same documents, it keeps the reading order of columns, marks the hyphens it
sees at line ends (U+FFFE) so words can be joined back, gives each character's font size (small
type at the page edges is a running header or footer, large type a heading), and it is the
hardened parser of Chrome, with its own limits on nesting. Its native calls can't be interrupted by
the CPU pool's signal, so the caps are checked here: what the compressed streams unpack to and the
page count before anything is read, then a deadline between pages.

Runs in a worker process (bot/cpu.py): call ``extract_pdf`` through ``cpu.run``.
"""

from __future__ import annotations

import ctypes
import re
import time
import zlib
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlsplit

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from bot.config import Settings
from bot.errors import PdfEncrypted, PdfError, PdfMalformed, PdfNoText, PdfTooBig, PdfTooManyPages, PdfTooSlow
from bot.extract.page import lang_code
from bot.extract.paragraphs import word_count
from bot.extract.pdf_layout import (
    EDGE_LINES,
    HEADING,
    TITLE_MAX_CHARS,
    drop_page_furniture,
    is_heading,
    lines_of,
    to_paragraphs,
)
from bot.extract.reasons import MIN_WORDS
from bot.models import Article
from bot.text.clean import clean_text

SNIFF_BYTES = 1024  # readers accept the %PDF- header anywhere in the first kilobyte
SMALL = 0.9  # a header or footer line is set at most this fraction of the body text's size
LARGE = 1.15  # a heading at least this multiple

# Titles editors never meant: what word processors and scanners write into the metadata.
_JUNK_TITLE = re.compile(r"^(?:untitled|microsoft \w+ - |document\d*$|doc\d*$|.*\.(?:docx?|pdf|odt|indd|tex)$)",
                         re.IGNORECASE)


@dataclass(frozen=True)
class PdfLimits:
    """The caps on one document: pages read, and seconds of work before giving up."""

    max_pages: int = 300
    seconds: float = 20.0
    # What all the compressed streams may unpack to: PDFium inflates a stream whole, so a 1 MB
    # file of zeros would otherwise become 1 GB in memory (and a 5 MB one 5 GB).
    max_inflated: int = 256 * 1024 * 1024

    @classmethod
    def of(cls, settings: Settings) -> PdfLimits:
        return cls(settings.pdf_max_pages, settings.pdf_timeout, settings.pdf_max_unpacked_bytes)


def looks_like_pdf(body: bytes) -> bool:
    return b"%PDF-" in body[:SNIFF_BYTES]


def extract_pdf(data: bytes, url: str, *, final_url: str | None = None, limits: PdfLimits | None = None) -> Article:
    """The article in a PDF (CPU-bound: run it in the CPU pool). Raises a PdfError subclass."""
    texts, title, language = read_pages(data, limits or PdfLimits())
    article = build_article(texts, url, final_url=final_url, meta_title=title)
    return article.model_copy(update={"language": language}) if language else article


def read_pages(data: bytes, limits: PdfLimits) -> tuple[list[str], str, str | None]:
    """Each page's text (small-type header and footer lines out, larger-type lines marked as
    headings), the metadata title and the document's language (/Lang), within the caps."""
    deadline = time.monotonic() + limits.seconds
    if not looks_like_pdf(data):
        raise PdfMalformed(PdfMalformed.REASON, detail="no %PDF- header")
    _check_inflated(data, limits.max_inflated, deadline)  # before PDFium unpacks anything
    document = _open(data)
    try:
        pages = len(document)
        if pages > limits.max_pages:
            raise PdfTooManyPages(
                PdfTooManyPages.REASON.format(pages=pages, limit=limits.max_pages),
                detail=f"pages={pages}", params={"pages": pages, "limit": limits.max_pages},
            )
        texts = [_page_text(document, index, deadline) for index in range(pages)]
        return texts, _meta_title(document), _language(document)
    finally:
        document.close()


def build_article(page_texts: list[str], url: str, *, final_url: str | None = None, meta_title: str = "") -> Article:
    """Pages of raw text (one string per page) → the cleaned article; pure, for tests and the bench."""
    pages = len(page_texts)
    lines = drop_page_furniture([lines_of(text) for text in page_texts])
    paragraphs = [clean_text(p) for p in to_paragraphs([line for page in lines for line in page])]
    paragraphs = [p for p in paragraphs if p]
    title = meta_title
    if paragraphs and is_heading(paragraphs[0]):
        first = paragraphs.pop(0)
        title = title or first
    words = word_count(paragraphs)
    if words < MIN_WORDS:
        raise PdfNoText(PdfNoText.REASON, detail=f"pages={pages} words={words}")
    base = final_url or url
    return Article(
        url=url,
        final_url=base,
        title=title,
        site=urlsplit(base).hostname if base.startswith("http") else None,
        paragraphs=paragraphs,
        pages=pages,
    )


def _open(data: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if exc.err_code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
            raise PdfEncrypted(PdfEncrypted.REASON, detail=str(exc)) from None
        raise PdfMalformed(PdfMalformed.REASON, detail=str(exc)) from None


_STREAM = re.compile(rb"(?<!end)stream\r?\n")
INFLATE_IN = 64 * 1024  # compressed bytes fed to zlib at a time
INFLATE_OUT = 1024 * 1024  # the most one call may unpack: the count is checked between calls


def _check_inflated(data: bytes, cap: int, deadline: float) -> None:
    """Unpack every Flate stream (keeping nothing) and refuse the file when together they come to
    more than ``cap`` bytes, before PDFium unpacks any of them in memory. A stream that isn't
    zlib data (images, plain text) is skipped at its first bytes."""
    total = 0
    for match in _STREAM.finditer(data):
        inflater = zlib.decompressobj()
        position = match.end()
        pending = b""
        while not inflater.eof:
            if not pending:
                if position >= len(data):
                    break
                pending, position = data[position : position + INFLATE_IN], position + INFLATE_IN
            try:
                total += len(inflater.decompress(pending, INFLATE_OUT))
            except zlib.error:
                break
            pending = inflater.unconsumed_tail
            if total > cap:
                raise PdfTooBig(PdfTooBig.REASON, detail=f"streams unpack to over {cap} bytes")
            if time.monotonic() >= deadline:
                raise PdfTooSlow(PdfTooSlow.REASON, detail="deadline while checking streams")


def _page_text(document: pdfium.PdfDocument, index: int, deadline: float) -> str:
    if time.monotonic() >= deadline:
        raise PdfTooSlow(PdfTooSlow.REASON, detail=f"deadline at page {index + 1}")
    try:
        page = document[index]
        try:
            textpage = page.get_textpage()
            try:
                return _without_small_edges(textpage)
            finally:
                textpage.close()
        finally:
            page.close()
    except pdfium.PdfiumError as exc:
        raise PdfMalformed(PdfMalformed.REASON, detail=f"page {index + 1}: {exc}") from None


def _without_small_edges(textpage: pdfium.PdfTextPage) -> str:
    """The page's text without the lines at its top and bottom set smaller than its body text:
    running headers and footers, which even a one-page document has (no repetition to see).
    Lines set larger than the body are marked as headings."""
    text = str(textpage.get_text_range())
    lines: list[tuple[str, float]] = []
    start = 0
    for line in re.split(r"\r\n|\r|\n", text):
        offset = start + (len(line) - len(line.lstrip()))
        size = pdfium_c.FPDFText_GetFontSize(textpage, offset) if line.strip() else 0.0
        lines.append((line, size))
        start += len(line) + (2 if text.startswith("\r\n", start + len(line)) else 1)
    weight: Counter[float] = Counter()
    for line, size in lines:
        weight[round(size, 1)] += len(line)
    if not weight:
        return text
    body = weight.most_common(1)[0][0]
    filled = [i for i, (line, _) in enumerate(lines) if line.strip()]
    edges = set(filled[:EDGE_LINES] + filled[-EDGE_LINES:])
    kept = [HEADING + line.strip() if size > LARGE * body and line.strip() else line
            for i, (line, size) in enumerate(lines) if not (i in edges and 0 < size < SMALL * body)]
    return "\n".join(kept)


def _meta_title(document: pdfium.PdfDocument) -> str:
    try:
        title = clean_text(str(document.get_metadata_value("Title") or ""))
    except (pdfium.PdfiumError, ValueError):
        return ""
    if not title or len(title) > TITLE_MAX_CHARS or _JUNK_TITLE.match(title) or not re.search(r"\w", title):
        return ""
    return title


def _language(document: pdfium.PdfDocument) -> str | None:
    """The catalog's /Lang ("en-GB" → "en"), which tagged PDFs carry."""
    size = pdfium_c.FPDFCatalog_GetLanguage(document.raw, None, 0)
    if size <= 2 or size > 200:
        return None
    buffer = ctypes.create_string_buffer(size)
    pdfium_c.FPDFCatalog_GetLanguage(document.raw, ctypes.cast(buffer, ctypes.POINTER(pdfium_c.FPDF_WCHAR)), size)
    return lang_code(buffer.raw[: size - 2].decode("utf-16-le", errors="replace"))


__all__ = ["PdfError", "PdfLimits", "build_article", "extract_pdf", "looks_like_pdf", "read_pages"]
