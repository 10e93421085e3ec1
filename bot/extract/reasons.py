"""When extraction refuses a page, and what it tells the user then."""

from __future__ import annotations

from bot.errors import ExtractError

MIN_WORDS = 40  # below this there is no article to summarize
TEASER_WORDS = 150  # a page this short with paywall markers is a teaser, not the article

PASTE_HINT = "paste its text and I'll summarize that."
REASONS = {
    "paywall": f"This article is behind a paywall — {PASTE_HINT}",
    "consent_wall": f"That site shows a cookie-consent wall instead of the article — {PASTE_HINT}",
    "login_wall": f"That site wants a login before it shows the article — {PASTE_HINT}",
    "needs_js": f"This page needs JavaScript to show the article, which I can't run — {PASTE_HINT}",
    "no_text": "I couldn't find article text on that page.",
    "not_article": "That link doesn't lead to an article I can read.",
}


def refusal(code: str, detail: str) -> ExtractError:
    return ExtractError(REASONS[code], code=code, detail=detail)
