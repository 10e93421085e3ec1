"""Subscribing end to end: the real bot process, the fake Bot API, feeds on the local article server."""

from __future__ import annotations

import asyncio

import pytest

from bot.callbacks import Unsubscribe, decode
from bot.digest.opml import parse_opml
from bot.store.redis import connect
from bot.store.subscriptions import SubscriptionStore
from tests.digest.e2e_support import DigestWorld, at, items_before

pytestmark = pytest.mark.e2e

DAY = "2026-03-02"


def _page(title: str, feeds: list[tuple[str, str]]) -> str:
    links = "".join(f'<link rel="alternate" type="application/rss+xml" title="{t}" href="{h}">' for t, h in feeds)
    return (f"<!doctype html><html><head><title>{title}</title>{links}</head>"
            f"<body><h1>{title}</h1><p>Welcome to {title}.</p></body></html>")  # fmt: skip


def _subscriptions(redis_url: str, chat: int) -> list[str]:
    async def go() -> list[str]:
        client = connect(redis_url)
        try:
            return [s.url for s in await SubscriptionStore(client).list(chat)]
        finally:
            await client.aclose()

    return asyncio.run(go())


def test_subscribe_by_feed_site_preset_and_opml_then_list_unsubscribe_export(
    bot_process, fake_telegram, article_server, redis_url, tmp_path
):
    world = DigestWorld(redis_url, fake_telegram, article_server, tmp_path)
    start = at(DAY, "06:00")
    world.set_clock(start)
    site = article_server
    alpha = world.feed("/feeds/alpha.xml", "Alpha News", items_before(start, "a", ["Budget passes", "Storm hits"]))
    world.feed("/feeds/single.xml", "Single Site Feed", items_before(start, "s", ["Rail strike ends"]))
    world.feed("/feeds/multi-1.xml", "Multi Politics", items_before(start, "m1", ["Vote delayed"]))
    multi2 = world.feed("/feeds/multi-2.xml", "Multi Sport", items_before(start, "m2", ["Cup final tonight"]))
    preset = world.feed("/feeds/preset.xml", "Wire Service", items_before(start, "p", ["Summit opens"]))
    opml_new = world.feed("/feeds/opml.xml", "From OPML", items_before(start, "o", ["Opml story"]))
    site_one = site.add("/site-one/", _page("Site One", [("Single", "/feeds/single.xml")]))
    site_two = site.add("/site-two/", _page("Site Two", [("Politics", "/feeds/multi-1.xml"),
                                                          ("Sport", "/feeds/multi-2.xml")]))  # fmt: skip
    plain = site.add("/plain.html", _page("No Feeds Here", []))
    world.presets([{"id": "wire", "name": "World Wire", "url": preset}])
    bot_process(env=world.env())
    chat = 3001

    assert "Send /subscribe with a feed or site address" in world.command(chat, "/subscribe").plain_text
    reply = world.command(chat, f"/subscribe {alpha}").plain_text
    assert reply.startswith("✅ Subscribed to Alpha News.") and "Which time zone are you in?" in reply
    assert "already follow Alpha News" in world.command(chat, f"/subscribe {alpha}").plain_text
    reply = world.command(chat, f"/subscribe {site_one}").plain_text
    assert reply.startswith("✅ Subscribed to Single Site Feed")
    assert "Which time zone" not in reply  # asked once, not on every subscription

    choice = world.command(chat, f"/subscribe {site_two}")
    assert "several feeds" in choice.plain_text
    assert [b["text"] for b in choice.buttons] == ["Politics", "Sport"]
    fake_telegram.push_callback(chat, choice.message_id, choice.callback_data[1])
    fake_telegram.wait_for_messages(chat, 1, predicate=lambda m: m.message_id == choice.message_id
                                    and (m.plain_text or "").startswith("✅ Subscribed to Multi Sport"))  # fmt: skip

    assert world.command(chat, "/subscribe World Wire").plain_text.startswith("✅ Subscribed to World Wire")
    assert "wire" in world.command(chat, "/sources").plain_text

    # refused, and nothing stored: a page without feeds, a dead link, a blocked port, an unknown name
    assert "couldn't find a feed on that page" in world.command(chat, f"/subscribe {plain}").plain_text
    assert "doesn't exist" in world.command(chat, f"/subscribe {site.url('/nope.xml')}").plain_text
    assert "port aren't allowed" in world.command(chat, "/subscribe http://127.0.0.1:1/feed.xml").plain_text
    assert "don't know a source called" in world.command(chat, "/subscribe bbc worlld").plain_text
    assert len(_subscriptions(redis_url, chat)) == 4

    # OPML import: one new feed, one already followed, one broken
    opml = (f'<?xml version="1.0"?><opml version="2.0"><head><title>mine</title></head><body>'
            f'<outline text="From OPML" type="rss" xmlUrl="{opml_new}"/>'
            f'<outline text="Alpha" type="rss" xmlUrl="{alpha}"/>'
            f'<outline text="Broken" type="rss" xmlUrl="{site.url("/gone.xml")}"/></body></opml>').encode()  # fmt: skip
    fake_telegram.add_file("opml-file-1", opml)
    fake_telegram.push_message(chat, None, document={"file_id": "opml-file-1", "file_name": "feeds.opml",
                                                     "mime_type": "text/x-opml", "file_size": len(opml)})  # fmt: skip
    [report] = fake_telegram.wait_for_messages(chat, 1, predicate=lambda m: "Imported" in (m.plain_text or ""))
    assert "Imported 1 feed, 1 you already follow." in report.plain_text
    assert "Skipped 1:" in report.plain_text and "Broken" in report.plain_text
    assert len(_subscriptions(redis_url, chat)) == 5

    listing = world.command(chat, "/subscriptions")
    assert listing.plain_text.startswith("Your feeds (5/20)")
    assert len([d for d in listing.callback_data if isinstance(decode(d), Unsubscribe)]) == 5
    assert "Unsubscribed from Alpha News" in world.command(chat, "/unsubscribe 1").plain_text
    listing = world.command(chat, "/subscriptions")
    fake_telegram.push_callback(chat, listing.message_id, listing.callback_data[0])  # the single-feed site
    fake_telegram.wait_for_messages(chat, 1, predicate=lambda m: m.message_id == listing.message_id
                                    and (m.plain_text or "").startswith("Your feeds (3/20)"))  # fmt: skip
    assert "don't follow that" in world.command(chat, "/unsubscribe https://example.com/other.xml").plain_text
    remaining = _subscriptions(redis_url, chat)
    assert sorted(remaining) == sorted([multi2, preset, opml_new])

    fake_telegram.push_command(chat, "/export")
    [export] = fake_telegram.wait_for_messages(chat, 1, predicate=lambda m: m.kind == "document")
    assert export.document["file_name"].endswith(".opml")
    assert sorted(f.url for f in parse_opml(export.document_bytes or b"", limit=50)) == sorted(remaining)

    # friendly replies for bad settings
    assert "Did you mean Europe/Berlin" in world.command(chat, "/timezone Berlinn").plain_text
    assert "Time zone set to UTC+03:00" in world.command(chat, "/timezone UTC+3").plain_text  # not Etc/GMT-3
    assert "isn't a valid time of day" in world.command(chat, "/digest_time 25:00").plain_text
    assert "daily at 07:30" in world.command(chat, "/digest_time 7:30").plain_text
    assert "/digest off" in world.command(chat, "/digest later").plain_text
    assert "paused" in world.command(chat, "/digest off").plain_text
    assert "Daily digest on" in world.command(chat, "/digest on").plain_text
    assert not any("I don't know the command" in (m.plain_text or "") for m in fake_telegram.messages(chat))
    # a chat with no feeds: /digest on says how to get one instead of announcing a digest
    no_feeds = world.command(3002, "/digest on").plain_text
    assert "don't follow any feeds yet" in no_feeds and "Next digest" not in no_feeds


def test_in_groups_only_admins_change_the_digest(bot_process, fake_telegram, article_server, redis_url, tmp_path):
    world = DigestWorld(redis_url, fake_telegram, article_server, tmp_path)
    start = at(DAY, "06:00")
    world.set_clock(start)
    feed = world.feed("/feeds/g.xml", "Group Feed", items_before(start, "g", ["Council meets"]))
    bot_process(env=world.env())
    group, member = -4001, 4002

    refused = world.command(group, f"/subscribe {feed}", user_id=member, chat_type="group")
    assert "Only this group's admins" in refused.plain_text
    assert _subscriptions(redis_url, group) == []
    fake_telegram.set_admin(group, member)
    ok = world.command(group, f"/subscribe {feed}", user_id=member, chat_type="group")
    assert ok.plain_text.startswith("✅ Subscribed to Group Feed")
    assert _subscriptions(redis_url, group) == [feed]
    listing = world.command(group, "/subscriptions", user_id=4003, chat_type="group")  # anyone may look
    assert "Group Feed" in listing.plain_text
    assert len([d for d in listing.callback_data if isinstance(decode(d), Unsubscribe)]) == 1
