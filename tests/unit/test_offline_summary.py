"""The extractive summary engine (bot.engines.extractive)."""

from __future__ import annotations

import pytest

from bot.engines.extractive import (
    clean_sentence,
    compress_sentence,
    is_boilerplate,
    is_caption,
    is_heading,
    select_sentences,
    summarize_extractive,
)
from bot.engines.headline import clause_headline
from bot.models import Article, Summary
from bot.text.quotes import verify_quote
from tests.unit.test_quotes import SEED_PARAGRAPHS

TITLE = SEED_PARAGRAPHS[0]


@pytest.fixture
def seed() -> Article:
    # As the extractor delivers it: the title apart, the body as paragraphs.
    return Article(url="https://example.com/seed", title=TITLE, paragraphs=list(SEED_PARAGRAPHS[1:]))


def test_seed_summary(seed: Article) -> None:
    summary = summarize_extractive(seed)
    assert isinstance(summary, Summary)
    assert summary.engine == "extractive"
    assert summary.note is None
    assert summary.headline == TITLE
    assert len(summary.bullets) == 3
    # The lead, with its dateline trimmed, comes first.
    assert summary.bullets[0].startswith("Russia is ready to send a delegation to the Belarusian capital Minsk")
    assert any("Dmitry Peskov" in b for b in summary.bullets)
    text = " ".join(summary.bullets)
    for junk in ("PHOTO", "BEIJING (AFP", "Telegram", "live updates", "Remote video URL"):
        assert junk not in text
    assert TITLE not in summary.bullets


def test_seed_summary_quotes_are_verified(seed: Article) -> None:
    summary = summarize_extractive(seed)
    assert 1 <= len(summary.quotes) <= 3
    assert all(verify_quote(q, seed.text) for q in summary.quotes)
    assert {q.speaker for q in summary.quotes} <= {"Xi Jinping", "Vladimir Putin"}
    assert summary.quotes[0].text == "Russia is willing to conduct high-level negotiations with Ukraine"


def test_headline_from_a_heading_paragraph_when_there_is_no_title() -> None:
    article = Article(url="text:1", paragraphs=list(SEED_PARAGRAPHS))
    summary = summarize_extractive(article)
    assert summary.headline == TITLE
    assert TITLE not in summary.bullets
    assert summary.bullets[0].startswith("Russia is ready to send a delegation")


def test_headline_from_the_lead_without_title() -> None:
    article = Article(url="text:2", paragraphs=list(SEED_PARAGRAPHS[2:]))
    summary = summarize_extractive(article)
    # The lead's main clause, whole: not the first sentence cut with "…".
    assert summary.headline == "Russia is ready to send a delegation to the Belarusian capital Minsk for talks"
    assert not summary.headline.endswith("…")
    assert not any(b.startswith("Russia is ready to send a delegation") for b in summary.bullets)
    assert len(summary.bullets) >= 2


@pytest.mark.parametrize(
    ("sentence", "headline"),
    [
        ("The bridge reopened on Monday.", "The bridge reopened on Monday"),
        (
            "Gary Locke will be confirmed as the club's permanent manager on Friday - exactly eight weeks "
            "after he was asked to take charge until the end of the season.",
            "Gary Locke will be confirmed as the club's permanent manager on Friday",
        ),
        (
            "Warrington spoiled the captain's 500th appearance for Leeds as they completed a notable double "
            "over the league leaders in emphatic fashion.",
            "Warrington spoiled the captain's 500th appearance for Leeds",
        ),
        (
            "Two climbers have escaped from the collapsed glacier camp and described the hours they spent "
            "waiting for the helicopters to arrive.",
            "Two climbers have escaped from the collapsed glacier camp",
        ),
        (  # an aside between commas goes, so the whole sentence fits
            "The ferry season began on a grim note when skipper Ana Ruiz, who won the harbour race "
            "twice before retiring from it last year, had to withdraw.",
            "The ferry season began on a grim note when skipper Ana Ruiz had to withdraw",
        ),
        (  # so does a span between a pair of dashes
            "The council approved the budget – its third attempt this spring – on Tuesday night.",
            "The council approved the budget on Tuesday night",
        ),
        ("It means an extra 2,100 pounds a year for every household.", None),  # "it" refers to nothing
        ('"We will rebuild the bridge," the mayor said.', None),  # a quotation is not a headline
        ("Too short.", None),
    ],
)
def test_clause_headline(sentence: str, headline: str | None) -> None:
    assert clause_headline(sentence) == headline


