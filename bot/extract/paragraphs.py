"""Step 4: tidy the extracted paragraphs and drop the furniture news sites leave in them.

The patterns are data, not code: add one when a site's boilerplate leaks into articles.
"""

from __future__ import annotations

import re

from bot.text.clean import clean_text, strip_furniture
from bot.text.words import count_words

TAIL_WINDOW = 8  # trailing boilerplate is looked for in the last few paragraphs only

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
    r"share(?: (?:on|this|via))?(?:\W+(?:facebook|twitter|x|e-?mail|whatsapp|linkedin|reddit|telegram"
    r"|pinterest|print|copy link))+",
    r"tags?\s*:[^.!?]{0,200}",  # "Tags: Congress Environment Water"
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
        text = strip_furniture(clean_text(paragraph))
        text = _CREDIT_RE.sub("", text).strip()  # an all-credit line becomes empty
        if not text or _JUNK_RE.fullmatch(text):
            continue
        cleaned.append(text)
    cleaned = _rejoin_broken_lines(cleaned)
    if cleaned and title and cleaned[0].casefold() == clean_text(title).casefold():
        cleaned.pop(0)  # trafilatura repeats the <h1> as the first line
    tail_start = max(0, len(cleaned) - TAIL_WINDOW)
    return cleaned[:tail_start] + [p for p in cleaned[tail_start:] if not any(rx.match(p) for rx in _TAIL_RE)]


_OPEN_END = re.compile(r"[^.!?…:;。！？」』\"”’)\]]$")


def _rejoin_broken_lines(paragraphs: list[str]) -> list[str]:
    """Put back together a sentence that a ``<br>`` broke in two: a line that ends without
    punctuation, followed by one that starts in lower case."""
    joined: list[str] = []
    for text in paragraphs:
        if joined and text[:1].islower() and _OPEN_END.search(joined[-1]):
            joined[-1] = f"{joined[-1]} {text}"
        else:
            joined.append(text)
    return joined


def word_count(paragraphs: list[str]) -> int:
    return sum(count_words(p) for p in paragraphs)
