"""Today's figures in Redis: every process adds to the same totals, a new UTC day starts at zero."""

from __future__ import annotations

from bot import metrics
from bot.store.daily import DailyStats
from bot.store.redis import connect


async def test_two_processes_add_up_and_days_are_kept_apart(redis_url: str) -> None:
    day = ["2026-03-01"]
    clients = [connect(redis_url) for _ in range(2)]
    replicas = [DailyStats(client, today=lambda: day[0]) for client in clients]
    try:
        for replica, user in zip(replicas, (1, 2), strict=True):
            replica.saw_user(user)
            replica.saw_user(1)
            replica.add("summaries")
            replica.add("llm_tokens", 700, user=user)
            replica.add("llm_cost", 0.25)
        for replica in replicas:
            await replica.flush()
        figures = await replicas[0].figures()
        assert figures.users == 2
        assert figures["summaries"] == 2 and figures["llm_cost"] == 0.5
        assert await replicas[1].tokens_used(1) == (700, 1400)

        day[0] = "2026-03-02"
        assert await replicas[0].tokens_used(1) == (0, 0)
        assert (await replicas[0].figures()).users == 0
        assert (await replicas[0].figures("2026-03-01"))["summaries"] == 2
    finally:
        for client in clients:
            await client.aclose()


async def test_metrics_helpers_feed_the_installed_sink(redis_url: str) -> None:
    client = connect(redis_url)
    daily = DailyStats(client)
    metrics.install_sink(daily)
    token = metrics.acting_user.set(42)
    try:
        metrics.cache(hit=True)
        metrics.cache(hit=False)
        metrics.replied("summary")
        metrics.replied("paywall")
        metrics.llm_tokens("m", 30, 12, 0.001)
        await daily.flush()
        figures = await daily.figures()
        assert figures.cache_hit_rate == 0.5
        assert figures["summaries"] == 1 and figures["errors"] == 1
        assert await metrics.tokens_used(42) == (42, 42)
    finally:
        metrics.acting_user.reset(token)
        metrics.install_sink(None)
        await client.aclose()
    assert await metrics.tokens_used(42) == (0, 0)  # no sink: nothing to read, nothing refused
