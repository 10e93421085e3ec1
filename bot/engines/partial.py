"""What a summary or an answer shows while the LLM is still writing it.

The streamed JSON is parsed again after every chunk with jiter's partial mode. A summary shows only
*complete* items — the headline and each bullet once its string is closed — so nothing on screen is
ever rewritten mid-word and each update adds one meaningful line. An answer is a single long string,
so its open text is shown as it grows (the Telegram side throttles the updates). A quote is shown
only after it is verified against the article, the same check the final result gets: a fabricated
quote never appears, not even for a moment.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

import jiter

from bot import cpu
from bot.llm.budget import clip_field
from bot.models import AnswerDraft, Quote, SummaryDraft
from bot.text.quotes import verify_quotes

HEADLINE_CHARS = 200
BULLET_CHARS = 400
MAX_BULLETS = 5


SummaryProgress = Callable[[SummaryDraft], None]
AnswerProgress = Callable[[AnswerDraft], None]

Mode = Literal["on", "trailing-strings"]


def _parse(text: str, mode: Mode) -> dict[str, Any]:
    """The JSON object so far ("on": open strings left out; "trailing-strings": kept as they are)."""
    start = text.find("{")  # a model may open with a code fence despite JSON mode
    if start < 0:
        return {}
    try:
        value = jiter.from_json(text[start:].encode(), partial_mode=mode)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _strings(value: object) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


class _Quotes:
    """Quotes of the reply, each verified once, when the model has finished writing it."""

    def __init__(self, article_text: str) -> None:
        self.article_text = article_text
        self.seen = 0
        self.shown: list[Quote] = []

    async def update(self, items: object) -> bool:
        """Verify the quotes completed since the last call; True when one more can be shown."""
        complete = [
            Quote(text=item["quote"].strip(), speaker=item["speaker"].strip())
            for item in (items if isinstance(items, list) else [])
            if isinstance(item, dict) and isinstance(item.get("quote"), str) and isinstance(item.get("speaker"), str)
        ]
        new = complete[self.seen :]
        if not new:
            return False
        self.seen = len(complete)
        kept, _ = await cpu.run(verify_quotes, new, self.article_text, what="verify streamed quotes")
        self.shown.extend(kept)
        return bool(kept)


class SummaryWatcher:
    """Feeds ``progress`` a new ``SummaryDraft`` whenever the streamed summary completes an item."""

    def __init__(self, article_text: str, progress: SummaryProgress) -> None:
        self.progress = progress
        self.quotes = _Quotes(article_text)
        self.last = SummaryDraft()

    async def feed(self, text: str) -> None:
        data = _parse(text, "on")
        headline = data.get("headline")
        bullets = tuple(clip_field(b, BULLET_CHARS) for b in _strings(data.get("bullets")) if b.strip())[:MAX_BULLETS]
        await self.quotes.update(data.get("key_quotes"))
        draft = SummaryDraft(
            headline=clip_field(headline, HEADLINE_CHARS) if isinstance(headline, str) else "",
            bullets=bullets,
            quotes=tuple(self.quotes.shown),
        )
        if draft != self.last and draft.headline:
            self.last = draft
            self.progress(draft)


class AnswerWatcher:
    """Feeds ``progress`` a new ``AnswerDraft`` as the streamed answer's text grows."""

    def __init__(self, article_text: str, progress: AnswerProgress) -> None:
        self.progress = progress
        self.quotes = _Quotes(article_text)
        self.last = AnswerDraft()

    async def feed(self, text: str) -> None:
        data = _parse(text, "trailing-strings")
        answer = data.get("answer")
        # A quote object's strings are complete once the next key or item has begun: in
        # trailing-strings mode an open one would look complete, so quotes are read in "on" mode.
        await self.quotes.update(_parse(text, "on").get("quotes"))
        draft = AnswerDraft(text=answer.strip() if isinstance(answer, str) else "", quotes=tuple(self.quotes.shown))
        if draft != self.last and draft.text:
            self.last = draft
            self.progress(draft)
