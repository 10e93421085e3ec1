"""When digests come and what they say, end to end with the controllable clock.

The bot's scheduler reads "now" from a Redis key the test sets (an injected clock, tests/fakes/clock.py) and ticks
every second or two, so a test walks through days, time zones and DST changes in seconds.
"""

from __future__ import annotations

import pytest

from bot.callbacks import AskAbout, EntrySummary, MoreStories, decode
from tests.digest.e2e_support import DIGEST_HEADER, EMPTY_LINE, DigestWorld, Item, at, items_before, llm_responder
from tests.fakes.waiting import wait_until

DAY = "2026-03-02"  # a Monday; Berlin is UTC+1 (CET), New York UTC-5 (EST)
pytestmark = pytest.mark.e2e

MERGED = [
    ("Alpha Times", "Parliament approves new climate law after marathon vote"),
    ("Beta Post", "Parliament approves climate law after marathon vote in the capital"),
    ("Gamma Daily", "Marathon vote: parliament approves new climate law"),
]


def _feeds(world: DigestWorld, start) -> dict[str, str]:
    """Three outlets (on three different hosts) carrying one shared story plus one story each."""
    port = world.site.port
    hosts = {"Alpha Times": f"http://127.0.0.1:{port}", "Beta Post": f"http://localhost:{port}", "Gamma Daily": None}
    uniques = {
        "Alpha Times": "Storm floods coastal towns as rivers burst their banks",
        "Beta Post": "Central bank holds interest rates steady amid cooling inflation",
        "Gamma Daily": "Museum returns stolen bronze statues to their home country",
    }
    urls = {}
    for n, (outlet, headline) in enumerate(MERGED):
        slug = outlet.split()[0].lower()
        shared = Item(headline, f"/{slug}/climate.html", f"{headline}. Lawmakers voted late on Monday.",
                      start - (n + 1) * (start - start.replace(hour=5)) / 10)  # fmt: skip
        unique = Item(uniques[outlet], f"/{slug}/unique.html", f"{uniques[outlet]}.", start.replace(hour=3))
        for item in (shared, unique):
            world.article(item.path, item.title, topic=headline if item is shared else item.title)
        urls[outlet] = world.site.add(f"/feeds/{slug}.xml", _rss(outlet, [shared, unique], hosts[outlet], port),
                                      content_type="application/rss+xml")  # fmt: skip
    return urls


def _rss(title: str, items: list[Item], host: str | None, port: int) -> str:
    from email.utils import format_datetime
    from html import escape

    body = ""
    for item in items:
        # Gamma's copy of the shared story has no link (guid only): a third outlet without a third host
        linked = host or (f"http://127.0.0.1:{port}" if "unique" in item.path else None)
        link = f"<link>{linked}{item.path}</link>" if linked else ""
        body += (f"<item><title>{escape(item.title)}</title>{link}<guid isPermaLink='false'>{title}{item.path}</guid>"
                 f"<description>{escape(item.description)}</description>"
                 f"<pubDate>{format_datetime(item.published, usegmt=True)}</pubDate></item>")  # fmt: skip
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>{body}</channel></rss>'


