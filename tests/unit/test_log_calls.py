"""Every log line of the bot keeps its variable data in fields (``extra=``), not in its message.

With LOG_FORMAT=json those fields become top-level keys an operator can filter and count on; a
value formatted into the message ("fetch ok url=%s") is lost to them. The few exceptions are
sentences written for a person reading the console once, at start-up, which also carry fields.
"""

from __future__ import annotations

import ast
import logging
from pathlib import Path

BOT = Path(__file__).resolve().parents[2] / "bot"
LEVELS = {"debug", "info", "warning", "error", "exception", "critical"}
# One-line operator sentences: the CLI's start-up error, the LLM endpoint warnings (with fields).
SENTENCES = {"cli/__init__.py", "llm/probe.py"}


# Attributes of every LogRecord: a field named like one makes logging raise, so the line and the
# reply it was part of are lost.
RESERVED = set(vars(logging.LogRecord("x", logging.INFO, "x", 1, "x", None, None))) | {"message", "asctime"}


def _reserved_fields(source: str, name: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in LEVELS):
            continue
        for keyword in node.keywords:
            if keyword.arg == "extra" and isinstance(keyword.value, ast.Dict):
                keys = [k.value for k in keyword.value.keys if isinstance(k, ast.Constant)]
                found += [f"{name}:{node.lineno} {k}" for k in keys if k in RESERVED]
    return found


def _formatting_calls(source: str, name: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in LEVELS):
            continue
        if not (isinstance(node.func.value, ast.Name) and node.func.value.id in {"log", "logger"}):
            continue
        message = node.args[0] if node.args else None
        if isinstance(message, ast.JoinedStr) or len(node.args) > 1:
            found.append(f"{name}:{node.lineno}")
    return found


def test_no_log_call_formats_values_into_its_message() -> None:
    offenders = [
        where
        for path in sorted(BOT.rglob("*.py"))
        if str(path.relative_to(BOT)) not in SENTENCES
        for where in _formatting_calls(path.read_text("utf-8"), str(path.relative_to(BOT)))
    ]
    assert not offenders, f"put these values in extra= fields: {offenders}"


def test_the_check_sees_a_formatted_call() -> None:
    sample = 'log.info("fetch ok url=%s", url)\nlog.info(f"x {y}")\nlog.info("ok", extra={"url": url})\n'
    assert _formatting_calls(sample, "sample.py") == ["sample.py:1", "sample.py:2"]


def test_no_log_field_is_named_like_a_log_record_attribute() -> None:
    clashes = [where for path in sorted(BOT.rglob("*.py"))
               for where in _reserved_fields(path.read_text("utf-8"), str(path.relative_to(BOT)))]  # fmt: skip
    assert not clashes, f"rename these fields: {clashes}"
    assert _reserved_fields('log.info("x", extra={"name": n, "file": n})', "s.py") == ["s.py:1 name"]
