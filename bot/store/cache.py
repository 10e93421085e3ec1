"""Article, summary and failure caches (Redis, JSON values, every entry with a TTL)."""

from __future__ import annotations

import json

import redis.asyncio as redis_async

from bot.errors import NewsbotError
from bot.models import Article, Summary
from bot.store.guard import RedisGuard
from bot.store.keys import PREFIX

URL_TTL = 7 * 24 * 3600
FIRST_HASH_TTL = 7 * 24 * 3600


def article_key(url_key: str) -> str:
    return f"{PREFIX}:article:{url_key}"


def failure_key(url_key: str) -> str:
    return f"{PREFIX}:fail:{url_key}"


def url_key_key(url_key: str) -> str:
    return f"{PREFIX}:url:{url_key}"


def refresh_key(url_key: str) -> str:
    return f"{PREFIX}:refreshed:{url_key}"


def summary_key(text_hash: str, version: str, model: str, language: str) -> str:
    return f"{PREFIX}:summary:{text_hash}:{version}:{model}:{language}"


def first_hash_key(story: str) -> str:
    return f"{PREFIX}:firsthash:{story}"


class CachedFailure(NewsbotError):
    """A recent failure for the same URL, replayed from the negative cache."""


class Cache:
    def __init__(self, redis: redis_async.Redis, guard: RedisGuard) -> None:
        self.redis = redis
        self.guard = guard

    async def get_article(self, url_key: str) -> Article | None:
        raw = await self.guard.call(lambda: self.redis.get(article_key(url_key)), None)
        return Article.model_validate_json(raw) if raw else None

    async def put_article(self, url_keys: list[str], article: Article, ttl: int) -> None:
        data = article.model_dump_json()

        async def op() -> None:
            async with self.redis.pipeline(transaction=False) as pipe:
                for key in dict.fromkeys(url_keys):
                    pipe.set(article_key(key), data, ex=ttl)
                    pipe.delete(failure_key(key))
                await pipe.execute()

        await self.guard.call(op, None)

    async def claim_refresh(self, url_key: str, interval: int) -> bool:
        """Whether the article may be fetched again now; True at most once per ``interval`` seconds
        whoever asks, and then its cached copy (and failure) is dropped so the next lookup fetches.
        Without Redis: no (the cached copy is served)."""

        async def op() -> bool:
            if interval > 0 and not await self.redis.set(refresh_key(url_key), 1, ex=interval, nx=True):
                return False
            await self.redis.delete(article_key(url_key), failure_key(url_key))
            return True

        return await self.guard.call(op, False)

    async def get_failure(self, url_key: str) -> CachedFailure | None:
        raw = await self.guard.call(lambda: self.redis.get(failure_key(url_key)), None)
        if not raw:
            return None
        data = json.loads(raw)
        return CachedFailure(data["reason"], code=data["code"], detail="negative cache", params=data.get("params"))

    async def put_failure(self, url_key: str, error: NewsbotError, ttl: int) -> None:
        if ttl <= 0:
            return
        data = json.dumps({"code": error.code, "reason": error.reason, "params": error.params})
        await self.guard.call(lambda: self.redis.set(failure_key(url_key), data, ex=ttl), None)

    async def remember_url(self, url_key: str, url: str) -> None:
        """Callback buttons carry a short key; this maps it back to the URL."""
        await self.guard.call(lambda: self.redis.set(url_key_key(url_key), url, ex=URL_TTL), None)

    async def url_for(self, url_key: str) -> str | None:
        return await self.guard.call(lambda: self.redis.get(url_key_key(url_key)), None)

    async def get_summary(self, key: str) -> Summary | None:
        raw = await self.guard.call(lambda: self.redis.get(key), None)
        return Summary.model_validate_json(raw) if raw else None

    async def put_summary(self, key: str, summary: Summary, ttl: int) -> None:
        await self.guard.call(lambda: self.redis.set(key, summary.model_dump_json(), ex=ttl), None)

    async def changed_since_first(self, story: str, text_hash: str) -> bool:
        """Record the first text seen for a story; True when this text differs from it."""

        async def op() -> bool:
            key = first_hash_key(story)
            await self.redis.set(key, text_hash, ex=FIRST_HASH_TTL, nx=True)
            first = await self.redis.get(key)
            return bool(first) and first != text_hash

        return await self.guard.call(op, False)


def document_key(article_key: str) -> str:
    return f"{PREFIX}:doc:{article_key}"


class Documents:
    """Articles kept for as long as people may ask about them (longer than the fetch cache)."""

    def __init__(self, redis: redis_async.Redis, guard: RedisGuard, *, ttl: int) -> None:
        self.redis = redis
        self.guard = guard
        self.ttl = ttl

    async def put(self, article_key: str, article: Article) -> None:
        data = article.model_dump_json()
        await self.guard.call(lambda: self.redis.set(document_key(article_key), data, ex=self.ttl), None)

    async def get(self, article_key: str) -> Article | None:
        raw = await self.guard.call(lambda: self.redis.get(document_key(article_key)), None)
        return Article.model_validate_json(raw) if raw else None
