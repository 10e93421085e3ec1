"""A failure's reason in the reader's language.

Errors carry an English ``reason`` (logs, the CLI). Those with an entry here are said from the
catalog, with the numbers the error carries; every other reason through the catalog's table of
translated reasons (:func:`bot.telegram.catalog.reason`)."""

from __future__ import annotations

from bot.errors import NewsbotError, PdfEncrypted, PdfMalformed, PdfNoText, PdfTooBig, PdfTooManyPages, PdfTooSlow
from bot.telegram.catalog import reason, t

CATALOG_KEYS = {
    PdfNoText.code: "PDF_NO_TEXT",
    PdfEncrypted.code: "PDF_ENCRYPTED",
    PdfMalformed.code: "PDF_MALFORMED",
    PdfTooManyPages.code: "PDF_TOO_MANY_PAGES",
    PdfTooSlow.code: "PDF_TOO_SLOW",
    PdfTooBig.code: "PDF_TOO_BIG",
}


def reason_text(error: NewsbotError, lang: str | None) -> str:
    """What to tell the user about ``error`` (plain text, not yet escaped)."""
    key = CATALOG_KEYS.get(error.code)
    if key is None:
        return reason(error.reason, lang)
    try:
        return t(key, lang, **error.params)
    except (KeyError, IndexError):  # a cached failure from before its numbers were kept
        return reason(error.reason, lang)
