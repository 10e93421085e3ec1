"""Words for matching: one tokenizer, one stop-word list and one stemmer for every caller.

Headline clustering (:func:`bot.text.clean.tokens`), the extractive summarizer, the offline
answerer and quote ranking all compare words the same way: lower-cased, stop words out, and
reduced to a Snowball (Porter2) English stem so "talks" matches "talk" and "negotiations"
matches "negotiate".
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

import snowballstemmer

from bot.models import count_words
from bot.text import languages

__all__ = ["HEADLINE_NOISE", "STOPWORDS", "content_terms", "count_words", "stem", "words"]

# English function words and contractions, plus what every news story repeats without adding
# meaning: reporting verbs ("said", "told") and courtesy titles ("Mr").
STOPWORDS = frozenset(
    """a about above after again against all am amid an and any are aren't as at be because been
    before being below between both but by can can't cannot could couldn't despite did didn't do
    does doesn't doing don't down during each few for from further had hadn't has hasn't have
    haven't having he he'd he'll he's her here here's hers herself him himself his how how's i
    i'd i'll i'm i've if in into is isn't it it's its itself let's me more most mustn't my
    myself no nor not now of off on once only or other ought our ours ourselves out over own per
    same shan't she she'd she'll she's should shouldn't so some such than that that's the their
    theirs them themselves then there there's these they they'd they'll they're they've this
    those through to too under until up very via vs was wasn't we we'd we'll we're we've were
    weren't what what's when when's where where's which while who who's whom why why's will with
    won't would wouldn't you you'd you'll you're you've your yours yourself yourselves also just
    may might must shall said says say told tell tells s t d ll m re ve mr mrs ms dr get got
    one like""".split()
)

# Words feeds put in headlines to sell a story, not to say what it is about.
HEADLINE_NOISE = frozenset("breaking latest live new report reports update updates video watch".split())

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
# Snowball stemmer objects keep per-call state, and summaries run in worker threads.
_local = threading.local()


def words(text: str) -> list[str]:
    """Lower-cased word tokens; "Russia’s" stays one token, normalised to "russia's"."""
    return [w.replace("’", "'") for w in _WORD.findall(text.casefold())]


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The Porter2 stem of a lower-cased word ("negotiations" -> "negoti", "china's" -> "china")."""
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = snowballstemmer.stemmer("english")
    return str(stemmer.stemWord(word.replace("’", "'")))


def content_terms(text: str, language: str | None = None) -> list[str]:
    """Stemmed non-stop-words of ``text``, in order (duplicates kept).

    English by default. With the code of another language that has a data file, its own stop
    words and Snowball stemmer; in Chinese, Japanese and Korean, overlapping character pairs,
    which match across the particles and inflections glued to words in those scripts.
    """
    lang = None if language in (None, "", "en") else languages.language(language)
    if lang is None or lang.code == "en":
        return [stem(w) for w in words(text) if w not in STOPWORDS and not w.isdigit()]
    terms: list[str] = []
    stop = _stopwords(lang.code)
    for w in words(text):
        if w.isdigit():
            continue
        if _PAIRED_SCRIPT.match(w):
            # A pair of kana alone is grammar (particles, endings: "です", "すか"), not a topic.
            pairs = (w[i : i + 2] for i in range(max(1, len(w) - 1)))
            terms.extend(p for p in pairs if not _KANA_ONLY.fullmatch(p))
        elif w not in stop:
            terms.append(_stem_in(lang.stemmer, w) if lang.stemmer else w)
    return terms


_KANA_ONLY = re.compile(r"[\u3040-\u309f]+")
_PAIRED_SCRIPT = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uac00-\ud7a3]")


@lru_cache(maxsize=32)
def _stopwords(code: str) -> frozenset[str]:
    lang = languages.language(code)
    return frozenset(lang.stopwords) if lang else frozenset()


@lru_cache(maxsize=65536)
def _stem_in(algorithm: str, word: str) -> str:
    stemmers: dict[str, snowballstemmer.Stemmer] = getattr(_local, "by_language", None) or {}
    _local.by_language = stemmers
    if algorithm not in stemmers:
        stemmers[algorithm] = snowballstemmer.stemmer(algorithm)
    return str(stemmers[algorithm].stemWord(word))
