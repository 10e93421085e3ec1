"""The engine policy: LLM within a deadline, else the extractive engine; quotes verified either way."""

from __future__ import annotations

import asyncio
import logging
from types import SimpleNamespace

import pytest

from bot.engines import summary as summary_module
from bot.engines.policy import llm_or_extractive
from bot.engines.summary import FALLBACK_NOTE, summarize
from bot.errors import SummarizeError
from bot.models import Answer, Article, Quote, Summary

REAL = Quote(text="We will hold the talks in Minsk next week", speaker="Dmitry Peskov")
INVENTED = Quote(text="We will never negotiate with anyone", speaker="Dmitry Peskov")
ARTICLE = Article(
    url="https://ex.com/talks",
    title="Talks in Minsk",
    paragraphs=[
        "Russia is ready to send a delegation to Minsk, the Kremlin said on Sunday.",
        f'"{REAL.text}," Kremlin spokesman Dmitry Peskov told reporters in Moscow.',
        "Ukraine has said it is open to talks but not in Belarus, which it sees as an ally of Russia.",
    ],
)


def llm_answer(text: str = "From the model.") -> Answer:
    return Answer(text=text, quotes=[REAL, INVENTED], engine="llm")


def extractive_answer() -> Answer:
    return Answer(text="From the article.", quotes=[REAL], engine="extractive")


async def test_llm_result_is_used_and_its_invented_quotes_dropped(caplog: pytest.LogCaptureFixture) -> None:
    async def call() -> Answer:
        return llm_answer()

    with caplog.at_level(logging.WARNING, logger="bot.engines.policy"):
        out = await llm_or_extractive("answer", ARTICLE, llm_call=call, extractive=extractive_answer, deadline=5)
    assert out.engine == "llm" and out.quotes == [REAL]
    [line] = [r for r in caplog.records if r.getMessage() == "dropped unverifiable quotes"]
    assert (line.kind, line.count, line.engine, line.url, line.host) == (  # type: ignore[attr-defined]
        "answer", 1, "llm", "https://ex.com/talks", "ex.com")


async def test_llm_error_falls_back_and_says_why(caplog: pytest.LogCaptureFixture) -> None:
    async def call() -> Answer:
        raise SummarizeError("down", code="llm_error", detail="APIConnectionError")

    with caplog.at_level(logging.WARNING, logger="bot.engines.policy"):
        out = await llm_or_extractive("answer", ARTICLE, llm_call=call, extractive=extractive_answer, deadline=5)
    assert out.engine == "extractive" and out.quotes == [REAL]
    [line] = [r for r in caplog.records if r.getMessage() == "llm failed, using extractive engine"]
    assert (line.kind, line.reason, line.detail) == ("answer", "llm_error", "APIConnectionError")  # type: ignore[attr-defined]


async def test_deadline_falls_back_in_time(caplog: pytest.LogCaptureFixture) -> None:
    cut_short = asyncio.Event()

    async def call() -> Answer:
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            cut_short.set()
            raise
        return llm_answer()

    with caplog.at_level(logging.WARNING, logger="bot.engines.policy"):
        out = await llm_or_extractive("summary", ARTICLE, llm_call=call, extractive=extractive_answer, deadline=0.1)
    assert out.engine == "extractive" and cut_short.is_set()  # the deadline cancelled the LLM call
    [line] = [r for r in caplog.records if r.getMessage() == "llm failed, using extractive engine"]
    assert (line.kind, line.reason) == ("summary", "timeout")  # type: ignore[attr-defined]


async def test_without_llm_the_extractive_engine_answers() -> None:
    out = await llm_or_extractive("answer", ARTICLE, llm_call=None, extractive=extractive_answer, deadline=5)
    assert out.engine == "extractive" and out.quotes == [REAL]


async def test_only_a_fallback_summary_carries_the_note(monkeypatch: pytest.MonkeyPatch) -> None:
    async def failing_llm(*_args: object) -> Summary:
        raise SummarizeError("down", code="llm_error")

    monkeypatch.setattr(summary_module, "summarize_llm", failing_llm)
    offline = await summarize(ARTICLE, language="en", llm=None, token_budget=1000, llm_deadline=5)
    fell_back = await summarize(ARTICLE, language="en", llm=SimpleNamespace(breaker=None), token_budget=1000,  # type: ignore[arg-type]
                                llm_deadline=5)
    assert offline.engine == fell_back.engine == "extractive"
    assert offline.note is None and fell_back.note == FALLBACK_NOTE
    assert fell_back.model_copy(update={"note": None}) == offline
