"""The composition root: the long-lived objects a process shares, wired together once.

``Services`` holds the infrastructure (settings, Redis, the fetcher, the LLM client, the pipeline,
the stores), built at start-up and closed at shutdown, so there is one fetcher and one Redis pool
per process. ``build_digest`` makes the digest service on top of it, and ``build_app`` the
application services (``bot.app``) that the Telegram edge calls: the edge sees only those.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import redis.asyncio as redis_async

from bot import cpu, metrics
from bot.app import AppServices
from bot.app.access import Access
from bot.app.conversations import Conversations
from bot.app.digests import Digests
from bot.app.follows import Follows
from bot.app.inline import InlineSummaries
from bot.app.preferences import Preferences
from bot.app.stats import Stats
from bot.app.subscriptions import Subscriptions
from bot.app.summaries import Summaries
from bot.config import Settings
from bot.digest.clock import Clock, SystemClock
from bot.digest.delivery import Courier, Transport
from bot.digest.entries import EntrySummarizer
from bot.digest.feedbudget import FeedByteBudget
from bot.digest.limiter import SendLimiter
from bot.digest.polling import FeedPoller
from bot.digest.service import DigestService, Translate, WordsFor
from bot.follow.service import FollowService, Render
from bot.llm.client import LLM
from bot.llm.probe import warn_if_unusable
from bot.net import sites
from bot.net.fetch import Fetcher
from bot.pipeline import Pipeline
from bot.store.cache import Cache, Documents
from bot.store.chats import ChatStore
from bot.store.daily import DailyStats
from bot.store.feedbytes import FeedBytesStore
from bot.store.feeds import FeedStateStore, ItemStore
from bot.store.follows import FollowStore
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
    runs: RunStore
    poller: FeedPoller
    clock: Clock
    daily: DailyStats  # today's figures in Redis (/stats, the LLM budgets)
    follows: FollowStore  # followed stories (bot/follow/)

    @classmethod
    def create(cls, settings: Settings, *, clock: Clock | None = None, shared_cache: bool = True) -> Services:
        """``shared_cache=False``: caches, single-flight and rate limits never touch Redis."""
        cpu.configure(
            cpu.PoolSettings(settings.cpu_workers, settings.cpu_queue, settings.cpu_job_timeout, settings.cpu_nice)
        )
        redis = connect(settings.redis_url)
        guard = RedisGuard() if shared_cache else RedisGuard.off()
        daily = DailyStats(redis)
        metrics.install_sink(daily if shared_cache else None)
        fetcher = Fetcher(settings)
        llm = LLM(settings) if settings.llm_enabled else None
        log.info("summary engine", extra={"engine": "llm", "model": settings.llm_model} if llm else
                 {"engine": "extractive", "detail": "no LLM configured"})
        pipeline = Pipeline(settings, Cache(redis, guard), SingleFlight(redis, guard), fetcher, llm)
        subscriptions = SubscriptionStore(redis, limit=settings.digest_max_subscriptions)
        feed_states, items = FeedStateStore(redis), ItemStore(redis)
        poller = FeedPoller(
            fetcher, items=items, states=feed_states, subscriptions=subscriptions, flight=pipeline.flight,
            interval=settings.digest_poll_interval, wait_timeout=settings.fetch_timeout + 10,
            budget=FeedByteBudget(FeedBytesStore(redis), subscriptions,
                                  per_chat_day=settings.digest_feed_bytes_per_chat_day,
                                  feeds_per_chat=settings.digest_max_subscriptions),
        )  # fmt: skip
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
            subscriptions=subscriptions,
            feed_states=feed_states,
            items=items,
            runs=RunStore(redis),
            poller=poller,
            clock=clock or SystemClock(),
            daily=daily,
            follows=FollowStore(redis, limit=settings.follow_max_per_chat),
        )

    def warm(self) -> None:
        """First-use work of libraries, done at start-up (in a thread) instead of on the event loop
        while a user waits for the first link's summary."""
        sites.warm()
        if self.llm is not None:
            self.llm.warm()

    async def warn_if_llm_unusable(self) -> None:
        """One warning line at start-up when the configured LLM can't be used (never an exit)."""
        if self.llm is not None:
            await warn_if_unusable(self.llm)

    async def aclose(self) -> None:
        metrics.install_sink(None)
        await self.daily.flush()
        await self.fetcher.aclose()
        if self.llm:
            await self.llm.aclose()
        await self.redis.aclose()
        cpu.shutdown()


def send_limiter(settings: Settings, redis: redis_async.Redis) -> SendLimiter:
    """The one send budget of this bot token (replies and digests), on ``redis``."""
    return SendLimiter(redis, settings.send_rate, background_rate=settings.digest_send_rate,
                       chat_burst=settings.send_chat_burst, group_per_minute=settings.send_group_per_minute)


def build_digest(
    services: Services, transport: Transport | None, words: WordsFor | None = None, translate: Translate | None = None
) -> DigestService:
    """The digest service on this process's shared collaborators; ``words`` and ``translate`` put
    its texts in each chat's language (the Telegram edge's catalog)."""
    settings = services.settings
    summarizer = EntrySummarizer(
        services.pipeline, services.runs, daily_budget=settings.digest_llm_daily_budget,
        wait_timeout=settings.summary_deadline + settings.fetch_timeout,
    )  # fmt: skip
    return DigestService(
        settings, poller=services.poller, summarizer=summarizer, subscriptions=services.subscriptions,
        items=services.items, runs=services.runs, chats=services.chats,
        limiter=send_limiter(settings, services.redis), clock=services.clock, transport=transport, words=words,
        translate=translate,
    )  # fmt: skip


def build_follow(services: Services, transport: Transport | None, render: Render | None) -> FollowService:
    """The follow service (re-checks and updates of followed stories) on the shared collaborators."""
    settings = services.settings
    courier = None
    if transport is not None:
        courier = Courier(send_limiter(settings, services.redis), transport, services.subscriptions, services.runs)
    return FollowService(
        settings, store=services.follows, pipeline=services.pipeline, subscriptions=services.subscriptions,
        chats=services.chats, clock=services.clock, courier=courier, render=render,
    )  # fmt: skip


def build_app(services: Services, digest: DigestService, follow: FollowService) -> AppServices:
    """The application services the Telegram edge calls, on this process's shared collaborators."""
    settings = services.settings
    summaries = Summaries(services.pipeline, services.limits, deadline=settings.summary_deadline,
                          links_per_minute=settings.links_per_minute)
    return AppServices(
        access=Access(settings),
        preferences=Preferences(services.chats, translates=services.llm is not None),
        summaries=summaries,
        conversations=Conversations(services.chats, services.documents, services.pipeline, services.limits,
                                    services.llm, settings),
        subscriptions=Subscriptions(services.subscriptions, services.poller, services.runs, services.clock,
                                    services.limits, settings, services.guard),
        digests=Digests(digest, services.subscriptions, services.runs, services.clock, services.guard,
                        services.limits, per_hour=settings.digests_per_hour),
        stats=Stats(services.daily, settings),
        inline=InlineSummaries(summaries),
        follows=Follows(follow, services.limits, per_minute=settings.links_per_minute),
    )  # fmt: skip
