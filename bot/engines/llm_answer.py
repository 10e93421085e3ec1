"""Follow-up answers from an OpenAI-compatible LLM, grounded in the article and the conversation."""

from __future__ import annotations

import secrets
from typing import Any

from pydantic import BaseModel, Field

from bot.engines.partial import AnswerProgress, AnswerWatcher
from bot.llm.budget import TITLE_CHARS, clip_field, estimate_tokens, fit_article
from bot.llm.client import LLM, QUOTES_SCHEMA, STRING_SCHEMA, QuoteOut
from bot.llm.prompts import load_prompt
from bot.models import Answer, Article

HISTORY_TOKEN_BUDGET = 800

SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["answer", "found", "quotes"],
    "properties": {"answer": STRING_SCHEMA, "found": {"type": "boolean"}, "quotes": QUOTES_SCHEMA},
}


class AnswerOut(BaseModel):
    answer: str = Field(min_length=1, max_length=2000)
    found: bool = True
    quotes: list[QuoteOut] = Field(default_factory=list)


def trim_history(turns: list[dict[str, str]], budget: int = HISTORY_TOKEN_BUDGET) -> list[dict[str, str]]:
    """The most recent turns that fit the budget, oldest first."""
    kept: list[dict[str, str]] = []
    used = 0
    for turn in reversed(turns):
        cost = estimate_tokens(turn.get("q", "") + turn.get("a", ""))
        if used + cost > budget:
            break
        kept.append(turn)
        used += cost
    return list(reversed(kept))


async def answer_llm(
    llm: LLM, article: Article, question: str, history: list[dict[str, str]], language: str,
    token_budget: int, progress: AnswerProgress | None = None,
) -> Answer:
    """The LLM's answer; ``progress`` is told what can be shown while the model writes it."""
    tag = secrets.token_hex(6)  # unguessable, so the article can't close its own data block
    past = "\n".join(f"Q: {t['q']}\nA: {t['a']}" for t in trim_history(history)) or "(none)"
    user = load_prompt("answer.user").render(
        language=language, title=clip_field(article.title, TITLE_CHARS), tag=tag,
        article=fit_article(article.paragraphs, token_budget), history=past, question=question,
    )
    messages = [
        {"role": "system", "content": load_prompt("answer.system").text},
        {"role": "user", "content": user},
    ]
    watcher = AnswerWatcher(article.text, progress) if progress is not None else None
    out = await llm.complete_json(messages, AnswerOut, schema_name="article_answer", schema=SCHEMA,
                                  on_text=watcher.feed if watcher else None)  # fmt: skip
    return Answer(
        text=out.answer.strip(),
        quotes=[q.to_quote() for q in out.quotes],
        engine="llm",
        found=out.found,
    )
