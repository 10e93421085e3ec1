"""Step 5: why a page has no article text: a paywall, a consent wall, a login wall, or a shell
that needs JavaScript. Judged from what a reader would see, so the user gets a useful answer."""

from __future__ import annotations

from urllib.parse import urlsplit

from bot.errors import ExtractError
from bot.extract.page import Page
from bot.extract.reasons import MIN_WORDS, TEASER_WORDS, refusal

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


def _is_paywalled(page: Page, *, strong_only: bool = False) -> bool:
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


def wall_in_text(page: Page, text: str, words: int) -> str | None:
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


def diagnose(page: Page, html_head: str) -> str:
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


def page_refusal(code: str, page: Page, words: int) -> ExtractError:
    return refusal(code, f"url={page.base_url} words={words} visible={len(page.visible.split())}")
