"""Plain text from untrusted feed HTML, and the word tokens used to compare headlines."""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Content a reader never sees; its text must not leak into a summary.
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "iframe", "object", "svg", "head"})
_VOID_TAGS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"})
_BLOCK_TAGS = frozenset(
    {"p", "div", "br", "li", "ul", "ol", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6",
     "blockquote", "section", "article", "figcaption", "pre", "table", "dd", "dt"}
)  # fmt: skip
# Zero-width, bidi controls and Unicode tag characters: common carriers of hidden text.
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\U000e0000-\U000e007f]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACE = re.compile(r"\s+")


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


_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had
    has have having he her here hers him his how i if in into is it its itself just me more most my
    no nor not now of off on once only or other our ours out over own same she should so some such
    than that the their theirs them then there these they this those through to too under until up
    very was we were what when where which while who whom why will with would you your yours
    also amid as via vs despite per says said say new live update updates latest watch video
    breaking report reports""".split()
)


def _stem(word: str) -> str:
    for suffix in ("'s", "’s"):
        word = word.removesuffix(suffix)
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def tokens(text: str) -> frozenset[str]:
    """Content words of a headline: case-folded, light-stemmed, stopwords and 1-letter words out."""
    words = (_stem(w) for w in _WORD.findall(text.casefold()) if w not in STOPWORDS)
    return frozenset(w for w in words if len(w) > 1 and w not in STOPWORDS)
