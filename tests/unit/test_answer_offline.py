"""Offline follow-up answers (bot.engines.retrieval)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.engines.retrieval import BM25, NOT_COVERED, PREFIX, answer_extractive, answer_kind
from bot.models import Answer, Article
from bot.text.quotes import verify_quote
from bot.text.sentences import split_sentences
from tests.unit.test_quotes import SEED_TEXT


@pytest.fixture(params=["paragraphs only", "title apart"])
def seed(request: pytest.FixtureRequest) -> Article:
    # The seed article wrapped into an Article by splitting paragraphs on blank lines; also as
    # the extractor delivers it, with the first line as the title.
    paragraphs = [p.strip() for p in SEED_TEXT.split("\n\n") if p.strip()]
    if request.param == "title apart":
        return Article(url="https://example.com/seed", title=paragraphs[0], paragraphs=paragraphs[1:])
    return Article(url="text:seed", paragraphs=paragraphs)


def answer_sentences(article: Article, answer: Answer) -> list[str]:
    """The answer's sentences, each asserted to occur verbatim in the article."""
    assert answer.text.startswith(PREFIX)
    body = answer.text[len(PREFIX) :]
    sentences = split_sentences(body)
    assert 1 <= len(sentences) <= 3
    for sentence in sentences:
        assert sentence in article.text, sentence
    return sentences


def test_who_is_peskov(seed: Article) -> None:
    answer = answer_extractive(seed, "Who is Peskov?")
    assert answer.found and answer.engine == "extractive"
    sentences = answer_sentences(seed, answer)
    assert any("Spokesman Dmitry Peskov" in s for s in sentences)


def test_where_will_talks_be_held(seed: Article) -> None:
    answer = answer_extractive(seed, "Where will talks be held?")
    assert answer.found
    assert any("Minsk" in s for s in answer_sentences(seed, answer))


def test_question_not_covered(seed: Article) -> None:
    answer = answer_extractive(seed, "What is the weather in Paris?")
    assert answer == Answer(text=NOT_COVERED, engine="extractive", found=False)


@pytest.mark.parametrize(
    "question",
    [
        "What is the weather in Ukraine?",  # one topical word is not enough
        "Who won the football match?",
        "?",
        "",
        "what is it about?",  # nothing but question words
    ],
)
def test_low_relevance_is_not_found(seed: Article, question: str) -> None:
    assert not answer_extractive(seed, question).found


def test_answer_sentences_are_in_article_order(seed: Article) -> None:
    answer = answer_extractive(seed, "What did Mr Xi say about negotiations?")
    assert answer.found
    sentences = answer_sentences(seed, answer)
    positions = [seed.text.index(s) for s in sentences]
    assert positions == sorted(positions)


def test_answer_quotes_are_verified(seed: Article) -> None:
    answer = answer_extractive(seed, "What did Putin tell Xi about negotiations with Ukraine?")
    assert answer.found
    answer_sentences(seed, answer)
    assert answer.quotes, answer
    for quote in answer.quotes:
        assert verify_quote(quote, seed.text)
        assert quote.text in answer.text


def test_context_carries_a_follow_up(seed: Article) -> None:
    # "What else did he say?" has no topic of its own; the previous question supplies it.
    assert not answer_extractive(seed, "What else did he say?").found
    followup = answer_extractive(seed, "What else did he say?", context="Who is Peskov?")
    assert followup.found
    assert any("Peskov" in s for s in answer_sentences(seed, followup))


def test_context_weighs_less_than_the_question(seed: Article) -> None:
    answer = answer_extractive(seed, "Where will talks be held?", context="Who is Peskov?")
    assert any("Minsk" in s for s in answer_sentences(seed, answer))


def test_boilerplate_is_never_an_answer(seed: Article) -> None:
    answer = answer_extractive(seed, "How can I get live updates on Telegram?")
    assert not answer.found or "Telegram" not in answer.text


def test_empty_article() -> None:
    assert not answer_extractive(Article(url="text:empty"), "Who is Peskov?").found


def test_bm25_ranks_rarer_and_denser_matches_higher() -> None:
    docs = [["talk", "minsk", "delegation"], ["talk", "crisis"], ["weather", "rain", "cold", "talk"]]
    bm25 = BM25(docs)
    weights = {"minsk": 1.0, "talk": 1.0}
    scores = [bm25.score(i, weights) for i in range(3)]
    assert scores[0] > scores[1] > scores[2] > 0
    assert bm25.idf("minsk") > bm25.idf("talk")
    assert bm25.score(0, {"absent": 1.0}) == 0.0


def test_question_about_a_name_the_article_never_mentions(seed: Article) -> None:
    assert not answer_extractive(seed, "What is the capital of Peru?").found
    assert answer_extractive(seed, "Who is Peskov?").found
    assert answer_extractive(seed, "What did Xi say about Nato?").found


# --- questions written for the test articles (the full set is scored by bench/answers_offline.py)

QA = json.loads((Path(__file__).parents[1] / "data" / "quotes" / "answers.json").read_text("utf-8"))
QA_ARTICLES = {a["id"]: Article(url=f"text:{a['id']}", title=a["title"], paragraphs=a["paragraphs"],
                               language=a.get("language"))
               for a in QA["articles"]}
SUBSET = [
    "How much did the repairs cost?",  # the fact is in a sentence without the question's topic word
    "How many people attended the ceremony?",
    "When was the bridge first opened?",  # not the neighbouring sentence about the cycle lane
    "How many cables were corroded?",
    "Who carried out the repairs?",
    "How many lanes does the bridge have?",  # a sentence about a lane, but no number: not covered
    "How much did the mayor earn?",
    "How much will a dose cost?",
    "When will regulators decide?",
    "How many patients died?",
    # Other languages: their own question words, stop words and stems; character pairs in
    # Chinese, Japanese and Korean.
    "Wie hoch waren die Kosten?",
    "Wie ist das Wetter in Paris?",
    "Combien de véhicules emprunteront le pont chaque jour ?",
    "Quand le pont a-t-il été inauguré ?",
    "¿Cuánto costó la obra?",
    "Когда открыли мост?",
    "Какая погода будет завтра в Москве?",
    "総工費はいくらですか？",
    "每天有多少辆汽车经过大桥？",
    "총 공사비는 얼마입니까?",
    "내일 서울 날씨는 어떻습니까?",
]


@pytest.mark.parametrize("item", [q for q in QA["questions"] if q["question"] in SUBSET],
                         ids=lambda q: q["question"])
def test_answers_hold_the_asked_fact(item: dict[str, Any]) -> None:
    article = QA_ARTICLES[item["article"]]
    answer = answer_extractive(article, item["question"])
    if item["answer"] is None:
        assert not answer.found, answer.text
        return
    assert answer.found, item["question"]
    sentences = answer_sentences(article, answer)
    assert len(sentences) <= 2
    assert any(item["answer"] in s for s in sentences), answer.text


def test_question_kinds() -> None:
    assert answer_kind("How much did it cost?") is not None
    assert answer_kind("how many people came") is not None
    assert answer_kind("What did she say?") is None
    assert answer_kind("When did it open?").search("in March 2021")  # type: ignore[union-attr]
    assert not answer_kind("When did it open?").search("It opened to traffic.")  # type: ignore[union-attr]
