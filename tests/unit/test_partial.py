"""Reading a streamed LLM reply as it arrives (bot.engines.partial): what may be shown, and when."""

from __future__ import annotations

import json

from bot.engines.partial import AnswerWatcher, SummaryWatcher
from bot.models import AnswerDraft, SummaryDraft

ARTICLE = (
    "The river bridge in Tallmoor will close for repairs next week, the council said on Monday.\n\n"
    '"We will reopen the bridge before the spring market," said Anna Berg, the council\'s head of roads.\n\n'
    "Buses will take a detour through the old town while the work goes on."
)
REAL = {"quote": "We will reopen the bridge before the spring market", "speaker": "Anna Berg"}
FAKE = {"quote": "The bridge will never reopen", "speaker": "Anna Berg"}


def prefixes(data: dict, step: int = 5) -> list[str]:
    text = json.dumps(data)
    return [text[:i] for i in range(1, len(text) + 1, step)] + [text]


async def test_summary_shows_complete_items_in_order_and_only_verified_quotes() -> None:
    summary = {
        "headline": "Tallmoor bridge closes for repairs",
        "bullets": ["The bridge closes next week.", "Buses take a detour."],
        "key_quotes": [FAKE, REAL],
        "questions": ["How long?"],
        "language": "en",
    }
    seen: list[SummaryDraft] = []
    watcher = SummaryWatcher(ARTICLE, seen.append)
    for text in prefixes(summary):
        await watcher.feed(text)

    assert seen[0] == SummaryDraft(headline="Tallmoor bridge closes for repairs")  # never half a headline
    assert [len(s.bullets) for s in seen] == sorted(len(s.bullets) for s in seen)
    assert all(b in summary["bullets"] for s in seen for b in s.bullets)  # never half a bullet
    assert all(q.text != FAKE["quote"] for s in seen for q in s.quotes)
    assert [q.text for q in seen[-1].quotes] == [REAL["quote"]]
    assert len(seen) == 4  # headline, bullet 1, bullet 2, the verified quote: one update each


async def test_answer_text_grows_and_its_quotes_are_verified() -> None:
    reply = {"answer": "The bridge reopens before the spring market, the council's roads chief said.",
             "found": True, "quotes": [FAKE, REAL]}  # fmt: skip
    seen: list[AnswerDraft] = []
    watcher = AnswerWatcher(ARTICLE, seen.append)
    for text in prefixes(reply):
        await watcher.feed(text)

    texts = [s.text for s in seen]
    assert len(set(texts)) > 5 and all(reply["answer"].startswith(t) for t in texts)
    assert all(q.text != FAKE["quote"] for s in seen for q in s.quotes)
    assert seen[-1] == AnswerDraft(text=reply["answer"], quotes=seen[-1].quotes)
    assert [q.speaker for q in seen[-1].quotes] == ["Anna Berg"]


async def test_unparsable_or_empty_output_shows_nothing() -> None:
    seen: list[SummaryDraft] = []
    watcher = SummaryWatcher(ARTICLE, seen.append)
    for text in ("Sure! Here", "```json\n", '```json\n{"head', "not json at all ]]"):
        await watcher.feed(text)
    assert seen == []
