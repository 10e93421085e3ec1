"""PDF text extraction: pages per second and text quality, per library that is installed.

    .venv/bin/python bench/pdf_extract.py [--rounds N]

The documents are generated (tests/fakes/pdf_samples.py): a press release with quotes, a court
ruling, a multi-page report and a two-column newsletter, each with a running header, page-number
footers and words hyphenated at line ends. Every library's raw page text goes through the same
cleaning the bot uses (bot/extract/pdf.build_article: headers and footers out, lines joined into
paragraphs), so the figures compare the libraries, not the cleaners:

- pages/s: pages of text extracted per second (best of N rounds, one process, one core);
- order: how much of the true body text comes back in reading order (difflib ratio of the word
  sequences, 1.0 = every word, in order);
- broken: words split by a line-end hyphen that were not put back together ("reco- rding");
- furniture: header/footer lines that leaked into the text.

pypdfium2 is the bot's dependency; pypdf and pdfminer.six are measured when installed
(``pip install pypdf pdfminer.six`` in a scratch venv, never in requirements).
"""

from __future__ import annotations

import argparse
import difflib
import io
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.errors import PdfError, PdfTooBig, PdfTooManyPages
from bot.extract.pdf import PdfLimits, build_article, extract_pdf, read_pages
from tests.fakes.pdf_samples import SAMPLES
from tests.fakes.pdfs import Built, inflation_bomb, many_pages_bomb

Extract = Callable[[bytes], list[str]]
FURNITURE = re.compile(r"Press release|Case 4 K|Annual review|Community newsletter$|Page \d+ of|^- \d+ -$|^\d+$")


def _pdfium(data: bytes) -> list[str]:
    # the bot's own reading: PDFium's text plus its font sizes (small-type headers and footers
    # out, headings marked), which the other two libraries don't give as simply
    return read_pages(data, PdfLimits())[0]


def _pypdf(data: bytes) -> list[str]:
    import pypdf

    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def _pdfminer(data: bytes) -> list[str]:
    from pdfminer.high_level import extract_text

    return extract_text(io.BytesIO(data)).split("\f")[:-1]


LIBRARIES: dict[str, tuple[str, Extract]] = {
    "pypdfium2": ("pypdfium2", _pdfium),
    "pypdf": ("pypdf", _pypdf),
    "pdfminer.six": ("pdfminer", _pdfminer),
}


def installed(module: str) -> bool:
    try:
        __import__(module)
    except ImportError:
        return False
    return True


def quality(pages: list[str], built: Built) -> tuple[float, int, int]:
    try:
        article = build_article(pages, "https://example.org/doc.pdf")
    except PdfError:
        return 0.0, 0, 0
    words = (article.title + "\n" + article.text).split()
    truth = built.truth
    order = difflib.SequenceMatcher(None, truth, words, autojunk=False).ratio()
    known = set(truth)
    broken = sum(1 for i, w in enumerate(words[:-1])
                 if w.endswith("-") and w not in known and words[i + 1] not in known)
    furniture = sum(1 for p in [article.title, *article.paragraphs] if FURNITURE.search(p))
    return order, broken, furniture


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    docs = {name: make() for name, make in SAMPLES.items()}
    total_pages = sum(d.pages for d in docs.values())
    print(f"{len(docs)} documents, {total_pages} pages: {', '.join(f'{n} ({d.pages} p)' for n, d in docs.items())}")
    print(f"{'library':<14}{'pages/s':>9}{'order':>8}{'broken':>8}{'furniture':>11}")
    present = {name: extract for name, (module, extract) in LIBRARIES.items() if installed(module)}
    best = dict.fromkeys(present, float("inf"))
    for _ in range(args.rounds):  # rounds interleaved: a burst of load on the machine hits every library
        for name, extract in present.items():
            started = time.perf_counter()
            for built in docs.values():
                extract(built.data)
            best[name] = min(best[name], time.perf_counter() - started)
    for name in LIBRARIES:
        if name not in present:
            print(f"{name:<14}  not installed")
            continue
        scores = [quality(present[name](built.data), built) for built in docs.values()]
        order = sum(s[0] for s in scores) / len(scores)
        broken = sum(s[1] for s in scores)
        furniture = sum(s[2] for s in scores)
        print(f"{name:<14}{total_pages / best[name]:>9.0f}{order:>8.3f}{broken:>8}{furniture:>11}")
    bombs()


def bombs() -> None:
    """How long the caps take to refuse a bomb (the bot's defaults, one process)."""
    cases = [
        ("200,000-page tree", many_pages_bomb(200_000), PdfTooManyPages),
        ("1 GB of zeros in a 1 MB file", inflation_bomb(1024), PdfTooBig),
    ]
    for name, data, expected in cases:
        started = time.perf_counter()
        try:
            extract_pdf(data, "https://example.org/bomb.pdf", limits=PdfLimits())
            outcome = "read (!)"
        except PdfError as exc:
            outcome = "refused" if isinstance(exc, expected) else f"refused ({exc.code})"
        print(f"bomb: {name} ({len(data) // 1024} KB): {outcome} in {(time.perf_counter() - started) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
