"""Plain text from untrusted feed HTML, and the word tokens used to compare headlines."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from bot.text.words import HEADLINE_NOISE, STOPWORDS, stem, words

# Content a reader never sees; its text must not leak into a summary.
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "iframe", "object", "svg", "head"})
_VOID_TAGS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"})
_BLOCK_TAGS = frozenset(
    {"p", "div", "br", "li", "ul", "ol", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6",
     "blockquote", "section", "article", "figcaption", "pre", "table", "dd", "dt"}
)  # fmt: skip
# Soft hyphen, Mongolian vowel separator, zero-width, bidi controls, word joiners, BOM and Unicode
# tag characters: invisible to readers, so they can smuggle instructions or disguise words.
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\U000e0000-\U000e007f]")
# Lone surrogates (from JSON "\\ud800" escapes) can't be encoded as UTF-8: Redis and Telegram refuse them.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_SPACE = re.compile(r"\s+")
_NAME = r"(?:[A-Z][\w'.-]+ ){1,3}[A-Z][\w'.-]+"
# A hover card flattened into the text: the name, the name again, the card's blurb, "MORE".
_HOVER_CARD = re.compile(rf"\b(?P<name>{_NAME})(?P=name)[^()]{{0,160}}?\s+MORE\b")
# A linked name printed twice with nothing between ("Jane DoeJane Doe").
_DOUBLED_NAME = re.compile(rf"\b(?P<name>{_NAME})(?P=name)\b")
_READ_MORE_END = re.compile(r"\s*(?:\.{3}|…)?\s*\b(?:read|see|show) more\W*$", re.IGNORECASE)


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden: list[str] = []  # open elements inside a hidden subtree

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID_TAGS:
            if tag == "br":
                self.parts.append(" ")
            return
        if self._hidden or tag in _SKIP_TAGS or any(name == "hidden" for name, _ in attrs):
            self._hidden.append(tag)
        elif tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._hidden:  # pop to the matching element, as browsers recover unclosed tags
            while self._hidden.pop() != tag:
                pass
        elif tag in _BLOCK_TAGS and not self._hidden:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def clean_text(text: str) -> str:
    """Drop invisible/control characters and collapse whitespace."""
    text = _CONTROL.sub(" ", _INVISIBLE.sub("", text))
    return _SPACE.sub(" ", text).strip()


def strip_furniture(text: str) -> str:
    """Page furniture glued into a sentence by the page's markup: hover cards on names, a name
    doubled by its link, a trailing "Read more"."""
    text = _HOVER_CARD.sub(r"\g<name>", text)
    text = _DOUBLED_NAME.sub(r"\g<name>", text)
    return _READ_MORE_END.sub("", text).strip()


def html_to_text(markup: str | None, *, limit: int | None = None) -> str:
    """Visible text of an HTML fragment (entities decoded, scripts dropped), optionally shortened.

    Never evaluates anything: the stdlib tokenizer only splits tags from text.
    """
    if not markup:
        return ""
    if "<" in markup or "&" in markup:
        parser = _TextCollector()
        parser.feed(markup)
        parser.close()
        markup = "".join(parser.parts)
    return shorten(clean_text(markup), limit) if limit else clean_text(markup)


def shorten(text: str, limit: int | None) -> str:
    """Cut at a word boundary so the result (with "…") is at most ``limit`` characters."""
    if limit is None or len(text) <= limit:
        return text
    cut = text[: max(limit - 1, 0)]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-–—") + "…"


def tokens(text: str) -> frozenset[str]:
    """Content words of a headline: stemmed, without stop words, headline noise or 1-letter words."""
    stems = (stem(w) for w in words(text) if w not in STOPWORDS and w not in HEADLINE_NOISE)
    return frozenset(s for s in stems if len(s) > 1)
