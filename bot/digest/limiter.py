"""One send budget for every process and both kinds of sender: a Redis-held schedule of send slots
(GCRA), per-chat spacing and a shared "paused until" after a 429.

Two kinds of sender share it:

* **interactive** (replies to users, through ``bot.telegram.ratelimit``) reserve the next free slot
  ``1/rate`` seconds after the previous one (``send:tat``, the theoretical arrival time) and sleep
  until it. Slots are never reserved more than HORIZON ahead, so a pause or a crash wastes little.
* **background** (the digest fan-out) only take a slot that is free *now*, i.e. when no
  interactive sender has one reserved ahead, and at most ``background_rate`` per second overall
  (``send:bgtat``). A digest message thus delays a reply by at most one slot; while replies use
  the whole rate the digest waits.

Per chat (``send:chat:<id>``, a GCRA too): one message per CHAT_GAP seconds in private chats,
``group_per_minute`` in groups (negative ids). Interactive sends may burst up to ``chat_burst``
messages (a placeholder and its edit, a long summary's parts); background sends never burst. The
chat's schedule is moved on from the time Telegram *answered* (``sent``), so network jitter can't
bring two messages closer than the gap.

A 429 ``pause(retry_after)`` sets ``send:paused`` for everyone; reservations wait it out, and a
sender whose slot fell inside a pause that started after it reserved checks again before sending.
A sender that wakes up more than LATE after its slot (event loop busy) gives the slot up once
instead of sending late, so stalls never turn into bursts; and every send is logged (``send:log``)
just before it goes out, so no second ever holds more than one message over the rate, however late
senders are.

Senders of one process waiting for the shared rate queue locally, first come first served; only the
head of the queue asks Redis again, once per freed slot.

All times come from the Redis server (``TIME``), so processes on different hosts agree.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
import uuid

import redis.asyncio as redis_async

from bot.store.keys import PREFIX

log = logging.getLogger(__name__)

CHAT_GAP = 1.0  # Telegram: about one message per second per private chat
GROUP_WINDOW = 60.0  # Telegram's group limit is counted per minute
HORIZON = 1.0  # seconds of slots one may reserve ahead
LATE = 0.05  # a sender waking this much after its slot gives the slot up
WINDOW = 1.0  # Telegram counts the overall limit per second

TAT_KEY = f"{PREFIX}:send:tat"
BACKGROUND_TAT_KEY = f"{PREFIX}:send:bgtat"
PAUSED_KEY = f"{PREFIX}:send:paused"
SENT_LOG_KEY = f"{PREFIX}:send:log"  # when the sends of the last WINDOW went out (server time)
NO_CHAT_KEY = f"{PREFIX}:send:nochat"  # a placeholder for sends without a chat (inline answers)


def chat_key(chat_id: int | str) -> str:
    return f"{PREFIX}:send:chat:{chat_id}"


_NOW = "local t = redis.call('TIME') local now = tonumber(t[1]) * 1000000 + tonumber(t[2])\n"

# KEYS: tat, paused, chat, background tat
# ARGV: interval us, chat interval us (0: no chat), chat tolerance us, horizon us,
#       background (0|1), background interval us
# -> {1, wait us} reserved (send after wait) | {0, wait us, why} not reserved (wait, then ask again;
#    why: 1 the chat's own spacing, 0 the shared rate or a pause)
_RESERVE = _NOW + """
local paused = tonumber(redis.call('GET', KEYS[2]) or '0')
if paused > now then return {0, paused - now, 0} end
local chat_interval = tonumber(ARGV[2])
local chat_tat = now
if chat_interval > 0 then
  chat_tat = math.max(tonumber(redis.call('GET', KEYS[3]) or '0'), now)
  if chat_tat - now > tonumber(ARGV[3]) then return {0, chat_tat - now - tonumber(ARGV[3]), 1} end
end
local tat = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), now)
local slot = tat
if ARGV[5] == '1' then
  if tat > now then return {0, tat - now, 0} end
  local bg = tonumber(redis.call('GET', KEYS[4]) or '0')
  if bg > now then return {0, bg - now, 0} end
  redis.call('SET', KEYS[4], string.format('%.0f', now + tonumber(ARGV[6])), 'PX', 60000)
else
  if tat - now > tonumber(ARGV[4]) then return {0, tat - now - tonumber(ARGV[4]), 0} end
end
redis.call('SET', KEYS[1], string.format('%.0f', tat + tonumber(ARGV[1])), 'PX', 60000)
if chat_interval > 0 then
  local next_tat = math.max(chat_tat, slot) + chat_interval
  redis.call('SET', KEYS[3], string.format('%.0f', next_tat), 'PX', math.ceil((next_tat - now) / 1000) + 1000)
end
return {1, slot - now}
"""
# KEYS: paused, sent log; ARGV: window us, cap, member -> {0, 0} go (the send is logged) |
# {1, us} paused: queue again after | {2, us} the last window already holds ``cap`` sends: ask again after
_GO = _NOW + """
local paused = tonumber(redis.call('GET', KEYS[1]) or '0')
if paused > now then return {1, paused - now} end
local window = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', string.format('%.0f', now - window))
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[2]) then
  local oldest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
  return {2, math.max(tonumber(oldest[2]) + window - now, 1000)}
end
redis.call('ZADD', KEYS[2], now, ARGV[3])
redis.call('PEXPIRE', KEYS[2], math.ceil(window / 1000) + 1000)
return {0, 0}
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
# KEYS: chat; ARGV: chat interval us -> 1. The next message to the chat goes no sooner than one
# interval after Telegram answered this one.
_SENT = _NOW + """
local after = now + tonumber(ARGV[1])
if after > tonumber(redis.call('GET', KEYS[1]) or '0') then
  redis.call('SET', KEYS[1], string.format('%.0f', after), 'PX', math.ceil(tonumber(ARGV[1]) / 1000) + 1000)
end
return 1
"""


