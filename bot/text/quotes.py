"""Direct quotes: extraction, ranking, and verification.

Where the quotes are and who speaks them is :mod:`.quote_spans`; here they become the quotes
shown to users. Verification is deliberately strict and pure: a quote shown to users must lie
inside one quotation of the article (modulo typography), and its speaker must be the one the
article credits with it. It is what stands between an LLM's paraphrase or invention, or a
quote spliced across narration, and a quote presented as real.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.models import Quote
from bot.text.lexicon import NEGATIONS
from bot.text.quote_marks import quoted_spans
from bot.text.quote_spans import MIN_QUOTE_WORDS, Attributor, QuoteSpan, find_quote_spans
from bot.text.unspaced import speech_words
from bot.text.words import STOPWORDS, words

__all__ = [
    "MAX_SPEAKER",
    "MIN_QUOTE_WORDS",
    "QuoteSpan",
    "extract_quotes",
    "find_quote_spans",
    "key_quotes",
    "normalize_for_match",
    "rank_quotes",
    "verify_quote",
    "verify_quotes",
]

# Verification is a little more lenient: "We will win" is a real (short) quote.
_MIN_VERIFY_WORDS = 3


# ---------------------------------------------------------------------------------------------
# Ranking

def _informativeness(q: Quote) -> float:
    """How good a "key quote" this is: substance, completeness, a named speaker."""
    tokens = words(q.text)
    content = sum(1 for w in tokens if w not in STOPWORDS and len(w) > 2)
    score = min(content, 12) / 12  # beyond a dozen content words, longer is not better
    if len(tokens) > 50:
        score *= 50 / len(tokens)  # long quotes make poor key quotes
    text = q.text.strip()
    if text[:1].islower():
        score *= 0.6  # a fragment woven into the reporter's sentence ("... to 'abandon ...'")
    else:
        score += 0.1  # starts like a statement of its own
    if len(q.speaker.split()) >= 2 and q.speaker[:1].isupper():
        score += 0.1  # a fully named speaker beats "a source"
    return score


def rank_quotes(quotes: list[Quote], limit: int) -> list[Quote]:
    """Pick up to ``limit`` key quotes, best first: informative ones, spread across speakers."""
    pool = list(quotes)
    chosen: list[Quote] = []
    per_speaker: dict[str, int] = {}
    while pool and len(chosen) < limit:
        best = max(pool, key=lambda q: _informativeness(q) * 0.5 ** per_speaker.get(q.speaker, 0))
        chosen.append(best)
        per_speaker[best.speaker] = per_speaker.get(best.speaker, 0) + 1
        pool.remove(best)
    return chosen


def extract_quotes(text: str, *, limit: int | None = None) -> list[Quote]:
    """Attributed direct quotes in ``text``.

    Without ``limit``: all of them, in document order. With ``limit``: the key quotes, ranked
    by informativeness and spread across speakers (best first). Quotes whose speaker could not
    be determined are left out: an unattributed quote is not worth showing.
    """
    seen: set[str] = set()
    quotes: list[Quote] = []
    for span in find_quote_spans(text):
        if span.speaker is None:
            continue
        key = normalize_for_match(span.text)
        if key in seen:
            continue  # the same quote repeated (e.g. in a caption or pull quote)
        seen.add(key)
        quotes.append(Quote(text=span.text, speaker=span.speaker,
                            open_mark=span.marks[0], close_mark=span.marks[1]))
    if limit is not None:
        return rank_quotes(quotes, limit)
    return quotes


# ---------------------------------------------------------------------------------------------
# Verification

_QUOTE_CHARS = "\"'“”„‟«»‹›「」『』‘’‚‛`´"
_DELETE_QUOTES = str.maketrans("", "", _QUOTE_CHARS)
# An apostrophe sits between two letters ("don't", "Putin's"); anywhere else the same
# characters are quote marks.
_APOSTROPHE = re.compile(r"(?<=\w)['’‘`´‛](?=\w)")
_DASHES = re.compile(r"\s*[‐‑‒–—―−-]+\s*")
# "...", ". . .", "…", optionally bracketed: "[...]", "(…)".
_ELLIPSIS = re.compile(r"\s*[\[(]?\s*(?:\.\s*){2}\.[\])]?\s*|\s*[\[(]?…[\])]?\s*")
_EDGE_PUNCT = " \t\n.,;:!?"
_TITLES = re.compile(
    r"^(?:(?:mr|mrs|ms|miss|mx|dr|prof|professor|president|sir|dame|lord|lady|sen|senator|rep|"
    r"gov|governor|gen|general|rev|reverend|hon|st|mayor|judge|justice|prime minister|"
    r"minister|secretary|chancellor|king|queen|prince|princess|pope|spokesman|"
    r"spokeswoman)(?:\.?\s+|\.?$))+",
)
MAX_SPEAKER = 60
_LINKISH = re.compile(r"[<>@#]|https?:|www\.|\w\.(?:com|org|net|ru|de|uk|io)\b", re.IGNORECASE)
_NON_SPEAKERS = frozenset(
    "he she they it i we you him her them someone somebody unknown anonymous unnamed".split()
)


def normalize_for_match(text: str) -> str:
    """Typography-insensitive form: case, whitespace, quote marks, apostrophes and dashes.

    Apostrophes inside words are unified to "'"; quote marks are removed rather than unified,
    so straight vs curly and quote-within-quote styles compare equal while the words
    themselves must match exactly.
    """
    s = unicodedata.normalize("NFKC", text)
    s = _APOSTROPHE.sub("\x00", s).translate(_DELETE_QUOTES).replace("\x00", "'")
    s = _DASHES.sub("-", s)
    return re.sub(r"\s+", " ", s).strip().casefold()


def _parts(quote_text: str) -> list[str]:
    """The verbatim parts of a quote, split at ellipses (which may elide article text)."""
    text = unicodedata.normalize("NFKC", quote_text)  # "…" becomes "..."
    parts = [normalize_for_match(p).strip(_EDGE_PUNCT) for p in _ELLIPSIS.split(text)]
    return [p for p in parts if p]


def _speaker_key(speaker: str) -> str:
    """The word of a speaker's name that must appear in the article: the surname."""
    s = re.sub(r"\([^)]*\)", " ", unicodedata.normalize("NFKC", speaker))
    s = re.sub(r"['’]s\b", "", s)  # "Putin's spokesman" -> "Putin spokesman"
    s = re.sub(r"[^\w\s-]", " ", normalize_for_match(s))
    words = _TITLES.sub("", s.strip()).split()
    return words[-1] if words else ""


