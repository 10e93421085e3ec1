"""Redaction: no log line may carry the bot token, whatever logs it."""

from __future__ import annotations

import io
import logging

import pytest

from bot.logs import JsonFormatter, KeyValueFormatter, RedactingFilter

TOKEN = "123456789:AAHfiqksKZ8WmR2zSjiQ7_v4TMAKdiHm9T0"


@pytest.fixture
def capture() -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(KeyValueFormatter())
    handler.addFilter(RedactingFilter([TOKEN]))
    logger = logging.getLogger("test.redact")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    return logger, stream


def test_token_in_message_args_and_url_is_redacted(capture: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = capture
    logger.info("HTTP Request: POST https://api.telegram.org/bot%s/getUpdates \"200 OK\"", TOKEN)
    logger.info("plain %s", TOKEN)
    logger.info("unknown token 987654321:ZZZfiqksKZ8WmR2zSjiQ7_v4TMAKdiHm9T0 too", extra={"url": f"/bot{TOKEN}/x"})
    try:
        raise RuntimeError(f"failed for {TOKEN}")
    except RuntimeError:
        logger.exception("boom")
    out = stream.getvalue()
    assert TOKEN not in out
    assert "987654321:ZZZ" not in out
    assert out.count("[REDACTED]") >= 5
    assert "getUpdates" in out  # the useful part of the line survives


def test_key_value_lines_are_single_line(capture: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = capture
    logger.info("multi\nline", extra={"user_id": 5, "reason": "a b"})
    line = stream.getvalue()
    assert line.count("\n") == 1
    assert "user_id=5" in line and 'reason="a b"' in line


def test_json_format() -> None:
    import json

    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello %s", ("w",), None)
    record.chat_id = 7
    data = json.loads(JsonFormatter().format(record))
    assert data["msg"] == "hello w" and data["chat_id"] == 7 and data["level"] == "info"
