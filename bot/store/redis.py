"""The one way this code base opens a Redis client.

Short timeouts and few retries: a Redis outage must degrade the bot, not stall it. The stores
read text (``decode_responses``); the job queue (saq) decodes its own replies and needs bytes.
"""

from __future__ import annotations

import redis.asyncio as redis_async
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialWithJitterBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

SOCKET_TIMEOUT = 5.0
MAX_CONNECTIONS = 256


def connect(url: str, *, decode_responses: bool = True, longest_block: float = 0.0) -> redis_async.Redis:
    """A client with its own connection pool; share it, one per process and purpose.

    ``longest_block``: the longest blocking command the client sends (a queue's BLMOVE), so the
    socket timeout stays above it.
    """
    return redis_async.Redis.from_url(
        url,
        decode_responses=decode_responses,
        max_connections=MAX_CONNECTIONS,
        health_check_interval=30,
        socket_connect_timeout=2,
        socket_timeout=SOCKET_TIMEOUT + longest_block,
        retry=Retry(ExponentialWithJitterBackoff(base=0.05, cap=0.5), retries=2),
        retry_on_error=[RedisConnectionError, RedisTimeoutError],
    )
