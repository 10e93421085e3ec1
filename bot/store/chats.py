"""Per-user and per-chat state: summary language, which article a message is about, the active
article of a chat and its question/answer history."""

from __future__ import annotations

import json
from collections.abc import Awaitable
from typing import cast

import redis.asyncio as redis_async

from bot.store.guard import RedisGuard
from bot.store.keys import PREFIX

MESSAGE_TTL = 7 * 24 * 3600
MAX_TURNS = 20


def language_key(user_id: int) -> str:
    return f"{PREFIX}:user:{user_id}:lang"


def message_key(chat_id: int, message_id: int) -> str:
    return f"{PREFIX}:msg:{chat_id}:{message_id}"


def active_key(chat_id: int) -> str:
    return f"{PREFIX}:active:{chat_id}"


def history_key(chat_id: int, article_key: str) -> str:
    return f"{PREFIX}:conv:{chat_id}:{article_key}"


class ChatStore:
    def __init__(self, redis: redis_async.Redis, guard: RedisGuard, *, conversation_ttl: int) -> None:
        self.redis = redis
        self.guard = guard
        self.conversation_ttl = conversation_ttl

    async def language(self, user_id: int) -> str | None:
        return await self.guard.call(lambda: self.redis.get(language_key(user_id)), None)

    async def set_language(self, user_id: int, code: str) -> bool:
        """False when Redis was unreachable and nothing was saved (so for every write below)."""
        return await self.guard.write(lambda: self.redis.set(language_key(user_id), code))

    async def clear_language(self, user_id: int) -> bool:
        return await self.guard.write(lambda: self.redis.delete(language_key(user_id)))

    async def link_message(self, chat_id: int, message_id: int, article_key: str) -> None:
        """Remember which article a bot message is about (for replies and buttons)."""
        await self.guard.call(
            lambda: self.redis.set(message_key(chat_id, message_id), article_key, ex=MESSAGE_TTL), None
        )

    async def article_of_message(self, chat_id: int, message_id: int) -> str | None:
        return await self.guard.call(lambda: self.redis.get(message_key(chat_id, message_id)), None)

    async def set_active(self, chat_id: int, article_key: str) -> None:
        await self.guard.call(
            lambda: self.redis.set(active_key(chat_id), article_key, ex=self.conversation_ttl), None
        )

    async def active(self, chat_id: int) -> str | None:
        return await self.guard.call(lambda: self.redis.get(active_key(chat_id)), None)

    async def clear_active(self, chat_id: int) -> None:
        await self.guard.call(lambda: self.redis.delete(active_key(chat_id)), None)

    async def first_time(self, chat_id: int, article_key: str, what: str) -> bool:
        """True the first time ``what`` happens in the chat's conversation about the article."""
        key = f"{history_key(chat_id, article_key)}:{what}"
        done = await self.guard.call(lambda: self.redis.set(key, "1", nx=True, ex=self.conversation_ttl), None)
        return bool(done)

    async def forget(self, chat_id: int) -> bool:
        """/new: drop the active article and its conversation."""

        async def op() -> None:
            current = await self.redis.get(active_key(chat_id))
            keys = [active_key(chat_id)]
            if current:
                keys.append(history_key(chat_id, current))
            await self.redis.delete(*keys)

        return await self.guard.write(op)

    async def history(self, chat_id: int, article_key: str) -> list[dict[str, str]]:
        key = history_key(chat_id, article_key)
        raw: list[str] = await self.guard.call(lambda: cast(Awaitable[list[str]], self.redis.lrange(key, 0, -1)), [])
        return [json.loads(item) for item in raw]

    async def add_turn(self, chat_id: int, article_key: str, question: str, answer: str) -> None:
        key = history_key(chat_id, article_key)
        turn = json.dumps({"q": question, "a": answer}, ensure_ascii=False)

        async def op() -> None:
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.rpush(key, turn)
                pipe.ltrim(key, -MAX_TURNS, -1)
                pipe.expire(key, self.conversation_ttl)
                await pipe.execute()

        await self.guard.call(op, None)
