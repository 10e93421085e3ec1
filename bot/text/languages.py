"""How each language reports speech, read from one small data file per language (``lang/*.json``).

A file lists a language's speech verbs ("sagte", "a déclaré", "сказал"; several words allowed),
"according to" phrases, subject pronouns by gender, determiners, titles before names and
negation words. Scripts without spaces (Japanese, Chinese) list the cue that follows or precedes a
quotation instead ("と述べた", "表示") and the marks that end a speaker ("は"). Adding a language
is adding a file: no code knows any language but through these tables.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

__all__ = ["Language", "language", "languages"]


@dataclass(frozen=True)
class Language:
    code: str
    speech_verbs: tuple[str, ...] = ()
    participles: tuple[str, ...] = ()  # continue their clause's subject: "..., adding: '...'"
    not_invertible: tuple[str, ...] = ()  # never precede their subject ("told" names a listener)
    after_quote_only: tuple[str, ...] = ()  # cues only right after a quote ("„…“, so Scholz")
    according_to: tuple[str, ...] = ()
    male_pronouns: tuple[str, ...] = ()
    female_pronouns: tuple[str, ...] = ()
    determiners: tuple[str, ...] = ()
    definite: tuple[str, ...] = ()  # articles of a description that may name a role holder
    titles: tuple[str, ...] = ()
    negations: tuple[str, ...] = ()
    quote_suffix_cues: tuple[str, ...] = ()  # unspaced scripts: 「…」と述べた
    prequote_cues: tuple[str, ...] = ()  # unspaced scripts: 王毅表示：“…”
    speaker_markers: tuple[str, ...] = ()  # unspaced scripts: the particle after a subject
    title_suffixes: tuple[str, ...] = ()  # unspaced scripts: 山田太郎外相
    adverbial_openers: tuple[str, ...] = ()  # unspaced scripts: 王丽华在仪式上表示 (在 …)
    # For matching questions to sentences (the offline answerer):
    stemmer: str = ""  # a Snowball algorithm ("german"); none for unspaced scripts
    stopwords: tuple[str, ...] = ()
    months: tuple[str, ...] = ()  # and other words that date a sentence ("gestern")
    question_words: tuple[tuple[str, tuple[str, ...]], ...] = ()  # kind -> how questions ask
    nouns_capitalized: bool = False  # German: a capital does not mark a name


def _tuple(data: dict[str, object], key: str) -> tuple[str, ...]:
    value = data.get(key, [])
    assert isinstance(value, list), key
    return tuple(str(v).lower() for v in value)


def _load(name: str, text: str) -> Language:
    data = json.loads(text)
    pronouns = data.get("pronouns", {})
    kinds = data.get("question_words", {})
    return Language(
        code=data.get("language", name),
        stemmer=str(data.get("stemmer", "")),
        nouns_capitalized=bool(data.get("nouns_capitalized", False)),
        question_words=tuple((kind, tuple(str(w).lower() for w in ws)) for kind, ws in kinds.items()),
        male_pronouns=tuple(p.lower() for p in pronouns.get("m", [])),
        female_pronouns=tuple(p.lower() for p in pronouns.get("f", [])),
        **{key: _tuple(data, key) for key in (
            "speech_verbs", "participles", "not_invertible", "after_quote_only", "according_to",
            "determiners", "definite", "titles", "negations", "quote_suffix_cues",
            "prequote_cues", "speaker_markers", "title_suffixes", "adverbial_openers", "stopwords",
            "months")},
    )


@cache
def languages() -> tuple[Language, ...]:
    """Every language with a data file, English first."""
    folder = resources.files("bot.text").joinpath("lang")
    loaded = [
        _load(entry.name.removesuffix(".json"), entry.read_text(encoding="utf-8"))
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".json")
    ]
    return tuple(sorted(loaded, key=lambda lang: lang.code != "en"))


@cache
def language(code: str | None) -> Language | None:
    """The data of one language by its code ("de", "pt-BR" → "pt"), None when there is none."""
    if not code:
        return None
    base = code.lower().replace("_", "-").split("-")[0]
    return next((lang for lang in languages() if lang.code == base), None)
