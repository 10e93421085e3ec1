"""Who said it: the speech cue next to a quote and the subject of that cue.

Rule-based on purpose: no model download, a few milliseconds per article, and the rules are
the ones news copy follows ('"...," she said', '"...," said Anna Keller', 'X told Y: "..."',
'according to X', 'X, the mayor, said'). Names are resolved against the people the article
itself introduces (:mod:`.people`). Internal to :mod:`bot.text.quotes`.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from bot.text.lexicon import (
    ACCORDING,
    AFTER_QUOTE_ONLY,
    AUX_ADVERBS,
    BREAKERS,
    CALENDAR,
    CUE_WORDS,
    DEFINITE,
    DETERMINERS,
    FEMALE_SUBJECT,
    FUNCTION_WORDS,
    INVERTIBLE,
    MALE_SUBJECT,
    ORGANISATION_NOUNS,
    PARTICIPLES,
    PARTICLES,
    PHRASAL_CUES,
    PREPOSITIONS,
    PRONOUNS,
    ROLE_WORDS,
)
from bot.text.names import (
    Tok,
    is_abbrev_dot,
    is_name_word,
    name_end,
    name_start,
    name_words,
    role_key,
)
from bot.text.people import People

__all__ = [
    "Subject",
    "attribute_after",
    "attribute_before",
    "cue_length",
    "is_according",
    "speaker_name",
    "subject_backward",
    "subject_forward",
]


# Prepositions that tie a name into a description: "a spokesperson for Norrland Rail".
_OWNED_BY = frozenset("for of at from".split())


@dataclass(frozen=True)
class Subject:
    text: str  # canonical name, or the noun phrase as written
    kind: str  # "name" | "pronoun" | "np"


# --- subjects ----------------------------------------------------------------------------------


def _name_subject(toks: list[Tok], i: int, j: int, people: People) -> Subject | None:
    parts = people.split_name(name_words(toks[i:j]))
    name = parts.name
    if not name or (len(name) == 1 and name[0].lower() in CALENDAR):
        return None
    canon = people.canonical(name)
    if canon:
        return Subject(canon, "name")
    text = " ".join(name)
    if people.is_person(name, parts.had_role):
        return Subject(text, "name")
    lone = name[0].lower() if len(name) == 1 and not name[0].isupper() else ""
    if lone and lone not in ORGANISATION_NOUNS and not people.is_place(name):
        return Subject(text, "name")  # a surname the article never gave in full: "Figueroa"
    return Subject(text, "np")  # an organisation, place or outlet: "Norrland", "The Post"


def subject_forward(
    toks: list[Tok], i: int, end: int, people: People, *, loose: bool = False
) -> Subject | None:
    """A subject starting at toks[i]: "he", "Anna Keller", "a city spokesman".

    ``loose``: after "according to", where any short description may precede the name
    ("по словам инженера Ольги Смирновой").
    """
    if i >= end:
        return None
    t = toks[i]
    # French "il" is "he", Italian "il" is "the": before a noun it is the article.
    if t.low in DETERMINERS and i + 1 < end and toks[i + 1].is_word:
        return _np_forward(toks, i, end, people)
    if t.low in PRONOUNS:
        return Subject(t.low, "pronoun")
    if is_name_word(t):
        return _name_subject(toks, i, name_end(toks, i, end), people)
    return _described_name_forward(toks, i, end, people, loose)


def _described_name_forward(
    toks: list[Tok], i: int, end: int, people: People, loose: bool
) -> Subject | None:
    """A name after a lower-case description: 'said spokesman Tom Lind', '— сказал министр
    иностранных дел Сергей Лавров'. Only a title may open the description."""
    if toks[i].low not in ROLE_WORDS and not loose:
        return None
    for k in range(i + 1, min(end, i + 5)):
        t = toks[k]
        if is_name_word(t):
            sub = _name_subject(toks, k, name_end(toks, k, end), people)
            return sub if sub is not None and sub.kind == "name" else None
        if not t.is_word or t.low in BREAKERS or t.low in PREPOSITIONS or t.low in CUE_WORDS:
            return None
    return None


def _np_word(t: Tok) -> bool:
    return t.is_word and t.low not in BREAKERS and t.low not in CUE_WORDS and not (
        t.low.endswith("ly") and not t.is_cap  # "boldly": the phrase is over
    )


def _np_forward(toks: list[Tok], i: int, end: int, people: People) -> Subject | None:
    j = i + 1
    while j < end and j - i <= 7 and _np_word(toks[j]):
        j += 1
    if j == i + 1:
        return None
    # "a spokesman for the ministry": keep a short complement.
    if j + 1 < end and toks[j].low in ("for", "of"):
        k = j + 1
        while k < end and k - j <= 5 and _np_word(toks[k]):
            k += 1
        if k > j + 1:
            j = k
    # "the city's new mayor Anna Keller": the name inside is the speaker.
    for a in range(i + 1, j):
        if is_name_word(toks[a]):
            b = a
            while b < j and is_name_word(toks[b]):
                b += 1
            parts = people.split_name(name_words(toks[a:b]))
            canon = people.canonical(parts.name)
            if canon or (len(parts.name) >= 2 and people.is_person(parts.name, parts.had_role)):
                return Subject(canon or " ".join(parts.name), "name")
    return Subject(" ".join(t.text for t in toks[i:j]), "np")


