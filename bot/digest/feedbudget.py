"""Total feed bytes per chat per UTC day (FEED_BYTES_PER_CHAT_DAY).

Feeds are shared, so a chat is charged its share of each feed it follows: the feed's bytes today
split among its followers. A popular feed costs each follower almost nothing; twenty private feeds
rotating megabytes of items cost their one follower everything. Past the limit the chat's feeds are
skipped until tomorrow — a feed is still polled while any of its followers is within the limit.

Only a feed whose share alone reaches limit / (feeds per chat) can put a chat over (the shares of
at most that many feeds add up to the chat's total), so only such heavy feeds look their
followers up, and a chat over the limit stops its own feeds: the look-ups stop with them.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime

from bot.net.urls import normalize_url
from bot.store.feedbytes import FeedBytesStore
from bot.store.subscriptions import SubscriptionStore

log = logging.getLogger(__name__)


class FeedByteBudget:
    def __init__(self, store: FeedBytesStore, subscriptions: SubscriptionStore, *, per_chat_day: int,
                 feeds_per_chat: int) -> None:  # fmt: skip
        self.store = store
        self.subscriptions = subscriptions
        self.per_chat_day = per_chat_day
        self.heavy_share = max(1, per_chat_day // max(1, feeds_per_chat))

    async def charge(self, url: str, size: int, now: datetime) -> None:
        """Count a feed fetch; a follower whose share passes the limit is stopped (logged once)."""
        if size <= 0:
            return
        total, followers = await self.store.add(normalize_url(url), size, now)
        if total // max(1, followers) < self.heavy_share:
            return
        for chat in await self.subscriptions.chats_following(url):
            if await self.store.is_over(chat, now):
                continue
            share = await self.store.chat_share(chat, now)
            if share >= self.per_chat_day and await self.store.mark_over(chat, now):
                log.warning("chat over its daily feed bytes, its feeds are skipped until tomorrow (UTC)",
                            extra={"chat_id": chat, "bytes": share, "limit": self.per_chat_day})  # fmt: skip

    async def is_over(self, chat_id: int, now: datetime) -> bool:
        return await self.store.is_over(chat_id, now)

    async def stopped_feeds(self, now: datetime) -> set[str]:
        """Identities of the feeds every follower of which is over the limit today."""
        over = await self.store.over_chats(now)
        if not over:
            return set()
        held: Counter[str] = Counter()
        for chat in over:
            held.update(await self.store.feeds_of(chat))
        followers = await self.store.followers(list(held))
        return {ident for ident, count in held.items() if count >= followers.get(ident, 0)}
