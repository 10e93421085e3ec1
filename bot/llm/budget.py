"""Cut long articles to a token budget, keeping the lead and the quoted passages."""

from __future__ import annotations

import re

CHARS_PER_TOKEN = 4  # a conservative average for English news; other scripts use fewer chars
LEAD_PARAGRAPHS = 3
GAP = "[…]"
_QUOTE_RE = re.compile(r"[\"“”«»„「」]")


TITLE_CHARS = 300  # page fields in a prompt: a hostile page can't grow the prompt through them
SITE_CHARS = 120


def clip_field(text: str, limit: int) -> str:
    """One line of at most ``limit`` characters (whitespace collapsed; "…" when cut)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def estimate_tokens(text: str) -> int:
    return len(text) // CHARS_PER_TOKEN + 1


def fit_article(paragraphs: list[str], token_budget: int) -> str:
    """The article text if it fits, else the lead, then quoted paragraphs, then the rest, in order."""
    if estimate_tokens("\n\n".join(paragraphs)) <= token_budget:
        return "\n\n".join(paragraphs)
    order = list(range(min(LEAD_PARAGRAPHS, len(paragraphs))))
    order += [i for i, p in enumerate(paragraphs) if i not in order and _QUOTE_RE.search(p)]
    order += [i for i in range(len(paragraphs)) if i not in order]
    chosen: set[int] = set()
    used = 0
    for i in order:
        cost = estimate_tokens(paragraphs[i]) + 1
        if used + cost > token_budget:
            if not chosen:  # even the first paragraph is too long: cut it
                return paragraphs[i][: token_budget * CHARS_PER_TOKEN]
            continue
        chosen.add(i)
        used += cost
    out: list[str] = []
    for i in range(len(paragraphs)):
        if i in chosen:
            out.append(paragraphs[i])
        elif out and out[-1] != GAP:
            out.append(GAP)
    return "\n\n".join(out)