def _contains_word_seq(haystack: str, needle: str, pos: int) -> int:
    """End of the first whole-word occurrence of ``needle`` at or after ``pos``, or -1."""
    while True:
        at = haystack.find(needle, pos)
        if at < 0:
            return -1
        end = at + len(needle)
        before_ok = at == 0 or not haystack[at - 1].isalnum() or not needle[0].isalnum()
        after_ok = end == len(haystack) or not haystack[end].isalnum() or not needle[-1].isalnum()
        if before_ok and after_ok:
            return end
        pos = at + 1


@dataclass(frozen=True)
class _Quotation:
    """One pair of quote marks in the article, as verification needs it."""

    inner: str  # normalised content
    speaker: str | None
    named: bool  # the article names the speaker at the quote (not a pronoun or description)
    near: str  # normalised text of the quote's sentence and its neighbours
    marks: tuple[str, str]


def _quotations(article_text: str) -> list[_Quotation]:
    all_marked = quoted_spans(article_text)
    if not all_marked:
        return []
    attributor = Attributor(article_text, all_marked)
    sentences = attributor.sentences
    out = []
    ends = [m.start for m in all_marked[1:]] + [len(article_text)]
    for m, next_start in zip(all_marked, ends, strict=True):
        span = attributor.span(m, next_start)
        k = attributor.sentence_index(m.start)
        last = attributor.sentence_index(max(m.start, m.end - 1))
        lo, hi = sentences[max(0, k - 1)][0], sentences[min(len(sentences) - 1, last + 1)][1]
        speaker = span.speaker
        named = speaker is not None and not span.via_pronoun and any(w[:1].isupper() for w in speaker.split())
        out.append(_Quotation(normalize_for_match(article_text[m.inner_start : m.inner_end]), speaker,
                              named, normalize_for_match(article_text[lo:hi]), span.marks))
    return out


def _negated_gap(gap: str) -> bool:
    """True when elided text holds a negation: "We will … raise taxes" for "will not raise"."""
    return any(w in NEGATIONS for w in re.findall(r"[^\W\d_]+", gap)) or "n't" in gap


