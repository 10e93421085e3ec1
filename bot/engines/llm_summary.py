"""Abstractive summaries from an OpenAI-compatible LLM (the templates are in bot/prompts/)."""

from __future__ import annotations

import secrets
from typing import Any

from pydantic import BaseModel, Field, field_validator

from bot.engines.partial import BULLET_CHARS, HEADLINE_CHARS, MAX_BULLETS, SummaryProgress, SummaryWatcher
from bot.llm.budget import SITE_CHARS, TITLE_CHARS, clip_field, fit_article
from bot.llm.client import LLM, QUOTES_SCHEMA, STRING_SCHEMA, QuoteOut
from bot.llm.prompts import load_prompt, version_of
from bot.models import Article, Summary

PROMPTS = ("summary.system", "summary.user", "repair")

_STR = STRING_SCHEMA
SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["headline", "bullets", "key_quotes", "questions", "language"],
    "properties": {
        "headline": _STR,
        "bullets": {"type": "array", "items": _STR},
        "key_quotes": QUOTES_SCHEMA,
        "questions": {"type": "array", "items": _STR},
        "language": _STR,
    },
}


class SummaryOut(BaseModel):
    """What the model must return; lengths are capped here, not trusted from the model."""

    headline: str = Field(min_length=1)
    bullets: list[str] = Field(min_length=1)
    key_quotes: list[QuoteOut] = Field(default_factory=list)
    questions: list[str] = Field(default_factory=list)
    language: str = ""

    @field_validator("headline")
    @classmethod
    def _headline(cls, v: str) -> str:
        return clip_field(v, HEADLINE_CHARS)

    @field_validator("bullets")
    @classmethod
    def _bullets(cls, v: list[str]) -> list[str]:
        return [clip_field(b, BULLET_CHARS) for b in v if b.strip()][:MAX_BULLETS]

    @field_validator("questions")
    @classmethod
    def _questions(cls, v: list[str]) -> list[str]:
        return [clip_field(q, 60) for q in v if q.strip()][:3]


def prompt_version() -> str:
    return version_of(*PROMPTS)


async def summarize_llm(
    llm: LLM, article: Article, language: str, token_budget: int, progress: SummaryProgress | None = None
) -> Summary:
    """The LLM's summary; ``progress`` is told what can be shown while the model writes it."""
    tag = secrets.token_hex(6)  # unguessable, so the article can't close its own data block
    user = load_prompt("summary.user").render(
        language=language,
        title=clip_field(article.title, TITLE_CHARS),
        site=clip_field(article.site or "", SITE_CHARS),
        tag=tag,
        article=fit_article(article.paragraphs, token_budget),
    )
    messages = [
        {"role": "system", "content": load_prompt("summary.system").text},
        {"role": "user", "content": user},
    ]
    watcher = SummaryWatcher(article.text, progress) if progress is not None else None
    out = await llm.complete_json(messages, SummaryOut, schema_name="news_summary", schema=SCHEMA,
                                  on_text=watcher.feed if watcher else None)  # fmt: skip
    return Summary(
        headline=out.headline,
        bullets=out.bullets,
        quotes=[q.to_quote() for q in out.key_quotes],
        questions=out.questions,
        engine="llm",
        language=out.language or language,
        model=llm.model,
        prompt_version=prompt_version(),
    )
