"""Extraction quality: our extractor beside plain trafilatura on the same pages, same run.

    .venv/bin/python bench/extraction_f1.py [-n 250] [--data ../shared/data/cnndm-dev.jsonl]

Real article text (the CNN/DailyMail dev articles) is set into page layouts written for this
bench, one per article in turn, each with the clutter real news pages carry around the story:
navigation, a cookie banner, a byline hover card, share buttons, "Read more" links and ads
between paragraphs, a related-stories list, a newsletter box, reader comments, tag lists, a
footer; paragraphs as ``<p>``, as ``<br><br>`` breaks, or as a ``<div>`` soup, with and without
JSON-LD. The gold text is the article itself. Scores are bag-of-words precision, recall and F1
(lower-cased word tokens), micro-averaged over pages, for ``bot.extract.extract_html`` (what the
bot uses) and ``trafilatura.extract`` with its defaults. A page our extractor refuses (too short,
a wall) scores zero recall for it.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import os
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import trafilatura

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.errors import ExtractError
from bot.extract import extract_html
from bot.text.sentences import split_sentences

REPO = Path(__file__).resolve().parent.parent
_WORD = re.compile(r"\w+")


def default_data() -> str | None:
    for parent in (REPO, *REPO.parents):
        candidate = parent / "shared" / "data" / "cnndm-dev.jsonl"
        if candidate.exists():
            return str(candidate)
    return None


def paragraphs_of(article: str) -> list[str]:
    """The dev articles are one line each: two or three sentences to a paragraph."""
    sentences = [s.strip() for s in split_sentences(article) if s.strip()]
    return [" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3)]


def title_of(paragraphs: list[str]) -> str:
    words = paragraphs[0].split()[:9]
    return " ".join(words).rstrip(",.;:")


NAV = """<header class="site-header"><a class="logo" href="/">The Daily Ledger</a>
<nav><ul><li><a href="/world">World</a></li><li><a href="/politics">Politics</a></li>
<li><a href="/business">Business</a></li><li><a href="/sport">Sport</a></li>
<li><a href="/culture">Culture</a></li><li><a href="/opinion">Opinion</a></li></ul></nav></header>
<div class="cookie-banner" role="dialog"><p>We use cookies and similar technologies to improve your
experience and to show you personalised ads. By clicking Accept all you agree to this.</p>
<button>Accept all</button><button>Manage preferences</button></div>"""

HOVER = """<div class="byline">By <span class="author"><a href="/staff/jordan-hale">Jordan Hale</a>
<span class="hovercard">Jordan Hale covers national affairs and has reported from more than thirty
countries for the paper since joining the newsroom a decade ago. <a href="/staff/jordan-hale">MORE</a>
</span></span> · <time datetime="2024-03-14T09:30:00Z">14 March 2024</time></div>"""

SHARE = """<div class="share"><a href="#">Share on Facebook</a> <a href="#">Share on X</a>
<a href="#">Email this article</a> <a href="#">Copy link</a></div>"""

RELATED = """<aside class="related"><h3>Related stories</h3><ul>
<li><a href="/a1">Council approves new budget after a long night of debate over transport spending</a></li>
<li><a href="/a2">Storm warning issued for the coast as forecasters expect gusts of up to 90 mph</a></li>
<li><a href="/a3">Inside the race to rebuild the harbour before the summer tourist season begins</a></li>
<li><a href="/a4">Five things we learned from the weekend's matches and what they mean for the title</a></li>
</ul></aside>"""

NEWSLETTER = """<div class="newsletter"><h4>Get the morning briefing</h4><p>Sign up for our free
newsletter and get the day's most important stories delivered to your inbox every morning.</p>
<form><input type="email" placeholder="Your email"><button>Sign up</button></form></div>"""

COMMENTS = """<section class="comments"><h3>Comments (3)</h3>
<div class="comment"><b>harbourwatcher</b><p>I have lived here for forty years and I have never seen the
council move this quickly on anything. Somebody must have been pulling strings behind the scenes.</p></div>
<div class="comment"><b>M. Ortega</b><p>Great reporting as always, but the article could have mentioned
what happened the last time this was tried, which as far as I remember ended badly for everyone.</p></div>
<div class="comment"><b>quietreader</b><p>Does anyone know whether the meeting next week is open to the
public, or do you have to register in advance on the website?</p></div></section>"""

TAGS = """<div class="tags">Topics: <a href="/t/politics">Politics</a> <a href="/t/economy">Economy</a>
<a href="/t/local">Local news</a> <a href="/t/world">World</a></div>"""

FOOTER = """<footer><p>© 2024 The Daily Ledger. All rights reserved.</p><ul><li><a href="/about">About
us</a></li><li><a href="/contact">Contact</a></li><li><a href="/privacy">Privacy policy</a></li>
<li><a href="/terms">Terms of use</a></li></ul></footer>"""

AD = """<div class="ad-slot"><span>ADVERTISEMENT</span></div>"""
READ_MORE = """<p class="read-more"><strong>Read more:</strong> <a href="/r">Why the harbour plan
divided the town</a></p>"""


def _p(paras: list[str]) -> str:
    return "\n".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paras)


def layout_article(title: str, paras: list[str]) -> str:
    return f"""<html><head><title>{html.escape(title)} | The Daily Ledger</title></head><body>
{NAV}<main><article><h1>{html.escape(title)}</h1>{HOVER}{SHARE}
{_p(paras)}
{TAGS}</article>{RELATED}{NEWSLETTER}{COMMENTS}</main>{FOOTER}</body></html>"""


def layout_soup(title: str, paras: list[str]) -> str:
    chunks = []
    for i, p in enumerate(paras):
        chunks.append(f'<div class="txt">{html.escape(p, quote=False)}</div>')
        if i % 3 == 1:
            chunks.append(AD)
        if i == 2:
            chunks.append(READ_MORE)
    body = "\n".join(chunks)
    return f"""<html><head><title>{html.escape(title)} - Daily Ledger</title>
