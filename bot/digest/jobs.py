"""The digest on saq (Redis job queue): a cron tick, feed polls and per-chat sends.

Three queues, so one kind of work never waits behind another:

* ``newsbot-digest-tick``: ``digest_tick`` as a saq CronJob every DIGEST_TICK_SECONDS. saq
  enqueues it under the fixed key ``cron:digest_tick``, so however many workers run, one tick
  runs per slot (and ticks never overlap). The tick only enqueues work:
* ``newsbot-digest-feeds``: ``poll_feed(url)`` for each distinct feed that is due, key
  ``poll:<feed>`` (the poll itself is also single-flight and skips fresh feeds);
* ``newsbot-digest-send``: ``send_digest(chat_id, day)`` for each chat whose digest is due,
  key ``digest:<chat>:<day>``, plus ``send_notice`` jobs. Send jobs heartbeat while they run;
  a worker that dies mid-job leaves a job that saq's sweep retries within seconds.

Keys only dedupe while a job is pending or running: exactly-once per chat and day comes from the
run state in ``bot.store.runs`` (claim, stored body, sent parts, mark-sent after the 200s).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import signal
from collections.abc import AsyncIterator
from typing import Any

from saq import CronJob, Worker
from saq.queue.redis import RedisQueue
from saq.types import Context

from bot import metrics
from bot.digest.quiet import SAQ_LOGGER, QuietOutages
from bot.digest.service import DigestService
from bot.net.urls import url_key
from bot.store.guard import OUTAGE_ERRORS
from bot.store.redis import connect

log = logging.getLogger(__name__)

TICK_QUEUE = "newsbot-digest-tick"
FEEDS_QUEUE = "newsbot-digest-feeds"
SEND_QUEUE = "newsbot-digest-send"

TICK_TIMEOUT = 600
POLL_TIMEOUT = 120
JOB_HEARTBEAT = 10  # ticks and polls touch their job every 2 s; a dead worker's job is swept soon
SEND_TIMEOUT = 900  # composing (LLM) plus waiting for send slots and 429 pauses
SEND_HEARTBEAT = 8  # DigestService touches running jobs every 2 s; silent this long = worker dead
SWEEP_EVERY = 3  # how often stuck jobs (dead workers) are looked for
SWEEP_ABORT_WAIT = 0.2  # saq waits this long per stuck job for its (dead) worker to confirm the abort
DEQUEUE_TIMEOUT = 3  # below the Redis socket timeout
FEED_CONCURRENCY = 8
ENQUEUE_BATCH = 200
QUEUE_SAMPLE_EVERY = 2.0  # seconds between readings of the queue depths (a metric: newsbot_queue_jobs)


def cron_expression(seconds: int) -> str:
    """A saq/croniter expression firing every ``seconds`` (seconds is the 6th field)."""
    if seconds < 60:
        return "* * * * * *" if seconds == 1 else f"* * * * * */{seconds}"
    minutes = seconds // 60
    return "* * * * *" if minutes == 1 else f"*/{minutes} * * * *"


def send_concurrency(rate: float) -> int:
    # Send jobs mostly wait for their slot; enough of them keep the shared rate busy.
    return max(8, min(64, math.ceil(rate / 2)))


class DigestQueue(RedisQueue):
    """saq's Redis queue, sweeping dead workers' jobs faster.

    saq's sweep aborts each stuck job and then waits up to ``abort`` seconds (5) for the worker
    running it to confirm, one job after another; a SIGKILLed worker never confirms, so its N
    running jobs would come back one every 5 s. ``Worker`` calls ``queue.sweep(lock)`` without
    ``abort`` and offers no setting for it, so this override is the only way to shorten the wait.
    A running job here is only "stuck" after SEND_HEARTBEAT seconds without a heartbeat, and a job
    running twice is harmless (the run claim), so a short wait is enough.
    """

    async def sweep(self, lock: int = 60, abort: float = SWEEP_ABORT_WAIT) -> list[str]:
        return await super().sweep(lock, abort=min(abort, SWEEP_ABORT_WAIT))


class HostedWorker(Worker["JobContext"]):
    """A saq worker inside a host process (PTB, or ``newsbot worker``) that owns the signals.

    saq installs SIGINT/SIGTERM handlers for every worker in ``SIGNALS`` and removes them when it
    stops, which would also remove the host's; the host stops the workers with ``stop()``.
    """

    SIGNALS: list[signal.Signals] = []  # noqa: RUF012 (saq declares it a plain attribute)


# -- job functions (saq finds them by __qualname__) ----------------------------------------------


class JobContext(Context, total=False):
    digest_jobs: DigestJobs


def _jobs(ctx: JobContext) -> DigestJobs:
    return ctx["digest_jobs"]


@contextlib.asynccontextmanager
async def heartbeat(job: Any) -> AsyncIterator[None]:
    """Touch the saq job every 2 s while it runs (jobs are enqueued with a heartbeat timeout)."""

    async def beat() -> None:
        while True:
            await asyncio.sleep(2)
            with contextlib.suppress(Exception):
                await job.update()

    task = asyncio.create_task(beat())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def digest_tick(ctx: JobContext) -> dict[str, int]:
    async with heartbeat(ctx["job"]):
        return await _jobs(ctx).tick()


async def poll_feed(ctx: JobContext, *, url: str) -> None:
    service = _jobs(ctx).service
    async with heartbeat(ctx["job"]):
        await service.poller.refresh(url, await service.clock.now())


async def send_digest(ctx: JobContext, *, chat_id: int, day: str) -> str:
    job = ctx["job"]
    outcome = await _jobs(ctx).service.run_scheduled(chat_id, day, touch=job.update)
    log.debug("send_digest", extra={"chat_id": chat_id, "day": day, "outcome": outcome})
    return outcome


async def send_notice(ctx: JobContext, *, chat_id: int, text: str) -> bool:
    return await _jobs(ctx).service.send_notice(chat_id, text)


async def stop_workers(workers: list[Any], tasks: list[asyncio.Task[Any]]) -> None:
    """Stop saq workers and the tasks running them. Worker.stop gives running jobs the grace
    period, then cancels them, and start() returns; a task that still hangs is cancelled."""
    await asyncio.gather(*(worker.stop() for worker in workers), return_exceptions=True)
    if tasks:
        await asyncio.wait(tasks, timeout=10)
    for task in tasks:
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task


class DigestJobs:
    """Queues (always) and workers (``start_workers``) of one process."""

    def __init__(self, service: DigestService) -> None:
        self.service = service
        # saq decodes replies itself (bytes); one client, one pool for the three queues
        self.redis = connect(service.settings.redis_url, decode_responses=False, longest_block=DEQUEUE_TIMEOUT)
        self.tick_queue = DigestQueue(self.redis, name=TICK_QUEUE)
        self.feeds_queue = DigestQueue(self.redis, name=FEEDS_QUEUE)
        self.send_queue = DigestQueue(self.redis, name=SEND_QUEUE)
        self.workers: list[HostedWorker] = []
        self._tasks: list[asyncio.Task[None]] = []
        self.quiet = QuietOutages(self.redis)
        self._watcher: asyncio.Task[None] | None = None
        self._sampler: asyncio.Task[None] | None = None
        service.queue_notices = self.enqueue_notices

    @property
    def queues(self) -> list[DigestQueue]:
        return [self.tick_queue, self.feeds_queue, self.send_queue]

    # -- enqueueing ---------------------------------------------------------------------------------

    async def tick(self) -> dict[str, int]:
        now = await self.service.clock.now()
        feeds = await self.service.due_feeds(now)
        polls = await self._enqueue_many(
            self.feeds_queue,
            [dict(url=url, key=f"poll:{url_key(url)}") for url in feeds],
            "poll_feed", timeout=POLL_TIMEOUT, heartbeat=JOB_HEARTBEAT, retries=1, ttl=300,
        )  # fmt: skip
        due = await self.service.due_digests(now)
        sends = await self._enqueue_many(
            self.send_queue,
            [dict(chat_id=chat, day=day, key=f"digest:{chat}:{day}") for chat, day in due],
            "send_digest", timeout=SEND_TIMEOUT, heartbeat=SEND_HEARTBEAT, retries=5, retry_delay=2.0,
            retry_backoff=30, ttl=600,
        )  # fmt: skip
        if polls or sends:
            log.info("digest tick", extra={"now": now.isoformat(timespec="seconds"), "polls": polls, "digests": sends,
                                           "due": len(due)})  # fmt: skip
        return {"polls": polls, "digests": sends, "due": len(due)}

    async def enqueue_notices(self, chats: list[int], text: str, key: str) -> None:
        await self._enqueue_many(
            self.send_queue,
            [dict(chat_id=chat, text=text, key=f"{key}:{chat}") for chat in chats],
            "send_notice", timeout=SEND_TIMEOUT, retries=3, retry_delay=5.0, ttl=3600,
        )  # fmt: skip

    async def _enqueue_many(self, queue: DigestQueue, jobs: list[dict[str, Any]], function: str,
                            **options: Any) -> int:  # fmt: skip
        enqueued = 0
        for start in range(0, len(jobs), ENQUEUE_BATCH):
            batch = jobs[start : start + ENQUEUE_BATCH]
            results = await asyncio.gather(*(queue.enqueue(function, **job, **options) for job in batch))
            enqueued += sum(1 for job in results if job is not None)
        return enqueued

    # -- workers ------------------------------------------------------------------------------------

    def _worker(self, queue: DigestQueue, functions: list[Any], concurrency: int,
                cron: list[CronJob[JobContext]] | None = None) -> HostedWorker:  # fmt: skip
        worker = HostedWorker(
            queue,
            functions=functions,
            concurrency=concurrency,
            cron_jobs=cron,
            timers={"schedule": 1, "sweep": SWEEP_EVERY, "abort": 1, "worker_info": 10},
            dequeue_timeout=DEQUEUE_TIMEOUT,
            shutdown_grace_period_s=2,
        )
        worker.context["digest_jobs"] = self
        return worker

    async def start_workers(self) -> None:
        settings = self.service.settings
        tick = CronJob(digest_tick, cron=cron_expression(settings.digest_tick_seconds), timeout=TICK_TIMEOUT,
                       heartbeat=JOB_HEARTBEAT)  # fmt: skip
        self.workers = [
            self._worker(self.tick_queue, [], 1, [tick]),
            self._worker(self.feeds_queue, [poll_feed], FEED_CONCURRENCY),
            self._worker(self.send_queue, [send_digest, send_notice], send_concurrency(settings.digest_send_rate)),
        ]
        for queue in self.queues:
            await queue.connect()
        logging.getLogger(SAQ_LOGGER).addFilter(self.quiet)
        self._tasks = [asyncio.create_task(worker.start(), name=f"saq-{worker.queue.name}") for worker in self.workers]
        self._watcher = asyncio.create_task(self.quiet.watch(), name="saq-outages")
        self._sampler = asyncio.create_task(self._sample_depths(), name="saq-depths")
        log.info("digest workers started", extra={
            "queues": ",".join(q.name for q in self.queues),
            "send_concurrency": send_concurrency(settings.digest_send_rate),
            "rate_per_s": settings.digest_send_rate, "tick_s": settings.digest_tick_seconds})

    async def _sample_depths(self) -> None:
        """Keep the queue-depth gauge current in every process that runs workers (all read the same
        shared queues). A Redis outage is logged by ``quiet``; the gauge keeps its last reading."""
        while True:
            with contextlib.suppress(*OUTAGE_ERRORS):
                for queue in self.queues:
                    metrics.queue_jobs(queue.name, await queue.count("incomplete"))
            await asyncio.sleep(QUEUE_SAMPLE_EVERY)

    async def stop(self) -> None:
        await stop_workers(self.workers, self._tasks)
        self._tasks, self.workers = [], []
        logging.getLogger(SAQ_LOGGER).removeFilter(self.quiet)
        for helper in (self._watcher, self._sampler):
            if helper is not None:
                helper.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await helper
        for queue in self.queues:  # each closes its own pubsub (and the shared client, idempotently)
            with contextlib.suppress(Exception):
                await queue.disconnect()
