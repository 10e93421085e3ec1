"""The long-lived objects a running bot shares: settings, Redis, the fetcher, the engines.

Built once at start-up and closed at shutdown; the Telegram layer, the CLI and the digest worker
all get their collaborators from here, so there is one fetcher and one Redis pool per process.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import redis.asyncio as redis_async

from bot.config import Settings
from bot.digest.clock import Clock, SystemClock
from bot.digest.delivery import Transport
from bot.digest.entries import EntrySummarizer
from bot.digest.limiter import SendLimiter
from bot.digest.polling import FeedPoller
from bot.digest.service import DigestService
from bot.llm.client import LLM
from bot.net.fetch import Fetcher
from bot.pipeline import Pipeline
from bot.store.cache import Cache, Documents
from bot.store.chats import ChatStore
from bot.store.feeds import FeedStateStore, ItemStore
from bot.store.guard import RedisGuard
from bot.store.limits import RateLimiter
from bot.store.redis import connect
from bot.store.runs import RunStore
from bot.store.singleflight import SingleFlight
from bot.store.subscriptions import SubscriptionStore

log = logging.getLogger(__name__)


@dataclass
class Services:
    settings: Settings
    redis: redis_async.Redis
    guard: RedisGuard
    fetcher: Fetcher
    llm: LLM | None
    pipeline: Pipeline
    chats: ChatStore
    documents: Documents
    limits: RateLimiter
    # digest (bot/digest/): subscriptions are primary data; feed state and items are rebuildable
    subscriptions: SubscriptionStore
    feed_states: FeedStateStore
    items: ItemStore
    clock: Clock

    @classmethod
    def create(cls, settings: Settings, *, clock: Clock | None = None) -> Services:
        redis = connect(settings.redis_url)
        guard = RedisGuard()
        fetcher = Fetcher(settings)
        llm = LLM(settings) if settings.llm_enabled else None
        log.info("summary engine=%s", f"llm model={settings.llm_model}" if llm else "extractive (no LLM configured)")
        pipeline = Pipeline(settings, Cache(redis, guard), SingleFlight(redis, guard), fetcher, llm)
        return cls(
            settings=settings,
            redis=redis,
            guard=guard,
            fetcher=fetcher,
            llm=llm,
            pipeline=pipeline,
            chats=ChatStore(redis, guard, conversation_ttl=settings.conversation_ttl),
            documents=Documents(redis, guard, ttl=settings.conversation_ttl),
            limits=RateLimiter(redis, guard),
            subscriptions=SubscriptionStore(redis, limit=settings.digest_max_subscriptions),
            feed_states=FeedStateStore(redis),
            items=ItemStore(redis),
            clock=clock or SystemClock(),
        )

    async def aclose(self) -> None:
        await self.fetcher.aclose()
        if self.llm:
            await self.llm.aclose()
        await self.redis.aclose()


def build_digest(services: Services, transport: Transport | None) -> DigestService:
    """The digest service on this process's shared collaborators."""
    settings = services.settings
    pipeline = services.pipeline
    poller = FeedPoller(
        services.fetcher, items=services.items, states=services.feed_states, subscriptions=services.subscriptions,
        flight=pipeline.flight, interval=settings.digest_poll_interval, wait_timeout=settings.fetch_timeout + 10,
    )  # fmt: skip
    runs = RunStore(services.redis)
    summarizer = EntrySummarizer(
        pipeline, runs, daily_budget=settings.digest_llm_daily_budget,
        wait_timeout=settings.summary_deadline + settings.fetch_timeout,
    )  # fmt: skip
    return DigestService(
        settings, poller=poller, summarizer=summarizer, subscriptions=services.subscriptions, items=services.items,
        runs=runs, chats=services.chats, limiter=SendLimiter(services.redis, settings.digest_send_rate),
        clock=services.clock, transport=transport,
    )  # fmt: skip
