"""A circuit breaker for the LLM: after a run of failures the bot stops waiting on a dead or
hanging endpoint and answers extractively at once, probing the LLM again after a cool-down.

Closed: every call goes to the LLM. ``threshold`` consecutive failures (errors, timeouts,
unusable output) open it: calls are refused for ``cooldown`` seconds. Then one call at a time is
let through as a probe; its success closes the breaker, its failure opens it for another cool-down.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from bot import metrics

log = logging.getLogger(__name__)


class CircuitBreaker:
    def __init__(self, *, threshold: int, cooldown: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.threshold = threshold
        self.cooldown = cooldown
        self.clock = clock
        self.failures = 0
        self.opened = 0  # times it opened since start (a metric)
        self._opened_at: float | None = None  # when the current outage began
        self._retry_at = 0.0
        self._probing = False

    @property
    def open(self) -> bool:
        return self._opened_at is not None

    def allows(self) -> bool:
        """Whether to call the LLM now (while open: one probe per cool-down)."""
        if self._opened_at is None:
            return True
        if self._probing or self.clock() < self._retry_at:
            return False
        self._probing = True
        return True

    def succeeded(self) -> None:
        self.failures = 0
        self._probing = False
        if self._opened_at is not None:
            log.warning("llm circuit closed, the llm answers again",
                        extra={"outage_s": round(self.clock() - self._opened_at)})
            self._opened_at = None
            metrics.llm_circuit(False)

    def failed(self) -> None:
        self.failures += 1
        self._probing = False
        if self._opened_at is not None:
            self._retry_at = self.clock() + self.cooldown  # the probe failed: wait another cool-down
        elif self.failures >= self.threshold:
            self._opened_at = self.clock()
            self._retry_at = self._opened_at + self.cooldown
            self.opened += 1
            metrics.llm_circuit(True)
            log.warning("llm circuit open, answering extractively",
                        extra={"failures": self.failures, "cooldown_s": self.cooldown})

    def abandoned(self) -> None:
        """A call ended without a verdict (cancelled): let the next one probe."""
        self._probing = False
