"""Follow-up answers from the article itself: LLM when configured, extractive retrieval otherwise.

As with summaries, LLM failures fall back to the extractive engine, and every quote in an answer
is verified against the article before anyone sees it.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from typing import Any

from pydantic import BaseModel, Field

from bot.engines.retrieval import answer_extractive
from bot.errors import SummarizeError
from bot.llm.budget import estimate_tokens, fit_article
from bot.llm.client import LLM, QUOTES_SCHEMA, STRING_SCHEMA, QuoteOut
from bot.llm.prompts import load_prompt
from bot.models import Answer, Article
from bot.text.quotes import verify_quotes

log = logging.getLogger(__name__)

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


async def _answer_llm(
    llm: LLM, article: Article, question: str, history: list[dict[str, str]], language: str,
    token_budget: int,
) -> Answer:
    tag = secrets.token_hex(6)
    past = "\n".join(f"Q: {t['q']}\nA: {t['a']}" for t in trim_history(history)) or "(none)"
    user = load_prompt("answer.user").render(
        language=language, title=article.title, tag=tag,
        article=fit_article(article.paragraphs, token_budget), history=past, question=question,
    )
    messages = [
        {"role": "system", "content": load_prompt("answer.system").text},
        {"role": "user", "content": user},
    ]
    out = await llm.complete_json(messages, AnswerOut, schema_name="article_answer", schema=SCHEMA)
    return Answer(
        text=out.answer.strip(),
        quotes=[q.to_quote() for q in out.quotes],
        engine="llm",
        found=out.found,
    )


async def answer_question(
    article: Article, question: str, *, history: list[dict[str, str]], language: str,
    llm: LLM | None, token_budget: int, deadline: float,
) -> Answer:
    answer: Answer | None = None
    if llm is not None:
        try:
            async with asyncio.timeout(deadline):
                answer = await _answer_llm(llm, article, question, history, language, token_budget)
        except (SummarizeError, TimeoutError) as exc:
            log.warning("llm answer failed, using extractive engine reason=%s", getattr(exc, "code", "timeout"))
    if answer is None:
        context = history[-1]["q"] if history else None
        answer = await asyncio.to_thread(answer_extractive, article, question, context=context)
    kept, dropped = verify_quotes(answer.quotes, article.text)
    if dropped:
        log.warning("dropped unverifiable answer quotes count=%d", len(dropped))
    return answer.model_copy(update={"quotes": kept})
