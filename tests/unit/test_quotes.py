"""Quote extraction, attribution, ranking and verification (bot.text.quotes)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.engines.extractive import summarize_extractive
from bot.extract import extract_html
from bot.models import Quote
from bot.text.quotes import (
    MIN_QUOTE_WORDS,
    extract_quotes,
    find_quote_spans,
    key_quotes,
    normalize_for_match,
    rank_quotes,
    verify_quote,
    verify_quotes,
)

# The seed article (/work/shared/data/seed-article.txt), embedded so the tests need no shared
# files: title, photo caption, the article's paragraphs, then the site's trailing boilerplate.
SEED_PARAGRAPHS: tuple[str, ...] = (
    'Putin tells Xi that Russia is willing to hold high-level talks with Ukraine: China',
    (
        'Russian President Vladimir Putin with his Chinese counterpart Xi Jinping in Beijing '
        'earlier this month. PHOTO: REUTERS'
    ),
    (
        'BEIJING (AFP, REUTERS) -\xa0Russia is ready to send a delegation to the Belarusian '
        'capital Minsk for talks with Ukraine, a Kremlin spokesman said on Friday (Feb 25), as '
        'President Vladimir Putin told his Chinese counterpart Xi Jinping that Russia was '
        'willing to conduct high-level negotiations with Ukraine.'
    ),
    (
        'Spokesman Dmitry Peskov told Russian news agencies that Russia was willing to send a '
        'delegation including foreign and defence ministry officials.'
    ),
    'Ukraine has said it is willing to discuss declaring itself a neutral county.',
    'Mr Peskov said demilitarisation would need to be an essential part of that.',
    (
        'Chinese President Xi Jinping, in a call with Mr Putin,\xa0said he supported solving the '
        'Ukraine crisis through talks.'
    ),
    (
        'In a readout of the call on Chinese state broadcaster CCTV on Friday, Mr Xi pointed '
        'out that the "situation in eastern Ukraine has undergone rapid changes... (and) China '
        'supports Russia and Ukraine to resolve the issue through negotiation".'
    ),
    (
        'Russian forces have launched a full-scale invasion of Ukraine, unleashing air strikes '
        'and sending troops deep into the country, after weeks of diplomatic efforts failed to '
        'deter Mr Putin from launching the military operation.'
    ),
    (
        'Beijing has trod a cautious diplomatic line on the crisis and refused to call it an '
        '"invasion" or condemn the actions of Russia, its close ally.'
    ),
    (
        'Mr Xi said on the call with Mr Putin that it was important to "abandon the Cold War '
        'mentality, attach importance to and respect the reasonable security concerns of all '
        'countries, and form a balanced, effective and sustainable European security mechanism '
        'through negotiations".'
    ),
    (
        'According to the Chinese media readout, Mr Putin outlined the reasons for Russia '
        'launching the "special military operation", and told Mr Xi that Nato and the United '
        'States had "long ignored Russia\'s legitimate security concerns, repeatedly reneged on '
        'their commitments and kept pushing military deployments to the east, challenging '
        'Russia\'s strategic red line".'
    ),
    (
        '"Russia is willing to conduct high-level negotiations with Ukraine," he told Mr Xi on '
        'the call.'
    ),
    (
        'As the crisis escalated, China has been forced to balance its close Russia ties with '
        'major economic interests in Europe.'
    ),
    (
        "And Moscow's approach is in stark contrast to China's longstanding stated foreign "
        "policy position of non-interference in other countries' internal affairs."
    ),
    (
        'Mr Xi said China was "willing to work with all parties in the international community '
        'to advocate a common, comprehensive, cooperative and sustainable security concept, and '
        'firmly safeguard the international system with the United Nations at the core", '
        'according to the CCTV readout.'
    ),
    'Get live updates as the Ukraine crisis unfolds.',
    'Remote video URL',
    "Join ST's Telegram channel and get the latest breaking news delivered to you.",
)
SEED_TEXT = "\n\n".join(SEED_PARAGRAPHS)
BOILERPLATE = SEED_PARAGRAPHS[-3:]  # "Get live updates ...", "Remote video URL", "Join ST's Telegram ..."


def speakers_by_text(text: str) -> dict[str, str]:
    return {q.text: q.speaker for q in extract_quotes(text)}


def find(quotes: list[Quote], fragment: str) -> Quote:
    matches = [q for q in quotes if fragment in q.text]
    assert len(matches) == 1, (fragment, quotes)
    return matches[0]


# --- the seed article ----------------------------------------------------------------------------


def test_seed_quotes_and_speakers() -> None:
    quotes = extract_quotes(SEED_TEXT)
    xi = find(quotes, "situation in eastern Ukraine has undergone rapid changes")
    assert xi.speaker == "Xi Jinping"
    assert xi.text.startswith("situation in eastern Ukraine has undergone rapid changes...")
    putin = find(quotes, "Russia is willing to conduct high-level negotiations with Ukraine")
    assert putin.speaker == "Vladimir Putin"  # "he told Mr Xi": he = Putin, not the listener
    assert putin.text == "Russia is willing to conduct high-level negotiations with Ukraine"
    assert find(quotes, "abandon the Cold War mentality").speaker == "Xi Jinping"
    assert find(quotes, "long ignored Russia's legitimate security concerns").speaker == "Vladimir Putin"
    assert find(quotes, "willing to work with all parties").speaker == "Xi Jinping"


def test_seed_skips_scare_quotes_and_boilerplate() -> None:
    quotes = extract_quotes(SEED_TEXT)
    texts = " ".join(q.text for q in quotes)
    assert "invasion" not in [q.text for q in quotes]
    assert "special military operation" not in [q.text for q in quotes]
    for junk in BOILERPLATE:
        assert junk not in texts
    assert all(q.speaker in {"Xi Jinping", "Vladimir Putin"} for q in quotes)


def test_seed_quotes_verify() -> None:
    kept, dropped = verify_quotes(extract_quotes(SEED_TEXT), SEED_TEXT)
    assert dropped == []
    assert len(kept) == 5


def test_seed_key_quotes_spread_across_speakers() -> None:
    top = extract_quotes(SEED_TEXT, limit=2)
    assert {q.speaker for q in top} == {"Xi Jinping", "Vladimir Putin"}
    # A complete statement beats a fragment woven into the reporter's sentence.
    assert top[0].text == "Russia is willing to conduct high-level negotiations with Ukraine"


# --- attribution patterns -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "quote", "speaker"),
    [
        # '"...," he said' with the pronoun resolved to the last person named as a subject
        (
            'Mayor Jane Doe opened the bridge on Monday. "This bridge will serve the city for a '
            'century," she said.',
            "This bridge will serve the city for a century",
            "Jane Doe",
        ),
        # '"...," said X'
        (
            '"We have no plans to raise taxes this year," said Finance Minister Rishi Sunak.',
            "We have no plans to raise taxes this year",
            "Rishi Sunak",
        ),
        # 'X said: "..."'
        (
            'Police chief Tom Evans said: "The suspect was arrested at the airport."',
            "The suspect was arrested at the airport.",
            "Tom Evans",
        ),
        # 'X said that "..."'
        (
            'Angela Merkel said that "the decision cannot be reversed without a new vote".',
            "the decision cannot be reversed without a new vote",
            "Angela Merkel",
        ),
        # '"..." X told Y'
        (
            '"We are ready to talk at any time," Dmitry Peskov told reporters in Moscow.',
            "We are ready to talk at any time",
            "Dmitry Peskov",
        ),
        # 'According to X, "..."'
        (
            'According to John Smith, "the plant will close before the end of the year."',
            "the plant will close before the end of the year.",
            "John Smith",
        ),
        # other speech verbs, and adverbs between subject and verb
        (
            'Sarah Connor later warned: "This is only the beginning of the crisis."',
            "This is only the beginning of the crisis.",
            "Sarah Connor",
        ),
        (
            '"Prices will keep rising for months," economist Paul Krugman wrote on Twitter.',
            "Prices will keep rising for months",
            "Paul Krugman",
        ),
        # a descriptive speaker
        (
            '"The talks will continue next week," a Kremlin spokesman said.',
            "The talks will continue next week",
            "a Kremlin spokesman",
        ),
        # epigraph-style byline
        (
            "“I am truly afraid of what comes next for this town.” ― Maria Lopez",
            "I am truly afraid of what comes next for this town.",
            "Maria Lopez",
        ),
    ],
)
def test_attribution_patterns(text: str, quote: str, speaker: str) -> None:
    assert speakers_by_text(text) == {quote: speaker}


def test_short_reference_expands_to_full_name() -> None:
    text = (
        "Kremlin spokesman Dmitry Peskov spoke to reporters on Friday.\n\n"
        'Mr Peskov said: "Demilitarisation must be an essential part of any deal."'
    )
    assert speakers_by_text(text) == {
        "Demilitarisation must be an essential part of any deal.": "Dmitry Peskov"
    }


def test_pronoun_skips_the_listener_and_people_in_prepositional_phrases() -> None:
    text = (
        "Vladimir Putin spoke with Xi Jinping by phone on Friday.\n\n"
        '"Russia is willing to negotiate with Ukraine," he told Mr Xi.'
    )
    assert speakers_by_text(text) == {"Russia is willing to negotiate with Ukraine": "Vladimir Putin"}


def test_definite_role_resolves_to_the_person_with_that_role() -> None:
    text = (
        "President Barack Obama opened the museum on Saturday.\n\n"
        '"This museum tells the story of all of us," the president said.'
    )
    assert speakers_by_text(text) == {"This museum tells the story of all of us": "Barack Obama"}


def test_pronoun_gender_from_title() -> None:
    text = (
        "Mrs Thatcher met Mr Reagan at the summit in Geneva.\n\n"
        '"We can do business with this man," she said.'
    )
    assert speakers_by_text(text) == {"We can do business with this man": "Thatcher"}


def test_continuation_quote_keeps_the_speaker() -> None:
    text = (
        '"The results were better than we expected," said Anna Berg. "We will publish the full '
        'data next month."'
    )
    assert speakers_by_text(text) == {
        "The results were better than we expected": "Anna Berg",
        "We will publish the full data next month.": "Anna Berg",
    }


def test_a_quote_with_its_own_unresolved_attribution_does_not_inherit() -> None:
    text = '"The results were better than we expected," said Anna Berg. "We want more money," they said.'
    assert speakers_by_text(text) == {"The results were better than we expected": "Anna Berg"}


def test_multi_paragraph_quote_with_colon_attribution() -> None:
    text = 'The senator then spoke.\n\nTed Cruz said:\n\n"We will fight this bill in every committee."'
    assert speakers_by_text(text) == {"We will fight this bill in every committee.": "Ted Cruz"}


def test_british_single_quotes_and_apostrophes() -> None:
    text = (
        "‘I’d be over the moon to get it as it’s something I’ve worked hard towards,’ said Gary "
        "Locke, praising the players’ efforts. ‘It’s not about me, it’s about the players.’"
    )
    quotes = extract_quotes(text)
    assert [(q.text, q.speaker) for q in quotes] == [
        ("I’d be over the moon to get it as it’s something I’ve worked hard towards", "Gary Locke"),
        ("It’s not about me, it’s about the players.", "Gary Locke"),
    ]


@pytest.mark.parametrize(
    ("opening", "closing"),
    [("“", "”"), ('"', '"'), ("«", "»"), ("„", "“"), ("「", "」"), ("''", "''")],
)
def test_quote_mark_styles(opening: str, closing: str) -> None:
    text = f"{opening}The vote will take place on Sunday,{closing} said Pedro Sanchez."
    assert speakers_by_text(text) == {"The vote will take place on Sunday": "Pedro Sanchez"}


def test_scare_quotes_and_titles_are_not_quotes() -> None:
    text = (
        'Beijing refused to call it an "invasion", Maria Zakharova said. The film "Gone With The '
        'Wind Again" opened, critic Roger Ebert said.'
    )
    assert extract_quotes(text) == []
    assert MIN_QUOTE_WORDS == 4


def test_unattributed_quote_is_left_out() -> None:
    text = 'The sign on the door read "no entry after nine in the evening" and nothing else.'
    assert extract_quotes(text) == []
    spans = find_quote_spans(text)
    assert len(spans) == 1 and spans[0].speaker is None
    assert text[spans[0].start : spans[0].end] == '"no entry after nine in the evening"'


def test_repeated_quote_is_returned_once() -> None:
    text = (
        '"We will rebuild the school within a year," said Mayor Ann Lee.\n\n'
        '"We will rebuild the school within a year," Ann Lee repeated later.'
    )
    assert len(extract_quotes(text)) == 1


def test_rank_quotes_limit_and_diversity() -> None:
    quotes = [
        Quote(text="The economy grew faster than any forecast had predicted this spring.", speaker="Ann Lee"),
        Quote(text="Unemployment fell for the third quarter in a row across all regions.", speaker="Ann Lee"),
        Quote(text="We remain cautious about inflation and the housing market overall.", speaker="Bob Stone"),
    ]
    top = rank_quotes(quotes, 2)
    assert len(top) == 2
    assert {q.speaker for q in top} == {"Ann Lee", "Bob Stone"}
    assert rank_quotes(quotes, 0) == []
    assert rank_quotes([], 3) == []


def test_key_quotes_skip_bare_fragments_woven_into_narration() -> None:
    text = (
        'The mayor said the bridge would reopen "in a few weeks." '
        '"We have checked every cable twice and the engineers are satisfied," she said. '
        'The closure was "a painful but necessary step for the whole city," she added.'
    )
    shown = [q.text for q in key_quotes(text, 3)]
    # All three are attributed quotes ...
    assert any("in a few weeks" in q.text for q in extract_quotes(text))
    # ... but a four-word fragment means nothing on its own; a fuller fragment still shows.
    assert not any("in a few weeks" in t for t in shown)
    assert any(t.startswith("We have checked") for t in shown)
    assert any("painful but necessary" in t for t in shown)
    assert key_quotes(text, 0) == []


def test_empty_text() -> None:
    assert extract_quotes("") == []
    assert extract_quotes("No quotes here at all.") == []


# --- verification -------------------------------------------------------------------------------

ARTICLE = (
    "Chinese President Xi Jinping said China was “willing to work with all parties in the "
    "international community” on Friday.\n\n"
    "“Russia is willing to conduct high-level negotiations with Ukraine,” he told Mr Xi — "
    "a well-known line. Mr Putin's spokesman didn't comment.\n\n"
    "Mr Xi said the situation had “undergone rapid changes... and China supports negotiation”."
)


@pytest.mark.parametrize(
    "quote",
    [
        Quote(text="Russia is willing to conduct high-level negotiations with Ukraine", speaker="Vladimir Putin"),
        # case, whitespace and punctuation at the edges
        Quote(text="  russia IS willing to conduct\nhigh-level negotiations with Ukraine.", speaker="Putin"),
        # straight vs curly quote marks and apostrophes
        Quote(text='"willing to work with all parties in the international community"', speaker="Xi Jinping"),
        # dashes and hyphens: hyphen vs en dash
        Quote(text="high–level negotiations with Ukraine", speaker="Putin"),
        # titles on the speaker are stripped; the surname is what must appear
        Quote(text="willing to work with all parties", speaker="President Xi"),
        # an ellipsis joining two verbatim parts, in order
        Quote(text="Russia is willing … negotiations with Ukraine", speaker="Putin"),
        Quote(text="willing to work with all parties [...] international community", speaker="Xi Jinping"),
        # the article's own ellipsis
        Quote(text="undergone rapid changes... and China supports negotiation", speaker="Xi Jinping"),
    ],
)
def test_verify_accepts(quote: Quote) -> None:
    assert verify_quote(quote, ARTICLE)


@pytest.mark.parametrize(
    "quote",
    [
        # fabricated
        Quote(text="Russia will never negotiate with Ukraine under any circumstances", speaker="Putin"),
        # one word changed
        Quote(text="Russia is willing to conduct high-level talks with Ukraine", speaker="Putin"),
        Quote(text="Russia is ready to conduct high-level negotiations with Ukraine", speaker="Putin"),
        # right quote, speaker not in the article
        Quote(text="Russia is willing to conduct high-level negotiations with Ukraine", speaker="Joe Biden"),
        # ellipsis parts in the wrong order, or one part invented
        Quote(text="negotiations with Ukraine ... Russia is willing", speaker="Putin"),
        Quote(text="Russia is willing ... to invade the whole of Europe", speaker="Putin"),
        # partial words do not count as a match
        Quote(text="ussia is willing to conduct high-level negotiation", speaker="Putin"),
        # too short to mean anything / empty
        Quote(text="Russia is", speaker="Putin"),
        Quote(text="   ", speaker="Putin"),
        Quote(text="…", speaker="Putin"),
        # narration is not a quote, even if it is verbatim
        Quote(text="Mr Putin’s spokesman didn't comment", speaker="Xi Jinping"),
        Quote(text="he told Mr Xi - a well-known line", speaker="Xi Jinping"),
        # parts joined by an ellipsis must lie in the same quotation
        Quote(text="willing to work with all parties [...] on Friday", speaker="Xi Jinping"),
        # the article credits this quotation to Xi, by name
        Quote(text="willing to work with all parties in the international community", speaker="Putin"),
        # a pronoun or empty speaker proves nothing
        Quote(text="Russia is willing to conduct high-level negotiations with Ukraine", speaker="he"),
        Quote(text="Russia is willing to conduct high-level negotiations with Ukraine", speaker=""),
        Quote(text="Russia is willing to conduct high-level negotiations with Ukraine", speaker="Mr"),
    ],
)
def test_verify_rejects(quote: Quote) -> None:
    assert not verify_quote(quote, ARTICLE)


def test_verify_quotes_splits_and_keeps_order() -> None:
    good1 = Quote(text="willing to work with all parties", speaker="Xi Jinping")
    bad = Quote(text="China will send troops tomorrow morning", speaker="Xi Jinping")
    good2 = Quote(text="Russia is willing to conduct high-level negotiations", speaker="Vladimir Putin")
    kept, dropped = verify_quotes([good1, bad, good2], ARTICLE)
    assert kept == [good1, good2]
    assert dropped == [bad]
    assert verify_quotes([], ARTICLE) == ([], [])


def test_normalize_for_match() -> None:
    assert normalize_for_match("“Don’t  STOP” — now") == normalize_for_match('"don\'t stop" - now')
    assert normalize_for_match("a\u00a0b\n c") == "a b c"


def test_a_quote_spliced_across_narration_is_dropped() -> None:
    article = (
        'Maria Lind answered the critics in an open letter on Sunday. "Who, if not ourselves? " '
        'she wrote in her letter. "The answer is that we must rebuild the school together."'
    )
    spliced = Quote(text="Who, if not ourselves? she wrote in her letter. The answer is that we must",
                    speaker="Maria Lind")
    joined = Quote(text="Who, if not ourselves? … The answer is that we must rebuild", speaker="Maria Lind")
    whole = Quote(text="The answer is that we must rebuild the school together.", speaker="Maria Lind")
    kept, dropped = verify_quotes([spliced, joined, whole], article)
    assert [q.text for q in kept] == [whole.text]
    assert dropped == [spliced, joined]


def test_a_misattributed_quote_is_dropped() -> None:
    article = (
        "Jeffrey Holm and Andrew Marsh met at the harbour office on Monday.\n\n"
        '"I have never been to that island in my life," Marsh told the inquiry.\n\n'
        'Holm said: "The records will show who travelled where."'
    )
    assert verify_quote(Quote(text="I have never been to that island in my life", speaker="Andrew Marsh"), article)
    assert not verify_quote(Quote(text="I have never been to that island in my life", speaker="Jeffrey Holm"), article)
    assert not verify_quote(Quote(text="The records will show who travelled where", speaker="Marsh"), article)


@pytest.mark.parametrize(
    ("edited", "article_quote"),
    [
        ("We will … raise taxes on working families", "We will not raise taxes on working families"),
        ("We will [...] raise taxes", "We will never, under any circumstances, raise taxes"),
        ("raise taxes on working families this year", "We will not raise taxes on working families this year"),
        ("Wir werden … die Steuern erhöhen", "Wir werden nicht die Steuern erhöhen"),
    ],
)
def test_an_ellipsis_may_not_drop_a_negation(edited: str, article_quote: str) -> None:
    article = f'"{article_quote}," said Finance Minister Ola Berg.'
    assert verify_quote(Quote(text=article_quote, speaker="Ola Berg"), article)
    assert not verify_quote(Quote(text=edited, speaker="Ola Berg"), article)


@pytest.mark.parametrize(
    "speaker",
    ["Ola Berg <a href='x'>", "https://example.com/ola-berg", "Ola Berg (@olaberg)",
     "Ola Berg, " + "the long-serving finance minister of a country " * 2],
)
def test_a_speaker_must_be_short_plain_text(speaker: str) -> None:
    article = '"We will not raise taxes on working families," said Finance Minister Ola Berg.'
    assert not verify_quote(Quote(text="We will not raise taxes on working families", speaker=speaker), article)


def test_verified_quotes_carry_the_article_marks() -> None:
    article = "„Wir haben die Brücke vor dem ersten Schnee fertiggestellt“, sagte Anna Keller."
    kept, _ = verify_quotes([Quote(text="Wir haben die Brücke vor dem ersten Schnee fertiggestellt",
                                   speaker="Anna Keller")], article)
    assert [(q.open_mark, q.close_mark) for q in kept] == [("„", "“")]
    french = "« Nous avons terminé le pont avant la neige », a déclaré Jean Moreau."
    kept, _ = verify_quotes([Quote(text="Nous avons terminé le pont avant la neige", speaker="Jean Moreau")], french)
    assert [(q.open_mark, q.close_mark) for q in kept] == [("«\u00a0", "\u00a0»")]


@pytest.mark.parametrize("code", ["de", "fr", "es", "ru", "ja", "zh", "ko"])
def test_saved_pages_show_quotes_with_their_speakers_offline(code: str) -> None:
    """A saved page in another language, through extraction and the extractive engine."""
    data = Path(__file__).parents[1] / "data"
    expected = next(a for a in json.loads((data / "quotes" / "articles.json").read_text("utf-8"))
                    if a["id"] == code)["quotes"]
    article = extract_html((data / "pages" / f"quotes-{code}.html").read_text("utf-8"),
                           f"https://news.example.com/{code}/bridge")
    summary = summarize_extractive(article, max_quotes=5)
    shown = {(q.text, q.speaker, q.open_mark, q.close_mark) for q in summary.quotes}
    assert shown == {tuple(q) for q in expected}
