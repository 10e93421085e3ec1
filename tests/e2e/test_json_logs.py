"""LOG_FORMAT=json: every line the bot process writes is one JSON object, and the bot's own lines
carry their variable data as top-level fields (``extra=``), not inside ``msg``.

The real bot process summarizes a page and fails on a missing one; its log is then parsed line
by line.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.e2e.llm_scripts import responder, seed_summary
from tests.fakes.article_server import ArticleServer
from tests.fakes.openai_api import FakeOpenAI
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.waiting import wait_until

pytestmark = pytest.mark.e2e

CHAT = 8101
# A message that still formats values into its text: "fetch ok url=…", "… after 3.2 s", "(4 calls failed)".
_FORMATTED = re.compile(r"\w=\S|\d+(\.\d+)? ?(s|ms)\b|\(\d+ ")


def _lines(logs: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in logs.splitlines() if line.strip()]


def _one(lines: list[dict[str, Any]], msg: str, **match: object) -> dict[str, Any]:
    found = [line for line in lines if line["msg"] == msg and all(line.get(k) == v for k, v in match.items())]
    assert len(found) == 1, f"{msg!r} {match}: {found}"
    return found[0]


def test_json_log_lines_carry_the_summary_fields(
    bot_process, fake_telegram: FakeTelegram, fake_openai: FakeOpenAI, article_server: ArticleServer
) -> None:
    fake_openai.set_responder(responder())
    bot = bot_process(LOG_FORMAT="json")
    page, missing = article_server.url("/seed.html"), article_server.url("/gone-for-good.html")
    fake_telegram.push_message(CHAT, page)
    fake_telegram.wait_for_messages(CHAT, 1, timeout=30, predicate=lambda m: seed_summary()["headline"] in m.plain_text)
    fake_telegram.push_message(CHAT, missing)
    wait_until(lambda: '"summary not made"' in bot.logs(), 30, "the failed link to be logged")

    lines = _lines(bot.logs())  # every line parses: JSON or nothing
    ours = [line for line in lines if line["logger"].startswith("bot")]
    assert {"ts", "level", "logger", "msg"} <= set(ours[0])
    leaked = [line["msg"] for line in ours if _FORMATTED.search(line["msg"]) and "LLM endpoint" not in line["msg"]]
    assert not leaked, f"values formatted into msg instead of fields: {leaked}"

    sent = _one(ours, "summary sent")
    assert sent["chat_id"] == CHAT and sent["url"] == page and sent["host"] == "127.0.0.1"
    assert sent["outcome"] == "summary" and sent["engine"] == "llm" and sent["cached"] is False
    assert isinstance(sent["duration_ms"], int) and sent["duration_ms"] >= 0

    fetched = _one(ours, "fetch ok", url=page)
    assert fetched["host"] == "127.0.0.1" and fetched["status"] == 200 and fetched["outcome"] == "ok"
    assert isinstance(fetched["bytes"], int) and isinstance(fetched["duration_ms"], int)
    article = _one(ours, "article fetched", url=page)
    assert article["words"] > 100 and isinstance(article["duration_ms"], int)

    failed = _one(ours, "fetch failed", url=missing)
    assert failed["reason"] == failed["outcome"] == "not_found" and failed["host"] == "127.0.0.1"
    refused = _one(ours, "summary not made", chat_id=CHAT)
    assert refused["reason"] == refused["outcome"] == failed["reason"]
    assert isinstance(refused["duration_ms"], int)
    assert _one(ours, "bot started")["username"]
