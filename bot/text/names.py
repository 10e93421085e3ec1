"""Tokens, and the shape of a person's name: capitalised words, titles, initials, particles.

Shape only: whether "Anna Keller" is a person is decided by how the article uses the words
(:mod:`.people`), not by any list of names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.text.lexicon import (
    CALENDAR,
    FEMALE_NOUNS,
    FEMALE_TITLES,
    MALE_NOUNS,
    MALE_TITLES,
    ORGANISATION_NOUNS,
    PARTICLES,
    PRONOUNS,
    ROLE_WORDS,
)

__all__ = [
    "NameParts",
    "Tok",
    "is_abbrev_dot",
    "is_name_word",
    "looks_like_person",
    "name_end",
    "name_start",
    "name_words",
    "noun_gender",
    "role_key",
    "strip_titles",
    "tokenize",
]

# Words keep inner dots, hyphens and apostrophes ("U.S", "D-Wis", "O'Brien") but not a
# possessive "'s", so "Norrland's" yields the name "Norrland".
_TOKEN = re.compile(r"[^\W_]+(?:[.\-][^\W_]+|[’'](?![sS]\b)[^\W_]+)*|[^\w\s]")


@dataclass(slots=True)
class Tok:
    text: str
    low: str
    start: int
    end: int
    is_word: bool
    is_cap: bool


def tokenize(text: str) -> list[Tok]:
    out = []
    for m in _TOKEN.finditer(text):
        t = m.group()
        out.append(Tok(t, t.lower(), m.start(), m.end(), t[0].isalnum(), t[0].isupper()))
    return out


def is_name_word(tok: Tok) -> bool:
    return tok.is_word and tok.is_cap and tok.low not in PRONOUNS


def is_abbrev_dot(toks: list[Tok], k: int) -> bool:
    """True when the "." at toks[k] closes a title or an initial ("Mr.", "J.")."""
    prev = toks[k - 1] if k > 0 else None
    return prev is not None and prev.end == toks[k].start and (
        prev.low in ROLE_WORDS or (len(prev.text) == 1 and prev.is_cap)
    )


def name_end(toks: list[Tok], i: int, end: int) -> int:
    """End of the name that starts at toks[i] ("Dr. J. van Dijk"), not beyond ``end``."""
    j = i + 1
    while j < end and (
        is_name_word(toks[j])
        or (toks[j].text == "." and is_abbrev_dot(toks, j))
        or (toks[j].low in PARTICLES and j + 1 < end and is_name_word(toks[j + 1]))
    ):
        j += 1
    return j


def name_start(toks: list[Tok], k: int, start: int) -> int:
    """Start of the name that ends at toks[k], not before ``start``."""
    i = k
    while i - 1 >= start and (
        is_name_word(toks[i - 1])
        or (toks[i - 1].text == "." and i - 2 >= start and is_abbrev_dot(toks, i - 1))
        or (toks[i - 1].low in PARTICLES and i - 2 >= start and is_name_word(toks[i - 2]))
    ):
        i -= 1
    return i


def name_words(toks: list[Tok]) -> list[str]:
    """Token texts of a name, re-attaching the dot of initials and titles ("J.", "Mr.")."""
    out: list[str] = []
    for t in toks:
        if t.text == ".":
            if out and (len(out[-1]) == 1 or out[-1].lower() in ROLE_WORDS):
                out[-1] += "."
            continue
        if t.text in ("(", ")"):
            break
        out.append(t.text)
    return out


@dataclass(frozen=True, slots=True)
class NameParts:
    """A capitalised run split into the name and what came before it."""

    name: list[str]
    gender: str | None  # "m" / "f" when a title says so ("Mrs", "spokesman")
    role: str | None  # the role the run gives the person ("president" in "Russian President X")

    @property
    def had_role(self) -> bool:
        return self.role is not None


def strip_titles(words: list[str]) -> NameParts:
    """Drop titles and roles, and whatever precedes the last one ("Russian President ...")."""
    gender: str | None = None
    last_role = -1
    for k, w in enumerate(words):
        if w.lower().rstrip(".") in ROLE_WORDS:
            last_role = k
            gender = noun_gender(w) or gender
    role = role_key(words[: last_role + 1]) if last_role >= 0 else None
    return NameParts(words[last_role + 1 :], gender, role)


def noun_gender(word: str) -> str | None:
    """ "m" for "Mr", "spokesman" or "father", "f" for "Mrs", "spokeswoman" or "mother"."""
    low = word.lower().rstrip(".")
    if low in MALE_TITLES or low in MALE_NOUNS:
        return "m"
    if low in FEMALE_TITLES or low in FEMALE_NOUNS:
        return "f"
    return None


def role_key(words: list[str]) -> str | None:
    """What a descriptive phrase calls someone: its trailing role words, else its head noun.

    "Vice President" -> "vice president"; "the city's mayor" -> "mayor"; "union boss" -> "boss";
    "the architect" -> "architect".
    """
    key: list[str] = []
    for w in reversed(words):
        lw = w.lower().rstrip(".")
        if lw not in ROLE_WORDS:
            break
        key.insert(0, lw)
    if key:
        return " ".join(key)
    head = re.sub(r"['’]s$", "", words[-1].lower()) if words else ""
    return head if head.isalpha() else None


def looks_like_person(name: list[str], had_role: bool) -> bool:
    """A titled name, or two or more name words that are not an organisation or a date."""
    lows = [w.lower().rstrip(".") for w in name]
    if not lows or any(w in ORGANISATION_NOUNS for w in lows) or all(w in CALENDAR for w in lows):
        return False
    if all(w.isupper() and len(w) > 1 for w in name):
        return False  # acronyms
    return had_role or len(name) >= 2
