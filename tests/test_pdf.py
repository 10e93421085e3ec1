"""PDF extraction: text, title, page furniture and hyphenation from generated documents; a clear,
typed reason for scans, encrypted and broken files; the caps that bound a PDF bomb."""

from __future__ import annotations

import io
import re

import pytest

from bot.cli.extract import run_extract
from bot.config import Settings
from bot.errors import PdfEncrypted, PdfError, PdfMalformed, PdfNoText, PdfTooBig, PdfTooManyPages, PdfTooSlow
from bot.extract import extract_article
from bot.extract.pdf import PdfLimits, build_article, extract_pdf
from bot.extract.pdf_layout import drop_page_furniture, to_paragraphs
from bot.models import Fetched
from bot.net.content import accepted_types, refuse_type, sniff_type
from bot.store.cache import Cache
from bot.store.guard import RedisGuard
from bot.telegram.catalog import LANGUAGES, table
from bot.telegram.reasons import CATALOG_KEYS, reason_text
from tests.fakes import pdfs
from tests.fakes.pdf_samples import (
    HARBOUR_QUOTE,
    PRESS_RELEASE,
    REPORT_SECTION,
    court_ruling,
    newsletter,
    press_release,
    report,
)

URL = "https://court.example.org/rulings/4-k-112.pdf"


def words_of(text: str) -> list[str]:
    return text.split()


def test_press_release_title_quotes_and_no_page_furniture() -> None:
    built = press_release()
    article = extract_pdf(built.data, URL)
    assert article.title == "Port Authority approves harbour expansion"  # from the metadata
    assert article.pages == 1 and article.site == "court.example.org"
    assert article.language == "en"  # the catalog's /Lang
    assert any(f"“{HARBOUR_QUOTE},” said Elena Marsh" in p for p in article.paragraphs)
    assert not any("Page 1 of 1" in p for p in article.paragraphs)
    # every word of the body, in order: the running header of this one page (nothing repeats it)
    # goes by its small type, the first heading stands in for the title
    assert words_of(article.text) == built.truth[len(words_of(PRESS_RELEASE[0].text)):]
    assert "Press release" not in article.text


def test_court_ruling_title_from_the_first_heading_and_numbered_paragraphs() -> None:
    article = extract_pdf(court_ruling().data, URL)
    assert article.title.startswith("Judgment of the Administrative Court of Westmark in the matter of Riverside")
    assert article.pages == 2
    numbered = [p for p in article.paragraphs if re.match(r"\d\. ", p)]
    assert [p[:2] for p in numbered] == ["1.", "2.", "3.", "4.", "5.", "6."]
    assert numbered[-1].endswith("within one month of service of this judgment.")  # across the page break
    assert not any("Case 4 K 112/25" in p or re.fullmatch(r"- \d -", p) for p in article.paragraphs)


def test_report_hyphenated_words_joined_and_headers_dropped() -> None:
    built = report()
    article = extract_pdf(built.data, URL)
    assert article.pages == built.pages > 3
    truth = set(built.truth)
    assert [w for w in words_of(article.text) if w not in truth] == []  # no "reco- rding" halves
    assert "Regional Water Board · Annual review" not in article.text
    assert not re.search(r"Page \d+ of \d+", article.text)
    # nothing lost either: every word of the body comes back, in order
    assert words_of(article.text) == built.truth[len(words_of(REPORT_SECTION[0].text)) + 2:]  # + "(part 1)"


def test_two_columns_read_in_order() -> None:
    article = extract_pdf(newsletter().data, URL)
    text = article.text
    order = ["Chestnut Street", "swimming pool", "Roadworks and transport", "cycle path", "street festival",
             "Water consumption", "Investment programme"]
    positions = [text.index(phrase) for phrase in order]
    assert positions == sorted(positions)
    assert "Community newsletter" not in text.replace("Community newsletter: spring edition", "")


def test_lines_to_paragraphs_and_furniture_rules() -> None:
    pages = [["Annual report 2025", "Some body line that is long enough to fill the column.", "Page 1 of 2"],
             ["Annual report 2025", "Another body line that also fills the column nicely.", "Page 2 of 2"]]
    assert drop_page_furniture(pages) == [[pages[0][1]], [pages[1][1]]]
    lines = ["Heading here", "A first line of running text that goes to the end of the", "column and then stops.",
             "1. A numbered item that is long enough to be full width in the", "column as well."]
    assert to_paragraphs(lines) == [
        "Heading here",
        "A first line of running text that goes to the end of the column and then stops.",
        "1. A numbered item that is long enough to be full width in the column as well.",
    ]


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (pdfs.scanned_pdf().data, PdfNoText),
        (pdfs.text_pdf([pdfs.Block("Secret minutes " * 60)], user_password="hunter2").data, PdfEncrypted),
        (pdfs.malformed_pdf(), PdfMalformed),
        (b"<html><body>not a pdf</body></html>", PdfMalformed),
        (b"", PdfMalformed),
    ],
    ids=["scanned", "encrypted", "malformed", "not-a-pdf", "empty"],
)
def test_unreadable_pdfs_have_their_reason(data: bytes, error: type[PdfError]) -> None:
    with pytest.raises(error) as caught:
        extract_pdf(data, URL)
    assert caught.value.code == error.code and caught.value.reason == error.REASON  # type: ignore[attr-defined]


