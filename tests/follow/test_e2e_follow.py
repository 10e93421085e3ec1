"""Following a story end to end: real bot and worker processes, the fake Bot API, the article
server whose page the test rewrites, and the injected clock walking through the check schedule.

``quiesce_follow`` runs the bot's own ``follow_tick`` (twice: checks, then the sends they made
ready) and waits until no check or send is pending, so "no message" is asserted only after the
bot has looked.
"""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import pytest
import redis.asyncio as redis_async
from saq.queue.redis import RedisQueue

from bot.callbacks import Follow, NightUpdates, Refresh, Unfollow, decode
from bot.follow.jobs import TICK_QUEUE, WORK_QUEUE, follow_tick
from tests.digest.e2e_support import DigestWorld, at, llm_responder
from tests.fakes.waiting import wait_until
from tests.follow.pages import NEW_FACT, NEW_TITLE, TITLE, page

pytestmark = pytest.mark.e2e

DAY = "2026-03-02"
PATH = "/news/dam-breach.html"
WORK_PENDING = RedisQueue(redis_async.Redis(), name=WORK_QUEUE).namespace("incomplete")
QUOTE_WORDS = "found eleven people alive"
NO_LLM = {"OPENAI_BASE_URL": "", "OPENAI_API_KEY": ""}
QUOTE = ("“We have reached every house on the lower streets and found eleven people alive,” said Tomas "
         "Verhoeven, the head of the regional rescue service.")  # fmt: skip


def quiesce_follow(world: DigestWorld, rounds: int = 2, timeout: float = 30.0) -> list[dict[str, int]]:
    async def tick() -> dict[str, int]:
        queue = RedisQueue.from_url(world.redis_url, name=TICK_QUEUE)
        try:
            return await queue.apply(follow_tick.__qualname__, timeout=timeout, poll_interval=0.02)
        finally:
            await queue.disconnect()

    found = []
    for _ in range(rounds):
        found.append(asyncio.run(tick()))
        wait_until(lambda: world.redis.zcard(WORK_PENDING) == 0, timeout, "no pending follow checks or sends")
    return found


def updates(world: DigestWorld, chat: int) -> list:
    return [m for m in world.fake.messages(chat) if "Updated:" in (m.plain_text or "")]


def summary_follow_button(world: DigestWorld, chat: int, url: str):
    world.fake.push_message(chat, url)
    [summary] = world.fake.wait_for_messages(chat, 1, 20, predicate=lambda m: any(
        isinstance(decode(d), Follow) for d in m.callback_data))  # fmt: skip
    return summary, next(d for d in summary.callback_data if isinstance(decode(d), Follow))


def test_followers_get_one_update_per_material_change_from_one_check_per_interval(
    bot_process, fake_telegram, article_server, redis_url, tmp_path
):
    world = DigestWorld(redis_url, fake_telegram, article_server, tmp_path)
    start = at(DAY, "09:45")
    world.set_clock(start)
    url = article_server.add(PATH, page())
    bot_process(env=world.env(**NO_LLM))  # replies, and a follow worker of its own
    worker = bot_process(env=world.env(**NO_LLM), args=("worker",), wait=False, name="worker")
    worker.wait_for_log("digest worker running", 20)
    alice, bob = 4101, 4102

    # Alice taps 🔔 under the summary of the link; Bob sends /follow with the link
    summary, data = summary_follow_button(world, alice, url)
    fake_telegram.push_callback(alice, summary.message_id, data)
    [reply] = fake_telegram.wait_for_messages(alice, 1, predicate=lambda m: "Following" in (m.plain_text or ""))
    assert TITLE in reply.plain_text
    assert "Following" in world.command(bob, f"/follow {url}").plain_text
    assert "already follow" in world.command(bob, f"/follow {url}").plain_text
    hits = article_server.hits(PATH)

    # Only the timestamp, the comment count and an ad block change: checked once, nobody told
    advert = "Sponsored: the Valley Courier premium plan, now 50% off for new readers."
    article_server.add(PATH, page(updated="Updated 09:52 GMT", comments=31, ad=advert))
    world.set_clock(start + timedelta(minutes=5))
    quiesce_follow(world)
    assert article_server.hits(PATH) == hits + 1
    quiesce_follow(world)  # the same interval again, from either process: no second fetch
    assert article_server.hits(PATH) == hits + 1
    assert updates(world, alice) == [] and updates(world, bob) == []

    # A paragraph and a quote are added and the headline rewritten: one update each
    article_server.add(PATH, page(title=NEW_TITLE, updated="Updated 10:01 GMT", comments=35, extra=[NEW_FACT, QUOTE]))
    world.set_clock(start + timedelta(minutes=10))
    quiesce_follow(world)
    assert article_server.hits(PATH) == hits + 2
    for chat in (alice, bob):
        [update] = fake_telegram.wait_for_messages(chat, 1, predicate=lambda m: "Updated:" in (m.plain_text or ""))
        text = update.plain_text
        assert f"{TITLE} → {NEW_TITLE}" in text
        assert "emergency channel" in text  # the new fact, as a bullet
        assert QUOTE_WORDS in text and "Tomas Verhoeven" in text  # the new quote, verified, with its speaker
        assert "comments" not in text and "Sponsored" not in text
    quiesce_follow(world)
    world.set_clock(start + timedelta(minutes=15))  # the next check: nothing new since
    quiesce_follow(world)
    assert article_server.hits(PATH) == hits + 3
    assert len(updates(world, alice)) == 1 and len(updates(world, bob)) == 1


