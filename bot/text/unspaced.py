"""Speakers of quotes in scripts written without spaces (Japanese, Chinese).

Word tokens and capitals, which the attribution of spaced languages reads, do not exist here;
the structure does: 山田太郎市長は式典で「…」と述べた (subject, topic particle, quote, cue) and
王毅表示：“…” (subject, cue, colon, quote). The cues, particles and title suffixes come from the
language data files (:mod:`.languages`).
"""

from __future__ import annotations

import re
from functools import cache

from bot.text.languages import languages

__all__ = ["PRONOUN", "speech_words", "unspaced_speaker"]

_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")
_CLAUSE_END = "。！？!?\n「」『』“”"
_BOUNDARY = re.compile(r"[、，,：:；;\s]+")
PRONOUN = "\x00pronoun"  # a 彼/她 subject: the caller resolves it to the previous speaker


@cache
def _tables() -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...], frozenset[str]]:
    langs = languages()
    suffix_cues = tuple(c for lang in langs for c in lang.quote_suffix_cues)
    pre_cues = tuple(sorted((c for lang in langs for c in lang.prequote_cues), key=len, reverse=True))
    markers = tuple(m for lang in langs for m in lang.speaker_markers)
    titles = tuple(sorted((t for lang in langs for t in lang.title_suffixes), key=len, reverse=True))
    pronouns = frozenset(
        p for lang in langs if lang.quote_suffix_cues or lang.prequote_cues
        for p in lang.male_pronouns + lang.female_pronouns
    )
    return suffix_cues, pre_cues, markers, titles, pronouns


def speech_words(text: str) -> int:
    """Words for the purpose of "long enough to be a quote": spaced words, and two characters
    of an unspaced script per word."""
    unspaced = len(_UNSPACED.findall(text))
    spaced = len(_UNSPACED.sub(" ", text).split())
    return spaced + (unspaced + 1) // 2


def _clean(name: str) -> str | None:
    """The name in a subject phrase: after the last の (技術者の佐藤花子さん), minus a title suffix."""
    *_, titles, pronouns = _tables()
    name = name.rsplit("の", 1)[-1].strip()
    if name in pronouns:
        return PRONOUN
    for title in titles:
        if name.endswith(title) and len(name) > len(title) + 1:
            name = name[: -len(title)]
            break
    if not 2 <= len(name) <= 20 or not all(ch.isalnum() or ch in "・･=＝-" for ch in name):
        return None
    return name


def _clause_before(text: str, pos: int) -> str:
    start = pos
    while start > 0 and text[start - 1] not in _CLAUSE_END and pos - start < 60:
        start -= 1
    return text[start:pos]


def unspaced_speaker(text: str, qs: int, qe: int) -> str | None:
    """The speaker of the quote at text[qs:qe] (marks included) by unspaced-script structure,
    PRONOUN for a pronoun subject, None when the structure is not there."""
    suffix_cues, pre_cues, markers, _, _ = _tables()
    after = text[qe : qe + 12]
    if any(after.startswith(cue) for cue in suffix_cues):
        clause = _clause_before(text, qs)
        at = min((i for i in (clause.find(m) for m in markers) if i > 0), default=-1)
        if at > 0:
            return _clean(_BOUNDARY.split(clause[:at])[-1])
    before = _BOUNDARY.sub("", text[max(0, qs - 40) : qs][::-1], count=1)[::-1]
    for cue in pre_cues:
        if before.endswith(cue):
            clause = _clause_before(before, len(before) - len(cue))
            return _clean(_BOUNDARY.split(clause)[-1]) if clause else None
    return None
