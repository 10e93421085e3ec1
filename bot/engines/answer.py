"""Follow-up answers from the article itself: the LLM when configured, BM25 retrieval otherwise.

As with summaries, LLM failures fall back to the extractive engine, and every quote in an answer
is verified against the article before anyone sees it (``bot.engines.policy``).
"""

from __future__ import annotations

from functools import partial

from bot.engines.llm_answer import answer_llm
from bot.engines.partial import AnswerProgress
from bot.engines.policy import llm_or_extractive
from bot.engines.retrieval import answer_extractive
from bot.llm.client import LLM
from bot.models import Answer, Article


async def answer_question(
    article: Article, question: str, *, history: list[dict[str, str]], language: str,
    llm: LLM | None, token_budget: int, deadline: float, progress: AnswerProgress | None = None,
) -> Answer:
    context = history[-1]["q"] if history else None
    return await llm_or_extractive(
        "answer",
        article,
        llm_call=None if llm is None else (
            lambda: answer_llm(llm, article, question, history, language, token_budget, progress)),
        extractive=partial(answer_extractive, article, question, context=context),
        deadline=deadline,
        breaker=None if llm is None else llm.breaker,
    )