def test_following_lists_unfollow_works_and_the_limit_is_friendly(
    bot_process, fake_telegram, article_server, redis_url, tmp_path
):
    world = DigestWorld(redis_url, fake_telegram, article_server, tmp_path)
    world.set_clock(at(DAY, "12:00"))
    urls = [article_server.add(f"/news/{n}.html", page(title=f"{TITLE} ({name})"))
            for n, name in enumerate(["north", "south", "east"])]  # fmt: skip
    bot_process(env=world.env(FOLLOW_MAX_PER_CHAT=2))
    chat = 4201

    assert "You don't follow any stories" in world.command(chat, "/following").plain_text
    assert "Send /follow with a news link" in world.command(chat, "/follow").plain_text
    assert "Following" in world.command(chat, f"/follow {urls[0]}").plain_text
    assert "Following" in world.command(chat, f"/follow {urls[1]}").plain_text
    refused = world.command(chat, f"/follow {urls[2]}").plain_text
    assert "already follow 2 stories, the most at once" in refused and "/following" in refused
    assert "doesn't exist" in world.command(chat, f"/follow {article_server.url('/news/none.html')}").plain_text

    listing = world.command(chat, "/following")
    assert listing.plain_text.startswith("Stories you follow (2/2)")
    assert "(north)" in listing.plain_text and "(south)" in listing.plain_text
    unfollows = [d for d in listing.callback_data if isinstance(decode(d), Unfollow)]
    assert len(unfollows) == 2
    fake_telegram.push_callback(chat, listing.message_id, unfollows[0])
    fake_telegram.wait_for_messages(chat, 1, predicate=lambda m: m.message_id == listing.message_id
                                    and (m.plain_text or "").startswith("Stories you follow (1/2)"))  # fmt: skip
    assert "Following" in world.command(chat, f"/follow {urls[2]}").plain_text
    listing = world.command(chat, "/following")
    assert "(north)" not in listing.plain_text and "(east)" in listing.plain_text
    assert any(isinstance(decode(d), NightUpdates) for d in listing.callback_data)


