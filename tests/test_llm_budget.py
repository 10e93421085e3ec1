"""The daily LLM token budgets hold under concurrency: each call holds its most before it is made
(checked and added atomically in Redis) and is settled to its reported usage after.

Real openai SDK against the fake OpenAI server, real Redis. The fake holds every reply until all
calls have either reached it or been refused, so every call is in flight at once: with a check of
totals that only grow when a reply comes back, all of them would pass.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from pydantic import BaseModel

from bot import metrics
from bot.config import Settings
from bot.errors import SummarizeError
from bot.llm.client import LLM
from bot.store.daily import DailyStats
from bot.store.redis import connect
from tests.fakes.openai_api import FakeOpenAI, Reply
from tests.fakes.waiting import await_until

CALLS = 20
BUDGET = 1000
MAX_OUTPUT = 200
USAGE = {"prompt_tokens": 30, "completion_tokens": 140, "total_tokens": 170}
SCHEMA: dict[str, Any] = {"type": "object", "additionalProperties": False, "required": ["answer"],
                          "properties": {"answer": {"type": "string"}}}  # fmt: skip


class Out(BaseModel):
    answer: str


def make_llm(fake: FakeOpenAI, **budgets: int) -> LLM:
    return LLM(Settings(openai_base_url=fake.base_url, openai_api_key="k", llm_model="m",  # type: ignore[arg-type]
                        llm_timeout=10, llm_max_retries=0, llm_max_output_tokens=MAX_OUTPUT, **budgets))


def messages(n: int) -> list[dict[str, str]]:
    return [{"role": "system", "content": "Answer in JSON."}, {"role": "user", "content": f"Question number {n}?"}]


def answer_with_usage(request: dict[str, Any]) -> Reply:
    assert request["max_tokens"] == MAX_OUTPUT  # the answer is capped at what the call held
    return Reply({"answer": "yes"}, usage=USAGE)


@pytest.fixture
async def daily(redis_url: str):  # type: ignore[no-untyped-def]
    client = connect(redis_url)
    stats = DailyStats(client)  # redis_url is flushed: today starts at zero
    metrics.install_sink(stats)
    try:
        yield stats
    finally:
        metrics.install_sink(None)
        await client.aclose()


async def _burst(llm: LLM, fake: FakeOpenAI, users: list[int]) -> tuple[int, int]:
    """``len(users)`` calls at once, all in flight together; (answered, refused)."""
    refused = 0

    async def call(n: int, user: int) -> bool:
        nonlocal refused
        metrics.acting_user.set(user)  # each task has its own context: one user per call
        try:
            await llm.complete_json(messages(n), Out, schema_name="answer", schema=SCHEMA)
        except SummarizeError as exc:
            assert exc.code == "llm_budget"
            refused += 1
            return False
        return True

    before = fake.count
    fake.pause()
    tasks = [asyncio.create_task(call(n, user)) for n, user in enumerate(users)]
    try:
        await await_until(lambda: fake.count - before + refused == len(users), 20,
                          "every call at the server or refused")
    finally:
        fake.resume()
    answered = sum(await asyncio.gather(*tasks))
    return answered, refused


@pytest.mark.parametrize(("budgets", "users"), [
    ({"llm_user_daily_tokens": BUDGET}, [7] * CALLS),
    ({"llm_daily_tokens": BUDGET}, list(range(100, 100 + CALLS))),
], ids=["per-user", "global"])  # fmt: skip
async def test_concurrent_calls_near_a_budget_do_not_all_pass(
    fake_openai: FakeOpenAI, daily: DailyStats, budgets: dict[str, int], users: list[int]
) -> None:
    fake_openai.set_responder(answer_with_usage)
    llm = make_llm(fake_openai, **budgets)
    most = llm.budget.most(messages(CALLS))
    assert USAGE["total_tokens"] <= most  # the reported usage is within what a call holds
    try:
        answered, refused = await _burst(llm, fake_openai, users)
    finally:
        await llm.aclose()
    await daily.flush()
    mine, everyone = await daily.tokens_used(users[0])
    assert answered == fake_openai.count and answered + refused == CALLS
    assert refused > 0 and answered * USAGE["total_tokens"] <= BUDGET + most
    assert everyone == answered * USAGE["total_tokens"]  # settled to the reported usage, holds gone
    if "llm_user_daily_tokens" in budgets:
        assert mine == everyone


async def test_a_settled_burst_leaves_room_and_a_server_error_gives_the_hold_back(
    fake_openai: FakeOpenAI, daily: DailyStats
) -> None:
    llm = make_llm(fake_openai, llm_user_daily_tokens=BUDGET)
    metrics.acting_user.set(9)
    try:
        fake_openai.push_fault("500")
        with pytest.raises(SummarizeError) as failed:
            await llm.complete_json(messages(0), Out, schema_name="answer", schema=SCHEMA)
        assert failed.value.code == "llm_error"
        await daily.flush()
        assert await daily.tokens_used(9) == (0, 0)  # the failed call's hold went back

        fake_openai.set_responder(answer_with_usage)
        answered, _ = await _burst(llm, fake_openai, [9] * CALLS)
        await daily.flush()
        spent = answered * USAGE["total_tokens"]
        assert spent < BUDGET  # holds were bigger than the usage: once settled there is room again
        await llm.complete_json(messages(1), Out, schema_name="answer", schema=SCHEMA)
        await daily.flush()
        assert await daily.tokens_used(9) == (spent + USAGE["total_tokens"],) * 2
    finally:
        await llm.aclose()

