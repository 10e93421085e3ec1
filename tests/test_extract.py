"""Article extraction from the saved pages in tests/data/pages, and the `newsbot extract` command."""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from bot.cli.extract import run_extract
from bot.config import Settings
from bot.digest.entries import summary_line
from bot.errors import ExtractError
from bot.extract import clean_paragraphs, clean_text, extract_article, extract_html, extract_plain_text
from bot.models import Article, Fetched, Summary

PAGES = Path(__file__).parent / "data" / "pages"
SEED_URL = "https://www.straitstimes.com/asia/east-asia/putin-tells-xi?utm_source=telegram&utm_medium=social"
CANONICAL = (
    "https://www.straitstimes.com/asia/east-asia/"
    "putin-tells-xi-that-russia-is-willing-to-hold-high-level-talks-with-ukraine-china"
)
TITLE = "Putin tells Xi that Russia is willing to hold high-level talks with Ukraine: China"


def page(name: str) -> str:
    return (PAGES / name).read_text(encoding="utf-8")


def html_fetched(name: str, url: str = "https://news.example.com/a", **kw: object) -> Fetched:
    body = (PAGES / name).read_bytes()
    values: dict[str, object] = {
        "url": url,
        "final_url": url,
        "status": 200,
        "content_type": "text/html",
        "charset": "utf-8",
        "body": body,
        "headers": {},
    }
    values.update(kw)
    return Fetched(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def seed() -> Article:
    return extract_html(page("seed.html"), SEED_URL)


# --- the seed article ---------------------------------------------------------------------------


def test_seed_metadata(seed: Article) -> None:
    article = seed
    assert article.title == TITLE
    assert article.canonical_url == CANONICAL
    assert article.published == "2022-02-25"
    assert article.language == "en"
    assert article.site == "The Straits Times"
    assert article.author == "AFP, Reuters"
    assert article.url == "https://www.straitstimes.com/asia/east-asia/putin-tells-xi"  # identity: no utm_*
    assert article.final_url == SEED_URL
    assert article.link == CANONICAL


def test_seed_text_has_the_article(seed: Article) -> None:
    text = seed.text
    assert seed.paragraphs[0].startswith("BEIJING (AFP, REUTERS) - Russia is ready to send a delegation")
    assert '"Russia is willing to conduct high-level negotiations with Ukraine," he told Mr Xi' in text
    assert "abandon the Cold War mentality" in text
    assert "Mr Peskov said demilitarisation would need to be an essential part of that." in text
    assert seed.paragraphs[-1].startswith('Mr Xi said China was "willing to work with all parties')
    assert 350 < seed.words < 450
    assert TITLE not in text  # the <h1> is the title, not the first paragraph


@pytest.mark.parametrize(
    "junk",
    [
        "Get live updates",
        "Join ST's Telegram channel",
        "Telegram",
        "Remote video URL",
        "We use cookies",
        "Accept all cookies",
        "Manage cookie settings",
        "BREAKING NEWS",
        "Markets tumble",
        "Share on Facebook",
        "Share on WhatsApp",
        "Opinion",
        "Multimedia",
        "Related Stories",
        "Zelensky says Kyiv under attack",
        "Oil prices surge",
        "Asian Insider newsletter",
        "Sign up",
        "SPH Media",
        "Terms & Conditions",
        "ADVERTISEMENT",
        "PHOTO: REUTERS",
        "Ignore all previous instructions",  # the display:none injection
        "evil.example",
    ],
)
def test_seed_text_has_no_boilerplate(seed: Article, junk: str) -> None:
    assert junk.lower() not in seed.text.lower()


def test_seed_text_has_no_invisible_characters(seed: Article) -> None:
    assert "\u200b" not in seed.text
    assert all(ch.isprintable() for ch in seed.text.replace("\n", ""))


# --- other pages --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "code", "reason"),
    [
        ("paywall.html", "paywall", "This article is behind a paywall — paste its text and I'll summarize that."),
        ("consent.html", "consent_wall", "cookie-consent wall"),
        ("login.html", "login_wall", "login"),
        ("js-shell.html", "needs_js", "needs JavaScript"),
    ],
)
def test_pages_without_article_text_explain_why(name: str, code: str, reason: str) -> None:
    with pytest.raises(ExtractError) as info:
        extract_html(page(name), f"https://news.example.com/{name}")
    assert info.value.code == code
    assert reason in info.value.reason
    assert info.value.detail


