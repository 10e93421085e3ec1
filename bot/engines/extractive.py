"""The extractive (offline) summary engine: no network, no model, a few milliseconds.

News puts the essentials first, so the lead is the backbone; on top of it we drop what is not
article prose (bylines, datelines, photo credits, "Read more"), skip fragments, and let a
sentence from further down replace a weak lead sentence when it is much more central to the
article. Measured against Lead-3 with ``bench/offline_rouge.py``.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from bot.engines.headline import clause_headline
from bot.models import Article, Summary
from bot.text.quotes import key_quotes
from bot.text.sentences import split_sentences
from bot.text.words import content_terms, count_words

__all__ = [
    "clean_sentence",
    "compress_sentence",
    "is_boilerplate",
    "is_caption",
    "is_heading",
    "select_sentences",
    "summarize_extractive",
]

# Agency/outlet prefixes: "(CNN) --", "BEIJING (AFP, REUTERS) -", "LONDON, England (Reuters) --".
_AGENCY = r"(?:CNN|AP|AFP|Reuters|REUTERS|Bloomberg|BLOOMBERG|dpa|DPA|Xinhua|UPI|EFE|ANI|PTI|Yonhap|Kyodo|BBC)"
_PREFIX = re.compile(
    rf"""^(?:
        (?:[A-Z][A-Z.'’-]+(?:[ ,]+[A-Z][A-Za-z.'’-]*){{0,3}}\s*)?     # dateline: "BEIJING", "LONDON, England"
        \({_AGENCY}(?:\s*[,/]\s*{_AGENCY})*\)\s*(?:--|—|–|-|:)?\s*
      |[A-Z]{{3,}}(?:[ ,]+[A-Z]{{2,}})*\s*(?:--|—|–)\s*               # "WASHINGTON --"
      |By\s+\.?\s*[A-Z][^.]{{0,60}}?\s\.\s+                           # "By . Jane Doe . "
    )""",
    re.VERBOSE,
)
# Daily-Mail style metadata run: "PUBLISHED: 10:05 EST, 1 May 2014 | . UPDATED: ... 2014 . "
_META = re.compile(r"(?:PUBLISHED|UPDATED|Last updated(?: at)?)\s*:\s*[^|]*?\d{4}\s*(?:\|\s*\.?\s*)?")
# Phrases that mark page furniture wherever they occur ...
_BOILERPLATE = re.compile(
    r"""(?ix)
    ^(?:photo|picture|image|video|source|credit|caption|file\ photo)s?\s*:
    | \b(?:click\ here|read\ more\s*:|read\ the\ rest|scroll\ down\ for|remote\ video\ url
       |all\ rights\ reserved|get\ (?:live\ )?updates|join\ .{0,40}\ (?:channel|group)
       |follow\ us\ on|download\ (?:the|our)\ app|sign\ up\ (?:for|to)\ (?:our|the)
       |subscribe\ (?:to\ our|now|today)|our\ newsletter|share\ this\ (?:article|story)
       |reporting\ by|editing\ by|contributed\ to\ this\ report)\b
    | ©
    """
)
# ... and words that do so only in a short line ("Advertisement", "Related articles").
_SHORT_BOILERPLATE = re.compile(
    r"(?i)\b(?:advertisement|related|newsletter|subscribe|copyright|getty\ images|sponsored|"
    r"recommended|most\ read|listen\ to\ this|more\ on\ this\ story)\b"
)
# A photo/video credit marks its paragraph as a caption.
_CREDIT = re.compile(
    r"(?:\b(?:PHOTO|PHOTOS|PICTURE|IMAGE|VIDEO)S?\s*:\s*[A-Z]|\((?:pictured|photo|file photo)\)"
    r"|\b(?:Getty Images|AFP/Getty|Photograph:))",
)
_MIN_WORDS = 6


# Short asides a bullet does not need: "(pictured)", "(left)", "(AFP)".
_ASIDE = re.compile(r"\s*\((?:[^()]{0,40})\)(?=[\s,.;:!?])")
# A connective that only makes sense after the previous sentence.
_LEADING_CONNECTIVE = re.compile(r"^(?:But|And|However|Meanwhile|Also|So|Yet|Now),?\s+(?=[A-Za-z])")


def clean_sentence(sentence: str) -> str:
    """Trim outlet prefixes and metadata that news sentences often carry at their start."""
    s = _META.sub("", sentence).strip()
    s = _PREFIX.sub("", s, count=1).strip()
    return s.lstrip("|.-–— ").strip()


def compress_sentence(sentence: str) -> str:
    """Shorten a sentence for a bullet without changing what it says.

    Drops short parenthetical asides and a leading connective ("But", "However,") that only
    made sense after the previous sentence. Attributions ("..., police said") stay: removing
    them would turn a claim into a fact.
    """
    s = _ASIDE.sub("", sentence)
    m = _LEADING_CONNECTIVE.match(s)
    if m:
        s = s[m.end() :]
        s = s[:1].upper() + s[1:]
    return s.strip()


def is_heading(text: str) -> bool:
    """A short line without closing punctuation: a heading, caption or kicker."""
    return text.rstrip()[-1:] not in ".!?\"'”’)…。！？」" and count_words(text) <= 20


def is_caption(paragraph: str) -> bool:
    """A short paragraph carrying a photo credit: "X with Y in Beijing. PHOTO: REUTERS"."""
    return len(paragraph.split()) <= 50 and bool(_CREDIT.search(paragraph))


def is_boilerplate(sentence: str) -> bool:
    """True for text that is not article prose: credits, calls to action, footers."""
    if _BOILERPLATE.search(sentence):
        return True
    return len(sentence.split()) <= 8 and bool(_SHORT_BOILERPLATE.search(sentence))


@dataclass
class _Sentence:
    index: int  # position among kept sentences
    text: str
    terms: list[str]


def _candidates(
    paragraphs: list[str], title: str = "", min_words: int = _MIN_WORDS, language: str | None = None
) -> list[_Sentence]:
    out: list[_Sentence] = []
    title_key = " ".join(content_terms(title, language))
    for para in paragraphs:
        if is_caption(para):
            continue
        for raw in split_sentences(para):
            text = clean_sentence(raw)
            n_words = count_words(text)
            if n_words < min_words or is_boilerplate(text):
                continue
            if is_heading(text):
                continue  # a caption or heading, not a sentence
            terms = content_terms(text, language)
            if title_key and " ".join(terms) == title_key:
                continue  # the headline repeated as the first paragraph
            out.append(_Sentence(len(out), text, terms))
    return out


# Scoring: position dominates on purpose (news is written lead-first). The four numbers were
# chosen on a coarse grid with bench/offline_rouge.py and are deliberately round; the result
# is flat around them, so they are not tuned to the benchmark's decimals.
POSITION_DECAY = 0.35  # sentence k gets exp(-0.35 k): the 4th sentence weighs ~1/3 of the 1st
CENTRALITY_WEIGHT = 0.3  # how much a central sentence from further down can displace the lead
IDEAL_WORDS = 25  # longer sentences are penalised in proportion (bullets should be short)
LEAD_EXEMPT = False
TOPIC_WEIGHT = 1.0  # bonus for sharing the headline's (or the lead's) terms
REDUNDANCY_LIMIT = 0.6  # max share of a sentence's terms already covered by a chosen one
MIN_NOVELTY = 0.4  # a bullet must bring this share of terms the headline does not have
LEAD_HEADLINE_SENTENCES = 3  # a headline for title-less text comes from this many lead sentences


def _score(sentences: list[_Sentence], title_terms: set[str]) -> list[float]:
    doc_tf: Counter[str] = Counter()
    for s in sentences:
        doc_tf.update(set(s.terms))
    scores = []
    for s in sentences:
        uniq = set(s.terms)
        # Centrality: how much of the article's recurring vocabulary the sentence carries,
        # normalised by length so long sentences are not favoured for length alone.
        recurring = sum(math.log(doc_tf[t]) for t in uniq if doc_tf[t] > 1)
        centrality = recurring / (len(s.terms) + 5) if s.terms else 0.0
        if title_terms:
            centrality += TOPIC_WEIGHT * len(uniq & title_terms) / (len(title_terms) + 1)
        position = math.exp(-POSITION_DECAY * s.index)
        n_words = count_words(s.text)
        length = 1.0 if n_words <= IDEAL_WORDS or (LEAD_EXEMPT and s.index == 0) else IDEAL_WORDS / n_words
        scores.append((position + CENTRALITY_WEIGHT * centrality) * length)
    return scores


def _overlap(a: list[str], b: list[str]) -> float:
    sa, sb = set(a), set(b)
    return len(sa & sb) / min(len(sa), len(sb)) if sa and sb else 0.0


def _choose(
    sentences: list[_Sentence], n: int, title: str, avoid: list[list[str]], *, topic: str = "",
    language: str | None = None,
) -> list[str]:
    """The ``n`` best of ``sentences``, none saying what a chosen one (or ``avoid``) says;
    ``topic`` (default: ``title``) is what the story is about."""
    scores = _score(sentences, set(content_terms(topic or title, language)))
    ranked = [s for _, s in sorted(zip(scores, sentences, strict=True), key=lambda pair: -pair[0])]
    chosen: list[_Sentence] = []
    for s in ranked:
        if len(chosen) == n:
            break
        if any(_overlap(s.terms, c.terms) > REDUNDANCY_LIMIT for c in chosen):
            continue  # says the same thing as a sentence already chosen
        if any(_novelty(s.terms, terms) < MIN_NOVELTY for terms in avoid):
            continue  # the headline again
        chosen.append(s)
    return [compress_sentence(s.text) for s in sorted(chosen, key=lambda s: s.index)]


def _novelty(terms: list[str], seen: list[str]) -> float:
    """The share of a sentence's terms that ``seen`` does not have."""
    uniq = set(terms)
    return len(uniq - set(seen)) / len(uniq) if uniq else 0.0


