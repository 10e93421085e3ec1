"""Scripted fake-LLM replies for end-to-end tests (what a well-behaved model would return)."""

from __future__ import annotations

from typing import Any

PUTIN_QUOTE = "Russia is willing to conduct high-level negotiations with Ukraine"
XI_QUOTE = "abandon the Cold War mentality"
FABRICATED = "We will never negotiate with anyone, ever"


def schema_name(request: dict[str, Any]) -> str:
    fmt = request.get("response_format") or {}
    return (fmt.get("json_schema") or {}).get("name", fmt.get("type", ""))


def seed_summary(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "headline": "Putin tells Xi Russia is ready for high-level talks with Ukraine",
        "bullets": [
            "Russia is ready to send a delegation to Minsk for talks with Ukraine, the Kremlin said.",
            "Xi Jinping told Vladimir Putin that China supports a negotiated solution.",
            "Beijing has refused to call Russia's attack an invasion.",
        ],
        "key_quotes": [
            {"quote": PUTIN_QUOTE, "speaker": "Vladimir Putin"},
            {"quote": XI_QUOTE, "speaker": "Xi Jinping"},
            {"quote": FABRICATED, "speaker": "Dmitry Peskov"},  # not in the article
            {"quote": "situation in eastern Ukraine has undergone rapid changes", "speaker": "Boris Johnson"},
        ],
        "questions": ["Where will the talks be held?", "What did Xi say?"],
        "language": "en",
    }
    data.update(overrides)
    return data


def answer(text: str, found: bool = True, quotes: list[dict[str, str]] | None = None) -> dict[str, Any]:
    return {"answer": text, "found": found, "quotes": quotes or []}


def responder(summary: dict[str, Any] | None = None, reply: dict[str, Any] | None = None):
    """A responder that tells summary requests from question requests by their schema name."""

    def respond(request: dict[str, Any]) -> dict[str, Any]:
        if schema_name(request) == "article_answer":
            return reply or answer("The article says talks would be held in Minsk.")
        return summary or seed_summary()

    return respond