def test_page_without_any_text() -> None:
    html = "<html><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav></body></html>"
    with pytest.raises(ExtractError) as info:
        extract_html(html, "https://news.example.com/empty")
    assert info.value.code == "no_text"
    assert info.value.reason == "I couldn't find article text on that page."


@pytest.mark.parametrize("html", ["", "   ", "\x00"])
def test_unparseable_input(html: str) -> None:
    with pytest.raises(ExtractError) as info:
        extract_html(html, "https://news.example.com/x")
    assert info.value.code == "no_text"


def test_json_ld_fallback_inside_graph() -> None:
    article = extract_html(page("jsonld-only.html"), "https://news.example.com/environment/river-levels-fall?ref=x")
    assert article.title == "River levels fall as dry spell continues"
    assert article.author == "Sam Okafor"
    assert article.published == "2023-09-14"
    assert article.language == "en"  # from og:locale en_AU
    assert article.site == "Example Post"
    assert article.canonical_url == "https://news.example.com/environment/river-levels-fall"
    assert len(article.paragraphs) == 4
    assert article.paragraphs[0].startswith("River levels across the northern basin")
    assert '"We are asking every household and farm to use water carefully,"' in article.text


def test_plain_text_page() -> None:
    article = extract_plain_text(page("plain.txt"), "https://council.example/news.txt")
    assert article.title == "Library opening hours extended over the holidays"
    assert len(article.paragraphs) == 3
    assert article.paragraphs[0].startswith("The central library will stay open")
    assert "Follow us" not in article.text
    assert article.site == "council.example"


def test_hidden_elements_and_invisible_characters_are_stripped() -> None:
    body = " ".join(f"Sentence number {i} of a perfectly ordinary local news story." for i in range(12))
    html = f"""<html lang="de-AT"><head><title>Local story</title></head><body><article>
      <h1>Local story</h1>
      <p>{body}</p>
      <p hidden>HIDDEN-ATTR instructions</p>
      <p style="VISIBILITY: hidden">HIDDEN-VIS instructions</p>
      <div style="display:none !important">HIDDEN-DISPLAY instructions</div>
      <span aria-hidden="true">HIDDEN-ARIA icon text</span>
      <template><p>HIDDEN-TEMPLATE instructions</p></template>
      <p>Second\u200b para\u202egraph with a bidi over\u2066ride and tag\U000e0041 characters, and more words here
         to be sure it is kept by the extractor as real article text for the test.</p>
    </article></body></html>"""
    article = extract_html(html, "https://news.example.com/local")
    assert "HIDDEN" not in article.text
    assert "Second paragraph with a bidi override and tag characters" in article.text
    assert article.language == "de"


def test_body_hidden_until_scripts_run_is_still_read() -> None:
    html = page("seed.html").replace('<body class="article-page">', '<body class="article-page" style="display:none">')
    assert extract_html(html, SEED_URL).title == TITLE


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (
            ["Body text.", "Get live updates as the Ukraine crisis unfolds.", "Remote video URL",
             "Join ST's Telegram channel and get the latest breaking news delivered to you."],
            ["Body text."],
        ),
        (
            ["Russian President Vladimir Putin with his Chinese counterpart Xi Jinping in Beijing earlier this "
             "month. PHOTO: REUTERS", "Body."],
            ["Russian President Vladimir Putin with his Chinese counterpart Xi Jinping in Beijing earlier this "
             "month.", "Body."],
        ),
        (["A caption (Photo: Getty Images)", "ST PHOTO: KEVIN LIM", "Body."], ["A caption", "Body."]),
        (["Body.", "Sign up for our newsletter", "Follow us on Instagram", "Read more: Other story",
          "Click here to subscribe", "Copyright 2024 Example Media"], ["Body."]),
        (["Advertisement", "Body.", "Story continues below advertisement", "More body."], ["Body.", "More body."]),
        # not boilerplate: ordinary sentences that merely mention these words stay
        (["Copyright law changed in 2021.", "He said: click here was the worst UI ever.",
          "She showed the photo: It was blurry."], None),
        # only the tail window is searched for trailing boilerplate
        (["Read more: a mid-article pointer"] + [f"Paragraph {i}." for i in range(10)], None),
    ],
)  # fmt: skip
def test_boilerplate_patterns(lines: list[str], expected: list[str] | None) -> None:
    assert clean_paragraphs(lines) == (lines if expected is None else expected)


