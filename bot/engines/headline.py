"""A headline for text that came without one: a short, whole sentence or main clause of its lead.

Never a sentence cut mid-way with "…": when the lead sentence is long, its main clause ends where
the sentence's own structure says so — a dash or semicolon, or a comma before a word that opens
a subordinate, participial or coordinated clause ("…, after", "…, which", "…, saying").
"""

from __future__ import annotations

import re

from bot.text.words import count_words

__all__ = ["MAX_WORDS", "clause_headline"]

MAX_WORDS = 15
MIN_WORDS = 4
MIN_WORDS_BEFORE_PREPOSITION = 7  # short of this, what comes before a preposition is rarely a clause

# A dash or semicolon between two parts of a sentence.
_SEPARATOR = re.compile(r"\s+[-–—]{1,2}\s+|\s*;\s+")
# A comma followed by a word that starts a new clause rather than continuing a list or a name.
_COMMA_CLAUSE = re.compile(
    r",\s+(?=(?:who|which|where|whose|while|whereas|after|as|when|because|but|although|though|despite"
    r"|following|amid|before|since|until|including|with|and|so|saying|adding|leaving"
    r"|prompting|sparking|making|forcing|bringing|putting|meaning)\b)"
)
# Without a comma, only words that cannot continue a noun phrase ("... on Friday after talks"),
# a conjunction followed by a pronoun subject ("... for Leeds as they completed ..."), or one
# followed by a past-tense verb.
_BARE_CLAUSE = re.compile(
    r"\s+(?=(?:after|because|amid|despite|following|while|since|(?:as|and|but|when|if|so|before|until)"
    r"\s+(?:he|she|they|it|we|i|you)\b)\s)"
    r"|\s+(?=(?:and|but)\s+\w+ed\s)"  # "... and revealed ...": a second verb phrase
    r"|,\s+(?=\w+ing\s)"  # "..., texting him": a participial clause
)
# A last resort: end the clause before a trailing prepositional phrase ("... to make his mark
# | in the Premier League"). Never before "of", which binds to the noun before it.
_PREPOSITION = re.compile(r"\s+(?=(?:in|at|on|for|with|during|over|from|into|against|near|under)\s)")
_OPENING_QUOTE = re.compile(r"^[\"“„«»‘'「『]")
# Asides a headline does without, found by punctuation: a non-restrictive relative clause or an
# age between commas (", who … ,", ", 47,") and a span between a pair of dashes. Dropping them
# lets the whole sentence fit instead of only its start.
_ASIDE = re.compile(
    r",\s+(?:who|whose|which|where)\b[^,;:\"“”]*,(?=\s)"
    r"|,\s+(?:aged\s+)?\d{1,3},(?=\s)"
    r"|\s+[–—]\s+[^–—]{1,80}?\s+[–—](?=\s)"
)
# A headline stands alone: one opening with a pronoun has nothing to refer to ("It means …").
_PRONOUN_START = re.compile(r"(?i)^(?:it|its|he|his|she|her|they|their|this|these|that|those|there)\b")


def _balanced(text: str) -> bool:
    """No quotation left open: straight quotes paired, the others closed (English “…”, German
    „…“, guillemets either way round, CJK corner brackets)."""
    count = text.count
    curly = count("“") == count("”") or (count("„") == count("“") and not count("”"))
    return count('"') % 2 == 0 and curly and count("«") == count("»") and count("「") == count("」")


def _n_words(text: str) -> int:
    return count_words(text)


def clause_headline(sentence: str) -> str | None:
    """``sentence`` (without its full stop) if it is short, else its main clause, else None.

    Asides between commas or dashes are dropped first. None for a quotation (a quote is not the
    story's headline), for a sentence opening with a pronoun, and for a long sentence with no
    clause boundary between MIN_WORDS and MAX_WORDS words in.
    """
    text = _ASIDE.sub("", sentence.strip())
    if not text or _OPENING_QUOTE.match(text) or _PRONOUN_START.match(text):
        return None
    if _n_words(text) <= MAX_WORDS:
        head = text.rstrip(".。").rstrip()
        return head if _n_words(head) >= MIN_WORDS and _balanced(head) else None
    return _longest_prefix(text, (_SEPARATOR, _COMMA_CLAUSE, _BARE_CLAUSE), MIN_WORDS) or _longest_prefix(
        text, (_PREPOSITION,), MIN_WORDS_BEFORE_PREPOSITION
    )


def _longest_prefix(text: str, boundaries: tuple[re.Pattern[str], ...], min_words: int) -> str | None:
    """The longest part of ``text`` before one of ``boundaries`` that fits, else None: the
    longest that fits says the most."""
    first_separator = _SEPARATOR.search(text)
    end = first_separator.start() if first_separator else len(text)  # a clause never spans a dash
    cuts = sorted({m.start() for rx in boundaries for m in rx.finditer(text)} | {end})
    best = None
    for cut in (c for c in cuts if c <= end):
        head = text[:cut].rstrip(" ,;:")
        if _n_words(head) > MAX_WORDS:
            break
        if _n_words(head) >= min_words and _balanced(head):
            best = head
    return best
