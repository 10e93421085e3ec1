"""Direct-quote extraction and speaker attribution measured on PolNeAR (brat stand-off).

Data: <dir>/text/<doc>.txt and <dir>/attributions/<doc>_<annotator>.ann with text-bound
annotations ``T<n>\\t<Type> <start> <end>[;<start> <end>...]\\t<text>`` (types Source, Cue,
Content, ...) linked by events ``E<n>\\tAttribution:T<a> Content:T<c> Cue:T<q> Source:T<s>``.
A gold *direct quote* is a Content span whose text begins with a quotation mark; its speaker is
the event's Source (absent for ``Attribution-no-source``).

Scoring (character based, so it is indifferent to where exactly a quote's marks are cut):
- a predicted quote (``extract_quotes`` output mapped back to offsets in the text) is correct
  when at least half of its characters lie inside gold direct-quote spans (precision);
- a gold quote is found when predicted quotes cover at least half of its characters (recall);
  gold quotes split by their attribution ('"A," he said, "B."') are one gold unit.
- also reported: the share of predictions inside *any* gold attribution Content, since
  PolNeAR files a partial quote inside indirect speech ('said it was "a disgrace"') under a
  Content span that starts with "that ...", not as a direct quote;
- speaker accuracy over matched pairs: *strict* = predicted speaker shares a token (other than
  titles and stop words) with the gold Source text; *lenient* additionally accepts a pronoun
  gold Source ("he") when the prediction names its antecedent, approximated as the nearest
  earlier non-pronoun gold Source of any attribution (direct or indirect) in the document.

Usage: python bench/quotes_polnear.py [--data DIR] [--all-annotators] [--errors N]
Without --data, the first ``shared/data/polnear-dev`` found beside the checkout or one of its
parent directories is used, so the bench runs from any worktree.
"""

from __future__ import annotations

import argparse
import glob
import os
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bot.models import Quote
from bot.text.quotes import MIN_QUOTE_WORDS, extract_quotes, key_quotes

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA_DIR = os.path.join("shared", "data", "polnear-dev")
SHOWN = 3  # summarize_extractive(max_quotes=3), what a summary shows
QUOTE_MARKS = "\"“”„«»‘’'「"
PRONOUNS = {"he", "she", "they", "it", "i", "we", "you", "him", "her", "them"}
IGNORED = PRONOUNS | {"the", "a", "an", "of", "mr", "mrs", "ms", "dr", "sen",
                      "rep", "gov", "s", "and", "to", "in", "for", "on"}


@dataclass
class Gold:
    spans: list[tuple[int, int]]
    text: str
    source: str | None
    antecedent: str | None = None  # nearest earlier non-pronoun source (for pronoun sources)

    @property
    def chars(self) -> set[int]:
        return {i for s, e in self.spans for i in range(s, e)}


@dataclass
class Doc:
    name: str
    text: str
    gold: list[Gold] = field(default_factory=list)
    content_chars: set[int] = field(default_factory=set)  # every attribution's Content


def parse_ann(path: str) -> tuple[dict[str, tuple[str, list[tuple[int, int]], str]], list[dict]]:
    """Text-bound annotations {Tn: (type, spans, text)} and events [{role: Tn}]."""
    tbs: dict[str, tuple[str, list[tuple[int, int]], str]] = {}
    events: list[dict[str, str]] = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if line.startswith("T"):
                tid, mid, txt = line.split("\t", 2)
                typ, ranges = mid.split(" ", 1)
                spans = [(int(a), int(b)) for a, b in (r.split() for r in ranges.split(";"))]
                tbs[tid] = (typ, spans, txt)
            elif line.startswith("E"):
                _eid, args = line.split("\t", 1)
                ev: dict[str, str] = {}
                for arg in args.split():
                    role, _, ref = arg.partition(":")
                    ev[role] = ref
                events.append(ev)
    return tbs, events