def test_clean_text() -> None:
    assert clean_text("  a\u00a0b\u200b c\n\t d\ufeff ") == "a b c d"


# --- extract_article: content types, charset, headers -------------------------------------------


async def test_extract_article_html() -> None:
    article = await extract_article(html_fetched("seed.html"), url=SEED_URL)
    assert article.title == TITLE
    assert article.url == "https://www.straitstimes.com/asia/east-asia/putin-tells-xi"


async def test_extract_article_plain_text() -> None:
    fetched = html_fetched("plain.txt", content_type="text/plain", headers={"content-language": "en-GB"})
    article = await extract_article(fetched, url="https://council.example/news.txt")
    assert article.title == "Library opening hours extended over the holidays"
    assert article.language == "en"


async def test_text_plain_that_is_really_html_is_parsed_as_html() -> None:
    article = await extract_article(html_fetched("seed.html", content_type="text/plain"), url=SEED_URL)
    assert article.title == TITLE


async def test_extract_article_decodes_with_the_fetched_charset() -> None:
    words = " ".join(["Новости дня и подробности происходящего в городе сегодня утром."] * 12)
    html = (
        '<html><head><meta charset="windows-1251"><title>Новости</title></head>'
        f"<body><article><h1>Новости</h1><p>{words}</p></article></body></html>"
    )
    fetched = html_fetched("seed.html", body=html.encode("cp1251"), charset="cp1251")
    article = await extract_article(fetched, url="https://news.example.ru/a")
    assert "Новости дня и подробности" in article.text


async def test_language_from_content_language_header() -> None:
    html = page("seed.html").replace('<html lang="en" dir="ltr">', "<html>").replace("en_SG", "")
    fetched = html_fetched("seed.html", body=html.encode(), headers={"content-language": "fr-FR, en"})
    article = await extract_article(fetched, url=SEED_URL)
    assert article.language == "fr"


@pytest.mark.parametrize(
    ("content_type", "body", "status"),
    [("application/rss+xml", b"<rss></rss>", 200), ("text/html", b"", 304), ("text/html", b"", 200)],
)
async def test_extract_article_refuses_non_articles(content_type: str, body: bytes, status: int) -> None:
    fetched = html_fetched("seed.html", content_type=content_type, body=body, status=status)
    with pytest.raises(ExtractError):
        await extract_article(fetched, url="https://news.example.com/feed")


# --- run_extract (the `newsbot extract` command) -----------------------------------------------------


async def test_run_extract_json_from_stdin() -> None:
    out = io.StringIO()
    code = await run_extract(Settings(), SEED_URL, stdin_html=page("seed.html"), as_json=True, text_only=False, out=out)
    assert code == 0
    data = json.loads(out.getvalue())
    assert list(data) == ["url", "final_url", "canonical_url", "title", "author", "published", "site",
                          "language", "words", "text"]  # fmt: skip
    assert data["title"] == TITLE
    assert data["canonical_url"] == CANONICAL
    assert data["published"] == "2022-02-25"
    assert data["language"] == "en"
    assert data["words"] > 350
    assert "Russia is willing to conduct high-level negotiations with Ukraine" in data["text"]
    assert "Join ST's Telegram channel" not in data["text"]


async def test_run_extract_text_only_and_human() -> None:
    out = io.StringIO()
    assert (
        await run_extract(Settings(), SEED_URL, stdin_html=page("seed.html"), as_json=False, text_only=True, out=out)
        == 0
    )
    assert out.getvalue().startswith("BEIJING (AFP, REUTERS)")
    out = io.StringIO()
    assert (
        await run_extract(Settings(), SEED_URL, stdin_html=page("seed.html"), as_json=False, text_only=False, out=out)
        == 0
    )
    head = out.getvalue().splitlines()
    assert head[0] == TITLE
    assert "The Straits Times" in head[1] and "2022-02-25" in head[1]
    assert head[2] == CANONICAL


