"""One hostile feed item doesn't stop a digest (issue M3): a shared feed that turns hostile (a JSON
Feed date past year 9999, a lone surrogate in a title, an IDNA-invalid link) costs its bad items
only; every chat following it still gets its digest, with that feed's other items and every
other feed's."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from tests.digest.e2e_support import DigestWorld, at, items_before, llm_responder
from tests.fakes.article_server import ArticleServer
from tests.fakes.openai_api import FakeOpenAI
from tests.fakes.telegram_api import FakeTelegram

pytestmark = pytest.mark.e2e

CHATS = (7601, 7602)
JSON_FEED = "application/feed+json"


def json_feed(base: str, items: list[dict[str, str]]) -> str:
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "Shared Wire",
                       "home_page_url": base, "items": items})  # fmt: skip


def test_a_hostile_item_in_a_shared_feed_spoils_nobodys_digest(
    bot_process, fake_telegram: FakeTelegram, fake_openai: FakeOpenAI, article_server: ArticleServer,
    redis_url: str, tmp_path: Path,
) -> None:  # fmt: skip
    fake_openai.set_responder(llm_responder)
    world = DigestWorld(redis_url, fake_telegram, article_server, tmp_path)
    start = at("2026-03-02", "06:00")
    world.set_clock(start)
    base = article_server.base_url
    good = world.feed("/feeds/good.xml", "Good News", items_before(start, "g", ["Harbour bridge reopens"]))
    world.article("/wire/calm.html", "Wire calm story")
    wire = article_server.add("/feeds/wire.json", json_feed(base, [
        {"id": "calm", "url": f"{base}/wire/calm.html", "title": "Wire calm story",
         "date_published": (start - timedelta(hours=2)).isoformat()},
    ]), content_type=JSON_FEED)  # fmt: skip
    bot_process(env=world.env())
    for chat in CHATS:
        assert "Subscribed" in world.command(chat, f"/subscribe {good}").plain_text
        assert "Subscribed" in world.command(chat, f"/subscribe {wire}").plain_text

    # The shared feed turns hostile; the next poll (after the poll interval) reads it.
    later = start + timedelta(minutes=20)
    world.article("/wire/steady.html", "Wire steady story")
    fresh = (later - timedelta(minutes=10)).isoformat()
    article_server.add("/feeds/wire.json", json_feed(base, [
        {"id": "future", "url": f"{base}/wire/future.html", "title": "Far future",
         "date_published": "9999-12-31T23:59:59-05:00"},
        {"id": "surrogate", "url": f"{base}/wire/surrogate.html", "title": "Broken \ud800 title",
         "summary": "Odd \udfff text", "date_published": fresh},
        {"id": "steady", "url": f"{base}/wire/steady.html", "title": "Wire steady story", "date_published": fresh},
    ]), content_type=JSON_FEED)  # fmt: skip
    world.set_clock(later)

    for chat in CHATS:
        fake_telegram.push_command(chat, "/digest")
        [digest] = world.wait_digests(chat, timeout=40)
        text = digest.plain_text
        assert "Harbour bridge reopens" in text  # the other feed's story
        assert "Wire steady story" in text  # the hostile feed's good item
        assert "\ud800" not in text and "\udfff" not in text
