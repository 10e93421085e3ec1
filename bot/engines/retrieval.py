"""Offline follow-up answers: the article's own sentences, ranked with BM25.

No LLM, so no paraphrase and no invention: the answer is 1-2 sentences quoted verbatim from
the article (in article order), or an honest "not covered" when nothing matches well enough.
BM25 is implemented here (it is ~30 lines) rather than pulling in a dependency.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from typing import Protocol

from bot.engines.extractive import clean_sentence, is_boilerplate, is_caption, is_heading
from bot.models import Answer, Article, Quote, count_words
from bot.text.languages import language
from bot.text.quotes import extract_quotes, normalize_for_match, verify_quotes
from bot.text.sentences import split_sentences
from bot.text.words import content_terms

__all__ = ["BM25", "NOT_COVERED", "PREFIX", "answer_extractive", "answer_kind"]

PREFIX = "From the article: "
NOT_COVERED = "The article doesn't seem to cover that."

# Words that carry no topic in a question ("Where will the talks be held?" is about talks).
_QUESTION_NOISE = frozenset(
    content_terms(
        """tell know article story piece explain describe mean means meant happen happened
        happening please think held hold take took taken place go going went come came do
        done make made give gave kind sort thing things anything something about detail
        details more info information else other further much many long old far often big
        large tall"""
    )
)

CONTEXT_WEIGHT = 0.3  # the previous question helps with "what about him?", but less
MIN_COVERAGE = 0.5  # share of the question's (idf-weighted) terms an answer sentence must match
LOOSE_COVERAGE = 0.4  # the same when it matches at least two of them
KEEP_RATIO = 0.8  # a second sentence must score at least this share of the best
MAX_SENTENCES = 2


class BM25:
    """Okapi BM25 over pre-tokenised documents (here: sentences)."""

    def __init__(self, docs: list[list[str]], k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.tf = [Counter(d) for d in docs]
        self.len = [len(d) for d in docs]
        self.avg_len = sum(self.len) / len(docs) if docs else 0.0
        df: Counter[str] = Counter()
        for d in docs:
            df.update(set(d))
        self.df = df
        self.n = len(docs)

    def idf(self, term: str) -> float:
        df = self.df.get(term, 0)
        return math.log(1 + (self.n - df + 0.5) / (df + 0.5))

    def score(self, i: int, weights: dict[str, float]) -> float:
        tf, length = self.tf[i], self.len[i]
        norm = self.k1 * (1 - self.b + self.b * length / self.avg_len) if self.avg_len else self.k1
        total = 0.0
        for term, w in weights.items():
            f = tf.get(term, 0)
            if f:
                total += w * self.idf(term) * f * (self.k1 + 1) / (f + norm)
        return total


@dataclass
class _Sentence:
    index: int
    text: str  # verbatim slice of a paragraph (outlet prefix trimmed)
    terms: list[str]


def _sentences(article: Article) -> list[_Sentence]:
    out: list[_Sentence] = []
    code = article.language
    for para in article.paragraphs:
        if is_caption(para) or is_heading(para.strip()):
            continue  # not article prose
        for raw in split_sentences(para):
            text = clean_sentence(raw)
            # clean_sentence only trims a prefix, so the text stays a verbatim substring.
            if count_words(text) < 4 or is_boilerplate(text) or text not in raw:
                continue
            out.append(_Sentence(len(out), text, content_terms(text, code)))
    return out


_WHERE = re.compile(
    r"\b(?:in|at|to|from|near|outside|based|headquartered)\s+(?:the\s+)?[A-Z]|\b(?:capital|city|town|"
    r"village|country|region|province|venue|headquarters|border)\b"
)
_WHEN = re.compile(
    r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|"
    r"April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|"
    r"Aug|Sep|Sept|Oct|Nov|Dec|yesterday|today|tomorrow|tonight|week|weeks|month|months|year|"
    r"years|spring|summer|autumn|fall|winter|ago|century|decade|morning|afternoon|evening)\b"
    r"|\b\d{4}\b|\b\d{1,2}:\d\d\b"
)
_DIGITS_OR_CLOCK = re.compile(r"\d")
_PAIRED_SCRIPT = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uac00-\ud7a3]")
_NUMBER = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
    r"forty|fifty|hundred|hundreds|thousand|thousands|million|millions|billion|billions|dozen|"
    r"dozens|half|third|quarter|percent|twice|double|triple)\b",
    re.IGNORECASE,
)
# A name not at the start of its sentence: "cut by Mayor Anna Keller", "developed by Medivo".
_NAME = re.compile(r"(?<=[\w,;:] )[A-Z][\w'’-]+|^[A-Z][\w'’-]+ [A-Z][\w'’-]+")

# What a question's first words ask for, and what an answer must then contain.
_KINDS: tuple[tuple[tuple[str, ...], Matcher], ...] = (
    (("how much", "how many", "how long", "how old", "how far", "how big", "how large",
      "how often", "how tall", "what percentage", "what share", "what price"), _NUMBER),
    (("when", "what time", "what year", "what day", "since when"), _WHEN),
    (("where",), _WHERE),
    (("who", "whom", "whose", "which company", "which firm"), _NAME),
)


class _CapitalizedWord:
    """A capitalised word not at the start of its sentence, in any cased script ("Анна",
    "Émile"): a name, where the language capitalises only names."""

    _WORD = re.compile(r"(?<=[\w,;:] )([^\W\d_])[\w'’-]+")

    def search(self, text: str) -> bool:
        return any(m.group(1).isupper() for m in self._WORD.finditer(text))


class _WordsOrPattern:
    """Any of ``words`` (a language's month and day names) or ``pattern``."""

    def __init__(self, words: tuple[str, ...], pattern: re.Pattern[str]) -> None:
        self._words = re.compile(
            r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.IGNORECASE
        ) if words else None
        self._pattern = pattern

    def search(self, text: str) -> bool:
        return bool(self._pattern.search(text) or (self._words and self._words.search(text)))


class Matcher(Protocol):
    def search(self, text: str, /) -> object: ...


_ANY_NAME = _CapitalizedWord()


@cache
def _kinds_of(code: str) -> tuple[tuple[str, Matcher | None], ...]:
    """How questions in this language ask for a number, a time, a place or a person, and what an
    answer must then contain. Unspaced scripts have no capitals: a name can't be required."""
    lang = language(code)
    if lang is None:
        return ()
    unspaced = not lang.stemmer
    by_kind: dict[str, Matcher | None] = {
        "number": _NUMBER,
        "time": _WordsOrPattern(lang.months, _DIGITS_OR_CLOCK),
        "place": None if unspaced or lang.nouns_capitalized else _ANY_NAME,
        "person": None if unspaced or lang.nouns_capitalized else _ANY_NAME,
    }
    # Longest first: "wie viel" before "wie".
    pairs = [(w, by_kind.get(kind)) for kind, ws in lang.question_words for w in ws]
    pairs.sort(key=lambda p: len(p[0]), reverse=True)
    return tuple(pairs)


def answer_kind(question: str, language_code: str | None = None) -> Matcher | None:
    """The kind of token the answer must contain (a number, a date, a place, a name), if any."""
    q = " ".join(question.lower().split()).lstrip("¿¡«„\"' ")
    if language_code in (None, "", "en"):
        for starts, kind in _KINDS:
            if q.startswith(starts):
                return kind
        return None
    for word, matcher in _kinds_of(language_code):
        if _PAIRED_SCRIPT.match(word):
            if word in q:
                return matcher
        elif q.startswith(word) and not q[len(word) : len(word) + 1].isalnum():
            return matcher
    return None


def _query(question: str, context: str | None, code: str | None = None) -> tuple[dict[str, float], list[str]]:
    """Term weights for BM25, and the question's own terms (for the coverage threshold)."""
    noise = _QUESTION_NOISE if code in (None, "", "en") else _noise_of(code)
    own = [t for t in dict.fromkeys(content_terms(question, code)) if t not in noise]
    weights = dict.fromkeys(own, 1.0)
    ctx = [t for t in dict.fromkeys(content_terms(context or "", code)) if t not in noise]
    for t in ctx:
        weights.setdefault(t, CONTEXT_WEIGHT)
    # "What else did he say?" has no topic of its own: it continues the previous question.
    return weights, own or ctx


@cache
def _noise_of(code: str) -> frozenset[str]:
    """A question's own words ("wie viel", "多少") are no topic: their terms are left out."""
    lang = language(code)
    if lang is None:
        return frozenset()
    return frozenset(t for _, ws in lang.question_words for w in ws for t in content_terms(w, code))


def _quotes_within(article: Article, chosen: list[str]) -> list[Quote]:
    """Verified quotes from the article that sit inside the answer's sentences."""
    text = article.text
    inside = normalize_for_match(" ".join(chosen))
    quotes = [q for q in extract_quotes(text) if normalize_for_match(q.text) in inside]
    return verify_quotes(quotes, text)[0]


def _names_missing(question: str, article: Article) -> bool:
    """A name the question asks about ("the capital of Peru?") that the article never mentions
    means the article can't answer, however well other words match. Not in a language that
    capitalises every noun."""
    lang = language(article.language)
    if lang is not None and lang.nouns_capitalized:
        return False
    words = re.findall(r"[^\W\d_][\w'-]*", question)[1:]  # the first word is capitalised anyway
    names = {w for w in words if w[0].isupper() and len(w) > 2 and not w.isupper()}
    text = article.text.lower()
    return any(name.lower() not in text for name in names)


def _matches(term: str, terms: list[str]) -> bool:
    """The term, or one sharing its first five letters: stems miss "corroded" vs "corrosion"."""
    if term in terms:
        return True
    return len(term) >= 5 and any(len(t) >= 5 and t[:5] == term[:5] for t in terms)


def _relevant(bm25: BM25, own: list[str], terms: list[str]) -> bool:
    """A sentence matches enough of the question: MIN_COVERAGE of its idf-weighted terms, or
    LOOSE_COVERAGE when it matches two or more of them. A term the article never uses counts
    fully against it ("weather in Paris")."""
    total = sum(bm25.idf(t) for t in own)
    matched = [t for t in own if _matches(t, terms)]
    share = sum(bm25.idf(t) for t in matched) / total if total > 0 else 0.0
    return share >= MIN_COVERAGE or (len(matched) >= 2 and share >= LOOSE_COVERAGE)


def answer_extractive(article: Article, question: str, *, context: str | None = None) -> Answer:
    """Answer ``question`` with 1-2 verbatim article sentences, or found=False.

    A "how much / when / who / where" question is answered only by sentences that contain a
    number, a date, a name or a place; any question only by sentences that match enough of
    what it asks (MIN_COVERAGE). ``context`` is the previous question of the conversation; its
    terms count at CONTEXT_WEIGHT, and stand in for the question's own when it has none.
    """
    not_found = Answer(text=NOT_COVERED, engine="extractive", found=False)
    sentences = _sentences(article)
    weights, own = _query(question, context, article.language)
    if not sentences or not own or _names_missing(question, article):
        return not_found
    bm25 = BM25([s.terms for s in sentences])
    kind = answer_kind(question, article.language)
    first_seen: set[int] = set()
    for term in own:
        # The sentence that first mentions a term usually introduces it ("Spokesman Dmitry
        # Peskov told ..."): what "who is X?" wants.
        first = next((s.index for s in sentences if term in s.terms), None)
        if first is not None:
            first_seen.add(first)
    scores: dict[int, float] = {}
    for s in sentences:
        if kind is not None and not kind.search(s.text):
            continue  # "How many lanes?" is not answered by a sentence without a number
        if not _relevant(bm25, own, s.terms):
            continue
        score = bm25.score(s.index, weights) * (1.15 if s.index in first_seen else 1.0)
        if score > 0:
            scores[s.index] = score
    if not scores:
        return not_found
    best = max(scores, key=lambda i: scores[i])
    ranked = sorted(scores, key=lambda i: scores[i], reverse=True)
    keep = [i for i in ranked[:MAX_SENTENCES] if scores[i] >= KEEP_RATIO * scores[best]]
    chosen = [sentences[i].text for i in sorted(keep)]
    return Answer(
        text=PREFIX + " ".join(chosen),
        quotes=_quotes_within(article, chosen),
        engine="extractive",
        found=True,
    )