def load(data: str, all_annotators: bool) -> list[Doc]:
    docs: list[Doc] = []
    seen: set[str] = set()
    for ann in sorted(glob.glob(os.path.join(data, "attributions", "*.ann"))):
        stem = re.sub(r"_[0-9a-f]{4}\.ann$", "", os.path.basename(ann))
        if stem in seen and not all_annotators:
            continue  # one annotator per document by default
        seen.add(stem)
        with open(os.path.join(data, "text", stem + ".txt"), encoding="utf-8") as fh:
            text = fh.read()
        tbs, events = parse_ann(ann)
        doc = Doc(os.path.basename(ann), text)
        # Every attribution's source, direct or indirect, in text order: a pronoun source's
        # antecedent is approximated by the nearest earlier named one.
        named: list[tuple[int, str]] = []
        for ev in events:
            source = tbs.get(ev.get("Source", ""))
            if source and not is_pronoun(source[2]):
                named.append((source[1][0][0], source[2]))
        named.sort()
        for ev in events:
            content = tbs.get(ev.get("Content", ""))
            if content is not None:
                doc.content_chars.update(i for a, b in content[1] for i in range(a, b))
            if content is None or content[2][:1] not in QUOTE_MARKS:
                continue
            source = tbs.get(ev.get("Source", ""))
            gold = Gold(content[1], content[2], source[2] if source else None)
            if source and is_pronoun(source[2]):
                earlier = [name for pos, name in named if pos < source[1][0][0]]
                gold.antecedent = earlier[-1] if earlier else None
            doc.gold.append(gold)
        doc.gold.sort(key=lambda g: g.spans[0][0])
        docs.append(doc)
    return docs


def is_pronoun(s: str) -> bool:
    return s.strip().lower() in PRONOUNS


def key_tokens(s: str) -> set[str]:
    return {w for w in re.findall(r"[^\W_]+", s.lower()) if w not in IGNORED}


def locate(text: str, quote_text: str, cursor: int) -> tuple[int, int] | None:
    """Offsets of ``quote_text`` in ``text``, searching from ``cursor`` first."""
    pos = text.find(quote_text, cursor)
    if pos == -1:
        pos = text.find(quote_text)
    return None if pos == -1 else (pos, pos + len(quote_text))


def default_data() -> str | None:
    """``shared/data/polnear-dev`` in the nearest directory above the checkout that has one."""
    here = os.path.dirname(REPO)
    while True:
        candidate = os.path.join(here, DATA_DIR)
        if os.path.isdir(candidate):
            return candidate
        parent = os.path.dirname(here)
        if parent == here:
            return None
        here = parent


@dataclass
class Score:
    n_pred: int = 0
    tp_pred: int = 0
    tp_any: int = 0
    n_gold: int = 0
    found_gold: int = 0
    n_gold4: int = 0
    found_gold4: int = 0
    spk_pairs: int = 0
    spk_strict: int = 0
    spk_lenient: int = 0
    elapsed: float = 0.0
    fps: list[str] = field(default_factory=list)
    fns: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)


def score(docs: list[Doc], pick: Callable[[str], list[Quote]], errors: int) -> Score:
    """Score the quotes ``pick`` returns for each document against its gold direct quotes.

    Recall is over every gold quote even when ``pick`` returns only a few per document, so for
    the shown quotes only precision and speaker accuracy are meaningful.
    """
    sc = Score()
    for doc in docs:
        t0 = time.perf_counter()
        quotes = pick(doc.text)
        sc.elapsed += time.perf_counter() - t0
        gold_chars: set[int] = set()
        for g in doc.gold:
            gold_chars |= g.chars
        preds: list[tuple[set[int], str, str]] = []
        for q in quotes:
            loc = locate(doc.text, q.text, 0)
            if loc is None:
                continue
            preds.append((set(range(*loc)), q.speaker, q.text))
        for chars, speaker, qtext in preds:
            sc.n_pred += 1
            sc.tp_any += len(chars & doc.content_chars) >= 0.5 * len(chars)
            if len(chars & gold_chars) >= 0.5 * len(chars):
                sc.tp_pred += 1
            elif len(sc.fps) < errors:
                sc.fps.append(f"{doc.name}: [{speaker}] {qtext[:100]}")
        for g in doc.gold:
            gc = g.chars
            covering = [(c, s) for c, s, _ in preds if c & gc]
            covered = set().union(*(c for c, _ in covering)) & gc if covering else set()
            ok = len(covered) >= 0.5 * len(gc)
            long_enough = len(re.findall(r"\S+", g.text)) >= MIN_QUOTE_WORDS
            sc.n_gold += 1
            sc.found_gold += ok
            sc.n_gold4 += long_enough
            sc.found_gold4 += ok and long_enough
            if not ok:
                if len(sc.fns) < errors:
                    sc.fns.append(f"{doc.name}: [{g.source}] {g.text[:100]}")
                continue
            if g.source is None:
                continue
            speaker = max(covering, key=lambda cs: len(cs[0] & gc))[1]
            sc.spk_pairs += 1
            strict = bool(key_tokens(speaker) & key_tokens(g.source))
            lenient = strict or (is_pronoun(g.source) and g.antecedent is not None
                                 and bool(key_tokens(speaker) & key_tokens(g.antecedent)))
            sc.spk_strict += strict
            sc.spk_lenient += lenient
            if not lenient and len(sc.wrong) < errors:
                sc.wrong.append(f"{doc.name}: pred={speaker!r} gold={g.source!r} "
                                f"antecedent={g.antecedent!r} :: {g.text[:60]}")
    return sc