async def test_run_extract_failure_prints_one_line_reason(capsys: pytest.CaptureFixture[str]) -> None:
    out = io.StringIO()
    code = await run_extract(
        Settings(),
        "https://news.example.com/p",
        stdin_html=page("paywall.html"),
        as_json=True,
        text_only=False,
        out=out,
    )
    assert code == 1
    assert out.getvalue() == ""
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "paywall" in err


async def test_run_extract_bad_url(capsys: pytest.CaptureFixture[str]) -> None:
    code = await run_extract(Settings(), "ftp://x", stdin_html=None, as_json=False, text_only=False, out=io.StringIO())
    assert code == 1
    assert "That doesn't look like a web link." in capsys.readouterr().err


@pytest.fixture
async def pages_server() -> AsyncIterator[int]:
    app = web.Application()
    app.router.add_static("/", PAGES)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    await runner.cleanup()


async def test_run_extract_fetches_over_http(pages_server: int) -> None:
    settings = Settings(fetch_allow_private_networks=True, fetch_allowed_ports=[pages_server])
    out = io.StringIO()
    code = await run_extract(
        settings, f"http://127.0.0.1:{pages_server}/seed.html", stdin_html=None, as_json=True, text_only=False, out=out
    )
    assert code == 0
    data = json.loads(out.getvalue())
    assert data["title"] == TITLE
    assert data["final_url"] == f"http://127.0.0.1:{pages_server}/seed.html"
    # served from 127.0.0.1, the page's claim to be straitstimes.com is not taken as canonical
    assert data["canonical_url"] is None


@pytest.mark.parametrize(
    ("base", "href", "expected"),
    [
        ("https://evil.example/x", "https://www.bbc.com/news/world-1", None),  # another site: ignored
        ("https://evil.github.io/x", "https://github.io/x", None),  # private public suffix
        ("https://m.example.com/a", "https://www.example.com/a", "https://www.example.com/a"),
        ("https://amp.example.co.uk/a", "https://news.example.co.uk/a", "https://news.example.co.uk/a"),
        ("https://www.example.com/a?p=1", "/a", "https://www.example.com/a"),  # made absolute
        ("https://www.example.com/a", "javascript:alert(1)", None),
        ("https://www.example.com/a", "http://user@www.example.com/a", None),
    ],
)
def test_canonical_must_be_on_the_same_site(base: str, href: str, expected: str | None) -> None:
    html = page("seed.html").replace(CANONICAL, href)
    assert extract_html(html, base).canonical_url == expected


# --- headlines, scripts and line breaks on real-world markup -------------------------------------


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("branded-dash.html", "Ferry service to Marrow Island resumes after storm repairs"),  # "Story - Site"
        ("branded-pipe.html", "Council approves new cycle lanes on the seafront"),  # "Site | Tagline: Story"
        ("ja-article.html", "港町で新しい防潮堤が完成"),
        ("ko-site-title.html", ""),  # the title is only the site's name: no headline at all
    ],
)
def test_titles_lose_the_site_branding(name: str, title: str) -> None:
    article = extract_html(page(name), "https://news.example.com/a")
    assert article.title == title
    assert article.site is not None and article.site not in article.title


def test_the_h1_is_not_repeated_as_the_first_paragraph_of_a_branded_page() -> None:
    article = extract_html(page("branded-pipe.html"), "https://news.example.com/a")
    assert article.paragraphs[0].startswith("Councillors voted on Thursday")


def test_a_short_japanese_article_is_read_and_counted_sensibly() -> None:
    article = extract_html(page("ja-article.html"), "https://news.example.com/a")
    characters = sum(len(p) for p in article.paragraphs)
    assert characters < 200  # a short article: whitespace would count 3 words
    assert 70 <= article.words <= characters // 2 + 3
    assert article.reading_minutes == 1
    assert article.language == "ja"


def test_page_without_a_headline_gets_one_from_its_lead() -> None:
    from bot.engines.extractive import summarize_extractive

    article = extract_html(page("ko-site-title.html"), "https://news.example.com/a")
    summary = summarize_extractive(article)
    assert summary.headline == "남해시는 3일 시내버스 노선을 전면 개편한다고 발표했다"
    assert summary.bullets[0] == "새 노선은 다음 달 1일부터 적용된다."  # one sentence, not the paragraph
    assert "바닷가일보" not in summary.headline