def _sentences(paragraphs: list[str], n: int, title: str, language: str | None = None) -> list[_Sentence]:
    sentences = _candidates(paragraphs, title, language=language)
    if len(sentences) < n:
        # a short text: take what there is
        sentences = _candidates(paragraphs, title, min_words=3, language=language)
    return sentences


def select_sentences(paragraphs: list[str], n: int, *, title: str = "") -> list[str]:
    """The ``n`` best summary sentences, cleaned, in article order, none repeating ``title``."""
    sentences = _sentences(paragraphs, n, title)
    return _choose(sentences, n, title, [content_terms(title)] if title else [])


def _lead_headline(sentences: list[_Sentence]) -> tuple[str, int] | None:
    """A headline from the lead: the first of its opening sentences that is, or has, a short
    main clause; with the index of that sentence."""
    for s in sentences[:LEAD_HEADLINE_SENTENCES]:
        head = clause_headline(compress_sentence(s.text))
        if head:
            return head, s.index
    return None


def _headline_and_bullets(
    paragraphs: list[str], n: int, title: str, language: str | None = None
) -> tuple[str, list[str]]:
    """The headline and bullets; words are compared in ``language`` (its stop words and stems)."""
    sentences = _sentences(paragraphs, n, title, language)
    if title:
        return title, _choose(sentences, n, title, [content_terms(title, language)], language=language)
    lead = _lead_headline(sentences)
    if lead is None:  # no short clause in the lead: its first sentence, whole
        bullets = _choose(sentences, n, "", [], language=language)
        return (bullets[0].rstrip(".") if bullets else ""), bullets[1:]
    head, source = lead
    # The headline is the lead's main clause, so it is the first of the summary's n lines; the
    # rest of its sentence is not shown again (a bullet would repeat the headline).
    # The whole lead sentence says what the story is about, also the part the headline left out,
    # so bullets are ranked against all of it; only the headline itself must not be repeated.
    rest = [s for s in sentences if s.index != source]
    topic = sentences[source].text
    return head, _choose(rest, max(2, n - 1), head, [content_terms(head, language)], topic=topic,
                         language=language)