def _us(seconds: float) -> int:
    return int(seconds * 1_000_000)


class SendLimiter:
    """Telegram's send limits for one bot token, shared through Redis by every process.

    ``rate``: messages/s overall; ``background_rate``: the ceiling of background (digest) sends,
    which also only take slots interactive sends leave free; ``chat_burst``: messages an
    interactive sender may send to one chat back to back; ``group_per_minute``: messages per
    group and minute.
    """

    def __init__(
        self, redis: redis_async.Redis, rate: float, *, background_rate: float | None = None,
        chat_burst: int = 1, group_per_minute: int = 20,
    ) -> None:  # fmt: skip
        self.redis = redis
        self.rate = rate
        self.background_rate = min(background_rate or rate, rate)
        self.chat_burst = chat_burst
        # ``chat_burst`` messages at once plus one per interval must stay within the minute's count
        self.group_interval = GROUP_WINDOW / max(1, group_per_minute - chat_burst + 1)
        self._reserve = redis.register_script(_RESERVE)
        self._go = redis.register_script(_GO)
        # Slots are spaced 1/rate apart, but a sender may send a little after its slot (a busy loop,
        # the network), bunching with the next ones. The log of actual sends caps any second at the
        # rate, whatever the slots say: the margin to Telegram's ~30/s (SEND_RATE 28) is left for the
        # jitter between logging a send and Telegram receiving it.
        self.window_cap = math.floor(self.rate)
        self._pause = redis.register_script(_PAUSE)
        self._sent = redis.register_script(_SENT)
        # per kind (False: interactive, True: background): the senders of this process waiting for
        # the shared rate, first come first served
        self._queues = {False: asyncio.Lock(), True: asyncio.Lock()}

    def _chat_interval(self, chat_id: int | str | None) -> float:
        if chat_id is None:
            return 0.0
        is_group = isinstance(chat_id, str) or chat_id < 0  # "@name" chats are channels/supergroups
        return self.group_interval if is_group else CHAT_GAP

    async def acquire(self, chat_id: int | str | None, *, background: bool = False) -> None:
        """Return when a message to ``chat_id`` (None: no chat, e.g. an inline answer) may be sent
        now: a slot is reserved for it."""
        chat_interval = self._chat_interval(chat_id)
        burst = 1 if background else self.chat_burst
        args = [_us(1 / self.rate), _us(chat_interval), _us(chat_interval * (burst - 1)), _us(HORIZON),
                int(background), _us(1 / self.background_rate)]  # fmt: skip
        keys = [TAT_KEY, PAUSED_KEY, chat_key(chat_id) if chat_id is not None else NO_CHAT_KEY, BACKGROUND_TAT_KEY]
        gave_up = False
        while True:
            slot = await self._reserve_slot(keys, args, background)
            if slot is None:
                continue  # the chat's own spacing said wait (done): ask again
            reserved_at, wait = slot
            if wait > 0:
                await asyncio.sleep(wait)
                if time.monotonic() - (reserved_at + wait) > LATE and not gave_up:
                    # We woke up well after our slot (a stalled event loop, a GC pause): sending now
                    # would bunch with the senders of the next slots. Let the slot go and queue again
                    # (once: a loop that is *always* late shifts every send alike, without bursts).
                    gave_up = True
                    continue
            if await self._log_send():
                return
            # a 429 arrived after we reserved: our slot is void, queue again after the pause

    async def _log_send(self) -> bool:
        """Log this send in the last second's sends; False when a pause began meanwhile (after waiting
        it out). Waits while the last second already holds ``window_cap`` sends."""
        args: list[int | str] = [_us(WINDOW), self.window_cap, uuid.uuid4().hex]
        while True:
            verdict, wait_us = (int(v) for v in await self._go(keys=[PAUSED_KEY, SENT_LOG_KEY], args=args))
            if verdict == 0:
                return True
            await asyncio.sleep(wait_us / 1_000_000)
            if verdict == 1:
                return False

    async def _reserve_slot(self, keys: list[str], args: list[int], background: bool) -> tuple[float, float] | None:
        """Reserve a slot: (when reserved, seconds until it), or None after waiting out the chat's
        spacing. Waiting for the *shared* rate happens in this process's queue of its kind, in
        arrival order: only its head asks Redis, once per freed slot, instead of every waiting sender
        waking up to ask at the same moment (a herd that cost the loop more than the sends did)."""
        async with self._queues[background]:
            while True:
                reply = await self._reserve(keys=keys, args=args)
                now = time.monotonic()
                wait = int(reply[1]) / 1_000_000
                if int(reply[0]):
                    return now, wait
                if len(reply) > 2 and int(reply[2]):
                    break  # the chat's spacing, not the shared rate: don't hold up other chats
                await asyncio.sleep(wait)
        await asyncio.sleep(wait)
        return None

    async def pause(self, seconds: float) -> None:
        """Telegram said 429 retry_after: nobody sends for ``seconds``."""
        log.warning("telegram flood control: pausing all sends", extra={"pause_s": seconds})
        await self._pause(keys=[PAUSED_KEY], args=[f"{max(seconds, 0.1):.3f}"])

    async def sent(self, chat_id: int | str | None) -> None:
        """Telegram answered a message to ``chat_id``: its chat's spacing counts from now."""
        if chat_id is not None:
            interval = self._chat_interval(chat_id)
            await self._sent(keys=[chat_key(chat_id)], args=[_us(interval)])
