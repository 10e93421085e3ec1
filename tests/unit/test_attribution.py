"""Speaker attribution from the text's own structure (bot.text.attribution, bot.text.people).

Every sentence here is invented, and every name in it is one no list could know: the speaker
has to come from speech verbs, appositives, quote position and the people the story itself
introduces.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.models import Quote
from bot.text.names import tokenize
from bot.text.people import People
from bot.text.quotes import extract_quotes, find_quote_spans, verify_quote, verify_quotes
from bot.text.sentences import sentence_spans


def speakers(text: str) -> list[tuple[str, str | None]]:
    return [(span.text, span.speaker) for span in find_quote_spans(text)]


def people_of(text: str) -> People:
    return People(text, tokenize(text), [s for s, _ in sentence_spans(text)])


# --- quote position ------------------------------------------------------------------------------


def test_speaker_after_the_quote_with_an_appositive() -> None:
    text = '"We will finish the bridge before the first snow," said Anna Keller, the mayor.'
    assert speakers(text) == [("We will finish the bridge before the first snow", "Anna Keller")]


def test_speaker_before_the_quote() -> None:
    text = 'Anna Keller opened the session at nine.\n\nKeller said: "The council has approved every cent of it."'
    assert speakers(text) == [("The council has approved every cent of it.", "Anna Keller")]


def test_inverted_cue_with_a_title_and_initials() -> None:
    text = '"The samples tell a very clear story," said Dr. J. R. Okafor, a researcher at the institute.'
    assert speakers(text) == [("The samples tell a very clear story", "J. R. Okafor")]


def test_question_with_asked() -> None:
    text = '"Who will pay for the broken windows?" asked Tomas Varga.'
    assert speakers(text) == [("Who will pay for the broken windows?", "Tomas Varga")]


# --- the article's own people --------------------------------------------------------------------


def test_later_surname_refers_back_to_the_full_name() -> None:
    text = (
        "Anna Keller opened the new library on Tuesday.\n\n"
        "The building cost twelve million euros and took three years.\n\n"
        '"Every child in this town deserves a quiet place to read," Keller told the crowd.'
    )
    assert speakers(text) == [("Every child in this town deserves a quiet place to read", "Anna Keller")]


def test_first_name_refers_back_to_the_full_name() -> None:
    text = 'Maria Lopez, 34, lost her house in the flood. "We had ten minutes to get out," Maria said.'
    assert speakers(text) == [("We had ten minutes to get out", "Maria Lopez")]


def test_surname_with_a_particle() -> None:
    text = (
        "Pieter de Vries, who chairs the water board, said the dikes were safe. "
        '"We inspect every one of them each spring," de Vries said.'
    )
    assert speakers(text) == [("We inspect every one of them each spring", "Pieter de Vries")]


def test_appositive_between_subject_and_verb() -> None:
    text = 'Tomas Varga, the head of the dockworkers union, said the strike "will go on until the port listens".'
    assert speakers(text) == [("will go on until the port listens", "Tomas Varga")]


def test_definite_description_refers_back_to_the_appositive() -> None:
    text = (
        "Tomas Varga, the union leader, met the owners on Friday.\n\n"
        '"Nobody here wants a long strike," the union leader said.'
    )
    assert speakers(text) == [("Nobody here wants a long strike", "Tomas Varga")]


def test_definite_description_with_a_complement_refers_back() -> None:
    text = (
        "Mayor Anna Keller opened the harbour on Monday.\n\n"
        '"Nobody will lose a job over this," the mayor of Norrland said.'
    )
    assert speakers(text) == [("Nobody will lose a job over this", "Anna Keller")]


def test_name_in_an_aside_is_the_speaker() -> None:
    text = 'The head of Norrland Rail, Anna Keller, said: "We will run extra trains all week."'
    assert speakers(text) == [("We will run extra trains all week.", "Anna Keller")]


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ('"The line will reopen by Friday," a spokesperson for Norrland Rail said.',
         "a spokesperson for Norrland Rail"),
        ('"The line will reopen by Friday," Norrland Rail\'s press office said.', "Norrland Rail's press office"),
        ('"The line will reopen by Friday," the WHO said.', "the WHO"),
        ('The ministry said in a statement: "The line will reopen by Friday."', "The ministry"),
    ],
)  # fmt: skip
def test_organisations_and_descriptions_speak_as_written(text: str, speaker: str) -> None:
    assert [s for _, s in speakers(text)] == [speaker]


def test_a_sentence_full_of_names_is_not_a_headline() -> None:
    text = 'Anna Keller and Tomas Varga met on Monday.\n\n"We agreed on nothing at all," she said.'
    assert speakers(text) == [("We agreed on nothing at all", "Anna Keller")]


def test_title_case_headline_names_nobody() -> None:
    people = people_of("Harbour Crane Falls Onto Ferry Deck\n\nNobody was hurt.")
    assert people.mentions == []


def test_definite_description_without_a_referent_stays_as_written() -> None:
    text = 'Snow closed every road in Norrland. "Nobody should travel before Friday," the governor said.'
    assert speakers(text) == [("Nobody should travel before Friday", "the governor")]


# --- pronouns ------------------------------------------------------------------------------------


def test_pronoun_refers_back_to_the_last_named_person() -> None:
    text = (
        "Ines Moreau spent ten years as a night nurse.\n\n"
        "Then Tomas Varga took the microphone.\n\n"
        '"I disagree with every word of this plan," he said.'
    )
    assert speakers(text) == [("I disagree with every word of this plan", "Tomas Varga")]
    assert find_quote_spans(text)[0].via_pronoun


def test_pronoun_skips_a_person_of_the_other_gender() -> None:
    text = (
        "Ines Moreau took over the ministry in March and said her first task was the hospitals.\n\n"
        "Tomas Varga, a father of two, had left after a dispute over pay.\n\n"
        '"We cannot ask nurses to wait another year," she said.'
    )
    assert speakers(text) == [("We cannot ask nurses to wait another year", "Ines Moreau")]


def test_pronoun_prefers_a_person_shown_to_be_of_its_gender_over_one_unknown() -> None:
    text = (
        "Anna Keller, a mother of three, runs the bakery on the square.\n\n"
        "Tomas Varga owns the shop next door.\n\n"
        '"Nobody warned us about the roadworks," she said.'
    )
    assert speakers(text) == [("Nobody warned us about the roadworks", "Anna Keller")]


def test_pronoun_gender_from_a_title() -> None:
    text = 'Ms Okafor met Mr Lind at the harbour. "We shook hands and nothing more," he said.'
    assert speakers(text) == [("We shook hands and nothing more", "Lind")]


# --- no speaker ----------------------------------------------------------------------------------


def test_quote_with_no_attributable_speaker_gets_none() -> None:
    text = (
        "Anna Keller opened the bridge on Monday.\n\n"
        'On the railing, someone had painted "this bridge belongs to the river" in large letters.'
    )
    assert speakers(text) == [("this bridge belongs to the river", None)]


def test_plural_pronoun_is_not_resolved_to_a_person() -> None:
    text = 'Anna Keller met the strikers. "We reject the offer in its current form," they said.'
    assert speakers(text) == [("We reject the offer in its current form", None)]


def test_a_place_is_not_the_antecedent_of_he() -> None:
    text = (
        "Snow fell across Norrland on Sunday.\n\n"
        "Norrland has seen worse winters.\n\n"
        '"The roads will stay closed until Tuesday at the earliest," he said.'
    )
    assert speakers(text) == [("The roads will stay closed until Tuesday at the earliest", None)]


# --- the registry --------------------------------------------------------------------------------


def test_people_registry_is_learnt_from_the_text() -> None:
    people = people_of(
        "Mayor Anna Keller spoke at Harbour Hall in Norrland. Keller said her budget was tight. "
        "Tomas Varga, the union leader, disagreed."
    )
    assert people.canonical(["Keller"]) == "Anna Keller"
    assert people.by_role("mayor") == "Anna Keller"
    assert people.by_role("leader") == "Tomas Varga"
    assert people.gender.get("Anna Keller") == "f"
    assert people.is_place(["Norrland"]) and people.is_place(["Harbour", "Hall"])
    assert not people.is_person(["Harbour", "Hall"], False)


@pytest.mark.parametrize("word", ["Monday", "NATO", "Council"])
def test_dates_acronyms_and_organisations_do_not_speak_as_people(word: str) -> None:
    people = people_of(f"{word} said the talks would resume.")
    assert people.canonical([word]) is None
    assert not people.is_person([word], False)


# --- other languages -----------------------------------------------------------------------------

MULTILINGUAL = json.loads((Path(__file__).parents[1] / "data" / "quotes" / "articles.json").read_text("utf-8"))


@pytest.mark.parametrize("article", MULTILINGUAL, ids=[a["id"] for a in MULTILINGUAL])
def test_quotes_in_other_languages(article: dict[str, Any]) -> None:
    """Each language's own marks, speech verbs and word order, with the right speaker."""
    text = "\n\n".join([article["title"], *article["paragraphs"]])
    got = [[q.text, q.speaker, q.open_mark, q.close_mark] for q in extract_quotes(text)]
    assert got == article["quotes"]
    assert verify_quotes(extract_quotes(text), text)[1] == []
    # Another person of the same article is not the speaker.
    others = {q[1] for q in article["quotes"]}
    for quote_text, speaker, _, _ in article["quotes"]:
        for other in others - {speaker}:
            assert not verify_quote(Quote(text=quote_text, speaker=other), text)
