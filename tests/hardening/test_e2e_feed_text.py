"""A feed's own words reach only the chats that follow that feed (issue M1): a hostile feed item
pointing at another outlet's article can't put its text under that headline in anyone else's digest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.digest.e2e_support import DigestWorld, Item, llm_responder
from tests.fakes.article_server import ArticleServer
from tests.fakes.openai_api import FakeOpenAI
from tests.fakes.telegram_api import FakeTelegram

pytestmark = pytest.mark.e2e

ATTACKER, READER = 7401, 7402
PLANTED = "PLANTED: the minister has resigned in disgrace"
HONEST = "Ministers met on Tuesday to discuss the rail budget"


def test_a_feeds_text_is_never_shared_with_other_chats(
    bot_process, fake_telegram: FakeTelegram, fake_openai: FakeOpenAI, article_server: ArticleServer,
    redis_url: str, tmp_path: Path,
) -> None:  # fmt: skip
    fake_openai.set_responder(llm_responder)
    world = DigestWorld(redis_url, fake_telegram, article_server, tmp_path)
    start = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
    world.set_clock(start)
    published = start - timedelta(minutes=30)
    # the outlet's article can't be fetched (the path 404s): only feed texts exist for it
    story = "/missing/rail-budget.html"
    honest = world.feed("/feeds/outlet.xml", "Outlet", [Item("Rail budget agreed", story, HONEST, published)])
    hostile = world.feed("/feeds/hostile.xml", "Hostile", [Item("Rail budget agreed", story, PLANTED, published)])
    bot_process(env=world.env())

    assert "Subscribed" in world.command(ATTACKER, f"/subscribe {hostile}").plain_text
    assert "Subscribed" in world.command(READER, f"/subscribe {honest}").plain_text
    fake_telegram.push_command(ATTACKER, "/digest")
    [planted] = world.wait_digests(ATTACKER)
    assert "From the feed: " + PLANTED in planted.plain_text  # the attacker sees their own words, marked

    fake_telegram.push_command(READER, "/digest")
    [digest] = world.wait_digests(READER)
    assert "PLANTED" not in digest.plain_text
    assert "From the feed: " + HONEST in digest.plain_text
