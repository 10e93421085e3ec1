"""``newsbot worker``: an extra digest worker process (feed polls and digest sends, no updates).

Run as many as you like next to the bot (``DIGEST_WORKER=true`` already runs one inside it); they
share the work through Redis. SIGTERM/SIGINT stop it after the running jobs get a short grace.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
import time
from functools import partial
from pathlib import Path

from bot.config import Settings
from bot.digest.clock import Clock
from bot.digest.jobs import DigestJobs
from bot.follow.jobs import FollowJobs
from bot.metrics.server import OpsServer, start_ops_server
from bot.services import Services, build_digest, build_follow
from bot.store.reachable import check_redis, ping
from bot.telegram.app import HEARTBEAT_EVERY
from bot.telegram.catalog import digest_words, reason
from bot.telegram.digest_sender import TelegramTransport
from bot.telegram.follow_view import render_updates
from bot.telegram.startup import telegram_startup_errors

log = logging.getLogger(__name__)


async def run_worker(settings: Settings, *, clock: Clock | None = None) -> int:
    if not settings.telegram_bot_token:
        print("newsbot: TELEGRAM_BOT_TOKEN is not set; the worker sends digests with it.", file=sys.stderr)
        return 2
    services = Services.create(settings, clock=clock)
    transport = TelegramTransport(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    jobs: DigestJobs | None = None
    follow_jobs: FollowJobs | None = None
    heartbeat: asyncio.Task[None] | None = None
    ops: OpsServer | None = None
    try:
        with telegram_startup_errors(settings.telegram_api_url):
            await transport.start()
        await check_redis(services.redis, settings.redis_url)
        await services.warn_if_llm_unusable()
        jobs = DigestJobs(build_digest(services, transport, digest_words, reason))
        await jobs.start_workers()
        follow_jobs = FollowJobs(build_follow(services, transport, render_updates))
        await follow_jobs.start_workers()
        heartbeat = asyncio.create_task(_beat(settings.heartbeat_file))
        ops = start_ops_server(settings.metrics_port, settings.metrics_listen,
                               {"redis": partial(ping, services.redis), "telegram": transport.bot.get_me})  # fmt: skip
        log.info("digest worker running")
        await stop.wait()
    finally:
        log.info("digest worker stopping")
        if heartbeat is not None:
            heartbeat.cancel()
        if ops is not None:
            ops.stop()
        if jobs is not None:
            await jobs.stop()
        if follow_jobs is not None:
            await follow_jobs.stop()
        await transport.close()
        await services.aclose()
    return 0


async def _beat(path: str) -> None:
    """The same heartbeat file as the bot's, so `newsbot healthcheck` serves both process kinds."""
    while True:
        Path(path).write_text(str(time.time()))  # noqa: ASYNC240 - a few bytes to a local file
        await asyncio.sleep(HEARTBEAT_EVERY)
