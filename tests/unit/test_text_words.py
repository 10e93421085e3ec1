"""Text hygiene (bot.text.clean.clean_text) and word matching (bot.text.words)."""

from __future__ import annotations

import pytest

from bot.text.clean import clean_text, tokens
from bot.text.words import STOPWORDS, content_terms, stem, words


@pytest.mark.parametrize(
    "hidden",
    [
        "\u180e",  # Mongolian vowel separator
        "\u00ad",  # soft hyphen
        "\u200b", "\u200c", "\u200d", "\u200e", "\u200f",  # zero-width and direction marks
        "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",  # bidi embeddings and overrides
        "\u2060", "\u2061", "\u2062", "\u2063", "\u2064",  # word joiner, invisible operators
        "\u2066", "\u2067", "\u2068", "\u2069",  # bidi isolates
        "\ufeff",  # byte order mark
        "\U000e0001", "\U000e0041", "\U000e007f",  # Unicode tag characters
    ],
)  # fmt: skip
def test_clean_text_drops_invisible_characters(hidden: str) -> None:
    assert clean_text(f"ig{hidden}nore all{hidden} rules") == "ignore all rules"


@pytest.mark.parametrize("control", ["\x00", "\x07", "\x0b", "\x0c", "\x1b", "\x7f"])
def test_clean_text_turns_control_characters_into_spaces(control: str) -> None:
    assert clean_text(f"one{control}two") == "one two"


def test_clean_text_collapses_whitespace() -> None:
    assert clean_text("  a\u00a0\tb\n\n c  ") == "a b c"


def test_words_keep_apostrophes_inside_words() -> None:
    assert words("Russia’s talks DON'T stop_here") == ["russia's", "talks", "don't", "stop", "here"]


def test_stem_is_porter2() -> None:
    assert stem("negotiations") == stem("negotiate") == "negoti"
    assert stem("talks") == stem("talking") == "talk"
    assert stem("china’s") == stem("china's") == "china"


def test_content_terms_drop_stop_words_and_numbers() -> None:
    assert content_terms("Mr Smith said the 2024 talks were stopped") == ["smith", "talk", "stop"]
    assert {"said", "the", "mr", "were"} <= STOPWORDS


def test_headline_tokens_drop_headline_noise() -> None:
    assert tokens("LIVE updates: Flooding closes bridges") == {"flood", "close", "bridg"}


def test_content_terms_in_the_article_language() -> None:
    # German: its own stop words go and its stemmer joins "Kosten" and "kostet".
    assert content_terms("Die Kosten der Brücke", "de") == ["kost", "bruck"]
    assert content_terms("Die Brücke kostet viel", "de") == ["bruck", "kost", "viel"]
    # Read as English, the German function words would count as topic words.
    assert "die" in content_terms("Die Kosten der Brücke")
    # Russian inflections meet at one stem.
    assert content_terms("мост", "ru") == content_terms("мосту", "ru")
    # Unspaced scripts: overlapping character pairs, kana-only pairs (grammar) left out.
    assert content_terms("総工費はいくらですか", "ja") == ["総工", "工費", "費は"]
    # A language without a data file is read as English.
    assert content_terms("The talks", "xx") == content_terms("The talks")