def summarize_extractive(article: Article, *, max_bullets: int = 3, max_quotes: int = 3) -> Summary:
    """Summarise ``article`` without an LLM: lead-weighted sentence selection plus verified quotes.

    3-5 bullets (``max_bullets`` clamped to that range, fewer only if the article is shorter),
    up to ``max_quotes`` quotes that passed verification (:func:`bot.text.quotes.key_quotes`).
    """
    paragraphs = [p for p in article.paragraphs if p.strip()]
    title = article.title.strip()
    if not title and len(paragraphs) > 1 and is_heading(paragraphs[0].strip()):
        title, paragraphs = paragraphs[0].strip(), paragraphs[1:]  # pasted text with its headline
    n = min(5, max(3, max_bullets))
    headline, bullets = _headline_and_bullets(paragraphs, n, title, article.language)
    if not bullets and (title or not headline):
        # Nothing sentence-like survived the filters (a very short text): use it as is.
        bullets = [clean_sentence(s) for s in split_sentences(article.text)[:n] if s.strip()]
    quotes = key_quotes(article.text, max_quotes)
    return Summary(
        headline=headline or (bullets[0].rstrip(".") if bullets else ""),
        bullets=bullets,
        quotes=quotes,
        engine="extractive",
        language=article.language,
        note=None,
    )
