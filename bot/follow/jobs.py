"""Followed stories on saq, next to the digest's queues and in the same processes.

* ``newsbot-follow-tick``: ``follow_tick`` as a CronJob every DIGEST_TICK_SECONDS (saq's fixed
  cron key: one tick per slot however many workers run). It only enqueues:
* ``newsbot-follow``: ``check_story(key)`` for each due story, job key ``followcheck:<story>``,
  and ``send_updates(chat_id)`` for each chat with updates ready, key ``followsend:<chat>``.

Job keys dedupe pending and running jobs across processes; the story's claim and its due time
(``FollowService.check``) make a late duplicate a no-op, so a story is fetched once per interval.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from saq import CronJob
from saq.types import Context

from bot.digest.jobs import (
    DEQUEUE_TIMEOUT,
    JOB_HEARTBEAT,
    SWEEP_EVERY,
    DigestQueue,
    HostedWorker,
    cron_expression,
    heartbeat,
    stop_workers,
)
from bot.follow.service import FollowService
from bot.store.redis import connect

log = logging.getLogger(__name__)

TICK_QUEUE = "newsbot-follow-tick"
WORK_QUEUE = "newsbot-follow"
CHECK_TIMEOUT = 120
SEND_TIMEOUT = 300
CONCURRENCY = 8


class FollowContext(Context, total=False):
    follow_jobs: FollowJobs


def _service(ctx: FollowContext) -> FollowService:
    return ctx["follow_jobs"].service


async def follow_tick(ctx: FollowContext) -> dict[str, int]:
    async with heartbeat(ctx["job"]):
        return await ctx["follow_jobs"].tick()


async def check_story(ctx: FollowContext, *, story: str) -> str:
    async with heartbeat(ctx["job"]):
        outcome = await _service(ctx).check(story)
    log.debug("check_story", extra={"key": str(story), "outcome": str(outcome)})
    return outcome


async def send_updates(ctx: FollowContext, *, chat_id: int) -> str:
    async with heartbeat(ctx["job"]):
        return await _service(ctx).deliver(chat_id)


class FollowJobs:
    def __init__(self, service: FollowService) -> None:
        self.service = service
        self.redis = connect(service.settings.redis_url, decode_responses=False, longest_block=DEQUEUE_TIMEOUT)
        self.tick_queue = DigestQueue(self.redis, name=TICK_QUEUE)
        self.work_queue = DigestQueue(self.redis, name=WORK_QUEUE)
        self.workers: list[HostedWorker] = []
        self._tasks: list[asyncio.Task[None]] = []

    async def tick(self) -> dict[str, int]:
        now = await self.service.clock.now()
        checks = await self._enqueue([dict(story=key, key=f"followcheck:{key}") for key in await self.service.due(now)],
                                     "check_story", timeout=CHECK_TIMEOUT, retries=1)  # fmt: skip
        sends = await self._enqueue(
            [dict(chat_id=chat, key=f"followsend:{chat}") for chat in await self.service.ready_chats(now)],
            "send_updates", timeout=SEND_TIMEOUT, retries=3, retry_delay=2.0,
        )  # fmt: skip
        if checks or sends:
            log.info("follow tick", extra={"now": now.isoformat(timespec="seconds"), "checks": checks, "sends": sends})
        return {"checks": checks, "sends": sends}

    async def _enqueue(self, jobs: list[dict[str, Any]], function: str, **options: Any) -> int:
        results = await asyncio.gather(*(
            self.work_queue.enqueue(function, heartbeat=JOB_HEARTBEAT, ttl=600, **job, **options)
            for job in jobs
        ))  # fmt: skip
        return sum(1 for job in results if job is not None)

    def _worker(self, queue: DigestQueue, functions: list[Any], concurrency: int,
                cron: list[CronJob[FollowContext]] | None = None) -> HostedWorker:  # fmt: skip
        worker = HostedWorker(
            queue, functions=functions, concurrency=concurrency, cron_jobs=cron,  # type: ignore[arg-type]
            timers={"schedule": 1, "sweep": SWEEP_EVERY, "abort": 1, "worker_info": 10},
            dequeue_timeout=DEQUEUE_TIMEOUT, shutdown_grace_period_s=2,
        )  # fmt: skip
        worker.context["follow_jobs"] = self  # type: ignore[typeddict-unknown-key]
        return worker

    async def start_workers(self) -> None:
        every = self.service.settings.digest_tick_seconds
        tick = CronJob(follow_tick, cron=cron_expression(every), timeout=CHECK_TIMEOUT, heartbeat=JOB_HEARTBEAT)
        self.workers = [
            self._worker(self.tick_queue, [], 1, [tick]),
            self._worker(self.work_queue, [check_story, send_updates], CONCURRENCY),
        ]
        for queue in (self.tick_queue, self.work_queue):
            await queue.connect()
        self._tasks = [asyncio.create_task(w.start(), name=f"saq-{w.queue.name}") for w in self.workers]
        log.info("follow workers started", extra={"queues": f"{TICK_QUEUE},{WORK_QUEUE}"})

    async def stop(self) -> None:
        await stop_workers(self.workers, self._tasks)
        self._tasks, self.workers = [], []
        for queue in (self.tick_queue, self.work_queue):
            with contextlib.suppress(Exception):
                await queue.disconnect()
