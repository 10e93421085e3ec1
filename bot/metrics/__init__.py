"""Operations metrics: every counter defined once, here in the bottom layer, so any layer may count.

Each helper does two things: it updates this process's Prometheus metrics (served on METRICS_PORT
by ``bot.metrics.server``) and, for the figures ``/stats`` shows, adds to the day's totals in the
installed ``DailySink`` (Redis, so all replicas add up). Without a sink (the CLI, unit tests) only
the in-process metrics move. Helpers never raise: counting must not break a reply.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass
from typing import Protocol

from prometheus_client import Counter, Gauge, Histogram

UPDATES = Counter("newsbot_updates", "Telegram updates received", ["type"])
REPLIES = Counter("newsbot_replies", "Summary replies by outcome (summary, or the error's reason)", ["outcome"])
CACHE = Counter("newsbot_cache", "Summary cache lookups", ["result"])
FLIGHT_WAITS = Counter("newsbot_singleflight_waits", "Requests that waited for another's identical work")
FETCHES = Counter("newsbot_fetches", "Page fetches by outcome (ok, or the failure's reason)", ["outcome"])
LLM_CALLS = Counter("newsbot_llm_calls", "LLM API calls", ["model", "outcome"])
LLM_TOKENS = Counter("newsbot_llm_tokens", "LLM tokens as the API reported them", ["model", "kind"])
LLM_COST = Counter("newsbot_llm_cost", "Estimated LLM cost (LLM_PRICE_* per million tokens)", ["model"])
LLM_LATENCY = Histogram("newsbot_llm_latency_seconds", "LLM API call latency", ["model"],
                        buckets=(0.25, 0.5, 1, 2, 4, 8, 15, 30, 60))  # fmt: skip
FALLBACKS = Counter("newsbot_llm_fallbacks", "Answers the extractive engine gave instead of the LLM",
                    ["kind", "reason"])  # fmt: skip
LLM_CIRCUIT_OPEN = Gauge("newsbot_llm_circuit_open", "1 while the LLM circuit breaker is open (answers are extractive)")
LLM_CIRCUIT_OPENED = Counter("newsbot_llm_circuit_opened", "Times the LLM circuit breaker opened")
BUDGET_EXCEEDED = Counter("newsbot_llm_budget_exceeded", "LLM calls refused by a daily token budget", ["scope"])
CPU_JOBS = Gauge("newsbot_cpu_jobs", "CPU-pool jobs running or waiting for a worker")
BOT_API_CALLS = Counter("newsbot_bot_api_calls", "Telegram Bot API calls", ["method"])
BOT_API_429 = Counter("newsbot_bot_api_429", "Telegram Bot API calls answered 429 (flood control)", ["method"])
DIGEST_RUNS = Counter("newsbot_digest_runs", "Digests composed")
DIGEST_LAG = Histogram("newsbot_digest_lag_seconds", "Seconds from a digest run's start to its last part sent",
                       buckets=(1, 5, 15, 30, 60, 120, 300, 900, 3600))  # fmt: skip
QUEUE_JOBS = Gauge("newsbot_queue_jobs", "Digest queue jobs not finished (queued, running or scheduled to retry)",
                   ["queue"])  # fmt: skip
DIGEST_MESSAGES = Counter("newsbot_digest_messages", "Digest messages by outcome", ["outcome"])

# Who the current update is for: set at the Telegram edge, read by the LLM's per-user budget.
# A context variable, so work started for the update (single-flight tasks included) inherits it.
acting_user: contextvars.ContextVar[int | None] = contextvars.ContextVar("acting_user", default=None)


@dataclass(frozen=True)
class TokenHold:
    """LLM tokens set aside for one call before it is made, on the day it was made.

    ``refused`` names the budget ("user", "global") that had no room: then nothing was set aside.
    """

    day: str
    user: int | None
    tokens: int
    refused: str | None = None


class DailySink(Protocol):
    """Today's totals, shared by every process (``bot.store.daily``)."""

    def add(self, field: str, amount: float = 1, *, user: int | None = None) -> None: ...
    def saw_user(self, user: int) -> None: ...
    async def tokens_used(self, user: int | None) -> tuple[int, int]: ...
    async def hold_tokens(self, user: int | None, tokens: int, *, user_limit: int, global_limit: int) -> TokenHold: ...
    def settle_tokens(self, hold: TokenHold, used: int) -> None: ...


