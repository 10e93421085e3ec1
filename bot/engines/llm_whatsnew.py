"""A short "what's new" of an updated article from an OpenAI-compatible LLM (prompts
``bot/prompts/whatsnew.*.md``). The offline view (ranked new sentences) is what shows without it."""

from __future__ import annotations

import secrets
from typing import Any

from pydantic import BaseModel, Field, field_validator

from bot.llm.budget import fit_article
from bot.llm.client import LLM, STRING_SCHEMA
from bot.llm.prompts import load_prompt

SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["whats_new"],
    "properties": {"whats_new": STRING_SCHEMA},
}
MAX_CHARS = 600


class WhatsNewOut(BaseModel):
    whats_new: str = Field(min_length=1)

    @field_validator("whats_new")
    @classmethod
    def _clip(cls, v: str) -> str:
        v = " ".join(v.split())
        return v if len(v) <= MAX_CHARS else v[: MAX_CHARS - 1].rstrip() + "…"


async def whats_new_llm(llm: LLM, *, old_title: str, old: list[str], new_title: str, new: list[str], language: str,
                        token_budget: int) -> str:  # fmt: skip
    """Raises SummarizeError (unusable answer, endpoint down) like the summary engine."""
    tag = secrets.token_hex(6)  # unguessable, so the article can't close its own data block
    half = max(500, token_budget // 2)
    user = load_prompt("whatsnew.user").render(
        language=language, tag=tag, old_title=old_title[:300], new_title=new_title[:300],
        old_text=fit_article(old, half), new_text=fit_article(new, half),
    )  # fmt: skip
    messages = [
        {"role": "system", "content": load_prompt("whatsnew.system").text},
        {"role": "user", "content": user},
    ]
    out = await llm.complete_json(messages, WhatsNewOut, schema_name="whats_new", schema=SCHEMA)
    return out.whats_new
