"""The entry points: a fetched page (or HTML, or plain text) in, an Article or ExtractError out."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from trafilatura import bare_extraction
from trafilatura.settings import Document

from bot import cpu
from bot.errors import ExtractError, FetchError, boundary
from bot.extract.cleanup import parse_html, strip_hidden, strip_widgets
from bot.extract.jsonld import ld_paragraphs
from bot.extract.metadata import author_of, published_of, site_of, title_of
from bot.extract.page import Page, lang_code, read_page
from bot.extract.paragraphs import clean_paragraphs, word_count
from bot.extract.pdf import PdfLimits, extract_pdf
from bot.extract.reasons import MIN_WORDS, REASONS, TEASER_WORDS, refusal
from bot.extract.walls import diagnose, page_refusal, wall_in_text
from bot.models import Article, Fetched
from bot.net.content import HTML_TYPES, PDF_TYPES, sniff_type
from bot.net.urls import normalize_url
from bot.text.clean import clean_text

DIAGNOSE_CHARS = 200_000  # how much raw HTML the JS-shell check looks at


@boundary(ExtractError, REASONS["no_text"], code="no_text")
def extract_html(html: str, url: str, *, final_url: str | None = None) -> Article:
    """Extract the article from an HTML page (CPU-bound: call it off the event loop)."""
    base = final_url or url
    tree = parse_html(html)
    page = read_page(tree, base)  # before anything mutates the tree
    strip_hidden(tree)
    strip_widgets(tree)
    doc = bare_extraction(tree, url=base, with_metadata=True, favor_precision=True)
    extracted: dict[str, Any] = doc.as_dict() if isinstance(doc, Document) else {}
    title = title_of(extracted, page)
    paragraphs = _main_text(extracted, page, title)
    words = word_count(paragraphs)
    wall = wall_in_text(page, " ".join(paragraphs), words)
    if wall is not None:
        raise page_refusal(wall, page, words)
    if words < MIN_WORDS:
        raise page_refusal(diagnose(page, html[:DIAGNOSE_CHARS]), page, words)
    return Article(
        url=_identity(url),
        final_url=base,
        canonical_url=page.canonical,
        title=title,
        author=author_of(extracted, page),
        published=published_of(extracted, page),
        site=site_of(extracted, page),
        language=page.language,
        paragraphs=paragraphs,
    )


def _main_text(extracted: dict[str, Any], page: Page, title: str) -> list[str]:
    """trafilatura's text, unless it is teaser-short and the JSON-LD articleBody says more."""
    paragraphs = clean_paragraphs((extracted.get("text") or "").split("\n"), title=title)
    words = word_count(paragraphs)
    if words < TEASER_WORDS:
        # Publishers often ship the full text in JSON-LD even when the HTML is a JS shell.
        fallback = clean_paragraphs(ld_paragraphs(page.ld), title=title)
        if word_count(fallback) >= max(MIN_WORDS, words + 1):
            return fallback
    return paragraphs


@boundary(ExtractError, REASONS["no_text"], code="no_text")
def extract_plain_text(text: str, url: str, *, final_url: str | None = None) -> Article:
    """A text/plain page: paragraphs are blank-line separated; a short first line is the title."""
    blocks = [clean_text(b) for b in re.split(r"\n\s*\n", text.replace("\r\n", "\n"))]
    blocks = [b for b in blocks if b]
    title = ""
    if blocks and len(blocks[0]) <= 150 and not blocks[0].endswith((".", "!", "?", '"')):
        title = blocks.pop(0)
    paragraphs = clean_paragraphs(blocks)
    words = word_count(paragraphs)
    if words < MIN_WORDS:
        raise refusal("no_text", f"plain text, words={words}")
    base = final_url or url
    return Article(
        url=_identity(url),
        final_url=base,
        title=title,
        site=urlsplit(base).hostname,
        paragraphs=paragraphs,
    )


async def extract_article(fetched: Fetched, *, url: str, pdf_limits: PdfLimits | None = None) -> Article:
    """Extract from a fetched response in a worker process (trafilatura is synchronous CPU work)."""
    if fetched.status == 304 or not fetched.body:
        raise refusal("no_text", f"status={fetched.status}")
    mime = fetched.content_type
    if mime in PDF_TYPES:
        article = await pdf_article(fetched.body, url, final_url=fetched.final_url, limits=pdf_limits)
    elif mime == "text/plain" and sniff_type(fetched.body) is None:
        text = fetched.text()
        article = await cpu.run(extract_plain_text, text, url, final_url=fetched.final_url, what="extract text")
    elif mime in HTML_TYPES or sniff_type(fetched.body) in HTML_TYPES:
        # text/plain that starts like HTML is HTML (misconfigured servers).
        article = await cpu.run(extract_html, fetched.text(), url, final_url=fetched.final_url, what="extract html")
    else:
        raise refusal("not_article", f"type={mime}")
    if article.language is None:
        header = fetched.headers.get("content-language", "")
        language = lang_code(header.split(",")[0]) if header else None
        if language:
            article = article.model_copy(update={"language": language})
    return article


async def pdf_article(
    data: bytes, url: str, *, final_url: str | None = None, limits: PdfLimits | None = None
) -> Article:
    """A PDF's article, extracted in a worker process under the page and time caps."""
    return await cpu.run(extract_pdf, data, url, final_url=final_url, limits=limits, what="extract pdf")


def _identity(url: str) -> str:
    try:
        return normalize_url(url)
    except FetchError:
        return url  # e.g. "text:<hash>" for pasted text