def _inside(parts: list[str], inner: str) -> bool:
    """All parts occur in ``inner`` in order, no negation elided between or just before them."""
    pos = 0
    for n, part in enumerate(parts):
        end = _contains_word_seq(inner, part, pos)
        if end < 0:
            return False
        start = end - len(part)
        gap = inner[pos:start] if n else " ".join(inner[:start].split()[-1:])
        if _negated_gap(gap):
            return False
        pos = end
    return True


def _speaker_tokens(speaker: str) -> set[str]:
    s = re.sub(r"[^\w\s-]", " ", normalize_for_match(re.sub(r"['’]s\b", "", speaker)))
    return {w for w in _TITLES.sub("", s.strip()).split() if len(w) > 1 and w not in _NON_SPEAKERS}


def _speaker_ok(claimed: str, q: _Quotation) -> bool:
    """The claimed speaker is the one the article gives the quotation: the same person when the
    article names one there, else someone named in the quote's or an adjacent sentence."""
    if q.speaker is not None and _speaker_tokens(claimed) & _speaker_tokens(q.speaker):
        return True
    if q.named:
        return False  # the article credits someone else
    key = _speaker_key(claimed)
    return bool(key) and _contains_word_seq(q.near, key, 0) >= 0


def _showable_speaker(speaker: str) -> bool:
    """Plain text, at most MAX_SPEAKER characters, nothing a client would turn into a link."""
    s = speaker.strip()
    return 0 < len(s) <= MAX_SPEAKER and not _LINKISH.search(s)


def _verify(quote: Quote, quotations: list[_Quotation]) -> Quote | None:
    """:func:`verify_quote` against an article's quotations; the quote in the article's marks."""
    parts = _parts(quote.text)
    if not parts or sum(speech_words(p) for p in parts) < _MIN_VERIFY_WORDS:
        return None
    key = _speaker_key(quote.speaker)
    if not key or key in _NON_SPEAKERS or not _showable_speaker(quote.speaker):
        return None
    for q in quotations:
        if _inside(parts, q.inner) and _speaker_ok(quote.speaker, q):
            return quote.model_copy(update={"open_mark": q.marks[0], "close_mark": q.marks[1],
                                            "speaker": quote.speaker.strip()})
    return None


def verify_quote(quote: Quote, article_text: str) -> bool:
    """True when the quote is the article's own words and its own speaker.

    The quote must lie inside one pair of quote marks in the article, verbatim modulo case,
    whitespace, quote marks, apostrophes and dashes; an ellipsis may join parts of that same
    quotation, in order, but may not drop a negation. The speaker must be the one the article
    credits with that quotation (or, where it credits a pronoun or a description, someone named
    in the quote's or an adjacent sentence), as plain text of at most MAX_SPEAKER characters.
    Very short quotes and pronoun speakers are rejected: they prove nothing.
    """
    return _verify(quote, _quotations(article_text)) is not None


def verify_quotes(quotes: list[Quote], article_text: str) -> tuple[list[Quote], list[Quote]]:
    """Split ``quotes`` into (kept, dropped) with :func:`verify_quote`, order preserved.

    Kept quotes carry the article's own quote marks.
    """
    quotations = _quotations(article_text) if quotes else []
    kept: list[Quote] = []
    dropped: list[Quote] = []
    for q in quotes:
        verified = _verify(q, quotations)
        if verified is None:
            dropped.append(q)
        else:
            kept.append(verified)
    return kept, dropped


def key_quotes(text: str, limit: int) -> list[Quote]:
    """The quotes a reader is shown: the best ``limit`` of :func:`extract_quotes`, verified.

    Twice as many candidates as shown are ranked, so a candidate that fails verification makes
    room for the next best rather than leaving a gap.
    """
    if limit <= 0:
        return []
    candidates = [q for q in extract_quotes(text) if not _bare_fragment(q)]
    kept, _dropped = verify_quotes(rank_quotes(candidates, limit * 2), text)
    return kept[:limit]


# A fragment woven into the reporter's sentence (it starts in lower case: 'expects results "in a
# few weeks."') means little out of context; as a key quote it needs some substance of its own.
_MIN_FRAGMENT_WORDS = 6


def _bare_fragment(q: Quote) -> bool:
    text = q.text.strip()
    return text[:1].islower() and len(words(text)) < _MIN_FRAGMENT_WORDS
