"""Locate quoted passages in text: which quotation marks pair up, and which are apostrophes.

Kept apart from attribution because it is pure typography: it knows nothing about speakers.
Works paragraph by paragraph; a quote still open at a paragraph's end is closed there, since
news style reopens a quote that runs over several paragraphs at the start of each one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["DEFAULT_MARKS", "MarkedSpan", "marks_of", "quoted_spans"]

# Opening double marks and what may close them. "»…«" is German; "”…”" is a common
# typo/house style; "''…''" and "``…''" are how some archives (e.g. NYT) encode double quotes.
_DOUBLE_CLOSERS = {
    "“": ("”", "“", '"', "''"),
    "„": ("“", "”"),
    "«": ("»",),
    "»": ("«",),
    "「": ("」",),
    "『": ("』",),
    "”": ("”", '"'),
    '"': ('"', "”", "''"),
    "''": ("''", '"', "”"),
    "``": ("''", '"'),
}
_STRONG_OPENERS = frozenset({"“", "„", "«", "「", "『"})  # unambiguous when not inside a quote
_UNAMBIGUOUS_CLOSERS = frozenset({"”", "»", "«", "」", "』"})
_OPEN_BEFORE = frozenset(" \t\n\r\u00a0([{—–-/:") | {"“", "‘", "'", '"', "«", "„"}
_CLOSE_AFTER = frozenset(" \t\n\r\u00a0)]},.;:!?—–-―/…") | {"”", "’", '"', "'", "»"}


@dataclass(frozen=True)
class MarkedSpan:
    """A quoted passage: ``start``/``end`` include the marks; the content is inner_start:inner_end."""

    start: int
    end: int
    inner_start: int
    inner_end: int


def _opening_position(text: str, i: int, width: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + width] if i + width < len(text) else " "
    return before in _OPEN_BEFORE and not after.isspace()


def _closing_position(text: str, i: int, width: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + width] if i + width < len(text) else " "
    if before.isspace() and after.isspace():
        # 'ourselves? " she wrote': a loose mark right after the end of a sentence closes.
        return text[:i].rstrip()[-1:] in ".,?!…"
    return not before.isspace() and (after in _CLOSE_AFTER or bool(_PARTICLE_SCRIPT.match(after)))


# Korean and Japanese attach a particle straight to a closing mark: "…"라고 말했다, "…"と述べた.
_PARTICLE_SCRIPT = re.compile(r"[\u3040-\u30ff\uac00-\ud7a3]")
_DOUBLE_MARK = re.compile(r"''|``|[\"“”„«»「」『』]")
_SINGLE_MARK = re.compile(r"[‘’'‹›]")


def _double_spans(text: str) -> list[MarkedSpan]:
    spans: list[MarkedSpan] = []
    for para in re.finditer(r"[^\n]+", text):
        p_start, p_end = para.span()
        open_at, open_w, opener = -1, 0, ""
        closers: tuple[str, ...] = ()
        # Only the marks themselves are visited (a regex finds them), which keeps this linear
        # and fast on long articles.
        for m in _DOUBLE_MARK.finditer(text, p_start, p_end):
            i, mark = m.start(), m.group()
            width = len(mark)
            if open_at < 0:
                if mark in _STRONG_OPENERS or _opening_position(text, i, width):
                    open_at, open_w, opener, closers = i, width, mark, _DOUBLE_CLOSERS[mark]
            elif mark in closers and (mark in _UNAMBIGUOUS_CLOSERS
                                      or (mark == "“" and opener == "„")
                                      or _closing_position(text, i, width)):
                spans.append(MarkedSpan(open_at, i + width, open_at + open_w, i))
                open_at = -1
            elif mark in _STRONG_OPENERS and mark not in closers:
                # A new opening mark while one is open: the first was never closed.
                spans.append(MarkedSpan(open_at, i, open_at + open_w, i))
                open_at, open_w, opener, closers = i, width, mark, _DOUBLE_CLOSERS[mark]
        if open_at >= 0:
            spans.append(MarkedSpan(open_at, p_end, open_at + open_w, p_end))
    return spans


def _single_spans(text: str, start: int, end: int) -> list[MarkedSpan]:
    """Single-quoted passages in text[start:end], telling quote marks from apostrophes."""
    spans: list[MarkedSpan] = []
    for para in re.finditer(r"[^\n]+", text[start:end]):
        p_start, p_end = start + para.start(), start + para.end()
        open_at = -1
        for m in _SINGLE_MARK.finditer(text, p_start, p_end):
            i, ch = m.start(), m.group()
            opening = ch in "‘'‹" and _opening_position(text, i, 1)
            if opening and re.match(r"\d\ds\b", text[i + 1 : i + 5]):
                opening = False  # "the '90s"
            closing = ch in "’'›" and _closing_position(text, i, 1)
            if closing and text[i - 1] in "sS" and re.match(r"\s+[a-z]", text[i + 1 : i + 4]):
                closing = False  # "the players’ efforts": a plural possessive
            if open_at >= 0 and closing and i > open_at + 1:
                spans.append(MarkedSpan(open_at, i + 1, open_at + 1, i))
                open_at = -1
            elif opening:
                if open_at >= 0:
                    spans.append(MarkedSpan(open_at, i, open_at + 1, i))  # never closed
                open_at = i
        # An unclosed single quote counts only when it runs to the end of its paragraph as a
        # full sentence: otherwise it was most likely a stray apostrophe.
        if open_at >= 0 and text[p_end - 1] in ".!?…" and p_end - open_at > 20:
            spans.append(MarkedSpan(open_at, p_end, open_at + 1, p_end))
    return spans


_DASHES = "—–―"
# Where a dash-introduced quote ends: a dash after a space, the attribution follows
# ("— Мы готовы, — сказал он", "—Vamos a ganar —dijo el ministro—").
_DASH_END = re.compile(r"[,]?\s+[—–―]")


def _dash_spans(text: str) -> list[MarkedSpan]:
    """Paragraphs that open with a dash are a quotation in much of Europe's press: the quote
    runs to the next spaced dash (the attribution) or to the paragraph's end."""
    spans: list[MarkedSpan] = []
    for para in re.finditer(r"[^\n]+", text):
        p_start, p_end = para.span()
        line = para.group()
        lead = len(line) - len(line.lstrip())
        if len(line) <= lead + 1 or line[lead] not in _DASHES:
            continue
        inner = p_start + lead + 1
        while inner < p_end and text[inner] in " \u00a0":
            inner += 1
        if inner >= p_end or not text[inner].isupper():
            continue
        end = _DASH_END.search(text, inner, p_end)
        inner_end = end.start() if end else p_end
        spans.append(MarkedSpan(p_start + lead, inner_end, inner, inner_end))
    return spans