def test_local_times_merged_story_buttons_and_quiet_days(
    bot_process, fake_telegram, fake_openai, article_server, redis_url, tmp_path
):
    world = DigestWorld(redis_url, fake_telegram, article_server, tmp_path)
    fake_openai.set_responder(llm_responder)
    start = at(DAY, "05:00")
    world.set_clock(start)
    feeds = _feeds(world, start)
    alice, bob = 1101, 1102
    bot_process(env=world.env())

    for url in feeds.values():
        assert world.command(alice, f"/subscribe {url}").plain_text.startswith("✅ Subscribed")
    assert "Europe/Berlin" in world.command(alice, "/timezone berlin").plain_text
    assert world.command(bob, f"/subscribe {feeds['Alpha Times']}").plain_text.startswith("✅")
    assert "America/New_York" in world.command(bob, "/timezone America/New_York").plain_text
    assert "no message" in world.command(bob, "/digest silent").plain_text

    world.set_clock(at(DAY, "07:59", "Europe/Berlin"))
    world.quiesce()
    assert not world.digests(alice)
    world.set_clock(at(DAY, "08:00", "Europe/Berlin"))  # 07:00 UTC
    [digest] = world.wait_digests(alice)
    text = digest.plain_text
    assert text.startswith(f"{DIGEST_HEADER} · Mon 2 Mar · 4 stories")
    # the shared story: one entry, first (most sources), listing all three outlets
    entries = text.split("\n\n")[1:]
    assert len(entries) == 4 and sum("climate law" in entry for entry in entries) == 1
    assert "parliament approves" in entries[0].lower()
    sources = entries[0].splitlines()[-1]
    assert sources.startswith("3 sources: ")
    assert sorted(sources.removeprefix("3 sources: ").split(" · ")) == ["Alpha Times", "Beta Post", "Gamma Daily"]
    assert "LLM line about" in text and digest.link_preview_disabled
    headlines = [entry.splitlines()[0].split(". ", 1)[1] for entry in entries]
    for headline in ("Storm floods", "Central bank holds", "Museum returns"):
        assert sum(h.startswith(headline) for h in headlines) == 1
    world.quiesce()
    assert not world.digests(bob)  # 02:00 in New York

    world.set_clock(at(DAY, "07:59", "America/New_York"))
    world.quiesce()
    assert not world.digests(bob)
    world.set_clock(at(DAY, "08:00", "America/New_York"))  # 13:00 UTC
    [bob_digest] = world.wait_digests(bob)
    assert "2 stories" in bob_digest.plain_text and "via Alpha Times" in bob_digest.plain_text

    # one summary per distinct article, however many chats carry it
    actions = [decode(data) for m in (digest, bob_digest) for data in m.callback_data]
    assert all(isinstance(action, EntrySummary | AskAbout) for action in actions)
    keys = {action.key for action in actions if isinstance(action, EntrySummary | AskAbout)}
    assert fake_openai.count == len(keys)

    # 📄 under an entry: the full summary, through the same flow as a link; 💬: the question prompt
    summary_button = next(d for d in digest.callback_data if isinstance(decode(d), EntrySummary))
    fake_telegram.push_callback(alice, digest.message_id, summary_button)
    [full] = fake_telegram.wait_for_messages(alice, 1, predicate=lambda m: m.reply_to_message_id == digest.message_id
                                             and "Ask about this" in str(m.reply_markup))  # fmt: skip
    assert "LLM line about" in full.plain_text and "climate law" in full.plain_text
    pressed = decode(summary_button)
    assert isinstance(pressed, EntrySummary)
    ask_button = AskAbout(pressed.key).encode()
    assert ask_button in digest.callback_data
    fake_telegram.push_callback(alice, digest.message_id, ask_button)
    fake_telegram.wait_for_messages(alice, 1, predicate=lambda m: "What would you like to know" in (m.plain_text or ""))
    assert fake_openai.count == len(keys)  # the full summary came from the cache

    world.set_clock(at(DAY, "21:00", "Europe/Berlin"))
    world.quiesce()
    assert len(world.digests(alice)) == 1 and len(world.digests(bob)) == 1  # once per local day

    # the next day nothing is new: a one-line note for Alice (default), nothing for Bob (silent)
    world.set_clock(at("2026-03-03", "08:00", "Europe/Berlin"))
    [_, note] = world.wait_digests(alice, 2)
    assert note.plain_text == EMPTY_LINE and not note.reply_markup
    world.set_clock(at("2026-03-03", "08:00", "America/New_York"))
    world.quiesce()
    assert world.last_day(bob) == "2026-03-03"  # the silent digest ran, and sent nothing
    assert len(world.digests(bob)) == 1
    # /digest on request works any time and says so when there's nothing new
    fake_telegram.push_command(alice, "/digest")
    world.wait_digests(alice, 3)


