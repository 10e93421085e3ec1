"""What a plain message means: questions in five languages, chatter otherwise."""

from __future__ import annotations

import pytest

from bot.text.intent import Intent, intent_of


@pytest.mark.parametrize("text", [
    "What's the weather in Paris tomorrow?", "who is Peskov", "and when are the talks", "Wer ist Peskow",
    "Warum hat er das gesagt", "Où auront lieu les pourparlers", "¿Dónde serán las conversaciones",
    "cómo terminó", "кто такой Песков", "Известно ли, где пройдут переговоры", "explain the deal", "где?",
])  # fmt: skip
def test_questions(text: str) -> None:
    assert intent_of(text) is Intent.QUESTION


@pytest.mark.parametrize("text", ["hi", "thanks!", "Danke", "merci", "hola", "спасибо"])
def test_greetings(text: str) -> None:
    assert intent_of(text) is Intent.GREETING


CHATTER = ["asdfgh qwerty", "👍🔥😂", "Das ist gut", "what", "por favor", "ok", "nice article, really"]


@pytest.mark.parametrize("text", CHATTER)
def test_chatter(text: str) -> None:
    assert intent_of(text) is Intent.CHATTER
