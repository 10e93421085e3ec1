"""What changed between two versions of an article, ignoring what pages change all the time.

Sentences are compared by a *fingerprint*: lower-case words with the volatile parts taken out —
clock times, dates, "5 minutes ago", time-zone names. Sentences that are short after that
(comment counts, "Advertisement", "Updated 14:05 GMT", share buttons), headings and lists of
headlines (related-article boxes: lines without closing punctuation) and the extractive engine's
boilerplate are not compared at all. A number inside a full sentence is kept: "the death toll
rose to 14" versus "to 12" is exactly the change a follower wants to hear about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.engines.extractive import clean_sentence, is_boilerplate, is_heading, select_sentences
from bot.models import Quote
from bot.text.quotes import extract_quotes, normalize_for_match, verify_quotes
from bot.text.sentences import split_sentences

MIN_WORDS = 5  # fewer words (after the volatile parts are out) is a label, not a sentence
MAX_FACTS = 5
MAX_QUOTES = 3

_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_VOLATILE = re.compile(
    "|".join(
        (
            r"\b\d{1,2}[:.]\d{2}(?:[:.]\d{2})?\s*(?:[ap]\.?m\.?)?",  # 14:05, 2.05pm
            r"\b\d{1,2}\s*[ap]\.?m\.?(?!\w)",  # 3pm
            r"\b\d{4}-\d{2}-\d{2}(?:t[\d:.+z-]+)?",  # ISO dates
            r"\b\d{1,2}/\d{1,2}/\d{2,4}\b",
            rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}(?:,?\s+\d{{4}})?",  # 2 March 2026
            rf"\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?",  # March 2, 2026
            r"\b\d+\s*(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|h|days?)\s+ago\b",
            r"\b(?:gmt|utc|bst|cet|cest|eet|est|edt|cst|cdt|pst|pdt|msk)(?:\s*[+-]\s*\d+)?\b",
            r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b",
        )
    ),
    re.IGNORECASE,
)
_WORD = re.compile(r"\w+", re.UNICODE)
# Advertising inside the article body: a label opening the line, or a sales pitch.
_AD = re.compile(
    r"(?i)^\W*(?:advertisement|advertising|ad|sponsored(?:\s+(?:content|by))?|promoted|promotion|paid\s+(?:post|content)"
    r"|partner\s+content|anzeige|werbung|publicité|publicidad|реклама)\b\s*[:|–—-]"
    r"|(?i:\bfree\s+trial\b|\bpromo(?:tion)?\s+code\b|\b(?:buy|shop|order)\s+now\b|\bpremium\s+(?:plan|subscription|membership)\b"
    r"|\b\d+\s?%\s+off\b)"
)


def fingerprint(sentence: str) -> str:
    """The sentence as compared: its words, lower-case, without times and dates; "" when the
    sentence is not worth comparing (too short, boilerplate, a heading or headline list)."""
    text = clean_sentence(sentence)
    if not text or is_boilerplate(text) or is_heading(text) or _AD.search(text):
        return ""
    words = _WORD.findall(_VOLATILE.sub(" ", text.lower()))
    return " ".join(words) if len(words) >= MIN_WORDS else ""


def _sentences(paragraphs: list[str]) -> list[tuple[str, str]]:
    """(sentence, fingerprint) of every comparable sentence, in order."""
    out: list[tuple[str, str]] = []
    for paragraph in paragraphs:
        for sentence in split_sentences(paragraph):
            key = fingerprint(sentence)
            if key:
                out.append((clean_sentence(sentence), key))
    return out


def _title_key(title: str) -> str:
    return " ".join(_WORD.findall(_VOLATILE.sub(" ", title.lower())))


@dataclass(frozen=True)
class Change:
    """A material difference between two versions of an article (``material`` False: none)."""

    old_title: str
    new_title: str
    added: list[str] = field(default_factory=list)  # new sentences, in article order
    removed: list[str] = field(default_factory=list)
    facts: list[str] = field(default_factory=list)  # the most telling added sentences, ranked
    quotes: list[Quote] = field(default_factory=list)  # verified quotes the old version lacked

    @property
    def title_changed(self) -> bool:
        return bool(self.old_title and self.new_title) and _title_key(self.old_title) != _title_key(self.new_title)

    @property
    def material(self) -> bool:
        return bool(self.added or self.removed or self.title_changed)


def compare(old_title: str, old: list[str], new_title: str, new: list[str]) -> Change:
    """What ``new`` says that ``old`` didn't (and the reverse), ranked for a short update.

    Pure CPU work (sentence splitting, quote attribution): run it in the CPU pool.
    """
    before = _sentences(old)
    after = _sentences(new)
    old_keys = {key for _, key in before}
    new_keys = {key for _, key in after}
    added = list(dict.fromkeys(text for text, key in after if key not in old_keys))
    removed = list(dict.fromkeys(text for text, key in before if key not in new_keys))
    quotes = new_quotes("\n\n".join(old), "\n\n".join(new))
    # A sentence carrying a new quote is shown as that quote, with its speaker, not as a fact too.
    quoted = [normalize_for_match(q.text) for q in quotes]
    plain = [s for s in added if not any(q in normalize_for_match(s) for q in quoted)]
    facts = select_sentences(plain, min(MAX_FACTS, len(plain)), title=new_title) if plain else []
    return Change(old_title, new_title, added, removed, facts, quotes)


def new_quotes(old_text: str, new_text: str) -> list[Quote]:
    """Verified quotes of ``new_text`` whose words ``old_text`` did not have."""
    before = normalize_for_match(old_text)
    fresh = [q for q in extract_quotes(new_text) if normalize_for_match(q.text) not in before]
    kept, _ = verify_quotes(fresh, new_text)
    return kept[:MAX_QUOTES]
