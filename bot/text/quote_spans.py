"""Where the quotes of a text are and who speaks them, in document order.

Extraction finds text between quotation marks (:mod:`.quote_marks`), then reads the words
around it for a speech cue and its subject (:mod:`.attribution`), or, in scripts without
spaces, the quote's surrounding particles (:mod:`.unspaced`). Pronoun subjects resolve to the
most recent person the article is about, and short references ("Ms Keller", "the mayor")
expand to the full name the article introduced ("Anna Keller") (:mod:`.people`).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from bot.text.attribution import (
    Subject,
    attribute_after,
    attribute_before,
    cue_length,
    is_according,
    speaker_name,
    subject_backward,
)
from bot.text.names import tokenize
from bot.text.people import People
from bot.text.quote_marks import DEFAULT_MARKS, MarkedSpan, marks_of, quoted_spans
from bot.text.sentences import sentence_spans
from bot.text.unspaced import PRONOUN, speech_words, unspaced_speaker

__all__ = ["MIN_QUOTE_WORDS", "Attributor", "QuoteSpan", "find_quote_spans"]

# Fewer words than this between quote marks is a scare quote or a term ("an 'invasion'"),
# not something worth showing as a quote.
MIN_QUOTE_WORDS = 4


@dataclass(frozen=True)
class QuoteSpan:
    """A direct quote located in a text.

    ``start``/``end`` cover the quote including its marks; ``text`` is the content between
    them (trimmed, a trailing comma dropped). ``speaker`` is None when no attribution was found.
    """

    start: int
    end: int
    text: str
    speaker: str | None
    via_pronoun: bool = False
    marks: tuple[str, str] = DEFAULT_MARKS  # the article's own marks around it


def _is_speech(content: str) -> bool:
    """Long enough to be a quote, and not the Title Case name of a book, song or slogan."""
    if speech_words(content) < MIN_QUOTE_WORDS:
        return False
    words = content.split()
    long_words = [w for w in words if len(w) > 3 and w[0].isalpha()]
    title_case = sum(w[0].isupper() for w in long_words)
    return not (len(words) <= 12 and long_words and title_case >= 0.8 * len(long_words)
                and title_case >= 2)


def _clean_content(text: str) -> str:
    # '"We will win," he said' quotes "We will win": the comma belongs to the attribution.
    return re.sub(r"[\s,;:—–-]+$", "", text.strip())


class Attributor:
    """Speakers for the quotes of one text, in document order.

    Stateful on purpose: a pronoun points back to earlier speakers, and a quote with no
    attribution of its own may continue the previous one.
    """

    def __init__(self, text: str, marked: list[MarkedSpan]) -> None:
        self.text = text
        self.toks = tokenize(text)
        self._tok_starts = [t.start for t in self.toks]
        self.sentences = sentence_spans(text) or [(0, len(text))]
        self._sent_starts = [s for s, _ in self.sentences]
        self.people = People(text, self.toks, self._sent_starts, [(m.start, m.end) for m in marked])
        self.speakers: list[tuple[int, str]] = []  # (position, speaker) for pronoun resolution
        self.prev_end = 0  # end of the previous quote: contexts never reach back past it
        self.continues_until = -1  # text up to here after an attributed quote may be continued
        self.prev_speaker: str | None = None

    def _tok_index(self, pos: int) -> int:
        return bisect.bisect_left(self._tok_starts, pos)

    def sentence_index(self, pos: int) -> int:
        return max(0, bisect.bisect_right(self._sent_starts, pos) - 1)

    def _context(self, qs: int, qe: int, next_start: int) -> tuple[int, int]:
        """Where to look for an attribution: (start before the quote, end after it).

        Before: the quote's sentence so far. After: the rest of the sentence in which it
        closes, up to the next quote or line break, unless the quote itself ends that sentence.
        """
        text, sentences = self.text, self.sentences
        k = self.sentence_index(qs)
        pre_start = max(sentences[k][0], self.prev_end)
        if not text[pre_start:qs].strip() and k > 0 and sentences[k][0] >= qs - 2:
            # 'She said:\n\n"..."' - the attribution is the previous sentence, ending in ':'.
            ps, pe = sentences[k - 1]
            if text[ps:pe].rstrip().endswith(":"):
                pre_start = max(ps, self.prev_end)
        s_end = sentences[self.sentence_index(max(qs, qe - 1))][1]
        post_end = qe if qe >= s_end else min(s_end, next_start)
        newline = text.find("\n", qe, post_end)
        return pre_start, post_end if newline == -1 else newline

    def _subject(self, qs: int, qe: int, pre_start: int, post_end: int) -> tuple[Subject | None, bool]:
        """The quote's subject, and whether the text after the quote attributes it."""
        toks, people = self.toks, self.people
        tq, te = self._tok_index(qe), self._tok_index(post_end)
        after = attribute_after(toks, tq, te, people) if te > tq else None
        before = attribute_before(toks, self._tok_index(pre_start), self._tok_index(qs), people) \
            if qs > pre_start else None
        prefer_before = before is not None and (
            after is None
            or (after.kind == "np" and before.kind != "np")  # a named speaker beats "a source"
            or is_according(toks, tq, te)  # '... "quote", according to the readout'
        )
        if before is None and after is None:
            return self._verb_final(tq, te, pre_start, qs), False
        return (before if prefer_before else after), after is not None

    def _verb_final(self, tq: int, te: int, pre_start: int, qs: int) -> Subject | None:
        """Verb-final order: 'Bakan Ahmet Yılmaz, "…" dedi.' The cue right after the quote ends
        the sentence, so the subject is the name just before the quote."""
        toks = self.toks
        i = tq
        while i < te and toks[i].text in ",—–-":
            i += 1
        n = cue_length(toks, i, te, after_quote=True) if i < te else 0
        if not n or (i + n < te and toks[i + n].text not in ".!?"):
            return None
        j = self._tok_index(qs)
        if j > 0 and toks[j - 1].text == ",":
            j -= 1
        start = self._tok_index(pre_start)
        return subject_backward(toks, j, start, self.people) if j > start else None

    def span(self, m: MarkedSpan, next_start: int) -> QuoteSpan:
        qs, qe = m.start, m.end
        pre_start, post_end = self._context(qs, qe, next_start)
        subject, after = self._subject(qs, qe, pre_start, post_end)
        speaker: str | None = None
        via_pronoun = False
        unspaced = unspaced_speaker(self.text, qs, qe) if subject is None else None
        if unspaced == PRONOUN:
            speaker, via_pronoun = (self.speakers[-1][1] if self.speakers else None), True
        elif unspaced is not None:
            speaker = unspaced
        elif subject is not None and subject.kind == "pronoun":
            speaker = self.people.resolve_pronoun(qs, subject.text, self.speakers)
            via_pronoun = speaker is not None
        elif subject is not None:
            speaker = speaker_name(subject, self.people)
        elif self.prev_speaker is not None and not self.text[self.continues_until : qs].strip():
            # News convention: a quote right after another (same or next paragraph) with no
            # attribution of its own continues the previous speaker.
            speaker = self.prev_speaker
        self.prev_speaker = speaker
        if speaker is not None:
            self.speakers.append((qs, speaker))
            self.continues_until = post_end if after else qe
            while self.continues_until < len(self.text) and self.text[self.continues_until] in ".!?,":
                self.continues_until += 1
        self.prev_end = qe
        content = _clean_content(self.text[m.inner_start : m.inner_end])
        return QuoteSpan(qs, qe, content, speaker, via_pronoun, marks_of(self.text, m))


def find_quote_spans(text: str) -> list[QuoteSpan]:
    """Every quoted passage of at least MIN_QUOTE_WORDS words, with its speaker (or None).

    In document order; offsets refer to ``text``. The building block of
    :func:`extract_quotes`, public for benchmarks that need positions.
    """
    all_marked = quoted_spans(text)
    marked = [m for m in all_marked if _is_speech(text[m.inner_start : m.inner_end])]
    if not marked:
        return []
    attributor = Attributor(text, all_marked)
    ends = [m.start for m in marked[1:]] + [len(text)]
    return [attributor.span(m, next_start) for m, next_start in zip(marked, ends, strict=True)]