def test_dst_change_days(bot_process, fake_telegram, fake_openai, article_server, redis_url, tmp_path):
    world = DigestWorld(redis_url, fake_telegram, article_server, tmp_path)
    fake_openai.set_responder(llm_responder)
    berlin, new_york = 1201, 1202
    world.set_clock(at("2026-03-28", "00:00"))  # before either chat's slot that day
    url = world.feed("/feeds/dst.xml", "Clock News", [Item("Clocks change this weekend", "/dst/1.html",
                                                           "Clocks change.", at("2026-03-27", "23:00"))])  # fmt: skip
    world.seed([berlin], [url], tz="Europe/Berlin", at="02:30")  # 02:30 doesn't exist on 29 March
    world.seed([new_york], [url], tz="America/New_York", at="01:30")  # 01:30 happens twice on 1 Nov
    bot_process(env=world.env())

    # Europe/Berlin, spring forward: 02:00 CET -> 03:00 CEST; the 02:30 slot is 03:00 CEST = 01:00 UTC
    world.set_clock(at("2026-03-29", "00:59"))
    world.quiesce()
    assert not world.digests(berlin)
    world.set_clock(at("2026-03-29", "01:00"))
    world.wait_digests(berlin, 1)
    world.set_clock(at("2026-03-29", "23:00"))
    world.quiesce()
    assert len(world.digests(berlin)) == 1
    world.set_clock(at("2026-03-30", "00:29"))  # the next day 02:30 CEST is 00:30 UTC
    world.quiesce()
    assert len(world.digests(berlin)) == 1
    world.set_clock(at("2026-03-30", "00:30"))
    world.wait_digests(berlin, 2)

    # America/New_York, fall back: 01:30 EDT (05:30 UTC) and again 01:30 EST (06:30 UTC): one digest
    # (each clock jump above also passed a New York slot: let that day's digest go out first)
    world.quiesce()
    assert world.last_day(new_york) == "2026-03-29"
    before = len(world.digests(new_york))
    world.set_clock(at("2026-11-01", "05:29"))
    world.quiesce()
    assert len(world.digests(new_york)) == before
    world.set_clock(at("2026-11-01", "05:30"))
    world.wait_digests(new_york, before + 1)
    world.set_clock(at("2026-11-01", "06:31"))  # the second 01:30
    world.quiesce()
    assert len(world.digests(new_york)) == before + 1
    world.set_clock(at("2026-11-02", "06:30"))  # next day, 01:30 EST
    world.wait_digests(new_york, before + 2)
    # the unchanged feed was polled with its validators and answered 304 Not Modified
    polls = [r for r in article_server.requests if r["path"] == "/feeds/dst.xml"]
    assert len(polls) >= 3 and all("If-None-Match" in r["headers"] for r in polls[1:])
    assert {r["status"] for r in polls[1:]} == {304}


def test_feed_failing_for_days_is_reported_once(
    bot_process, fake_telegram, fake_openai, article_server, redis_url, tmp_path
):
    from datetime import timedelta

    from bot.store.feeds import state_key

    world = DigestWorld(redis_url, fake_telegram, article_server, tmp_path)
    fake_openai.set_responder(llm_responder)
    start = at(DAY, "05:00")
    world.set_clock(start)
    url = world.feed("/feeds/flaky.xml", "Flaky Feed", [Item("Quiet day", "/flaky/1.html", "Quiet.", start)])
    bot_process(env=world.env())
    chat = 1301
    assert world.command(chat, f"/subscribe {url}").plain_text.startswith("✅")
    article_server.add("/feeds/flaky.xml", "server trouble", status=500)  # the feed breaks for good

    def failed() -> int:
        return int(world.redis.hget(state_key(url), "failures") or 0)

    def notices() -> list[str]:
        return [m.plain_text for m in fake_telegram.messages(chat) if "hasn't worked" in (m.plain_text or "")]

    for failures, hours in enumerate((1, 26, 51, 76), 1):  # backoff: 15 min, 30 min, 1 h, ...
        world.set_clock(start + timedelta(hours=hours))
        wait_until(lambda n=failures: failed() >= n, 20, f"{failures} failed poll(s)")
        assert failed() == failures
        if failures == 3:  # 50 h after the first failure
            fake_telegram.wait_for_messages(chat, 1, predicate=lambda m: "hasn't worked" in (m.plain_text or ""))
    world.quiesce()  # the fourth failure's poll and anything it queued are done
    [notice] = notices()
    assert "hasn't worked for 2 days" in notice and url in notice


