"""One send rate for every process: a Redis-held schedule of send slots (GCRA), a per-chat gap and
a shared "paused until" after a 429.

* Overall: each message reserves the next free slot ``1/rate`` seconds after the previous one
  (``send:tat``, the theoretical arrival time); the caller sleeps until its slot. Slots are never
  reserved more than HORIZON ahead, so a pause or a crash wastes little.
* Per chat: at least CHAT_GAP seconds between two messages to the same chat (``send:chat:<id>``
  holds the time of the last one, written after Telegram answered).
* 429: ``pause(retry_after)`` sets ``send:paused`` for everyone; reservations wait it out, and a
  sender whose slot fell inside a pause that started after it reserved checks again before sending.
* A sender that wakes up more than LATE after its slot (event loop busy) gives the slot up
  instead of sending late, so stalls never turn into bursts.

All times come from the Redis server (``TIME``), so processes on different hosts agree.
"""

from __future__ import annotations

import asyncio
import logging
import time

import redis.asyncio as redis_async

from bot.store.keys import PREFIX

log = logging.getLogger(__name__)

CHAT_GAP = 1.0  # Telegram: about one message per second per chat
HORIZON = 1.0  # seconds of slots one may reserve ahead
LATE = 0.05  # a sender waking this much after its slot gives the slot up

TAT_KEY = f"{PREFIX}:send:tat"
PAUSED_KEY = f"{PREFIX}:send:paused"


def chat_key(chat_id: int) -> str:
    return f"{PREFIX}:send:chat:{chat_id}"


_NOW = "local t = redis.call('TIME') local now = tonumber(t[1]) * 1000000 + tonumber(t[2])\n"

# KEYS: tat, paused, chat; ARGV: interval us, chat gap us, horizon us
# -> {1, wait us} reserved (send after wait) | {0, wait us} not reserved (wait, then ask again)
_RESERVE = _NOW + """
local paused = tonumber(redis.call('GET', KEYS[2]) or '0')
if paused > now then return {0, paused - now} end
local ready = tonumber(redis.call('GET', KEYS[3]) or '0') + tonumber(ARGV[2])
if ready > now then return {0, ready - now} end
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
if tat - now > tonumber(ARGV[3]) then return {0, tat - now - tonumber(ARGV[3])} end
redis.call('SET', KEYS[1], string.format('%.0f', tat + tonumber(ARGV[1])), 'PX', 60000)
return {1, tat - now}
"""
# KEYS: paused -> us left in the pause (0 when not paused)
_PAUSED = _NOW + """
local paused = tonumber(redis.call('GET', KEYS[1]) or '0')
if paused > now then return paused - now end
return 0
"""
# KEYS: paused; ARGV: seconds -> 1
_PAUSE = _NOW + """
local until_ = now + tonumber(ARGV[1]) * 1000000
local old = tonumber(redis.call('GET', KEYS[1]) or '0')
if until_ > old then
  redis.call('SET', KEYS[1], string.format('%.0f', until_), 'PX', math.ceil(tonumber(ARGV[1]) * 1000) + 1000)
end
return 1
"""
# KEYS: chat -> 1
_SENT = _NOW + "redis.call('SET', KEYS[1], string.format('%.0f', now), 'PX', 5000) return 1"


class SendLimiter:
    def __init__(self, redis: redis_async.Redis, rate: float, *, chat_gap: float = CHAT_GAP) -> None:
        self.redis = redis
        self.rate = rate
        self.chat_gap = chat_gap
        self._reserve = redis.register_script(_RESERVE)
        self._paused = redis.register_script(_PAUSED)
        self._pause = redis.register_script(_PAUSE)
        self._sent = redis.register_script(_SENT)

    async def acquire(self, chat_id: int) -> None:
        """Return when a message to ``chat_id`` may be sent now (a slot is reserved for it)."""
        interval = int(1_000_000 / self.rate)
        args = [interval, int(self.chat_gap * 1_000_000), int(HORIZON * 1_000_000)]
        keys = [TAT_KEY, PAUSED_KEY, chat_key(chat_id)]
        gave_up = False
        while True:
            reserved, wait_us = await self._reserve(keys=keys, args=args)
            slot = time.monotonic() + int(wait_us) / 1_000_000
            if wait_us > 0:
                await asyncio.sleep(int(wait_us) / 1_000_000)
            if not int(reserved):
                continue
            if time.monotonic() - slot > LATE and not gave_up:
                # We woke up well after our slot (a stalled event loop, a GC pause): sending now
                # would bunch with the senders of the next slots. Let the slot go and queue again
                # (once: a loop that is *always* late shifts every send alike, without bursts).
                gave_up = True
                continue
            left = int(await self._paused(keys=[PAUSED_KEY]))
            if left <= 0:
                return
            # a 429 arrived after we reserved: our slot is void, queue again after the pause
            await asyncio.sleep(left / 1_000_000)

    async def pause(self, seconds: float) -> None:
        """Telegram said 429 retry_after: nobody sends for ``seconds``."""
        log.warning("telegram flood control: pausing all digest sends seconds=%.1f", seconds)
        await self._pause(keys=[PAUSED_KEY], args=[f"{max(seconds, 0.1):.3f}"])

    async def sent(self, chat_id: int) -> None:
        await self._sent(keys=[chat_key(chat_id)])
