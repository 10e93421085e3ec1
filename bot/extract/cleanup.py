"""Step 1: parse the HTML and remove what a reader never sees.

Hidden elements carry text that is invisible on screen, a classic vehicle for prompt injection
(notes/security.md §e.1.7), so they go before any text is taken from the page.
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from bot.extract.reasons import refusal

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


def parse_html(html: str) -> lxml.html.HtmlElement:
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, collect_ids=False)
    try:
        # lxml refuses str input that declares an encoding (XHTML pages do).
        return lxml.html.document_fromstring(_XML_DECLARATION.sub("", html, count=1), parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise refusal("no_text", f"unparseable: {exc}") from None


def visible_text(tree: lxml.html.HtmlElement) -> list[str]:
    """The body's text nodes, minus scripts, styles, noscript and templates."""
    return list(_VISIBLE_TEXT(tree))


def strip_hidden(tree: lxml.html.HtmlElement) -> None:
    """Remove what a reader never sees: hidden/display:none/visibility:hidden, template, noscript.

    aria-hidden content *is* visible on screen, and sites set it on the whole page while a
    modal is open; so an aria-hidden element holding most of the page's text stays.
    """
    for node in _HIDDEN(tree):
        # <body style="display:none"> until a script reveals it is an anti-flicker trick, not
        # hidden text: never drop the document itself.
        if node.getparent() is not None and node.tag not in {"html", "body"}:
            node.drop_tree()  # keeps the tail text, which belongs to the parent
    body_chars = len("".join(visible_text(tree))) or 1
    for node in _ARIA_HIDDEN(tree):
        if node.getparent() is not None and len(node.text_content()) < body_chars / 2:
            node.drop_tree()
