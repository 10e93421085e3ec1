"""A quote's speaker is plain text (issue M4): never a link, a mention or markup, at most 60
characters. Checked on what Telegram would make of the message: the Bot API emulator's own HTML
parser and its automatic link detection (bot/playground), the same rules the test suite's
Telegram applies."""

from __future__ import annotations

import pytest

from bot.models import Answer, Article, Quote, Summary
from bot.playground.tg_entities import detect_entities
from bot.playground.tg_html import parse_html
from bot.render import MAX_SPEAKER_CHARS, render_answer, render_summary

ARTICLE = Article(url="https://ex.com/a", final_url="https://ex.com/a", title="Harbour reopens", site="Example",
                  paragraphs=["The harbour reopened on Tuesday. " * 20])  # fmt: skip
HOSTILE_SPEAKERS = [
    "https://evil.example/win", "evil.example", "www.evil", "Call evil.com now", "@evil_bot", "ceo@evil.example",
    '<a href="https://evil.example">Mayor</a>', "<b>Mayor</b> Jones", "tg://resolve?domain=evil", "#giveaway",
    "/start", "Jane\u202eDoe https://x.y",
]  # fmt: skip
LINKS = {"url", "text_link", "mention", "email", "hashtag", "bot_command", "text_mention"}


def telegram_view(html: str) -> tuple[str, list[dict]]:
    """The text a reader sees and the entities in it: markup entities plus those Telegram adds."""
    plain, entities = parse_html(html)
    return plain, entities + detect_entities(plain)


def quote_section(plain: str) -> str:
    return plain.split("Key quotes", 1)[1] if "Key quotes" in plain else ""


@pytest.mark.parametrize("speaker", HOSTILE_SPEAKERS)
def test_a_hostile_speaker_never_becomes_a_link_or_markup(speaker: str) -> None:
    quotes = [Quote(text="We will win", speaker=speaker), Quote(text="We are ready", speaker="Anna Keller")]
    summary = Summary(headline="Harbour reopens", bullets=["It reopened."], quotes=quotes, engine="llm")
    for html in [*render_summary(ARTICLE, summary), render_answer(Answer(text="It reopened.", engine="llm",
                                                                         quotes=quotes))]:  # fmt: skip
        plain, entities = telegram_view(html)
        # the quotes: from "Key quotes" (the answer: its first quote) to the "Read the original" footer
        start = plain.index("Key quotes") if "Key quotes" in plain else plain.index("“We are ready")
        end = plain.find("Read the original") % (len(plain) + 1)
        assert "We are ready” — Anna Keller" in plain  # the honest quote stays
        assert "We will win" not in plain  # a quote whose speaker is no name is not shown
        assert not [e for e in entities if e["type"] in LINKS and start <= e["offset"] < end]


def test_a_speaker_is_at_most_60_characters() -> None:
    long_name = "Dmitry Peskov, spokesman of the Kremlin and long-time aide to the president of Russia"
    summary = Summary(headline="H", bullets=["b"], quotes=[Quote(text="We are ready", speaker=long_name)],
                      engine="llm")  # fmt: skip
    [html] = render_summary(ARTICLE, summary)
    plain, _ = telegram_view(html)
    shown = quote_section(plain).split("” — ", 1)[1].splitlines()[0]
    assert shown.startswith("Dmitry Peskov") and len(shown) <= MAX_SPEAKER_CHARS
