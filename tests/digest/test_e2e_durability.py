"""An acknowledged /subscribe survives Redis being killed (kill -9) right after the reply (AOF on)."""

from __future__ import annotations

import asyncio

import pytest

from bot.store.redis import connect
from bot.store.subscriptions import SubscriptionStore
from tests.digest.e2e_support import DigestWorld, at, items_before

pytestmark = pytest.mark.e2e


def test_acknowledged_subscribe_survives_redis_kill(bot_process, fake_telegram, article_server, redis_aof, tmp_path):
    world = DigestWorld(redis_aof.url, fake_telegram, article_server, tmp_path)
    start = at("2026-03-02", "06:00")
    world.set_clock(start)
    feed = world.feed("/feeds/durable.xml", "Durable News", items_before(start, "d", ["Dam holds"]))
    bot_process(env=world.env(REDIS_URL=redis_aof.url))
    chats = list(range(5001, 5011))
    for chat in chats:  # each reply is sent only after the write was acknowledged by Redis
        assert world.command(chat, f"/subscribe {feed}").plain_text.startswith("✅ Subscribed")
    redis_aof.kill()  # SIGKILL right after the last acknowledgement
    redis_aof.restart()

    async def stored() -> dict[int, list[str]]:
        client = connect(redis_aof.url)
        try:
            store = SubscriptionStore(client)
            return {chat: [s.url for s in await store.list(chat)] for chat in chats}
        finally:
            await client.aclose()

    assert asyncio.run(stored()) == {chat: [feed] for chat in chats}
    # the running bot reconnects to the restarted server
    assert "Durable News" in world.command(chats[-1], "/subscriptions", timeout=20).plain_text
