"""Sentence splitting for news copy (bot.text.sentences)."""

from __future__ import annotations

import pytest

from bot.text.sentences import sentence_spans, split_sentences
from bot.text.words import count_words


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Titles never end a sentence.
        (
            "Mr. Smith met Dr. Jones. They talked.",
            ["Mr. Smith met Dr. Jones.", "They talked."],
        ),
        (
            "Sen. Warren and Gov. Newsom spoke. Rep. Moore left.",
            ["Sen. Warren and Gov. Newsom spoke.", "Rep. Moore left."],
        ),
        # Dotted abbreviations mid-sentence, and at the end of one.
        (
            "The U.S. Senate voted at 3 p.m. on Friday. It passed.",
            ["The U.S. Senate voted at 3 p.m. on Friday.", "It passed."],
        ),
        (
            "Troops returned to the U.S. The move surprised many.",
            ["Troops returned to the U.S.", "The move surprised many."],
        ),
        # Month abbreviations before a day number.
        ("Talks began on Feb. 25 in Minsk. Nothing came of them.",
         ["Talks began on Feb. 25 in Minsk.", "Nothing came of them."]),
        # Initials.
        (
            "George W. Bush met J. K. Rowling in London. It was brief.",
            ["George W. Bush met J. K. Rowling in London.", "It was brief."],
        ),
        # Decimal numbers have no space after the dot.
        ("Growth was 3.5 per cent. Inflation was 2.1 per cent.",
         ["Growth was 3.5 per cent.", "Inflation was 2.1 per cent."]),
        # Quotes closing after the full stop, straight and curly.
        (
            'He said: "We will win." Then he left.',
            ['He said: "We will win."', "Then he left."],
        ),
        (
            "She said: “It is over.” The crowd cheered.",
            ["She said: “It is over.”", "The crowd cheered."],
        ),
        # A question inside a quote followed by its attribution is one sentence.
        (
            '"Are you sure?" he asked. "Yes," she said.',
            ['"Are you sure?" he asked.', '"Yes," she said.'],
        ),
        # Ellipsis: continues before a lower-case word, ends before a capital.
        (
            "It went on... and on. Then... Nothing.",
            ["It went on... and on.", "Then...", "Nothing."],
        ),
        ("The “situation has undergone rapid changes… (and) China supports talks”. Next.",
         ["The “situation has undergone rapid changes… (and) China supports talks”.", "Next."]),
        # "No." before a number is an abbreviation; "no." at the end of a sentence is not.
        (
            "He lives at No. 10 Downing St. in London. He said no. Then he left.",
            ["He lives at No. 10 Downing St. in London.", "He said no.", "Then he left."],
        ),
        ("Why? Because! Fine.", ["Why?", "Because!", "Fine."]),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_paragraph_breaks_are_boundaries() -> None:
    text = "A headline without a stop\n\nFirst paragraph here. Second sentence.\n\nLast one"
    assert split_sentences(text) == [
        "A headline without a stop",
        "First paragraph here.",
        "Second sentence.",
        "Last one",
    ]


def test_single_newline_before_lower_case_is_a_wrapped_line() -> None:
    text = "This line was wrapped\nin the middle. A new sentence.\nA new line"
    assert split_sentences(text) == [
        "This line was wrapped\nin the middle.",
        "A new sentence.",
        "A new line",
    ]


def test_sentences_are_verbatim_slices() -> None:
    text = "  (CNN) -- Mr. Obama spoke.   \"We're done,\" he said.\n\n  The end.  "
    spans = sentence_spans(text)
    assert [text[s:e] for s, e in spans] == split_sentences(text)
    for sentence in split_sentences(text):
        assert sentence in text
        assert sentence == sentence.strip()


@pytest.mark.parametrize("text", ["", "   ", "\n\n\n"])
def test_empty_input(text: str) -> None:
    assert split_sentences(text) == []


def test_no_terminal_punctuation() -> None:
    assert split_sentences("just some words") == ["just some words"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "北浜市は二十六日、新しい計画を発表した。計画は三年間で実施される！「大丈夫だ」と知事は述べた。",
            ["北浜市は二十六日、新しい計画を発表した。", "計画は三年間で実施される！", "「大丈夫だ」と知事は述べた。"],
        ),
        (
            "서울시는 26일 새로운 계획을 발표했다. 계획은 3년간 시행된다.",
            ["서울시는 26일 새로운 계획을 발표했다.", "계획은 3년간 시행된다."],
        ),
        ("รัฐบาลประกาศแผนใหม่ในวันจันทร์ ประชาชนจำนวนมากเห็นด้วย", ["รัฐบาลประกาศแผนใหม่ในวันจันทร์", "ประชาชนจำนวนมากเห็นด้วย"]),
    ],
)
def test_sentences_in_other_scripts(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


@pytest.mark.parametrize(
    ("text", "words"),
    [("The bridge reopened on Monday.", 5), ("東京都は防災計画を発表した。", 7), ("서울시는 26일 계획을 발표했다.", 4),
     ("The Tokyo 東京 office", 4)],
)
def test_count_words_in_any_script(text: str, words: int) -> None:
    assert count_words(text) == words