def test_the_encrypted_sample_is_really_readable_with_its_password() -> None:
    # the refusal above is about the password, not a broken file
    import pypdfium2 as pdfium

    built = pdfs.text_pdf([pdfs.Block("Secret minutes of the board meeting. " * 20)], user_password="hunter2")
    document = pdfium.PdfDocument(built.data, password="hunter2")
    assert "Secret minutes" in document[0].get_textpage().get_text_range()
    document.close()


def test_page_count_bomb_is_refused_before_reading() -> None:
    with pytest.raises(PdfTooManyPages) as caught:
        extract_pdf(pdfs.many_pages_bomb(200_000), URL, limits=PdfLimits(max_pages=300))
    assert caught.value.params == {"pages": 200_000, "limit": 300}
    assert caught.value.reason == "This PDF has 200000 pages; I read documents of up to 300 pages."


def test_inflation_bomb_is_refused_before_pdfium_unpacks_it() -> None:
    bomb = pdfs.inflation_bomb(64)  # ~64 KB on disk
    with pytest.raises(PdfTooBig):
        extract_pdf(bomb, URL, limits=PdfLimits(max_inflated=16 * 1024 * 1024))
    # a document's own streams are far below the cap
    assert extract_pdf(report().data, URL, limits=PdfLimits(max_inflated=1024 * 1024)).pages == report().pages


def test_deep_nesting_bomb_ends_with_a_reason() -> None:
    with pytest.raises(PdfError):  # PDFium's nesting limit: the page reads as empty, nothing crashes
        extract_pdf(pdfs.deep_nesting_bomb(100_000), URL)


def test_time_cap_stops_between_pages() -> None:
    with pytest.raises(PdfTooSlow):
        extract_pdf(report().data, URL, limits=PdfLimits(seconds=0))


def test_short_text_is_no_article() -> None:
    with pytest.raises(PdfNoText):
        build_article(["Just a title", "Page 2"], URL)


async def test_fetched_pdf_goes_through_the_cpu_pool() -> None:
    built = press_release()
    fetched = Fetched(URL, URL, 200, "application/pdf", None, built.data)
    article = await extract_article(fetched, url=URL)
    assert article.pages == 1 and HARBOUR_QUOTE in article.text
    with pytest.raises(PdfTooManyPages):  # the caps travel to the worker
        await extract_article(Fetched(URL, URL, 200, "application/pdf", None, pdfs.many_pages_bomb(500)),
                              url=URL, pdf_limits=PdfLimits(max_pages=100))


def test_content_types() -> None:
    assert "application/pdf" in accepted_types(("html", "pdf"))
    assert sniff_type(b"%PDF-1.7\n...") == "application/pdf"
    assert refuse_type("application/pdf", ("feed",)).reason == "That link is a PDF document, not a feed."


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_pdf_reasons_are_translated(lang: str) -> None:
    error = PdfTooManyPages("x", params={"pages": 900, "limit": 300})
    text = reason_text(error, lang)
    assert "900" in text and "300" in text and text != PdfTooManyPages.REASON.format(pages=900, limit=300)
    assert len(CATALOG_KEYS) == len(PdfError.__subclasses__())  # every kind of PDF failure is said in the catalog
    for key in [*CATALOG_KEYS.values(), "PDF_TOO_LARGE", "PDF_DOWNLOAD_FAILED", "READING_PDF"]:
        assert table(lang)[key] != table("en")[key], key


async def test_cli_extracts_a_pdf_link(article_server) -> None:
    url = article_server.add("/release.pdf", press_release().data, content_type="application/pdf")
    settings = Settings(fetch_allow_private_networks=True, fetch_allowed_ports=[article_server.port])
    out = io.StringIO()
    assert await run_extract(settings, url, stdin_html=None, as_json=False, text_only=False, out=out) == 0
    head = out.getvalue().splitlines()
    assert head[0] == "Port Authority approves harbour expansion" and "PDF, 1 pages" not in head[1]
    assert "PDF, 1 page" in head[1] and HARBOUR_QUOTE in out.getvalue()


async def test_a_failure_keeps_its_numbers_in_the_negative_cache(clients) -> None:
    cache = Cache(clients[0], RedisGuard())
    error = PdfTooManyPages("This PDF has 900 pages; I read documents of up to 300 pages.",
                           params={"pages": 900, "limit": 300})
    await cache.put_failure("pdf:abc", error, 60)
    replayed = await cache.get_failure("pdf:abc")
    assert replayed is not None and replayed.code == PdfTooManyPages.code
    assert reason_text(replayed, "es") == "Este PDF tiene 900 páginas; leo documentos de hasta 300 páginas."