<meta property="og:site_name" content="Daily Ledger"></head><body>{NAV}
<div id="content"><div class="headline"><h1>{html.escape(title)}</h1></div>{HOVER}
<div class="story-body">{body}</div>{SHARE}{RELATED}</div>{COMMENTS}{FOOTER}</body></html>"""


def layout_breaks(title: str, paras: list[str]) -> str:
    body = "<br><br>\n".join(html.escape(p, quote=False) for p in paras)
    return f"""<html><head><title>{html.escape(title)}</title></head><body>{NAV}
<div class="main"><h1>{html.escape(title)}</h1><div class="entry-content">{body}</div>
{TAGS}{NEWSLETTER}</div>{RELATED}{FOOTER}</body></html>"""


def layout_jsonld(title: str, paras: list[str]) -> str:
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": title,
          "datePublished": "2024-03-14T09:30:00Z", "articleBody": "\n\n".join(paras),
          "publisher": {"@type": "Organization", "name": "The Daily Ledger"}}
    middle = len(paras) // 2
    return f"""<html><head><title>{html.escape(title)}</title>
<script type="application/ld+json">{json.dumps(ld)}</script></head><body>{NAV}
<main><article><header><h1>{html.escape(title)}</h1>{HOVER}</header>
<section class="article-body">{_p(paras[:middle])}{AD}{READ_MORE}{_p(paras[middle:])}</section>
</article><aside class="most-read"><h3>Most read</h3>
<p>A teaser for another story that runs on for a while to look like a real paragraph of text, as the
sidebars of news sites often show the opening lines of the day's most read articles.</p></aside>
{COMMENTS}</main>{FOOTER}</body></html>"""


def _hashed(fragment: str) -> str:
    """Class names as CSS-in-JS sites render them: no word a rule could key on."""
    names: dict[str, str] = {}

    def swap(m: re.Match[str]) -> str:
        key = m.group(1)
        names.setdefault(key, "sc-" + hashlib.sha1(key.encode()).hexdigest()[:6])
        return f'class="{names[key]}"'

    return re.sub(r'class="([^"]+)"', swap, fragment)


def layout_hashed(title: str, paras: list[str]) -> str:
    body = "\n".join(f'<div class="c9"><span>{html.escape(p, quote=False)}</span></div>' for p in paras)
    return _hashed(f"""<html><head><title>{html.escape(title)} – Ledger</title></head><body>