_sink: DailySink | None = None


def install_sink(sink: DailySink | None) -> None:
    global _sink
    _sink = sink


def _daily(field: str, amount: float = 1, *, user: int | None = None) -> None:
    if _sink is not None:
        _sink.add(field, amount, user=user)


async def tokens_used(user: int | None) -> tuple[int, int]:
    """(``user``'s, everyone's) LLM tokens today; (0, 0) without a sink or when it can't answer."""
    if _sink is None:
        return 0, 0
    try:
        return await _sink.tokens_used(user)
    except Exception:  # a budget that can't be read doesn't stop the LLM
        return 0, 0


async def hold_tokens(tokens: int, *, user_limit: int, global_limit: int) -> TokenHold | None:
    """Set ``tokens`` aside for the acting user's next LLM call, if today's budgets (0 = none) have
    room — checked and added in one step, so concurrent calls can't all pass the same check.
    None without a sink or when it can't answer: a budget that can't be read doesn't stop the LLM."""
    if _sink is None:
        return None
    try:
        return await _sink.hold_tokens(acting_user.get(), tokens, user_limit=user_limit, global_limit=global_limit)
    except Exception:
        return None


def update(kind: str, user: int | None) -> None:
    UPDATES.labels(kind).inc()
    if user is not None and _sink is not None:
        _sink.saw_user(user)


def replied(outcome: str) -> None:
    REPLIES.labels(outcome).inc()
    _daily("summaries" if outcome == "summary" else "errors")


def cache(hit: bool) -> None:
    CACHE.labels("hit" if hit else "miss").inc()
    _daily("cache_hits" if hit else "cache_misses")


def flight_wait() -> None:
    FLIGHT_WAITS.inc()


def fetched(outcome: str) -> None:
    FETCHES.labels(outcome).inc()


def llm_call(model: str, outcome: str, seconds: float) -> None:
    LLM_CALLS.labels(model, outcome).inc()
    LLM_LATENCY.labels(model).observe(seconds)


def llm_tokens(model: str, prompt: int, completion: int, cost: float, hold: TokenHold | None = None) -> None:
    """Tokens one call used (from the API's ``usage``) and their estimated cost, charged to the
    acting user too — or, for a call made on a ``hold``, the hold settled to what it used."""
    LLM_TOKENS.labels(model, "prompt").inc(prompt)
    LLM_TOKENS.labels(model, "completion").inc(completion)
    LLM_COST.labels(model).inc(cost)
    if hold is None:
        _daily("llm_tokens", prompt + completion, user=acting_user.get())
    elif _sink is not None:
        _sink.settle_tokens(hold, prompt + completion)
    _daily("llm_cost", cost)


def release_tokens(hold: TokenHold | None) -> None:
    """Give a hold back whole: its call used no tokens (the server answered with an error)."""
    if hold is not None and _sink is not None:
        _sink.settle_tokens(hold, 0)


def fallback(kind: str, reason: str) -> None:
    FALLBACKS.labels(kind, reason).inc()
    _daily("fallbacks")


def llm_circuit(is_open: bool) -> None:
    LLM_CIRCUIT_OPEN.set(1 if is_open else 0)
    if is_open:
        LLM_CIRCUIT_OPENED.inc()


def budget_exceeded(scope: str) -> None:
    BUDGET_EXCEEDED.labels(scope).inc()
    _daily("budget_refusals")


def bot_api(method: str, status: int) -> None:
    BOT_API_CALLS.labels(method).inc()
    if status == 429:
        BOT_API_429.labels(method).inc()


def digest_sent(lag_seconds: float) -> None:
    DIGEST_RUNS.inc()
    DIGEST_LAG.observe(max(lag_seconds, 0.0))


def queue_jobs(queue: str, count: int) -> None:
    QUEUE_JOBS.labels(queue).set(count)


def digest_message(outcome: str) -> None:
    DIGEST_MESSAGES.labels(outcome).inc()
