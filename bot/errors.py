"""Typed failures that carry a short, user-facing reason.

Every failure a user can cause (a bad link, a dead site, a paywall) is one of these; the handler
shows ``reason`` and the log line gets ``detail``. Anything else is a bug and is logged as such.
"""

from __future__ import annotations


class NewsbotError(Exception):
    """Base class: ``code`` is stable (for logs, metrics, negative cache); ``reason`` is for users."""

    code: str = "error"

    def __init__(self, reason: str, *, code: str | None = None, detail: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        if code is not None:
            self.code = code
        self.detail = detail

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
