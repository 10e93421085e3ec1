"""Redis state of digest runs and the small per-chat digest facts the subscription store doesn't keep.

A *run* is one digest for one chat: ``<chat>:<local day>`` for the scheduled one, or
``manual:<chat>:<id>`` for /digest. Exactly once per chat and local day works like this:

1. ``claim``: a Redis lock on ``claim:<run>`` — one worker at a time works on a run; the holder
   keeps the claim alive while it works, so a crashed worker's claim expires within CLAIM_TTL
   and the run is picked up again.
2. ``body``: the composed messages are stored once (``SET NX``) before the first send, so a
   resumed run sends the *same* digest, not a recomposed one.
3. ``parts``: after Telegram answered 200 for part *i*, ``HSET parts:<run> i <message id>``; a
   resumed run skips those. The only message that can go out twice is one in flight when a
   process died (sent, but not yet recorded).
4. After the last part: the chat's cutoff moves forward and ``SubscriptionStore.mark_digest_sent``
   records the day (compare-and-set), which is what the scheduler checks.

Keys (under PREFIX): ``digest:claim:<run>``, ``digest:body:<run>``, ``digest:parts:<run>``,
``digest:cutoff:<chat>`` (epoch seconds of the newest item time already covered),
``digest:lang:<chat>``, ``digest:empty:<chat>``, ``digest:llm:<utc day>``,
``digest:choice:<token>`` (feed choices offered with buttons), ``digest:entry:<story>:<lang>``,
``digest:shown:<chat>`` (keys of feed items a digest showed: stories a full digest left out
stay new until a page shows them).
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Awaitable
from datetime import date
from typing import Any, cast

import redis.asyncio as redis_async
from redis.asyncio.lock import Lock

from bot.models import Body
from bot.store.keys import PREFIX

CLAIM_TTL = 8.0  # seconds; kept alive every 2 s while the run works
RUN_TTL = 3 * 24 * 3600
CHOICE_TTL = 3600
SHOWN_TTL = 3 * 24 * 3600  # longer than a feed item is kept (bot.store.feeds.ITEM_TTL)


def scheduled_run(chat_id: int, day: date | str) -> str:
    return f"{chat_id}:{day if isinstance(day, str) else day.isoformat()}"


def manual_run(chat_id: int, request_id: str | int) -> str:
    return f"manual:{chat_id}:{request_id}"


def _k(*parts: object) -> str:
    return ":".join([PREFIX, "digest", *map(str, parts)])


# KEYS: cutoff; ARGV: value -> never moves backwards
_ADVANCE = """
local old = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > old then redis.call('SET', KEYS[1], ARGV[1]) end
return 1
"""
# KEYS: old keys..., new keys... (pairs); moves a key when the new one doesn't exist yet
_MOVE = """
local n = #KEYS / 2
for i = 1, n do
  if redis.call('EXISTS', KEYS[i]) == 1 then
    if redis.call('EXISTS', KEYS[n + i]) == 0 then redis.call('RENAME', KEYS[i], KEYS[n + i])
    else redis.call('DEL', KEYS[i]) end
  end
end
return 1
"""


class RunStore:
    def __init__(self, redis: redis_async.Redis) -> None:
        self.redis = redis
        self._advance = redis.register_script(_ADVANCE)
        self._move = redis.register_script(_MOVE)

    # -- claims -------------------------------------------------------------------------------

    def claim(self, run: str) -> Lock:
        """The run's exclusive claim, not yet taken: ``acquire()`` returns False while another worker
        holds it; the holder calls ``reacquire()`` to keep it alive, then ``release()``."""
        return Lock(self.redis, _k("claim", run), timeout=CLAIM_TTL, blocking=False, thread_local=False)

    # -- bodies and progress --------------------------------------------------------------------

    async def body(self, run: str) -> Body | None:
        raw = await self.redis.get(_k("body", run))
        return Body.loads(raw) if raw else None

    async def save_body(self, body: Body) -> Body:
        """Store the run's body unless one exists; returns the stored one (first writer wins)."""
        if await self.redis.set(_k("body", body.run), body.dumps(), nx=True, ex=RUN_TTL):
            return body
        stored = await self.body(body.run)
        return stored or body

    async def sent_parts(self, run: str) -> dict[int, int]:
        raw = await cast(Awaitable[dict[str, str]], self.redis.hgetall(_k("parts", run)))
        return {int(k): int(v) for k, v in raw.items()}

    async def part_sent(self, run: str, index: int, message_id: int) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(_k("parts", run), str(index), str(message_id))
            pipe.expire(_k("parts", run), RUN_TTL)
            await pipe.execute()

    # -- per-chat facts -------------------------------------------------------------------------

    async def cutoff(self, chat_id: int) -> float | None:
        raw = await self.redis.get(_k("cutoff", chat_id))
        return float(raw) if raw else None

    async def advance_cutoff(self, chat_id: int, value: float) -> None:
        await self._advance(keys=[_k("cutoff", chat_id)], args=[f"{value:.3f}"])

    async def shown(self, chat_id: int) -> set[str]:
        return set(await cast(Awaitable[set[str]], self.redis.smembers(_k("shown", chat_id))))

    async def mark_shown(self, chat_id: int, keys: list[str]) -> None:
        if not keys:
            return
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.sadd(_k("shown", chat_id), *keys)
            pipe.expire(_k("shown", chat_id), SHOWN_TTL)
            await pipe.execute()

    async def language(self, chat_id: int) -> str | None:
        return await self.redis.get(_k("lang", chat_id))

    async def set_language(self, chat_id: int, language: str) -> None:
        await self.redis.set(_k("lang", chat_id), language)

    async def empty_mode(self, chat_id: int) -> str | None:
        return await self.redis.get(_k("empty", chat_id))

    async def set_empty_mode(self, chat_id: int, mode: str) -> None:
        await self.redis.set(_k("empty", chat_id), mode)

    async def move_chat(self, old_chat_id: int, new_chat_id: int) -> None:
        """Carry the per-chat facts over when a group becomes a supergroup."""
        names = ("cutoff", "lang", "empty", "shown")
        keys = [_k(n, old_chat_id) for n in names] + [_k(n, new_chat_id) for n in names]
        await self._move(keys=keys, args=[])

    # -- LLM budget -----------------------------------------------------------------------------

    async def take_llm_budget(self, day: date, budget: int) -> bool:
        """Count one digest LLM summary for ``day`` (UTC); False once the day's budget is spent."""
        if budget <= 0:
            return False
        key = _k("llm", day.isoformat())
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.incr(key)
            pipe.expire(key, 3 * 24 * 3600)
            used, _ = await pipe.execute()
        return int(used) <= budget

    # -- choices offered with buttons -----------------------------------------------------------

    async def save_choice(self, options: list[dict[str, str]]) -> str:
        token = secrets.token_hex(6)
        await self.redis.set(_k("choice", token), json.dumps(options), ex=CHOICE_TTL)
        return token

    async def choice(self, token: str) -> list[dict[str, str]] | None:
        raw = await self.redis.get(_k("choice", token))
        return json.loads(raw) if raw else None

    # -- entry lines (one summary line per story and language, shared by all chats) --------------

    async def entry(self, story_key: str, language: str) -> dict[str, Any] | None:
        raw = await self.redis.get(_k("entry", story_key, language))
        return json.loads(raw) if raw else None

    async def save_entry(self, story_key: str, language: str, value: dict[str, Any], ttl: int) -> None:
        await self.redis.set(_k("entry", story_key, language), json.dumps(value, ensure_ascii=False), ex=ttl)
