"""The LLM circuit breaker: opens after N failures in a row, refuses calls for the cool-down, then
lets one probe through; the policy answers extractively at once while it is open."""

from __future__ import annotations

import asyncio

import pytest

from bot.engines.policy import llm_or_extractive
from bot.errors import SummarizeError
from bot.llm.breaker import CircuitBreaker
from bot.models import Answer, Article

ARTICLE = Article(url="https://ex.com/a", title="A", paragraphs=["The council met on Monday, officials said."])


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_opens_after_threshold_then_probes_once_per_cooldown(caplog: pytest.LogCaptureFixture) -> None:
    clock = Clock()
    breaker = CircuitBreaker(threshold=3, cooldown=30, clock=clock)
    for _ in range(2):
        assert breaker.allows()
        breaker.failed()
    breaker.succeeded()  # a success resets the run
    for _ in range(3):
        assert breaker.allows()
        breaker.failed()
    assert breaker.open and not breaker.allows()
    assert "llm circuit open" in caplog.text
    clock.now += 30
    assert breaker.allows()  # the probe
    assert not breaker.allows()  # only one at a time
    breaker.failed()
    assert not breaker.allows()  # another cool-down
    clock.now += 30
    assert breaker.allows()
    breaker.succeeded()
    assert not breaker.open and breaker.allows()
    assert "llm circuit closed" in caplog.text and breaker.opened == 1


def test_a_cancelled_probe_lets_the_next_call_probe() -> None:
    clock = Clock()
    breaker = CircuitBreaker(threshold=1, cooldown=5, clock=clock)
    breaker.failed()
    clock.now += 5
    assert breaker.allows()
    breaker.abandoned()
    assert breaker.allows()


def _extractive() -> Answer:  # module level: the CPU pool pickles it
    return Answer(text="From the article.", quotes=[], engine="extractive")


async def test_policy_skips_the_llm_while_open() -> None:
    breaker = CircuitBreaker(threshold=2, cooldown=60)
    calls = 0

    async def hanging() -> Answer:
        nonlocal calls
        calls += 1
        await asyncio.sleep(10)
        raise AssertionError("the deadline cuts this short")

    async def failing() -> Answer:
        nonlocal calls
        calls += 1
        raise SummarizeError("down", code="llm_error")

    for call in (hanging, failing, hanging):
        result = await llm_or_extractive("answer", ARTICLE, llm_call=call, extractive=_extractive,
                                         deadline=0.05, breaker=breaker)  # fmt: skip
        assert result.engine == "extractive"
    assert calls == 2 and breaker.open  # the third never reached the LLM
