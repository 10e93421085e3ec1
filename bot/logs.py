"""Logging: one line per event (key=value or JSON), with secrets redacted everywhere.

A line's message names the event and stays constant; what varies (chat, URL and host, outcome,
reason, duration) goes in ``extra=`` fields, which become top-level keys of a JSON line
(``LOG_FORMAT=json``) and ``key=value`` pairs otherwise, so log tools can filter and count them.

The Bot API puts the token in every URL (``/bot<TOKEN>/sendMessage``) and httpx logs every URL,
so redaction happens in a filter on the root handler: whatever a library logs, no line carries it.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import traceback
from collections.abc import Iterable
from urllib.parse import urlsplit

# Telegram tokens look like 123456789:AA…; match them even when we don't know this one.
_TOKEN_RE = re.compile(r"\b\d{5,}:[A-Za-z0-9_-]{20,}\b")
_BOT_URL_RE = re.compile(r"(/bot)[^/\s]+(/)")
REDACTED = "[REDACTED]"

_RESERVED = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime"}


class RedactingFilter(logging.Filter):
    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s and len(s) >= 6]

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        text = _BOT_URL_RE.sub(rf"\1{REDACTED}\2", text)
        return _TOKEN_RE.sub(REDACTED, text)

    def filter(self, record: logging.LogRecord) -> bool:
        # Render once, redact, and freeze the result so formatters can't re-expand the args.
        record.msg = self.redact(record.getMessage())
        record.args = None
        if record.exc_info:
            record.exc_text = self.redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        for key, value in list(record.__dict__.items()):
            if key not in _RESERVED and isinstance(value, str):
                record.__dict__[key] = self.redact(value)
        return True


def url_fields(url: str) -> dict[str, str]:
    """``url`` and its host as log fields: lines can then be filtered and counted by site."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        host = ""
    return {"url": url, "host": host}


def _extras(record: logging.LogRecord) -> dict[str, object]:
    return {k: v for k, v in record.__dict__.items() if k not in _RESERVED and not k.startswith("_")}


def _kv(value: object) -> str:
    text = str(value)
    if not text or any(c in text for c in ' "=\n'):
        return json.dumps(text, ensure_ascii=False)
    return text


class KeyValueFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
        parts = [f"ts={stamp}.{int(record.msecs):03d}Z", f"level={record.levelname.lower()}",
                 f"logger={record.name}", f"msg={_kv(record.getMessage())}"]
        parts += [f"{k}={_kv(v)}" for k, v in _extras(record).items()]
        if record.exc_text:
            parts.append(f"exc={_kv(record.exc_text)}")
        return " ".join(parts)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, object] = {
            "ts": record.created,
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
            **{k: v if isinstance(v, int | float | bool | None) else str(v)
               for k, v in _extras(record).items()},
        }
        if record.exc_text:
            data["exc"] = record.exc_text
        return json.dumps(data, ensure_ascii=False)


def setup_logging(level: str = "INFO", fmt: str = "kv", secrets: Iterable[str] = ()) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else KeyValueFormatter())
    redacting = RedactingFilter(secrets)
    handler.addFilter(redacting)
    # A traceback nobody caught (a start-up failure) goes to stderr outside logging: redact it too.
    sys.excepthook = lambda kind, value, tb: sys.stderr.write(
        redacting.redact("".join(traceback.format_exception(kind, value, tb)))
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx logs one INFO line per request (every getUpdates poll); keep them only when debugging.
    # saq's start-up line is a full repr of its Redis client; its warnings and errors still show.
    for noisy in ("httpx", "httpcore", "httpx2", "httpcore2", "apscheduler", "saq"):
        logging.getLogger(noisy).setLevel(logging.DEBUG if level == "DEBUG" else logging.WARNING)
