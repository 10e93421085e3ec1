"""Limits on whatever a user (or a channel) makes the bot do, end to end: 🔄 presses, channel posts,
/subscribe, /digest. Each refusal says when to try again."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.callbacks import Refresh, decode
from bot.playground.api_types import StoredMessage
from tests.digest.e2e_support import DigestWorld, items_before, llm_responder
from tests.e2e.llm_scripts import responder, schema_name
from tests.fakes.article_server import ArticleServer
from tests.fakes.openai_api import FakeOpenAI
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.waiting import wait_until

pytestmark = pytest.mark.e2e

CHAT = 7301
CHANNEL = -1009_000_7302
PRESSES = 15
LINKS_PER_MINUTE = 10


def summary_requests(fake_openai: FakeOpenAI) -> int:
    return sum(1 for r in fake_openai.requests if schema_name(r) != "article_answer")


def test_refresh_presses_are_limited_coalesced_and_reuse_the_summary(
    bot_process, fake_telegram: FakeTelegram, fake_openai: FakeOpenAI, article_server: ArticleServer
) -> None:
    fake_openai.set_responder(responder())
    bot_process(LINKS_PER_MINUTE=str(LINKS_PER_MINUTE))
    fake_telegram.push_message(CHAT, article_server.url("/seed.html"))
    [summary] = fake_telegram.wait_for_messages(CHAT, 1, 30, predicate=lambda m: not m.plain_text.startswith("⏳"))
    refresh = next(b["callback_data"] for row in summary.reply_markup["inline_keyboard"] for b in row
                   if isinstance(decode(b.get("callback_data")), Refresh))  # fmt: skip
    assert article_server.hits("/seed.html") == 1 and summary_requests(fake_openai) == 1

    ids = [fake_telegram.push_callback(CHAT, summary.message_id, refresh) for _ in range(PRESSES)]
    answers = [fake_telegram.wait_for_call("answerCallbackQuery",
                                           predicate=lambda c, q=q: c.params.get("callback_query_id") == q, timeout=30)
               for q in ids]  # fmt: skip
    refused = [a for a in answers if "try again in" in (a.params.get("text") or "")]
    admitted = PRESSES - len(refused)
    assert admitted == LINKS_PER_MINUTE - 1  # the link itself counted too
    # every admitted press finishes: the text is unchanged, so each says "No changes since…"
    # (as its button's toast, or as a short reply when the refresh took a moment)
    def no_change_notes() -> int:
        toasts = [c for c in fake_telegram.calls_of("answerCallbackQuery")
                  if (c.params.get("text") or "").startswith("No changes since")]  # fmt: skip
        replies = [m for m in fake_telegram.messages(CHAT) if (m.plain_text or "").startswith("No changes since")]
        return len(toasts) + len(replies)

    wait_until(lambda: no_change_notes() >= admitted, 60, "the admitted refreshes")

    assert article_server.hits("/seed.html") == 2  # one fetch again for all the presses
    assert summary_requests(fake_openai) == 1  # the same text: the cached summary, no LLM call
    # the same summary edited in again may be "not modified" (how 🔄 shows that is the UX's call)
    assert not [e for e in fake_telegram.errors if "not modified" not in str(e.response)]


def channel_post(fake: FakeTelegram, url: str) -> None:
    fake.push_message(CHANNEL, f"@{fake.bot_user['username']} {url}", chat_type="channel", channel=True)


def test_channel_posts_are_limited_per_chat(
    bot_process, fake_telegram: FakeTelegram, fake_openai: FakeOpenAI, article_server: ArticleServer
) -> None:
    fake_openai.set_responder(responder())
    bot_process(LINKS_PER_MINUTE="3")
    for n in range(5):
        channel_post(fake_telegram, article_server.url(f"/seed.html?post={n}"))
    refusals = fake_telegram.wait_for_messages(CHANNEL, 2, 30, predicate=lambda m: "try again in" in m.plain_text)
    assert len(refusals) == 2
    wait_until(lambda: article_server.hits("/seed.html") >= 3, 30, "the admitted posts' fetches")
    assert article_server.hits("/seed.html") == 3


def test_subscribe_and_digest_on_request_are_limited(
    bot_process, fake_telegram: FakeTelegram, fake_openai: FakeOpenAI, article_server: ArticleServer,
    redis_url: str, tmp_path: Path,
) -> None:  # fmt: skip
    fake_openai.set_responder(llm_responder)
    world = DigestWorld(redis_url, fake_telegram, article_server, tmp_path)
    start = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)  # before the 08:00 digest: none scheduled
    world.set_clock(start)
    feeds = [world.feed(f"/feeds/f{n}.xml", f"Feed {n}", items_before(start, f"f{n}", [f"Story {n}"]))
             for n in range(3)]  # fmt: skip
    bot_process(env=world.env(SUBSCRIBES_PER_HOUR="2", DIGESTS_PER_HOUR="2"))
    chat = 7303

    assert "Subscribed" in world.command(chat, f"/subscribe {feeds[0]}").plain_text
    assert "Subscribed" in world.command(chat, f"/subscribe {feeds[1]}").plain_text
    refused = world.command(chat, f"/subscribe {feeds[2]}").plain_text
    assert "try again in" in refused and "min" in refused
    assert article_server.hits("/feeds/f2.xml") == 0  # refused before any fetch

    for _ in range(2):
        fake_telegram.push_command(chat, "/digest")
    world.wait_digests(chat, 2)
    assert "The next one can come in" in world.command(chat, "/digest").plain_text
    world.quiesce()
    assert len(world.digests(chat)) == 2  # the refused one never came


FAIR_CHAT = 7303


def _is_summary(m: StoredMessage) -> bool:
    return any(isinstance(decode(b.get("callback_data")), Refresh)
               for row in (m.reply_markup or {}).get("inline_keyboard", []) for b in row)  # fmt: skip


def test_link_limit_counts_only_links_that_need_work(
    bot_process, fake_telegram: FakeTelegram, fake_openai: FakeOpenAI, article_server: ArticleServer
) -> None:
    """3 links a minute: a cached link is free (sent 6 times), a dead link costs a third (3 of
    them), a two-link message counts only its new link; the link after that is refused with when
    to try again, while the cached link beside it is still answered."""
    fake_openai.set_responder(responder())
    bot_process(LINKS_PER_MINUTE="3")
    cached = article_server.url("/seed.html")

    def summaries() -> list[StoredMessage]:
        return [m for m in fake_telegram.messages(FAIR_CHAT) if _is_summary(m)]

    def errors() -> list[StoredMessage]:
        return [m for m in fake_telegram.messages(FAIR_CHAT) if m.plain_text.startswith("⚠️")]

    for n in range(6):  # the first one is worked on; the five after it are cache hits
        fake_telegram.push_message(FAIR_CHAT, cached)
        wait_until(lambda n=n: len(summaries()) == n + 1, 30, f"summary {n + 1}")
    for n in range(3):  # distinct dead links: each is fetched, fails, and gives most of its cost back
        fake_telegram.push_message(FAIR_CHAT, article_server.url(f"/gone-{n}.html"))
        wait_until(lambda n=n: len(errors()) == n + 1, 30, f"dead link {n + 1}")
    fake_telegram.push_message(FAIR_CHAT, f"{cached} and {article_server.url('/seed.html?part=2')}")
    wait_until(lambda: len(summaries()) == 8, 30, "both summaries of the two-link message")
    assert not [m for m in fake_telegram.messages(FAIR_CHAT) if "try again in" in m.plain_text]

    fake_telegram.push_message(FAIR_CHAT, f"{cached} {article_server.url('/seed.html?part=3')}")
    [limited] = fake_telegram.wait_for_messages(FAIR_CHAT, 1, 30, predicate=lambda m: "try again in" in m.plain_text)
    assert re.search(r"try again in \d+ s", limited.plain_text), limited.plain_text
    wait_until(lambda: len(summaries()) == 9, 30, "the cached link beside the refused one")
    assert article_server.hits("/seed.html") == 2  # the refused link was never fetched
