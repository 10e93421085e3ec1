"""The one rate limiter: shared by processes, refused hits free, and it says when to come back."""

from __future__ import annotations

import redis.asyncio as redis_async

from bot.store.guard import RedisGuard
from bot.store.limits import RateLimiter, Rule, chat_subject, user_subject


async def test_two_processes_share_one_limit_and_hear_when_to_retry(clients: list[redis_async.Redis]) -> None:
    one, two = (RateLimiter(c, RedisGuard()) for c in clients)
    rule = Rule("digest", 3, 3600.0)
    results = [await limiter.allow(rule, f"u1-{id(rule)}") for limiter in (one, two, one)]
    assert all(v.allowed for v in results)
    refused = await two.allow(rule, f"u1-{id(rule)}")
    assert not refused.allowed and 3590 <= refused.retry_after <= 3600
    assert (await one.allow(rule, f"u2-{id(rule)}")).allowed  # someone else is not limited by u1


async def test_a_refused_batch_costs_nothing_and_an_impossible_one_never_fits(clients: list[redis_async.Redis]) -> None:
    limiter = RateLimiter(clients[0], RedisGuard())
    rule = Rule("opml", 10, 60.0)
    assert (await limiter.allow(rule, f"u1-{id(rule)}", cost=8)).allowed
    assert not (await limiter.allow(rule, f"u1-{id(rule)}", cost=3)).allowed
    assert (await limiter.allow(rule, f"u1-{id(rule)}", cost=2)).allowed  # the refused 3 were not counted
    impossible = await limiter.allow(rule, f"u9-{id(rule)}", cost=11)
    assert not impossible.allowed and impossible.retry_after == 60


def test_people_and_chats_are_different_subjects() -> None:
    assert user_subject(42) != chat_subject(42)
