"""Sentence splitting tuned for news copy, in any script.

No model or data download: nltk's punkt needs a data file we cannot fetch at run time, and the
failure modes that matter for news (titles, initials, "U.S.", "Feb. 25", quotes closing after
the full stop) are covered by a handful of rules. The splitter only ever cuts at whitespace, so
every sentence it returns is a verbatim slice of the input (the answerer relies on that).
Chinese and Japanese full stops (。！？) need no space after them; in Thai, which has no full
stop, a space between Thai letters ends a sentence; scripts without letter case (Korean) start
sentences with any letter.
"""

from __future__ import annotations

import re

__all__ = ["sentence_spans", "split_sentences"]

# Abbreviations that (practically) never end a sentence: titles sit before a name.
_TITLES = frozenset(
    """mr mrs ms messrs mme mlle dr prof sr sra srta st gen col lt maj capt cpt sgt cmdr adm
    brig cpl pvt rep reps sen sens gov lt.gov pres rev hon fr msgr supt insp det atty
    amb treas ald mt ft cf vs approx dept univ assn bros""".split()
)

# Abbreviations that precede a number ("No. 10", "Vol. 3"); elsewhere they are plain words.
_BEFORE_NUMBER = frozenset("no nos vol vols fig figs pp art sec ch p".split())

# Abbreviations that usually sit mid-sentence but can end one ("... the U.S. The next day").
# For these we split only when the next word is a typical sentence opener.
_AMBIGUOUS = frozenset(
    """u.s u.k u.n u.s.a e.u d.c l.a n.y a.m p.m etc inc ltd co corp plc llc jr sr al
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun
    e.g i.e ph.d b.a m.a m.d""".split()
)

_MONTHS = frozenset("jan feb mar apr jun jul aug sep sept oct nov dec".split())

# Words that commonly open a sentence; after an ambiguous abbreviation or an initial they are
# strong evidence that the full stop was also the end of the sentence.
_OPENERS = frozenset(
    """a an the he she it they we i you his her its their our my this that these those there
    here but and or so yet also after before when while if as in on at for from by with
    however meanwhile still then now today yesterday last earlier later some many most several
    one two three officials police authorities what why how who where which""".split()
)

# Terminal punctuation (one or more, incl. the ellipsis character), optional closing quotes or
# brackets glued to it, then whitespace, then the start of the next token.
_CANDIDATE = re.compile(
    r"""(?P<term>[.!?…]+)(?P<close>["'”’»)\]]*)(?P<ws>\s+)(?=(?P<open>["'“‘«„(\[]*)(?P<next>\S))"""
)
# Chinese and Japanese full stops end a sentence with or without a space after them.
_CJK_STOP = re.compile(r"[。！？]+[」』）)\"”’]*(?=\S)")
# Thai writes no full stop: a space between two Thai letters separates sentences (or clauses).
_THAI_SPACE = re.compile(r"(?<=[\u0e01-\u0e4f])\s+(?=[\u0e01-\u0e4f])")
_WORD_BEFORE = re.compile(r"""([\w.&'-]+)$""")
_NEXT_WORD = re.compile(r"""["'“‘«„(\[]*([\w'’.-]+)""")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n\s*")


def _is_boundary(text: str, m: re.Match[str]) -> bool:
    """Decide whether the candidate match ``m`` ends a sentence."""
    term, close, ws = m.group("term"), m.group("close"), m.group("ws")
    nxt = m.group("next")
    if "\n" in ws:
        # A line break after terminal punctuation is always a boundary.
        return True
    # The next sentence must start with an upper-case letter or a digit; a lower-case word
    # after ."/?" is the attribution ("..." he said) or the sentence simply goes on.
    if not (nxt.isdigit() or (nxt.isalpha() and not nxt.islower())):
        return False  # scripts without case (Hangul, Han, Arabic…) start sentences in any letter
    next_word_m = _NEXT_WORD.match(text, m.end())
    next_word = next_word_m.group(1) if next_word_m else ""
    next_lower = next_word.lower().rstrip(".")
    if term in ("...", "…") or (len(term) > 1 and set(term) == {"."}):
        # An ellipsis inside a sentence is usually followed by a lower-case word (handled above);
        # followed by a capital it ends the sentence, except before "I".
        return next_word != "I"
    if term != "." or close:
        # "?", "!" or a quote/bracket closed right after the stop: treat as a boundary.
        return True
    # Look back a bounded window only: searching from 0 would make splitting quadratic.
    before = _WORD_BEFORE.search(text, max(0, m.start() - 40), m.start())
    if not before:
        return True
    word = before.group(1).lstrip("'-")
    low = word.lower()
    if low in _TITLES:
        return False
    if (low in _MONTHS or low in _BEFORE_NUMBER) and next_word[:1].isdigit():
        return False  # "Feb. 25", "No. 10"
    if low in _AMBIGUOUS or ("." in word and len(word) <= 6 and word.replace(".", "").isalpha()):
        # "U.S.", "a.m.", "Inc.", "Feb." and other dotted forms.
        return next_lower in _OPENERS
    if len(word) == 1 and word.isalpha() and word.isupper():
        # An initial ("George W. Bush", "J. K. Rowling") unless the next word opens a sentence.
        return next_lower in _OPENERS
    return True


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Return (start, end) character offsets of the sentences in ``text``.

    Offsets index into ``text`` itself, so callers can map sentences back to positions.
    Leading/trailing whitespace is excluded from every span; empty sentences are dropped.
    """
    spans: list[tuple[int, int]] = []
    # Paragraph breaks are hard boundaries; within a paragraph, a single newline is a boundary
    # unless the next line starts in lower case (hard-wrapped plain text).
    block_start = 0
    blocks: list[tuple[int, int]] = []
    for pm in _PARAGRAPH_BREAK.finditer(text):
        blocks.append((block_start, pm.start()))
        block_start = pm.end()
    blocks.append((block_start, len(text)))

    for b_start, b_end in blocks:
        start = b_start
        block = text[b_start:b_end]
        cuts: list[int] = []  # absolute offsets where a new sentence starts
        for m in _CANDIDATE.finditer(block):
            if _is_boundary(block, m):
                cuts.append(b_start + m.end("ws"))
        cuts += [b_start + m.end() for rx in (_CJK_STOP, _THAI_SPACE) for m in rx.finditer(block)]
        for lm in re.finditer(r"\n\s*", block):
            nxt = block[lm.end() : lm.end() + 1]
            if nxt and not nxt.islower():
                cuts.append(b_start + lm.end())
        for cut in sorted(set(cuts)):
            spans.append((start, cut))
            start = cut
        spans.append((start, b_end))

    out: list[tuple[int, int]] = []
    for s, e in spans:
        seg = text[s:e]
        stripped = seg.strip()
        if not stripped:
            continue
        lead = len(seg) - len(seg.lstrip())
        out.append((s + lead, s + lead + len(stripped)))
    return out


def split_sentences(text: str) -> list[str]:
    """Split news text into sentences; every returned sentence is a verbatim slice of ``text``."""
    return [text[s:e] for s, e in sentence_spans(text)]
