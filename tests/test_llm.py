"""The LLM client against the fake OpenAI-compatible server, with the real openai SDK."""

from __future__ import annotations

import itertools

import pytest

from bot.config import Settings
from bot.engines.llm_summary import SummaryOut, prompt_version, summarize_llm
from bot.errors import SummarizeError
from bot.llm.client import LLM
from bot.models import Article
from tests.e2e.llm_scripts import seed_summary
from tests.fakes.openai_api import FakeOpenAI

ARTICLE = Article(url="https://ex.com/a", title="Title {braces}", paragraphs=["Para one.", "He said: \"hi there\"."])


def make_llm(fake: FakeOpenAI, **kw: object) -> LLM:
    return LLM(Settings(openai_base_url=fake.base_url, openai_api_key="k", llm_model="m",  # type: ignore[arg-type]
                        llm_timeout=2, llm_max_retries=1, **kw))


async def test_json_schema_request_and_validation(fake_openai: FakeOpenAI) -> None:
    fake_openai.push_reply(seed_summary(bullets=["x" * 1000, "b", "c", "d", "e", "f"]))
    llm = make_llm(fake_openai)
    summary = await summarize_llm(llm, ARTICLE, "en", 1000)
    await llm.aclose()
    assert summary.engine == "llm" and summary.prompt_version == prompt_version()
    assert len(summary.bullets) == 5 and len(summary.bullets[0]) <= 400  # capped, not trusted
    fmt = fake_openai.requests[0]["response_format"]
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["strict"] is True
    assert "Title {braces}" in fake_openai.requests[0]["messages"][1]["content"]



async def test_page_fields_are_fenced_and_sent_verbatim(fake_openai: FakeOpenAI) -> None:
    fake_openai.push_reply(seed_summary())
    article = Article(url="https://ex.com/b", title="Leak {{tag}}", site="{{tag}} News",
                      paragraphs=["Body with {{question}} and {{tag}} in it."])
    llm = make_llm(fake_openai)
    await summarize_llm(llm, article, "en", 1000)
    await llm.aclose()
    user = fake_openai.requests[0]["messages"][1]["content"]
    tag = user.split('<article id="', 1)[1].split('"', 1)[0]
    assert user.count(tag) == 2  # the opening and the closing fence, nowhere else
    fenced = user.split(f'<article id="{tag}">', 1)[1].split(f'</article id="{tag}">', 1)[0]
    for field in ("Title: Leak {{tag}}", "Site: {{tag}} News", "Body with {{question}} and {{tag}} in it."):
        assert field in fenced

async def test_server_without_structured_outputs_gets_json_mode(fake_openai: FakeOpenAI) -> None:
    fake_openai.push_fault("400", message="response_format json_schema is not supported by this model")
    fake_openai.push_reply(seed_summary())
    fake_openai.push_reply(seed_summary(headline="Second"))
    llm = make_llm(fake_openai)
    first = await summarize_llm(llm, ARTICLE, "en", 1000)
    second = await summarize_llm(llm, ARTICLE, "en", 1000)
    await llm.aclose()
    assert first.headline.startswith("Putin") and second.headline == "Second"
    kinds = [r["response_format"]["type"] for r in fake_openai.requests]
    assert kinds == ["json_schema", "json_object", "json_object"]  # remembered after the first refusal


async def test_invalid_output_gets_one_repair(fake_openai: FakeOpenAI) -> None:
    fake_openai.push_reply('{"headline": "only a headline"}')
    fake_openai.push_reply(seed_summary())
    llm = make_llm(fake_openai)
    summary = await summarize_llm(llm, ARTICLE, "en", 1000)
    await llm.aclose()
    assert summary.bullets
    repair = fake_openai.requests[1]["messages"]
    assert repair[-2]["role"] == "assistant" and "not valid for the required JSON schema" in repair[-1]["content"]


async def test_garbage_twice_and_refusal_raise(fake_openai: FakeOpenAI) -> None:
    fake_openai.push_fault("garbage", times=2)
    llm = make_llm(fake_openai)
    with pytest.raises(SummarizeError) as exc:
        await summarize_llm(llm, ARTICLE, "en", 1000)
    assert exc.value.code == "llm_invalid"
    fake_openai.push_fault("refusal")
    with pytest.raises(SummarizeError) as exc:
        await summarize_llm(llm, ARTICLE, "en", 1000)
    assert exc.value.code == "llm_refused"
    await llm.aclose()


async def test_rate_limit_is_retried_then_succeeds(fake_openai: FakeOpenAI) -> None:
    fake_openai.push_fault("429", retry_after=0.05)
    fake_openai.push_reply(seed_summary())
    llm = make_llm(fake_openai)
    summary = await summarize_llm(llm, ARTICLE, "en", 1000)
    await llm.aclose()
    assert summary.headline and fake_openai.count == 2


async def test_persistent_5xx_and_timeout_become_summarize_errors(fake_openai: FakeOpenAI) -> None:
    fake_openai.push_fault("500", retry_after=0.01, times=2)
    llm = make_llm(fake_openai)
    with pytest.raises(SummarizeError) as exc:
        await summarize_llm(llm, ARTICLE, "en", 1000)
    assert exc.value.code == "llm_error"
    fake_openai.push_fault("hang", seconds=5, times=2)
    with pytest.raises(SummarizeError) as exc:
        await summarize_llm(llm, ARTICLE, "en", 1000)
    assert exc.value.code == "llm_timeout"
    await llm.aclose()


def test_schema_model_accepts_what_the_schema_describes() -> None:
    out = SummaryOut.model_validate(seed_summary())
    assert out.key_quotes[0].speaker == "Vladimir Putin"


async def test_streamed_reply_is_read_as_it_arrives(fake_openai: FakeOpenAI) -> None:
    fake_openai.token_rate = 1000  # one token per chunk
    fake_openai.push_reply(seed_summary())
    fake_openai.push_fault("refusal", message="I can't summarize this.")
    llm = make_llm(fake_openai)
    seen: list[str] = []

    async def on_text(text: str) -> None:
        seen.append(text)

    out = await llm.complete_json([{"role": "user", "content": "x"}], SummaryOut, schema_name="news_summary",
                                  schema={"type": "object"}, on_text=on_text)  # fmt: skip
    assert out.headline.startswith("Putin")
    assert len(seen) > 50 and all(b.startswith(a) for a, b in itertools.pairwise(seen))  # growing text
    request = fake_openai.requests[0]
    assert request["stream"] is True and request["stream_options"] == {"include_usage": True}
    with pytest.raises(SummarizeError) as refused:  # a refusal is a refusal, streamed or not
        await llm.complete_json([{"role": "user", "content": "x"}], SummaryOut, schema_name="news_summary",
                                schema={"type": "object"}, on_text=on_text)  # fmt: skip
    assert refused.value.code == "llm_refused"
    await llm.aclose()
