"""Speakers of quotes in scripts written without spaces (Japanese, Chinese), and in Korean.

Word tokens and capitals, which the attribution of spaced languages reads, do not exist here;
the structure does: 山田太郎市長は式典で「…」と述べた (subject, topic particle, quote, cue) and
王毅表示：“…” (subject, cue, colon, quote). The cues, particles and title suffixes come from the
language data files (:mod:`.languages`). Korean is spaced but has no capitals either, and marks
its subject the same way, with a particle at the end of a word: 김민수 장관은 … "…"라고 말했다.
"""

from __future__ import annotations

import re
from functools import cache
from typing import NamedTuple

from bot.text.languages import languages

__all__ = ["PRONOUN", "speech_words", "unspaced_speaker"]

_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
# A word ending like these is an adverbial or a verb form, never part of a subject's name
# phrase ("기자회견에서", "따르면").
_NOT_NAME_ENDINGS = ("에서", "에게", "에", "의", "을", "를", "와", "과", "로", "면", "며", "고", "서", "도")
_CLAUSE_END = "。！？!?\n「」『』“”"
_BOUNDARY = re.compile(r"[、，,：:；;\s]+")
PRONOUN = "\x00pronoun"  # a 彼/她 subject: the caller resolves it to the previous speaker


class _Tables(NamedTuple):
    suffix_cues: tuple[str, ...]
    pre_cues: tuple[str, ...]
    markers: tuple[str, ...]
    titles: tuple[str, ...]
    pronouns: frozenset[str]
    adverbial_openers: tuple[str, ...]


@cache
def _tables() -> _Tables:
    langs = languages()
    return _Tables(
        suffix_cues=tuple(c for lang in langs for c in lang.quote_suffix_cues),
        pre_cues=tuple(sorted((c for lang in langs for c in lang.prequote_cues), key=len, reverse=True)),
        markers=tuple(m for lang in langs for m in lang.speaker_markers),
        titles=tuple(sorted((t for lang in langs for t in lang.title_suffixes), key=len, reverse=True)),
        pronouns=frozenset(
            p for lang in langs if lang.quote_suffix_cues or lang.prequote_cues
            for p in lang.male_pronouns + lang.female_pronouns
        ),
        adverbial_openers=tuple(a for lang in langs for a in lang.adverbial_openers),
    )


def speech_words(text: str) -> int:
    """Words for the purpose of "long enough to be a quote": spaced words, and two characters
    of an unspaced script per word."""
    unspaced = len(_UNSPACED.findall(text))
    spaced = len(_UNSPACED.sub(" ", text).split())
    return spaced + (unspaced + 1) // 2


def _clean(name: str) -> str | None:
    """The name in a subject phrase: after the last の (技術者の佐藤花子さん), minus a title suffix."""
    tables = _tables()
    name = name.rsplit("の", 1)[-1].strip()
    for opener in tables.adverbial_openers:
        # 王丽华在仪式上表示: the subject ends where an adverbial ("at the ceremony") begins.
        at = name.find(opener, 2)
        if at > 0:
            name = name[:at]
    if name in tables.pronouns:
        return PRONOUN
    for title in tables.titles:
        if name.endswith(title) and len(name) > len(title) + 1:
            name = name[: -len(title)]
            break
    for title in tables.titles:
        at = name.rfind(title)
        if 0 <= at and len(name) - at - len(title) >= 2:
            name = name[at + len(title) :]  # 市长王丽华: a title before the name
            break
    if not 2 <= len(name) <= 20 or not all(ch.isalnum() or ch in "・･=＝-" for ch in name):
        return None
    return name


def _clause_before(text: str, pos: int) -> str:
    start = pos
    while start > 0 and text[start - 1] not in _CLAUSE_END and pos - start < 60:
        start -= 1
    return text[start:pos]


def _spaced_subject(clause: str) -> str | None:
    """The subject of a Korean clause: the first word ending in a subject particle, with up to
    two name words before it (김민수 국토교통부 장관은 → "김민수 국토교통부 장관")."""
    _, _, markers, titles, pronouns, _ = _tables()
    tokens = [t.strip(",.·") for t in clause.split()]
    for i, token in enumerate(tokens):
        marker = next((m for m in markers if _HANGUL.match(m) and token.endswith(m)
                       and len(token) > len(m)), None)
        if marker is None:
            continue
        head = token[: -len(marker)]
        if head in pronouns:
            return PRONOUN
        phrase = [head]
        for word in reversed(tokens[max(0, i - 2) : i]):
            if not word or word.endswith(_NOT_NAME_ENDINGS) or not _HANGUL.match(word):
                break
            phrase.insert(0, word)
        if len(phrase) == 1 and head in titles:
            return None  # "장관은" alone: a title without a name
        name = " ".join(phrase)
        return name if 2 <= len(name) <= 30 else None
    return None


def unspaced_speaker(text: str, qs: int, qe: int) -> str | None:
    """The speaker of the quote at text[qs:qe] (marks included) by unspaced-script structure,
    PRONOUN for a pronoun subject, None when the structure is not there."""
    suffix_cues, pre_cues, markers, *_ = _tables()
    after = text[qe : qe + 12]
    if any(after.startswith(cue) for cue in suffix_cues):
        clause = _clause_before(text, qs)
        if _HANGUL.search(clause):
            return _spaced_subject(clause)
        at = min((i for i in (clause.find(m) for m in markers) if i > 0), default=-1)
        if at > 0:
            return _clean(_BOUNDARY.split(clause[:at])[-1])
    before = _BOUNDARY.sub("", text[max(0, qs - 40) : qs][::-1], count=1)[::-1]
    for cue in pre_cues:
        if before.endswith(cue):
            clause = _clause_before(before, len(before) - len(cue))
            return _clean(_BOUNDARY.split(clause)[-1]) if clause else None
    return None
