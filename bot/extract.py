"""Article extraction: HTML (or plain text) in, a clean ``Article`` out, or a clear ExtractError.

trafilatura does the heavy lifting (main-text detection, title/date/site metadata). Around it we
add what it doesn't do for us: strip hidden elements and invisible characters (carriers for
prompt injection, notes/security.md §e.1.7), language and canonical URL from the page, a JSON-LD
``articleBody`` fallback, removal of the boilerplate lines news sites append to the article body,
and a diagnosis of *why* a page had no text (paywall, consent wall, login wall, JS-only shell).
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree
from trafilatura import bare_extraction

from bot.errors import ExtractError, FetchError
from bot.models import Article, Fetched
from bot.net.content import HTML_TYPES, sniff_type
from bot.net.urls import normalize_url, parse_user_url

MIN_WORDS = 40  # below this there is no article to summarize
TEASER_WORDS = 150  # a page this short with paywall markers is a teaser, not the article
TAIL_WINDOW = 8  # trailing boilerplate is looked for in the last few paragraphs only
MAX_JSON_LD_CHARS = 1_000_000

PASTE_HINT = "paste its text and I'll summarize that."
REASONS = {
    "paywall": f"This article is behind a paywall — {PASTE_HINT}",
    "consent_wall": f"That site shows a cookie-consent wall instead of the article — {PASTE_HINT}",
    "login_wall": f"That site wants a login before it shows the article — {PASTE_HINT}",
    "needs_js": f"This page needs JavaScript to show the article, which I can't run — {PASTE_HINT}",
    "no_text": "I couldn't find article text on that page.",
    "not_article": "That link doesn't lead to an article I can read.",
}

# --- text hygiene ------------------------------------------------------------------------------

# Zero-width, bidi controls, word joiners, soft hyphen, BOM and Unicode tag characters: invisible
# to readers, so they can smuggle instructions or disguise words.
_INVISIBLE = dict.fromkeys(
    [
        0x00AD,
        0x180E,
        0xFEFF,
        *range(0x200B, 0x2010),
        *range(0x202A, 0x202F),
        *range(0x2060, 0x2065),
        *range(0x2066, 0x206A),
        *range(0xE0000, 0xE0080),
    ]
)
_SPACES = re.compile(r"\s+")


def clean_text(text: str) -> str:
    """Drop invisible characters and collapse all whitespace (incl. NBSP) to single spaces."""
    return _SPACES.sub(" ", text.translate(_INVISIBLE)).strip()


# --- boilerplate: data, not code. Add a pattern when a site's furniture leaks into articles. ---

# Matched at the start of one of the last TAIL_WINDOW paragraphs.
TAIL_BOILERPLATE = [
    r"get live updates\b",
    r"join (?:st'?s|our|the) .{0,40}\b(?:telegram|whatsapp|signal) channel",
    r"(?:sign up|subscribe|register) (?:for|to) (?:our|the) .{0,60}\bnewsletters?\b",
    r"follow (?:us|[\w .'&-]{1,40}) on (?:twitter|x|facebook|instagram|telegram|whatsapp"
    r"|linkedin|tiktok|youtube|threads|bluesky|google news)\b",
    r"(?:read (?:more|also|next)|also read|see also|related(?: stories)?|more on this(?: topic)?)"
    r"\s*:",
    r"click here (?:to|for)\b",
    r"(?:download|get) (?:the|our) .{0,40}\bapp\b",
    r"share (?:this (?:article|story)|on (?:facebook|twitter|x|whatsapp))\b",
    r"(?:copyright|©)\s*(?:\(c\)\s*)?\d{4}\b",  # "Copyright 2022 SPH Media", not "Copyright law"
    r"(?:additional )?reporting by\b",
    r"(?:have|got) a (?:news )?tip\b",
    r"this (?:article|story) (?:was|has been|is) (?:first |originally )?published\b",
]
# Whole-line junk that can sit anywhere in the body (embeds, ad slots).
JUNK_LINES = [
    r"remote video url",
    r"advertisement|advert|ad|sponsored(?: content)?",
    r"story continues below(?: this)? (?:advertisement|ad)",
    r"scroll (?:down )?to continue(?: reading)?|continue reading below",
    r"skip (?:advert|ad)(?:isement)?",
    r"loading\W*",
    r"click to (?:enlarge|expand)",
    r"(?:image|photo|video) \d+ of \d+",
]
_TAIL_RE = [re.compile(p, re.IGNORECASE) for p in TAIL_BOILERPLATE]
_JUNK_RE = re.compile(r"(?:" + "|".join(JUNK_LINES) + r")\.?", re.IGNORECASE)
# "… earlier this month. PHOTO: REUTERS" / "(Photo: Getty Images)": the credit goes, the caption stays.
_CREDIT_RE = re.compile(
    r"\s*[(\[]?\b(?:[A-Z]{2,5} )?(?i:photos?|photograph|picture|image|file photo|video)"
    r"\s*:\s*[A-Z][^.:()\[\]]{0,60}[)\]]?\s*$"
)


def clean_paragraphs(paragraphs: list[str], *, title: str = "") -> list[str]:
    """Normalise paragraphs and drop site furniture; see TAIL_BOILERPLATE and JUNK_LINES."""
    cleaned: list[str] = []
    for paragraph in paragraphs:
        text = clean_text(paragraph)
        text = _CREDIT_RE.sub("", text).strip()  # an all-credit line becomes empty
        if not text or _JUNK_RE.fullmatch(text):
            continue
        cleaned.append(text)
    if cleaned and title and cleaned[0].casefold() == clean_text(title).casefold():
        cleaned.pop(0)  # trafilatura repeats the <h1> as the first line
    tail_start = max(0, len(cleaned) - TAIL_WINDOW)
    return cleaned[:tail_start] + [p for p in cleaned[tail_start:] if not any(rx.match(p) for rx in _TAIL_RE)]


def word_count(paragraphs: list[str]) -> int:
    return sum(len(p.split()) for p in paragraphs)


# --- reading the page ourselves -----------------------------------------------------------------

ARTICLE_TYPES = frozenset(
    {
        "Article",
        "NewsArticle",
        "ReportageNewsArticle",
        "AnalysisNewsArticle",
        "OpinionNewsArticle",
        "BackgroundNewsArticle",
        "ReviewNewsArticle",
        "BlogPosting",
        "Report",
    }
)
_RE_NS = {"re": "http://exslt.org/regular-expressions"}
_HIDDEN = etree.XPath(
    "//*[@hidden] | //template | //noscript"
    " | //*[@style and re:test(@style, 'display\\s*:\\s*none|visibility\\s*:\\s*hidden', 'i')]",
    namespaces=_RE_NS,
)
_ARIA_HIDDEN = etree.XPath("//body//*[@aria-hidden='true']")
_VISIBLE_TEXT = etree.XPath(
    "//body//text()[not(ancestor::script or ancestor::style or ancestor::noscript or ancestor::template)]"
)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_LANG = re.compile(r"[a-z]{2,3}")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass
class _Page:
    base_url: str
    language: str | None = None
    canonical: str | None = None
    meta: dict[str, str] = field(default_factory=dict)  # og:*, article:*, name=... (lowercase)
    ld: dict[str, Any] = field(default_factory=dict)  # the first JSON-LD article node
    visible: str = ""  # the page's visible text (before hidden-stripping), for wall detection
    noscript: str = ""
    scripts: int = 0
    password_inputs: int = 0
    dom_markers: str = ""  # class and id tokens, for paywall markers


def _parse(html: str) -> lxml.html.HtmlElement:
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, collect_ids=False)
    try:
        # lxml refuses str input that declares an encoding (XHTML pages do).
        return lxml.html.document_fromstring(_XML_DECLARATION.sub("", html, count=1), parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise ExtractError(REASONS["no_text"], code="no_text", detail=f"unparseable: {exc}") from None


def _read_page(tree: lxml.html.HtmlElement, base_url: str) -> _Page:
    page = _Page(base_url=base_url)
    for node in tree.iter("meta"):
        key = (node.get("property") or node.get("name") or node.get("http-equiv") or "").lower()
        content = node.get("content")
        if key and content and key not in page.meta:
            page.meta[key] = content.strip()
    page.ld = next(_json_ld_articles(tree), {})
    page.language = (
        _lang_code(tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang"))
        or _lang_code(page.meta.get("og:locale"))
        or _lang_code(page.meta.get("content-language"))
        or _lang_code(_first_str(page.ld.get("inLanguage")))
    )
    page.canonical = _canonical(tree, page.meta, base_url)
    page.visible = clean_text(" ".join(_VISIBLE_TEXT(tree)))[:50_000]
    page.noscript = clean_text(" ".join(t for n in tree.iter("noscript") for t in n.itertext()))
    page.scripts = sum(1 for _ in tree.iter("script"))
    page.password_inputs = len(tree.xpath("//input[@type='password']"))
    page.dom_markers = " ".join(tree.xpath("//@class | //@id")).lower()[:200_000]
    return page


def _strip_hidden(tree: lxml.html.HtmlElement) -> None:
    """Remove what a reader never sees: hidden/display:none/visibility:hidden, template, noscript.

    aria-hidden content *is* visible on screen, and sites set it on the whole page while a
    modal is open; so an aria-hidden element holding most of the page's text stays.
    """
    for node in _HIDDEN(tree):
        # <body style="display:none"> until a script reveals it is an anti-flicker trick, not
        # hidden text: never drop the document itself.
        if node.getparent() is not None and node.tag not in {"html", "body"}:
            node.drop_tree()  # keeps the tail text, which belongs to the parent
    body_chars = len("".join(_VISIBLE_TEXT(tree))) or 1
    for node in _ARIA_HIDDEN(tree):
        if node.getparent() is not None and len(node.text_content()) < body_chars / 2:
            node.drop_tree()


def _json_ld_articles(tree: lxml.html.HtmlElement) -> Iterator[dict[str, Any]]:
    scripts = tree.xpath("//script[contains(translate(@type, 'LDJSON', 'ldjson'), 'ld+json')]")
    for script in scripts[:20]:
        raw = (script.text or "").strip()
        if not raw or len(raw) > MAX_JSON_LD_CHARS:
            continue
        raw = raw.removeprefix("<!--").removesuffix("-->").strip()
        try:
            data = json.loads(raw, strict=False)  # strict=False: raw newlines inside strings
        except ValueError:
            continue
        yield from _article_nodes(data, depth=0)


def _article_nodes(data: Any, depth: int) -> Iterator[dict[str, Any]]:
    if depth > 4:
        return
    if isinstance(data, list):
        for item in data[:50]:
            yield from _article_nodes(item, depth + 1)
    elif isinstance(data, dict):
        types = data.get("@type")
        types = {types} if isinstance(types, str) else set(types or [])
        if types & ARTICLE_TYPES:
            yield data
        if "@graph" in data:
            yield from _article_nodes(data["@graph"], depth + 1)


def _first_str(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name") or value.get("@id")
    return value.strip() if isinstance(value, str) and value.strip() else None


def _ld_names(value: Any) -> str | None:
    items = value if isinstance(value, list) else [value]
    names = [name for item in items[:10] if (name := _first_str(item))]
    return ", ".join(dict.fromkeys(names)) or None


def _lang_code(value: str | None) -> str | None:
    """'en-GB' / 'en_SG' / 'EN' -> 'en'; anything else -> None."""
    if not value:
        return None
    primary = re.split(r"[-_]", value.strip().lower(), maxsplit=1)[0]
    return primary if _LANG.fullmatch(primary) else None


def _canonical(tree: lxml.html.HtmlElement, meta: dict[str, str], base_url: str) -> str | None:
    hrefs = [link.get("href") for link in tree.iter("link") if "canonical" in (link.get("rel") or "").lower().split()]
    for href in [*hrefs, meta.get("og:url")]:
        if not href:
            continue
        try:
            # Same validation as user links: a page must not hand us javascript: or internal URLs
            # as "the original". Fetching it later still goes through the Fetcher's guard.
            candidate = parse_user_url(urljoin(base_url, href.strip()))
        except FetchError:
            continue
        # The page chooses this value. A canonical on another site would let evil.example pass its
        # text off as bbc.com's ("original: bbc.com/…"), and the pipeline caches articles under
        # the canonical URL's key too, so it could plant content for someone else's link.
        if _site(candidate) == _site(base_url):
            return candidate
    return None


_HOST_PREFIXES = ("www.", "m.", "amp.", "mobile.")


def _site(url: str) -> str:
    """The registrable domain (public suffix list via ``tld``, which trafilatura's courlan
    already installs; github.io-style private suffixes count), else the host minus www./m./amp."""
    host = (urlsplit(url).hostname or "").lower()
    try:
        from tld import get_fld
    except ImportError:  # pragma: no cover - tld ships with trafilatura
        get_fld = None
    if get_fld is not None:
        registrable = get_fld(url, fail_silently=True)
        if registrable:
            return str(registrable).lower()
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix):
            return host[len(prefix) :]
    return host


def _ld_paragraphs(ld: dict[str, Any]) -> list[str]:
    body = ld.get("articleBody")
    if isinstance(body, list):
        body = "\n".join(str(part) for part in body)
    if not isinstance(body, str):
        return []
    if "<" in body and ">" in body:  # some sites put HTML in articleBody
        body = "\n".join(lxml.html.fragment_fromstring(body, create_parent="div").itertext())
    return [p for p in re.split(r"\s*\n\s*", body) if p.strip()]


# --- why is there no text? ----------------------------------------------------------------------

PAYWALL_PHRASES = (
    "subscribe to continue",
    "subscribe to read",
    "subscribers only",
    "subscriber-only",
    "for subscribers",
    "exclusive to subscribers",
    "already a subscriber",
    "become a subscriber",
    "start your subscription",
    "unlock this article",
    "this content is for paying",
)
# A consent wall needs both: words about the topic and the dialog's buttons.
CONSENT_TOPIC = ("cookie", "consent", "our partners", "personalised ads", "personalized ads")
CONSENT_UI = (
    "accept all",
    "reject all",
    "manage preferences",
    "manage cookies",
    "cookie settings",
    "privacy settings",
    "before you continue",
    "we value your privacy",
)
LOGIN_PHRASES = (
    "sign in to continue",
    "log in to continue",
    "login to continue",
    "sign in to read",
    "log in to read",
    "please log in",
    "please sign in",
    "must be logged in",
    "sign in or register",
    "create a free account",
)
APP_ROOTS = ('id="root"', 'id="app"', 'id="__next"', 'id="__nuxt"', "<app-root")


def _is_paywalled(page: _Page, *, strong_only: bool = False) -> bool:
    """Paywall markers. Strong ones are what publishers declare for search engines; the weak
    ones (phrases, a "paywall" class) also show up in headers of free articles ("Already a
    subscriber?"), so they only count when there is no article text at all."""
    free = page.ld.get("isAccessibleForFree")
    if free is False or (isinstance(free, str) and free.strip().lower() == "false"):
        return True  # schema.org paywall markup
    if page.meta.get("article:content_tier", "").lower() in {"locked", "metered"}:
        return True
    if strong_only:
        return False
    text = page.visible.lower()
    return any(p in text for p in PAYWALL_PHRASES) or "paywall" in page.dom_markers


def _is_consent_wall(text: str) -> bool:
    return any(p in text for p in CONSENT_TOPIC) and any(p in text for p in CONSENT_UI)


def _wall_in_text(page: _Page, text: str, words: int) -> str | None:
    """For short extractions: is what we extracted really a wall's text, or a declared teaser?"""
    if words >= TEASER_WORDS:
        return None
    text = text.lower()
    if _is_paywalled(page, strong_only=True) or any(p in text for p in PAYWALL_PHRASES):
        return "paywall"
    if _is_consent_wall(text):
        return "consent_wall"
    if any(p in text for p in LOGIN_PHRASES):
        return "login_wall"
    return None


def _diagnose(page: _Page, html_head: str, words: int) -> str:
    """Why a page gave (almost) no article text, judged from everything visible on it."""
    text = page.visible.lower()
    host = urlsplit(page.base_url).hostname or ""
    if _is_paywalled(page):
        return "paywall"
    if page.password_inputs and any(p in text for p in LOGIN_PHRASES):
        return "login_wall"
    if host.startswith("consent.") or _is_consent_wall(text):
        return "consent_wall"
    if any(p in text for p in LOGIN_PHRASES):
        return "login_wall"
    if len(page.visible.split()) < MIN_WORDS and (
        "javascript" in page.noscript.lower()
        or (page.scripts and any(root in html_head for root in APP_ROOTS))
        or page.scripts >= 3
    ):
        return "needs_js"
    return "no_text"


def _error(code: str, page: _Page, words: int) -> ExtractError:
    detail = f"url={page.base_url} words={words} visible={len(page.visible.split())}"
    return ExtractError(REASONS[code], code=code, detail=detail)


# --- public API ---------------------------------------------------------------------------------


def _identity(url: str) -> str:
    try:
        return normalize_url(url)
    except FetchError:
        return url  # e.g. "text:<hash>" for pasted text


def extract_html(html: str, url: str, *, final_url: str | None = None) -> Article:
    """Extract the article from an HTML page (CPU-bound: call it off the event loop)."""
    base = final_url or url
    tree = _parse(html)
    page = _read_page(tree, base)  # before anything mutates the tree
    _strip_hidden(tree)
    doc = bare_extraction(tree, url=base, with_metadata=True, favor_precision=True)
    meta = doc.as_dict() if doc is not None else {}
    title = clean_text(meta.get("title") or _first_str(page.ld.get("headline")) or page.meta.get("og:title") or "")
    paragraphs = clean_paragraphs((meta.get("text") or "").split("\n"), title=title)
    words = word_count(paragraphs)
    if words < TEASER_WORDS:
        # Publishers often ship the full text in JSON-LD even when the HTML is a JS shell.
        fallback = clean_paragraphs(_ld_paragraphs(page.ld), title=title)
        if word_count(fallback) >= max(MIN_WORDS, words + 1):
            paragraphs, words = fallback, word_count(fallback)
    wall = _wall_in_text(page, " ".join(paragraphs), words)
    if wall is not None:
        raise _error(wall, page, words)
    if words < MIN_WORDS:
        raise _error(_diagnose(page, html[:200_000], words), page, words)

    published = next(
        (
            value[:10]
            for value in (
                _first_str(page.ld.get("datePublished")),
                page.meta.get("article:published_time"),
                meta.get("date"),
            )
            if value and _ISO_DATE.match(value)
        ),
        None,
    )
    site = (
        meta.get("sitename")
        or page.meta.get("og:site_name")
        or _first_str(page.ld.get("publisher"))
        or urlsplit(base).hostname
    )
    author = meta.get("author") or _ld_names(page.ld.get("author"))
    return Article(
        url=_identity(url),
        final_url=base,
        canonical_url=page.canonical,
        title=title,
        author=(clean_text(author) or None) if author else None,
        published=published,
        site=(clean_text(site) or None) if site else None,
        language=page.language,
        paragraphs=paragraphs,
    )


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
        raise ExtractError(REASONS["no_text"], code="no_text", detail=f"plain text, words={words}")
    base = final_url or url
    return Article(
        url=_identity(url),
        final_url=base,
        title=title,
        site=urlsplit(base).hostname,
        paragraphs=paragraphs,
    )


async def extract_article(fetched: Fetched, *, url: str) -> Article:
    """Extract from a fetched response in a worker thread (trafilatura is synchronous CPU work)."""
    if fetched.status == 304 or not fetched.body:
        raise ExtractError(REASONS["no_text"], code="no_text", detail=f"status={fetched.status}")
    text = fetched.text()
    mime = fetched.content_type
    if mime == "text/plain" and sniff_type(fetched.body) is None:
        article = await asyncio.to_thread(extract_plain_text, text, url, final_url=fetched.final_url)
    elif mime in HTML_TYPES or sniff_type(fetched.body) in HTML_TYPES:
        # text/plain that starts like HTML is HTML (misconfigured servers).
        article = await asyncio.to_thread(extract_html, text, url, final_url=fetched.final_url)
    else:
        raise ExtractError(REASONS["not_article"], code="not_article", detail=f"type={mime}")
    if article.language is None:
        header = fetched.headers.get("content-language", "")
        language = _lang_code(header.split(",")[0]) if header else None
        if language:
            article = article.model_copy(update={"language": language})
    return article
