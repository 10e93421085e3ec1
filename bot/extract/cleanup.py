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
# Widgets that sit inside the article's text: hover cards on a linked name, share and tag bars.
_WIDGET = etree.XPath(
    "//body//*[re:test(@class|@id|@role, 'hover-?card|tooltip|popover|share-?(?:bar|tools|buttons)"
    "|social-?(?:share|links)|tag-?list|(?:^|\\s)tags(?:$|\\s)', 'i')]",
    namespaces=_RE_NS,
)
_INLINE_IN_PARAGRAPH = etree.XPath("//p//*[self::span or self::div or self::aside or self::ul]")
LINK_SHARE = 0.9  # an element whose text is this much link text is navigation, not prose
PROSE_CELL_WORDS = 12  # a table with no cell this long holds data (scores, prices), not prose


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


def strip_widgets(tree: lxml.html.HtmlElement) -> None:
    """Remove furniture that would otherwise be glued into sentences or become "paragraphs":
    hover cards ("Rep. Jane DoeJane DoeCommittee chair: … MORE"), share and tag bars, and
    tables of figures (box scores). Judged by markup, never by the words themselves."""
    for node in [*_WIDGET(tree), *(n for n in _INLINE_IN_PARAGRAPH(tree) if _is_link_cluster(n))]:
        if node.getparent() is not None and node.tag not in {"html", "body", "article", "main"}:
            node.drop_tree()
    for table in tree.iter("table"):
        cells = [" ".join(c.text_content().split()) for c in table.iter("td", "th")]
        if table.getparent() is not None and all(len(c.split()) < PROSE_CELL_WORDS for c in cells):
            table.drop_tree()


def _is_link_cluster(node: lxml.html.HtmlElement) -> bool:
    """An inline element made of two or more links and (almost) nothing else."""
    links = node.findall(".//a")
    text = "".join(node.text_content().split())
    linked = sum(len("".join(a.text_content().split())) for a in links)
    return len(links) >= 2 and bool(text) and linked >= LINK_SHARE * len(text)