<div class="root"><div class="top">{NAV}</div><div class="col"><div class="h"><h1>{html.escape(title)}</h1></div>
{HOVER}<div class="b">{body}</div>{SHARE}{TAGS}</div><div class="side">{RELATED}{NEWSLETTER}</div>
<div class="talk">{COMMENTS}</div>{FOOTER}</div></body></html>""")


LAYOUTS: list[Callable[[str, list[str]], str]] = [
    layout_article, layout_soup, layout_breaks, layout_jsonld, layout_hashed]


def bag(text: str) -> Counter[str]:
    return Counter(w.lower() for w in _WORD.findall(text))


class Score:
    def __init__(self) -> None:
        self.overlap = self.predicted = self.gold = 0
        self.refused = 0
        self.seconds = 0.0

    def add(self, predicted: str, gold: str) -> None:
        p, g = bag(predicted), bag(gold)
        self.overlap += sum((p & g).values())
        self.predicted += sum(p.values())
        self.gold += sum(g.values())

    def prf(self) -> str:
        prec = self.overlap / self.predicted if self.predicted else 0.0
        rec = self.overlap / self.gold if self.gold else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        return f"P {prec:.3f}  R {rec:.3f}  F1 {f1:.3f}  refused {self.refused:>3}"

    def row(self, name: str, pages: int) -> str:
        return f"{name:<24} {self.prf()}  {1000 * self.seconds / max(1, pages):6.1f} ms/page"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=default_data())
    ap.add_argument("-n", type=int, default=250, help="articles (each in one layout, in turn)")
    args = ap.parse_args()
    if not args.data or not os.path.exists(args.data):
        ap.error("cnndm-dev.jsonl not found: pass --data")
    with open(args.data, encoding="utf-8") as f:
        articles = [json.loads(line)["article"] for line in f][: args.n]

    ours, theirs = Score(), Score()
    per_layout: dict[str, tuple[Score, Score]] = {fn.__name__: (Score(), Score()) for fn in LAYOUTS}
    for i, text in enumerate(articles):
        paras = paragraphs_of(text)
        if len(paras) < 2:
            continue
        layout = LAYOUTS[i % len(LAYOUTS)]
        title = title_of(paras)
        page = layout(title, paras)
        gold = "\n".join(paras)
        url = f"https://ledger.example.com/news/{i}"
        lo, lt = per_layout[layout.__name__]
        t0 = time.perf_counter()
        try:
            got = "\n".join(extract_html(page, url).paragraphs)
        except ExtractError:
            got = ""
            ours.refused += 1
            lo.refused += 1
        ours.seconds += time.perf_counter() - t0
        t0 = time.perf_counter()
        tra = trafilatura.extract(page, url=url) or ""
        theirs.seconds += time.perf_counter() - t0
        if not tra:
            theirs.refused += 1
            lt.refused += 1
        for score, predicted in ((ours, got), (lo, got), (theirs, tra), (lt, tra)):
            score.add(predicted, gold)
    pages = len(articles)
    print(f"{pages} articles from {os.path.basename(args.data)}, {len(LAYOUTS)} layouts in turn")
    print(ours.row("newsbot extract_html", pages))
    print(theirs.row("trafilatura.extract", pages))
    for name, (lo, lt) in per_layout.items():
        print(f"  {name:<15} newsbot {lo.prf()}  |  trafilatura {lt.prf()}")


if __name__ == "__main__":
    main()
