"""One send budget for replies and the digest fan-out across processes, against the fake Bot API
with Telegram's flood limits on: no 429s, and users are answered while a digest goes out."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.digest.e2e_support import DIGEST_HEADER, DigestWorld, at, items_before, llm_responder
from tests.fakes.telegram_api import Call, FakeTelegram

pytestmark = pytest.mark.e2e

DAY = "2026-03-02"
TITLES = ["Parliament passes budget bill after marathon overnight debate",
          "Storm floods coastal towns as rivers burst their banks"]  # fmt: skip
SUBSCRIBERS = range(40_000, 40_150)
USERS = range(1, 21)  # people sending the link everyone is talking about, all at once


def _digest(call: Call) -> bool:
    return call.method == "sendMessage" and call.ok and str(call.params.get("text", "")).startswith("📰")


def test_replies_go_out_during_a_digest_fanout_of_two_processes_without_429s(
    bot_process, fake_telegram: FakeTelegram, fake_openai, article_server, redis_url, tmp_path
) -> None:
    world = DigestWorld(redis_url, fake_telegram, article_server, tmp_path)
    fake_openai.set_responder(llm_responder)
    start = at(DAY, "06:00")
    world.set_clock(start)
    world.seed(SUBSCRIBERS, [world.feed("/feeds/world.xml", "World Wire", items_before(start, "w", TITLES))],
               at="07:00")  # fmt: skip
    link = world.article("/breaking.html", "Breaking: the big story of the day")
    # Telegram's limits as the fake enforces them: strict one a second per chat, no bursts
    fake_telegram.set_flood_limits(per_chat_per_second=1, overall_per_second=30, group_per_minute=20)
    env = world.env(SEND_CHAT_BURST=1)
    bot_process(env=env)  # answers users and runs a digest worker
    bot_process(env=env, args=("worker",), wait=False, name="worker").wait_for_log("digest worker running", 20)
    world.command(USERS[0], link, timeout=30)  # the summary is made once; the rest are cache hits

    world.set_clock(at(DAY, "07:00"))
    fake_telegram.wait_for(lambda calls: sum(map(_digest, calls)) >= 20, timeout=30)
    for user in USERS[1:]:
        fake_telegram.push_message(user, link)
    fake_telegram.wait_for(lambda calls: sum(map(_digest, calls)) >= len(SUBSCRIBERS), timeout=60)
    world.quiesce()

    calls = fake_telegram.calls
    assert fake_telegram.count_429 == 0
    digests = [n for n, call in enumerate(calls) if _digest(call)]
    assert Counter(calls[n].params["chat_id"] for n in digests) == Counter({chat: 1 for chat in SUBSCRIBERS})
    replies = [n for n, call in enumerate(calls) if call.method == "sendMessage" and call.params["chat_id"] in USERS]
    assert len(replies) == len(USERS)
    # every user was answered while the fan-out was still going: replies take slots ahead of it
    assert max(replies) < max(digests), (max(replies), max(digests))
    for user in USERS:
        [reply] = [m for m in fake_telegram.messages(user) if m.from_bot]
        assert not (reply.plain_text or "").startswith(DIGEST_HEADER) and "Breaking" in (reply.plain_text or "")