def _skip_aside(toks: list[Tok], k: int, start: int, people: People) -> Subject | None:
    """The subject before an aside that ends at toks[k]: "Keller, the mayor, said";
    "Keller, in a letter to the council, said"; "Keller, 45, said"; "Rep. Ann Lee (D) said"."""
    opener, reach = (",", 16) if toks[k].text == "," else ("(", 8)
    for c in range(k - 1, max(start - 1, k - reach), -1):
        if toks[c].text == opener:
            if opener == "," and is_name_word(toks[c + 1]) and name_end(toks, c + 1, k) == k:
                aside = _name_subject(toks, c + 1, k, people)  # "The mayor, Anna Keller, said"
                if aside is not None and aside.kind == "name":
                    return aside
            return subject_backward(toks, c, start, people)
    return None


def subject_backward(toks: list[Tok], j: int, start: int, people: People) -> Subject | None:
    """A subject ending right before toks[j], not reaching before toks[start]."""
    k = j - 1
    while k >= start and toks[k].low in AUX_ADVERBS:
        k -= 1
    if k < start:
        return None
    t = toks[k]
    if t.text in (",", ")"):
        return _skip_aside(toks, k, start, people)
    if t.low in PRONOUNS:
        return Subject(t.low, "pronoun")
    if is_name_word(t):
        return _name_backward(toks, k, start, people)
    if _may_head_description(t):
        return _described_backward(toks, k, start)
    return None


def _may_head_description(t: Tok) -> bool:
    return t.is_word and t.low not in BREAKERS | CUE_WORDS | DETERMINERS and len(t.low) > 2


def _name_backward(toks: list[Tok], k: int, start: int, people: People) -> Subject | None:
    i = name_start(toks, k, start)
    while i <= k and toks[i].low in FUNCTION_WORDS - DETERMINERS and not _is_acronym(toks[i]):
        i += 1  # sentence-initial "But Keller said"
    if i > k:
        return None
    if i - 2 >= start and toks[i - 1].low in _OWNED_BY and _may_head_description(toks[i - 2]):
        # "a spokesperson for Norrland Rail said": the name completes a description.
        described = _described_backward(toks, i - 2, start)
        if described is not None:
            return Subject(" ".join([described.text, *(x.text for x in toks[i - 1 : k + 1])]), "np")
    if toks[i].low in DETERMINERS:  # "The Council said"; but "Der Bauleiter Tomas Varga sagte"
        named = _name_subject(toks, i + 1, k + 1, people) if i < k else None
        if named is not None and named.kind == "name" and len(named.text.split()) >= 2:
            return named
        return Subject(" ".join(x.text for x in toks[i : k + 1]), "np")
    if i - 1 >= start and toks[i - 1].low in DETERMINERS:  # "the Harbour Board said"
        if toks[i - 1].low in PARTICLES:  # "de Vries said", unless "de" is Dutch "the"
            named = _name_subject(toks, i, k + 1, people)
            if named is not None and named.kind == "name":
                return named
        return Subject(" ".join(x.text for x in toks[i - 1 : k + 1]), "np")
    return _name_subject(toks, i, k + 1, people)


def _described_backward(toks: list[Tok], k: int, start: int) -> Subject | None:
    """A descriptive subject ending at toks[k]: "a senior official", "Keller's deputy",
    "officials"."""
    for i in range(k, max(start - 1, k - 7), -1):
        w = toks[i]
        if w.low == "s" and i - 2 >= start and toks[i - 1].text in "'’":
            owner = name_start(toks, i - 2, start) if is_name_word(toks[i - 2]) else i - 2
            if owner - 1 >= start and toks[owner - 1].low in DETERMINERS:
                owner -= 1  # "the city's mayor", "Norrland Rail's press office"
            text = " ".join(x.text for x in toks[owner : k + 1])
            return Subject(text.replace(" ’ s", "’s").replace(" ' s", "'s"), "np")
        if not w.is_word or w.low in BREAKERS or w.low in CUE_WORDS:
            break
        if w.low in DETERMINERS:
            return Subject(" ".join(x.text for x in toks[i : k + 1]), "np")
    t = toks[k]
    if t.low.endswith("s") or t.low in ("police", "staff", "people"):
        return Subject(t.text, "np")  # a bare plural: "officials said"
    return None


def _is_acronym(t: Tok) -> bool:
    """ "WHO", "IT": capitals that are a name, not a function word opening a sentence."""
    return len(t.text) > 1 and t.text.isupper()