def test_schedule_changes_never_fire_a_digest(bot_process, fake_telegram, fake_openai, article_server, redis_url,
                                              tmp_path):  # fmt: skip
    """A time (or zone) that has already passed today means tomorrow: no digest right after the change."""
    world = DigestWorld(redis_url, fake_telegram, article_server, tmp_path)
    fake_openai.set_responder(llm_responder)
    chat, other = 1301, 1302
    world.set_clock(at(DAY, "05:57"))
    url = world.feed("/feeds/calm.xml", "Calm News", [Item("Harbour reopens after storm", "/calm/1.html",
                                                           "The harbour reopened.", at(DAY, "04:00"))])  # fmt: skip
    world.seed([chat], [url], tz="UTC", at="09:00")
    world.seed([other], [url], tz="UTC", at="09:00")
    bot_process(env=world.env())

    reply = world.command(chat, "/digest_time 05:47").plain_text
    assert "Tue 3 Mar, 05:47" in reply  # tomorrow, said so
    # the zone change puts other's 09:00 slot in the past too (09:00 in Karachi is 04:00 UTC)
    assert "Tue 3 Mar, 09:00" in world.command(other, "/timezone Asia/Karachi").plain_text
    found = world.quiesce(2)
    assert all(tick["due"] == 0 for tick in found)
    assert not world.digests(chat) and not world.digests(other)

    world.set_clock(at("2026-03-03", "05:46"))
    world.quiesce()
    assert not world.digests(chat)
    world.set_clock(at("2026-03-03", "05:47"))
    world.wait_digests(chat)  # the day's digest (the story is over a day old by now: "nothing new")
    # moving the time later on the same day doesn't send that day's digest again
    world.command(chat, "/digest_time 23:00")
    world.set_clock(at("2026-03-03", "23:30"))
    world.quiesce()
    assert len(world.digests(chat)) == 1


WORDS = """amber birch cobalt dune ember fjord garnet heron iris jasper kelp lagoon marble nectar onyx pylon
quartz raven saffron tundra umber violet walnut xenon yarrow zephyr anchor bramble canyon delta falcon
glacier harbor indigo juniper kestrel lantern meadow nebula orchid prairie quiver ridge sequoia thistle
updraft valley willow yonder zinnia acorn basalt cedar dahlia egret fennel gorse hazel ivory jackal koala
lilac mango nutmeg oyster pepper quince rosemary sorrel tamarind urchin vervain wasabi yucca zucchini""".split()


def test_digest_never_loses_a_story(bot_process, fake_telegram, fake_openai, article_server, redis_url, tmp_path):
    """25 stories across 3 feeds: 10 shown (every feed represented), "+15 more" with a button for the
    next page; the 5 still left come in tomorrow's digest."""
    world = DigestWorld(redis_url, fake_telegram, article_server, tmp_path)
    fake_openai.set_responder(llm_responder)
    start = at(DAY, "06:00")
    world.set_clock(start)
    titles = [" ".join(WORDS[3 * n : 3 * n + 3]).capitalize() + " report" for n in range(25)]
    feeds = {"Busy Wire": titles[:15], "Quiet Post": titles[15:20], "Small Daily": titles[20:]}
    urls = [world.feed(f"/feeds/page{n}.xml", name, items_before(start, f"page{n}", batch))
            for n, (name, batch) in enumerate(feeds.items())]  # fmt: skip
    chat = 1401
    world.seed([chat], urls, tz="UTC", at="08:00")
    bot_process(env=world.env())

    world.set_clock(at(DAY, "08:00"))
    [first] = world.wait_digests(chat)
    assert "10 stories" in first.plain_text and first.plain_text.endswith("+15 more stories")
    for outlet in feeds:  # one prolific feed can't push the others out
        assert f"via {outlet}" in first.plain_text
    [more] = [d for d in first.callback_data if isinstance(decode(d), MoreStories)]
    fake_telegram.push_callback(chat, first.message_id, more)
    [_, second] = world.wait_digests(chat, 2)
    assert "10 stories" in second.plain_text and second.plain_text.endswith("+5 more stories")
    shown = [t for t in titles if t in first.plain_text or t in second.plain_text]
    assert len(shown) == 20

    world.set_clock(at("2026-03-03", "08:00"))
    [_, _, third] = world.wait_digests(chat, 3)
    assert "5 stories" in third.plain_text and "more stor" not in third.plain_text
    assert sorted(t for t in titles if t in third.plain_text) == sorted(set(titles) - set(shown))