DEFAULT_MARKS = ("“", "”")
_PAIRS = {"“": "”", "„": "“", "«": "»", "»": "«", "「": "」", "『": "』", "”": "”", '"': '"',
          "‘": "’", "‚": "‘", "‹": "›", "'": "'", "''": "''", "``": "''"}


def marks_of(text: str, span: MarkedSpan) -> tuple[str, str]:
    """The quotation marks the text itself puts around ``span``: „…“, « … », 「…」.

    French spacing inside guillemets is kept (as a no-break space); a dash-introduced quote,
    or one whose marks are only ASCII stand-ins (``, ''), gets typographic double quotes.
    """
    opener = text[span.start : span.inner_start].strip()
    if opener not in _PAIRS or opener in ("``", "''"):
        return DEFAULT_MARKS
    closer = text[span.inner_end : span.end].strip() or _PAIRS[opener]
    if opener == '"':
        return DEFAULT_MARKS
    pad = "\u00a0" if text[span.inner_start : span.inner_start + 1].isspace() else ""
    return opener + pad, pad + closer


def quoted_spans(text: str) -> list[MarkedSpan]:
    """All quoted passages in ``text``, outermost only, in document order.

    Single quotes inside double quotes are quotes-within-quotes and are not reported; texts
    that use single quotes as the primary style (British papers) are handled because single
    quotes are looked for wherever there is no double-quoted passage.
    """
    doubles = _double_spans(text)
    singles: list[MarkedSpan] = []
    prev = 0
    for span in [*doubles, MarkedSpan(len(text), len(text), len(text), len(text))]:
        if span.start > prev:
            singles.extend(_single_spans(text, prev, span.start))
        prev = max(prev, span.end)
    found = doubles + singles
    dashed = [d for d in _dash_spans(text) if not any(d.start <= m.start < d.end for m in found)]
    return sorted(found + dashed, key=lambda s: s.start)