def _clause_subject(toks: list[Tok], start: int, j: int, people: People) -> Subject | None:
    """The first person named in toks[start:j] who is not an object of a preposition."""
    for k in range(start, j):
        t = toks[k]
        prev = toks[k - 1].low if k > start else ""
        if prev in PREPOSITIONS or prev in DETERMINERS:
            continue
        if t.low in MALE_SUBJECT or t.low in FEMALE_SUBJECT:
            return Subject(t.low, "pronoun")
        if is_name_word(t) and t.low not in FUNCTION_WORDS:
            e = k
            while e < j and (is_name_word(toks[e]) or toks[e].text == "."):
                e += 1
            parts = people.split_name(name_words(toks[k:e]))
            if people.canonical(parts.name) or people.is_person(parts.name, parts.had_role):
                return _name_subject(toks, k, e, people)
    return None


# --- cues --------------------------------------------------------------------------------------


def cue_length(toks: list[Tok], i: int, end: int, *, after_quote: bool = False) -> int:
    """Length in tokens of a speech cue starting at toks[i], 0 if there is none.

    ``after_quote``: toks[i] directly follows a quotation, where a few more words are cues
    (German "„…“, so Scholz").
    """
    t = toks[i]
    for phrase in PHRASAL_CUES:
        n = len(phrase)
        if i + n <= end and phrase[0] == t.low and tuple(x.low for x in toks[i : i + n]) == phrase:
            return n
    if t.low in AFTER_QUOTE_ONLY and not after_quote:
        return 0
    if t.is_cap and (t.low,) in ACCORDING:
        return 1  # "Selon X, « … »" opens its sentence
    # Speech verbs are lower case mid-sentence: "States" or "Post" are names, not cues.
    return 1 if t.low in CUE_WORDS and not t.is_cap else 0


def _according(toks: list[Tok], i: int, n: int) -> bool:
    """True when the cue toks[i:i+n] is "according to" (or "selon", "laut", "по словам")."""
    return tuple(x.low for x in toks[i : i + n]) in ACCORDING


def attribute_after(toks: list[Tok], i: int, end: int, people: People) -> Subject | None:
    """Attribution after a quote: '," she said', '," said Anna Keller', '" Keller told Y',
    '" — Anna Keller' (an epigraph-style byline)."""
    dashed = False
    while i < end and toks[i].text in ",—–-―:;":
        dashed = dashed or toks[i].text in "—–―-"
        i += 1
    if i >= end:
        return None
    n = cue_length(toks, i, end, after_quote=True)
    if n:
        if _according(toks, i, n):
            return subject_forward(toks, i + n, end, people, loose=True)
        k = i + n
        while k < end and toks[k].low in AUX_ADVERBS:
            k += 1
        return subject_forward(toks, k, end, people)
    for k in range(i + 1, min(end, i + 12)):
        if toks[k].text in ";!?" or (toks[k].text == "." and not is_abbrev_dot(toks, k)):
            break
        if cue_length(toks, k, end) and toks[k].low not in PARTICIPLES:
            sub = subject_backward(toks, k, i, people)
            if sub is not None:
                return sub
            break
    if dashed:
        sub = subject_forward(toks, i, end, people)
        if sub is not None and sub.kind == "name":
            return sub
    return None


def is_according(toks: list[Tok], i: int, end: int) -> bool:
    """True when the text after a quote starts with "according to"."""
    while i < end and toks[i].text in ",—–-":
        i += 1
    return i < end and _according(toks, i, cue_length(toks, i, end))


def attribute_before(toks: list[Tok], start: int, j: int, people: People) -> Subject | None:
    """Attribution before a quote: 'X said: "', 'X said that the "', 'According to X, "'."""
    cues = [k for k in range(start, j) if cue_length(toks, k, j)]
    for n, k in enumerate(reversed(cues)):
        if _according(toks, k, cue_length(toks, k, j)):
            sub = subject_forward(toks, k + cue_length(toks, k, j), j, people, loose=True)
            if sub is not None:
                return sub
            continue
        if toks[k].low in PARTICIPLES:
            # "..., Keller opened the bridge, saying: '...'": the clause's subject speaks.
            sub = _clause_subject(toks, start, k, people)
        else:
            sub = subject_backward(toks, k, start, people)
        if sub is None and toks[k].low in INVERTIBLE:
            sub = subject_forward(toks, k + cue_length(toks, k, j), j, people)  # 'said Keller: "'
            if sub is not None and sub.kind != "name":
                sub = None
        if sub is None and n == 0:
            # The cue shares its clause's subject: "Keller thanked the crews and told them that".
            sub = _clause_subject(toks, start, k, people)
        if sub is not None:
            return sub
    return None


def speaker_name(subject: Subject, people: People) -> str:
    """The speaker to report for a non-pronoun subject.

    A definite description ("the mayor", "the union leader", "the mayor of Norrland") becomes
    the person the article gave that role to ("Mayor Anna Keller", "Anna Keller, the mayor,"), when exactly one
    person has it.
    """
    words = subject.text.split()
    if subject.kind != "np" or words[0].lower() not in DEFINITE:
        return subject.text
    head = list(itertools.takewhile(lambda w: w.lower() not in _OWNED_BY, words[1:]))  # "the mayor of X"
    role = role_key(head) if 1 <= len(head) <= 3 else None
    return (people.by_role(role) if role else None) or subject.text