def pct(a: int, b: int) -> float:
    return 100.0 * a / b if b else 0.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=default_data(), help=f"directory with text/ and attributions/ "
                    f"(default: the nearest {DATA_DIR} above the checkout)")
    ap.add_argument("--all-annotators", action="store_true",
                    help="score every .ann file (some documents have two annotators)")
    ap.add_argument("--errors", type=int, default=0, help="print up to N misses of each kind")
    ap.add_argument("--shown", type=int, default=SHOWN,
                    help=f"quotes shown per article (default {SHOWN}, as the extractive engine)")
    args = ap.parse_args()
    if args.data is None:
        ap.error(f"no {DATA_DIR} found above the checkout; pass --data")

    docs = load(args.data, args.all_annotators)
    every = score(docs, extract_quotes, args.errors)
    shown = score(docs, lambda text: key_quotes(text, args.shown), args.errors)

    p, r = pct(every.tp_pred, every.n_pred), pct(every.found_gold, every.n_gold)
    r4 = pct(every.found_gold4, every.n_gold4)
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    f1_4 = 2 * p * r4 / (p + r4) if p + r4 else 0.0
    print(f"documents: {len(docs)}  gold direct quotes: {every.n_gold} "
          f"({every.n_gold4} with >= {MIN_QUOTE_WORDS} words)")
    print(f"all extracted quotes ({every.n_pred}):")
    print(f"  span precision {p:5.1f}  recall {r:5.1f}  F1 {f1:5.1f}")
    print(f"  (gold >= {MIN_QUOTE_WORDS} words)  recall {r4:5.1f}  F1 {f1_4:5.1f}")
    print(f"  predictions inside any gold attribution content (incl. partial quotes within "
          f"indirect speech): {pct(every.tp_any, every.n_pred):5.1f}%")
    print(f"  speaker accuracy on {every.spk_pairs} matched quotes with a gold source: "
          f"strict {pct(every.spk_strict, every.spk_pairs):5.1f}  "
          f"lenient {pct(every.spk_lenient, every.spk_pairs):5.1f}")
    print(f"shown key quotes (up to {args.shown} per article, verified; {shown.n_pred} in all):")
    print(f"  span precision {pct(shown.tp_pred, shown.n_pred):5.1f}  "
          f"inside any attribution content {pct(shown.tp_any, shown.n_pred):5.1f}%")
    print(f"  speaker accuracy on {shown.spk_pairs} matched: "
          f"strict {pct(shown.spk_strict, shown.spk_pairs):5.1f}  "
          f"lenient {pct(shown.spk_lenient, shown.spk_pairs):5.1f}")
    print(f"extraction time: {1000 * every.elapsed / max(1, len(docs)):.2f} ms per document "
          f"(all), {1000 * shown.elapsed / max(1, len(docs)):.2f} ms (shown, with verification)")
    for label, sc in (("all", every), ("shown", shown)):
        for title, rows in (("false positives", sc.fps), ("missed gold", sc.fns),
                            ("wrong speaker", sc.wrong)):
            if rows and not (label == "shown" and title == "missed gold"):
                print(f"\n-- {label}: {title}")
                for row in rows:
                    print("  " + row)


if __name__ == "__main__":
    main()
