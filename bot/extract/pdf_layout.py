"""A PDF's lines back into an article's paragraphs: pure text work, whichever library read the
lines (the bench feeds it pypdf's and pdfminer's too).

A PDF has no paragraphs, only lines placed on pages: running headers, footers and page numbers
repeat at the page edges, words are broken with a hyphen at line ends, headings are lines set
apart. These rules put the text back together; bot/extract/pdf.py marks what the font sizes tell
(``HEADING``) and PDFium's hyphens (``SOFT_HYPHEN``) before they run.
"""

from __future__ import annotations

import re
from collections import Counter

EDGE_LINES = 2  # lines at the top and the bottom of a page that may be a running header or footer
TITLE_MAX_CHARS = 150
WRAPPED = 0.6  # a heading line this long (of the body's width) may go on in the next line
HEADING = "\ue000"  # marks a line set as a heading, until paragraphs are made (private use: never in text)
SOFT_HYPHEN = "\ufffe"  # PDFium's mark for a hyphen it found at a line end
BREAK = "\u00ad"  # ours for it, kept until the lines are joined
_PAGE_NUMBER = re.compile(r"^\W*(?:page|p\.|seite|página|стр\.?)?\s*\d{1,4}(?:\s*(?:of|/|von|de|из)\s*\d{1,4})?\W*$",
                          re.IGNORECASE)
_END = re.compile(r"[.!?:;…\"”»’]$")
_NUMBERED = re.compile(r"^(?:\d{1,3}[.)]|[•▪◦·\-–])\s")


def lines_of(text: str) -> list[str]:
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
        if not current and short and is_heading(line) and (not following or len(following) > len(line)):
            _push(paragraphs, line)
            continue
        current = _join(current, line)
        heading_next = is_heading(following) and len(following) < 0.8 * full
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
    if paragraphs and is_heading(paragraphs[-1]) and _is_heading_part(text):
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


def is_heading(line: str) -> bool:
    """Short, no sentence end, starts with a capital or a number: a title or section heading."""
    text = line.strip()
    if not text or len(text) > TITLE_MAX_CHARS or _END.search(text) or text.endswith(","):
        return False
    if _PAGE_NUMBER.match(text) or _NUMBERED.match(text):
        return False
    words = text.split()
    return 1 <= len(words) <= 24 and (text[0].isupper() or text[0].isdigit())
