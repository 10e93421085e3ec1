"""Start-up check: is Redis there, and does it take our password? One line when it isn't."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import cast
from urllib.parse import urlsplit

import redis.asyncio as redis_async
from redis.exceptions import AuthenticationError, ResponseError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from bot.config import StartupError
from bot.net.reasons import network_reason


def safe_redis_url(url: str) -> str:
    """The URL without its user and password, for messages."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return parts._replace(netloc=host).geturl()


async def check_redis(client: redis_async.Redis, url: str) -> None:
    """PING once; raise StartupError (exit 2 for a wrong password, 1 when unreachable)."""
    where = safe_redis_url(url)
    try:
        await cast(Awaitable[bool], client.ping())
    except AuthenticationError:
        raise StartupError(f"Redis at {where} rejected the password: check REDIS_URL", exit_code=2) from None
    except ResponseError as exc:
        if "NOAUTH" not in str(exc):
            raise
        raise StartupError(
            f"Redis at {where} needs a password: put it in REDIS_URL (redis://:PASSWORD@host:6379/0)", exit_code=2
        ) from None
    except (RedisConnectionError, RedisTimeoutError, OSError) as exc:
        raise StartupError(
            f"can't reach Redis at {where}: {network_reason(exc)} — check REDIS_URL or start redis-server",
            exit_code=1,
        ) from exc


async def ping(client: redis_async.Redis) -> None:
    """One PING, for readiness checks (raises when Redis doesn't answer)."""
    await cast(Awaitable[bool], client.ping())