@pytest.mark.parametrize(("asked", "expected"), [(1, 3), (3, 3), (4, 4), (5, 5), (9, 5)])
def test_bullet_count_is_three_to_five(seed: Article, asked: int, expected: int) -> None:
    assert len(summarize_extractive(seed, max_bullets=asked).bullets) == expected


def test_bullets_keep_article_order(seed: Article) -> None:
    bullets = summarize_extractive(seed, max_bullets=5).bullets
    body = seed.text
    positions = [body.find(b[:40]) for b in bullets]
    assert all(p >= 0 for p in positions)
    assert positions == sorted(positions)


def test_max_quotes(seed: Article) -> None:
    assert summarize_extractive(seed, max_quotes=0).quotes == []
    assert len(summarize_extractive(seed, max_quotes=1).quotes) == 1


def test_short_and_empty_articles() -> None:
    short = Article(url="text:3", paragraphs=["The bridge reopened on Monday. Traffic is flowing again."])
    summary = summarize_extractive(short)
    assert summary.headline == "The bridge reopened on Monday"
    assert summary.bullets == ["Traffic is flowing again."]
    one = summarize_extractive(Article(url="text:5", paragraphs=["The bridge reopened on Monday."]))
    assert (one.headline, one.bullets) == ("The bridge reopened on Monday", [])
    empty = summarize_extractive(Article(url="text:4", paragraphs=[]))
    assert empty.bullets == []
    assert empty.engine == "extractive"


def test_redundant_sentences_are_not_repeated() -> None:
    paragraphs = [
        "The city council approved the new budget for schools on Monday evening.",
        "On Monday evening the city council approved the new budget for schools.",
        "Teachers welcomed the extra money for classrooms and libraries.",
        "Parents said the plan came too late for this school year.",
        "The mayor will sign the budget into law next week.",
    ]
    bullets = select_sentences(paragraphs, 3)
    assert len(bullets) == 3
    assert not (paragraphs[0] in bullets and paragraphs[1] in bullets)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("(CNN) -- The U.N. Security Council met.", "The U.N. Security Council met."),
        ("(CNN)They may not be alone.", "They may not be alone."),
        ("BEIJING (AFP, REUTERS) -\u00a0Russia is ready.", "Russia is ready."),
        ("LONDON, England (Reuters) -- Prices rose.", "Prices rose."),
        ("WASHINGTON -- The Senate voted.", "The Senate voted."),
        (
            "By . Daily Mail Reporter . PUBLISHED: 10:05 EST, 1 May 2014 | . UPDATED: 11:00 EST, "
            "1 May 2014 . A man was arrested.",
            "A man was arrested.",
        ),
        # not a prefix: a name with a bracketed position marker stays
        ("Russian President Vladimir Putin (R) met Xi.", "Russian President Vladimir Putin (R) met Xi."),
        ("The app was updated in 2019.", "The app was updated in 2019."),
    ],
)
def test_clean_sentence(raw: str, clean: str) -> None:
    assert clean_sentence(raw) == clean


def test_compress_sentence() -> None:
    assert compress_sentence("But the mayor (pictured) said no.") == "The mayor said no."
    assert compress_sentence("However, prices fell.") == "Prices fell."
    # attributions stay: dropping them would turn a claim into a fact
    assert compress_sentence("Prices will fall, officials said.") == "Prices will fall, officials said."


@pytest.mark.parametrize(
    "text",
    [
        "PHOTO: REUTERS",
        "Get live updates as the Ukraine crisis unfolds.",
        "Join ST's Telegram channel and get the latest breaking news delivered to you.",
        "Remote video URL",
        "Click here to read more.",
        "Sign up for our newsletter.",
        "Copyright 2022 The Times. All rights reserved.",
        "Advertisement",
        "© 2022 Example News",
    ],
)
def test_is_boilerplate(text: str) -> None:
    assert is_boilerplate(text)


@pytest.mark.parametrize(
    "text",
    [
        "Russia is ready to send a delegation to Minsk.",
        "The council said readers could sign the petition online.",
        "Customers who subscribe before May will get a discount, the company said.",
        "The app was updated in 2019 to fix the copyright notice bug reported by users.",
    ],
)
def test_is_not_boilerplate(text: str) -> None:
    assert not is_boilerplate(text)


def test_headings_and_captions() -> None:
    assert is_heading(TITLE)
    assert not is_heading("Ukraine has said it is willing to discuss declaring itself a neutral county.")
    assert is_caption(SEED_PARAGRAPHS[1])
    assert not is_caption(SEED_PARAGRAPHS[2])