def test_sentences_broken_by_br_are_joined() -> None:
    article = extract_html(page("br-lines.html"), "https://news.example.com/a")
    assert not any(p[:1].islower() for p in article.paragraphs)
    assert (
        "Velde took to her Instagram page on Sunday to share photos from the concert and wrote that she had "
        "been nervous until the first note."
    ) in article.paragraphs
    assert "She opened the show with a new song and thanked the crowd for waiting." in article.paragraphs


@pytest.mark.parametrize(("published", "expected"), [("0001-01-01T00:00:00Z", None), ("2024-08-26", "2024-08-26")])
def test_only_plausible_dates(published: str, expected: str | None) -> None:
    body = " ".join(["The harbour reopened after the storm and the ferries ran on time again."] * 8)
    html = (
        f'<html><head><meta property="article:published_time" content="{published}"></head>'
        f"<body><article><h1>Harbour reopens</h1><p>{body}</p></article></body></html>"
    )
    assert extract_html(html, "https://news.example.com/a").published == expected


def test_a_localized_date_is_read_in_the_page_language() -> None:
    # "Publié le 26 août 2024" and no machine-readable date: not 1 January of some year.
    article = extract_html(page("p2-date-fr.html"), "https://journal.example.fr/culture/festival")
    assert article.language == "fr"
    assert article.published == "2024-08-26"


def test_a_bare_year_is_not_a_date() -> None:
    body = " ".join(["Die Fähre fuhr nach dem Sturm wieder pünktlich, wie schon seit 1998."] * 8)
    html = f'<html lang="de"><body><article><h1>Fähre fährt wieder</h1><p>{body}</p></article></body></html>'
    assert extract_html(html, "https://news.example.com/a").published is None


def test_paywall_markup_with_the_whole_text_on_the_page_is_read() -> None:
    # isAccessibleForFree false, a paywall class and script, a "Subscribe to read" box: but the
    # article is all there for the reader, so it is summarized, not refused.
    article = extract_html(page("p2-paywall-markup-full-text.html"), "https://dispatch.example.com/grain")
    assert article.title == "Grain exporters brace for a slower harvest season"
    assert article.words >= 200
    assert article.paragraphs[0].startswith("Grain exporters along the northern river ports")
    assert not any("Subscribe" in p for p in article.paragraphs)


def test_hover_cards_widgets_credits_and_score_tables_never_reach_the_text() -> None:
    article = extract_html(page("p2-junk.html"), "https://ledger.example.com/river-bill")
    text = "\n".join(article.paragraphs)
    assert (
        "Rep. Jane Doe (D-Ore.), who chairs the panel, said the delay would last no more than two weeks"
    ) in text
    for junk in ("Jane DoeJane Doe", "Committee chair: budget talks", "MORE", "Rivertown", "| 3 |",
                 "Tags", "Facebook", "Photo:", "Reuters", "Read more"):  # fmt: skip
        assert junk not in text
    assert article.paragraphs[-1].startswith("The committee is expected to take up the bill again")


def test_furniture_without_markup_hints_is_dropped_from_the_text() -> None:
    prose = "The harbour reopened after the storm and the ferries ran on time again for the first time in weeks."
    html = (
        "<html><body><article><h1>Harbour reopens</h1>"
        "<div>Share on Facebook Twitter Email</div>"
        f"<p>{prose} {prose}</p><p>{prose} Mayor Ana RuizAna Ruiz said the repairs were finished.</p>"
        f"<p>{prose}</p><p>Tags: Harbour Ferries Storm</p></article></body></html>"
    )
    text = "\n".join(extract_html(html, "https://news.example.com/a").paragraphs)
    assert "Mayor Ana Ruiz said the repairs were finished." in text
    for junk in ("Ana RuizAna Ruiz", "Share on", "Tags:"):
        assert junk not in text


@pytest.mark.parametrize(
    ("bullet", "line"),
    [
        (
            "Rep. Jane DoeJane DoeCommittee chair: budget talks will resume next week MORE said the vote would wait.",
            "Rep. Jane Doe said the vote would wait.",
        ),
        ("The council approved the budget on Tuesday. Read more", "The council approved the budget on Tuesday."),
    ],
)
def test_digest_lines_get_the_same_cleaning(bullet: str, line: str) -> None:
    summary = Summary(headline="h", bullets=[bullet], quotes=[], engine="llm")
    assert summary_line(summary) == line
