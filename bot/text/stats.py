"""Word-level helpers shared by the extractive summarizer and the offline answerer.

A light suffix-stripping stemmer and an English stop-word list: enough to match "talks" with
"talk" and "negotiations" with "negotiation" without pulling in nltk (a bench-only dependency
here) or its data files.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["STOPWORDS", "content_terms", "stem", "words"]

STOPWORDS = frozenset(
    """a about above after again against all am an and any are aren't as at be because been
    before being below between both but by can can't cannot could couldn't did didn't do does
    doesn't doing don't down during each few for from further had hadn't has hasn't have
    haven't having he he'd he'll he's her here here's hers herself him himself his how how's i
    i'd i'll i'm i've if in into is isn't it it's its itself let's me more most mustn't my
    myself no nor not of off on once only or other ought our ours ourselves out over own same
    shan't she she'd she'll she's should shouldn't so some such than that that's the their
    theirs them themselves then there there's these they they'd they'll they're they've this
    those through to too under until up very was wasn't we we'd we'll we're we've were weren't
    what what's when when's where where's which while who who's whom why why's will with won't
    would wouldn't you you'd you'll you're you've your yours yourself yourselves also just
    may might must shall said says say told tell tells s t d ll m re ve mr mrs ms dr get got
    one would like""".split()
)

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")


def words(text: str) -> list[str]:
    """Lower-cased word tokens ("Russia's" stays one token, normalised to "russia's")."""
    return [w.replace("’", "'") for w in _WORD.findall(text.lower())]


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light English stemmer: plural, -ing, -ed, -ly, possessive. Deterministic and cheap."""
    w = word
    if w.endswith("'s"):
        w = w[:-2]
    if len(w) <= 3:
        return w
    for suffix, repl, min_len in (
        ("ies", "y", 4), ("sses", "ss", 4), ("ness", "", 5), ("ments", "ment", 6),
        ("ations", "ate", 7), ("ation", "ate", 6), ("ings", "", 6), ("ing", "", 5),
        ("edly", "", 6), ("ed", "", 4), ("ly", "", 5), ("es", "", 4), ("s", "", 3),
    ):
        if w.endswith(suffix) and len(w) - len(suffix) >= min_len - len(repl) - 1:
            if suffix == "s" and w.endswith(("ss", "us", "is")):
                continue
            if suffix == "es" and not w.endswith(("shes", "ches", "xes", "zes", "sses")):
                w = w[:-1]  # "talkes" is rare; "notes" -> "note"
                break
            w = w[: len(w) - len(suffix)] + repl
            break
    # "stopped" -> "stopp" -> "stop"; "talk" stays.
    if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "lsz":
        w = w[:-1]
    return w


def content_terms(text: str) -> list[str]:
    """Stemmed non-stop-words of ``text``, in order (duplicates kept)."""
    return [stem(w) for w in words(text) if w not in STOPWORDS and not w.isdigit()]
