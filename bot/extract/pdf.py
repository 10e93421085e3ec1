"""PDF in, Article out: text from PDFium (pypdfium2), cleaned into paragraphs, or a typed PdfError.

PDFium was chosen by measuring (bench/pdf_extract.py, README): several times faster than pypdf and
pdfminer.six on the same documents, it keeps the reading order of columns, marks the hyphens it
sees at line ends (U+FFFE) so words can be joined back, and it is the hardened parser of Chrome,
with its own limits on nesting. Its native calls can't be interrupted by the CPU pool's signal, so
the caps are checked here, between pages: the page count before anything is read, and a deadline.

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
from bot.extract.reasons import MIN_WORDS
from bot.models import Article
from bot.text.clean import clean_text

SNIFF_BYTES = 1024  # readers accept the %PDF- header anywhere in the first kilobyte
EDGE_LINES = 2  # lines at the top and the bottom of a page that may be a running header or footer
TITLE_MAX_CHARS = 150
SMALL = 0.9  # a header or footer line is set at most this fraction of the body text's size
LARGE = 1.15  # a heading at least this multiple
WRAPPED = 0.6  # a heading line this long (of the body's width) may go on in the next line
HEADING = "\ue000"  # marks a line set as a heading, until paragraphs are made (private use: never in text)
SOFT_HYPHEN = "\ufffe"  # PDFium's mark for a hyphen it found at a line end
BREAK = "\u00ad"  # ours for it, kept until the lines are joined

_PAGE_NUMBER = re.compile(r"^\W*(?:page|p\.|seite|página|стр\.?)?\s*\d{1,4}(?:\s*(?:of|/|von|de|из)\s*\d{1,4})?\W*$",
                          re.IGNORECASE)
_END = re.compile(r"[.!?:;…\"”»’]$")
_NUMBERED = re.compile(r"^(?:\d{1,3}[.)]|[•▪◦·\-–])\s")
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
    lines = drop_page_furniture([_lines(text) for text in page_texts])
    paragraphs = [clean_text(p) for p in to_paragraphs([line for page in lines for line in page])]
    paragraphs = [p for p in paragraphs if p]
    title = meta_title
    if paragraphs and _is_heading(paragraphs[0]):
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


def _lines(text: str) -> list[str]:
    # PDFium joins a line that ends in a hyphen with the next and marks the hyphen: the line break
    # goes back (paragraphs are found from line lengths), the mark says "join without a space".
    text = text.replace(SOFT_HYPHEN, BREAK + "\n").replace("\x02", "")
    return [line.strip() for line in re.split(r"\r\n|\r|\n", text)]


def _shape(line: str) -> str:
    """A line with its numbers blanked: "Page 3 of 9" and "Page 4 of 9" are the same footer."""
    return re.sub(r"\d+", "#", line.lower())


def drop_page_furniture(pages: list[list[str]]) -> list[list[str]]:
    """Running headers, footers and page numbers out: a line near the top or bottom edge that has
    the same shape on at least half of the pages (two at least), and any bare page number there."""
    edges: Counter[str] = Counter()
    for page in pages:
        kept = [line for line in page if line]
        edge = {_shape(line) for line in kept[:EDGE_LINES] + kept[-EDGE_LINES:]}
        edges.update(edge)
    needed = max(2, (len(pages) + 1) // 2)
    repeated = {shape for shape, count in edges.items() if count >= needed}
    cleaned: list[list[str]] = []
    for page in pages:
        kept = [line for line in page if line]
        out = []
        for i, line in enumerate(kept):
            at_edge = i < EDGE_LINES or i >= len(kept) - EDGE_LINES
            if at_edge and (_shape(line) in repeated or _PAGE_NUMBER.match(line)):
                continue
            out.append(line)
        cleaned.append(out)
    return cleaned


def to_paragraphs(lines: list[str]) -> list[str]:
    """Lines → paragraphs. A PDF has no paragraphs, only lines: a paragraph ends at a short line
    that ends a sentence or comes before a heading, a heading stands alone (a heading wrapped over
    two lines is put back together), a numbered item starts a new one; a word broken by a hyphen
    at a line end is joined back."""
    if not lines:
        return []
    full = _typical_width(lines)
    paragraphs: list[str] = []
    current = ""
    marked_last = 0  # length of the line before when it was a heading line, else 0
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if line.startswith(HEADING):  # set in a larger font: a heading, whatever its words
            if current:
                _push(paragraphs, current)
                current = ""
            text = line[1:].strip()
            if marked_last >= WRAPPED * full and paragraphs:
                paragraphs[-1] = f"{paragraphs[-1]} {text}"  # one heading over two lines
            else:
                paragraphs.append(text)
            marked_last = len(text)
            continue
        marked_last = 0
        following = following.removeprefix(HEADING)
        if current and _NUMBERED.match(line):
            _push(paragraphs, current)
            current = ""
        short = len(line) < 0.8 * full
        if not current and short and _is_heading(line) and (not following or len(following) > len(line)):
            _push(paragraphs, line)
            continue
        current = _join(current, line)
        heading_next = _is_heading(following) and len(following) < 0.8 * full
        if not following or (heading_next and (short or _END.search(line))) or (short and _END.search(line)):
            _push(paragraphs, current)
            current = ""
    if current:
        _push(paragraphs, current)
    return paragraphs


_LINKING = frozenset("a an and at by for in of on or the to with de du des la le et und der die das von".split())


def _push(paragraphs: list[str], text: str) -> None:
    """Append a paragraph, or join it to a heading it continues ("...Court of Westmark in the
    matter of" + "Riverside Tenants Association", "Spring" + "edition")."""
    if paragraphs and _is_heading(paragraphs[-1]) and _is_heading_part(text):
        last_word = paragraphs[-1].split()[-1].lower()
        if text[:1].islower() or last_word in _LINKING:
            paragraphs[-1] = f"{paragraphs[-1]} {text}"
            return
    paragraphs.append(text)


def _is_heading_part(text: str) -> bool:
    return bool(text) and not _END.search(text) and len(text) <= TITLE_MAX_CHARS


def _typical_width(lines: list[str]) -> int:
    lengths = sorted(len(line) for line in lines if not line.startswith(HEADING)) or [len(lines[0])]
    return lengths[len(lengths) // 2]  # most lines of running text fill the column


def _join(current: str, line: str) -> str:
    if not current:
        return line
    if current.endswith(BREAK):
        return current[:-1] + line
    return f"{current} {line}"


def _is_heading(line: str) -> bool:
    """Short, no sentence end, starts with a capital or a number: a title or section heading."""
    text = line.strip()
    if not text or len(text) > TITLE_MAX_CHARS or _END.search(text) or text.endswith(","):
        return False
    if _PAGE_NUMBER.match(text) or _NUMBERED.match(text):
        return False
    words = text.split()
    return 1 <= len(words) <= 24 and (text[0].isupper() or text[0].isdigit())


__all__ = ["PdfError", "PdfLimits", "build_article", "drop_page_furniture", "extract_pdf", "looks_like_pdf",
           "read_pages", "to_paragraphs"]
