"""Typed failures that carry a short, user-facing reason.

Every failure a user can cause (a bad link, a dead site, a paywall) is one of these; the handler
shows ``reason`` and the log line gets ``detail``. Anything else is a bug and is logged as such.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar


class NewsbotError(Exception):
    """Base class: ``code`` is stable (for logs, metrics, negative cache); ``reason`` is for users."""

    code: str = "error"

    def __init__(
        self, reason: str, *, code: str | None = None, detail: str = "", params: dict[str, int] | None = None
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        if code is not None:
            self.code = code
        self.detail = detail
        self.params = dict(params or {})  # the numbers in ``reason``, for its translations

    def __str__(self) -> str:
        return self.reason

    def __reduce__(self) -> tuple[object, ...]:
        # code and detail survive pickling (errors come back from CPU worker processes)
        return (type(self), (self.reason,), dict(self.__dict__))


class FetchError(NewsbotError):
    code = "fetch"


class ExtractError(NewsbotError):
    code = "extract"


class SummarizeError(NewsbotError):
    code = "summarize"


class PdfError(ExtractError):
    """A PDF we can't summarize; each kind has its code (and its sentence in the message catalog)."""

    code = "pdf"


class PdfNoText(PdfError):
    code = "pdf_no_text"
    REASON = (
        "This PDF has no text I can read — it looks like scanned pages or pictures of text, "
        "and I can't read text from images."
    )


class PdfEncrypted(PdfError):
    code = "pdf_encrypted"
    REASON = "This PDF is protected with a password, so I can't open it. Send a copy without the password."


class PdfMalformed(PdfError):
    code = "pdf_malformed"
    REASON = "This PDF file is damaged or isn't really a PDF, so I can't read it."


class PdfTooManyPages(PdfError):
    code = "pdf_too_many_pages"
    REASON = "This PDF has {pages} pages; I read documents of up to {limit} pages."


class PdfTooBig(PdfError):
    code = "pdf_too_big"
    REASON = "This PDF unpacks into far more data than a document needs, so I won't read it."


class PdfTooSlow(PdfError):
    code = "pdf_too_slow"
    REASON = "This PDF takes too long to read (it is very large or unusually built). Try a shorter document."


P = ParamSpec("P")
T = TypeVar("T")


def boundary(error: type[NewsbotError], reason: str, *, code: str) -> Callable[[Callable[P, T]], Callable[P, T]]:
    """Make a parser entry point raise only our own errors.

    Parsers meet hostile bytes (invalid IDNA, odd charsets, lone surrogates, dates past year 9999),
    and the libraries under them raise whatever they like. Callers only catch ``NewsbotError``, so
    anything else would escape and take down the whole request or digest; here it becomes
    ``error(reason, code=code)`` with the original exception in ``detail`` for the log line.
    Exceptions that are not ``Exception`` (cancellation, the CPU pool's time limit) pass through.
    """

    def wrap(fn: Callable[P, T]) -> Callable[P, T]:
        @functools.wraps(fn)
        def guarded(*args: P.args, **kwargs: P.kwargs) -> T:
            try:
                return fn(*args, **kwargs)
            except NewsbotError:
                raise
            except Exception as exc:
                detail = f"{fn.__qualname__}: {exc!r}"[:300]
                raise error(reason, code=code, detail=detail) from None

        return guarded

    return wrap