def test_an_update_at_night_waits_for_the_morning(bot_process, fake_telegram, article_server, redis_url, tmp_path):
    world = DigestWorld(redis_url, fake_telegram, article_server, tmp_path)
    start = at(DAY, "22:30", "Europe/Berlin")
    world.set_clock(start)
    url = article_server.add(PATH, page())
    bot_process(env=world.env(**NO_LLM))
    chat = 4301
    assert "Europe/Berlin" in world.command(chat, "/timezone Europe/Berlin").plain_text
    assert "Following" in world.command(chat, f"/follow {url}").plain_text

    article_server.add(PATH, page(extra=[NEW_FACT]))
    world.set_clock(start + timedelta(minutes=5))
    quiesce_follow(world)
    assert updates(world, chat) == []  # 22:35 in Berlin: held
    world.set_clock(at("2026-03-03", "07:00", "Europe/Berlin"))
    quiesce_follow(world)
    [update] = fake_telegram.wait_for_messages(chat, 1, predicate=lambda m: "Updated:" in (m.plain_text or ""))
    assert "emergency channel" in update.plain_text

    # opted in with the 🌙 button: the next change comes at night too
    listing = world.command(chat, "/following")
    [night] = [d for d in listing.callback_data if isinstance(decode(d), NightUpdates)]
    fake_telegram.push_callback(chat, listing.message_id, night)
    fake_telegram.wait_for_messages(chat, 1, predicate=lambda m: m.message_id == listing.message_id
                                    and "also come at night" in (m.plain_text or ""))  # fmt: skip
    article_server.add(PATH, page(extra=[NEW_FACT, QUOTE]))
    world.set_clock(at("2026-03-03", "22:30", "Europe/Berlin"))  # within 24 h of the last change
    quiesce_follow(world)
    fake_telegram.wait_for_messages(chat, 2, predicate=lambda m: "Updated:" in (m.plain_text or ""))
    assert QUOTE_WORDS in updates(world, chat)[-1].plain_text


def test_refresh_shows_what_changed_like_a_follow_update(bot_process, fake_telegram, article_server, redis_url,
                                                         tmp_path):  # fmt: skip
    world = DigestWorld(redis_url, fake_telegram, article_server, tmp_path)
    url = article_server.add(PATH, page())
    bot_process(env=world.env(REFRESH_INTERVAL=0))
    chat = 4401
    summary, _ = summary_follow_button(world, chat, url)
    refresh = next(d for d in summary.callback_data if isinstance(decode(d), Refresh))

    article_server.add(PATH, page(updated="Updated 10:15 GMT", comments=80))  # nothing material
    fake_telegram.push_callback(chat, summary.message_id, refresh)
    fake_telegram.wait_for(lambda _: fake_telegram.message(chat, summary.message_id).edits)  # redone in place
    article_server.add(PATH, page(title=NEW_TITLE, extra=[NEW_FACT]))
    fake_telegram.push_callback(chat, summary.message_id, refresh)
    [view] = fake_telegram.wait_for_messages(chat, 1, 30, predicate=lambda m: "Updated:" in (m.plain_text or ""))
    assert f"{TITLE} → {NEW_TITLE}" in view.plain_text and "emergency channel" in view.plain_text
    assert len(updates(world, chat)) == 1  # the first, immaterial change showed no "what changed"


def test_with_an_llm_the_update_says_whats_new_in_a_few_words(
    bot_process, fake_telegram, fake_openai, article_server, redis_url, tmp_path
):
    world = DigestWorld(redis_url, fake_telegram, article_server, tmp_path)
    asked: list[str] = []

    def responder(request):
        if "whats_new" not in json.dumps(request.get("response_format", {})):
            return llm_responder(request)
        asked.append(request["messages"][-1]["content"])
        return {"whats_new": "Engineers are draining the reservoir and the floodwater is falling."}

    fake_openai.set_responder(responder)
    start = at(DAY, "09:45")
    world.set_clock(start)
    url = article_server.add(PATH, page())
    bot_process(env=world.env())
    for chat in (4501, 4502):
        assert "Following" in world.command(chat, f"/follow {url}").plain_text

    article_server.add(PATH, page(extra=[NEW_FACT, QUOTE]))
    world.set_clock(start + timedelta(minutes=5))
    quiesce_follow(world)
    for chat in (4501, 4502):
        [update] = fake_telegram.wait_for_messages(chat, 1, predicate=lambda m: "Updated:" in (m.plain_text or ""))
        assert "draining the reservoir" in update.plain_text
        assert QUOTE_WORDS in update.plain_text  # quotes still come from the article, verified
    [prompt] = asked  # one call for both followers (same language), from the old and the new text
    before, after = prompt.split("<after", 1)
    assert "emergency channel" in after and "emergency channel" not in before
