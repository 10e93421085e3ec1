"""Rendering: everything escaped, tags balanced, never over Telegram's limit."""

from __future__ import annotations

from html.parser import HTMLParser

from bot.models import Answer, Article, Quote, Summary
from bot.render import MAX_MESSAGE, pack, render_answer, render_summary, utf16_len

ALLOWED = {"b", "i", "a", "code", "pre", "u", "s"}


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.bad: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag not in ALLOWED:
            self.bad.append(tag)
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.bad.append(f"/{tag}")


def assert_valid_html(text: str) -> None:
    checker = _Checker()
    checker.feed(text)
    checker.close()
    assert not checker.bad and not checker.stack, (checker.bad, checker.stack)


def article(**kw: object) -> Article:
    base = dict(url="https://ex.com/a", final_url="https://ex.com/a", title="T", site="Example",
                published="2022-02-25", paragraphs=["one two three"] * 3)
    base.update(kw)
    return Article(**base)  # type: ignore[arg-type]


def test_hostile_text_is_escaped() -> None:
    evil = '<b>x</b> & <script>alert(1)</script> <a href="tg://x">y</a> a < b'
    summary = Summary(headline=evil, bullets=[evil, "ok"], quotes=[Quote(text=evil, speaker=evil)],
                      engine="llm")
    [message] = render_summary(article(title=evil, site=evil), summary)
    assert "<script>" not in message and "&lt;script&gt;" in message
    assert 'href="tg://' not in message
    assert_valid_html(message)


def test_summary_layout() -> None:
    summary = Summary(headline="Head", bullets=["b1", "b2", "b3"],
                      quotes=[Quote(text="We are ready", speaker="Dmitry Peskov")], engine="extractive")
    [message] = render_summary(article(canonical_url="https://ex.com/c"), summary, updated=True)
    assert message.startswith("<b>Head</b>")
    assert "Example · 25 Feb 2022 · 1 min read" in message
    assert "• b1\n• b2\n• b3" in message
    assert "“We are ready” — Dmitry Peskov" in message
    assert 'href="https://ex.com/c"' in message
    assert "Extractive summary" in message and "updated" in message


def test_oversized_content_is_split_cleanly() -> None:
    bullets = ["word & <w> " * 60] * 40
    summary = Summary(headline="H", bullets=bullets, engine="llm")
    parts = render_summary(article(), summary)
    assert all(utf16_len(p) <= MAX_MESSAGE for p in parts)
    for part in parts:
        assert_valid_html(part)


def test_pack_counts_utf16() -> None:
    emoji_block = "😀" * 3000  # 6000 UTF-16 units
    parts = pack(["a", emoji_block])
    assert all(utf16_len(p) <= MAX_MESSAGE for p in parts)


def test_answer_render_escapes() -> None:
    text = render_answer(Answer(text="From the article: a < b & c", engine="extractive",
                                quotes=[Quote(text="x < y", speaker="Marks & Spencer")]))
    assert "a &lt; b &amp; c" in text and "x &lt; y" in text and "Marks &amp; Spencer" in text
    assert_valid_html(text)


def test_quotes_keep_the_article_marks_and_a_plain_speaker() -> None:
    quotes = [Quote(text="„Wir sind bereit“", speaker="Anna Keller", open_mark="„", close_mark="“"),
              Quote(text="Nous sommes prêts", speaker="Jean Moreau", open_mark="«\u00a0", close_mark="\u00a0»"),
              Quote(text="準備はできている", speaker="山田太郎", open_mark="「", close_mark="」")]
    summary = Summary(headline="H", bullets=["b"], quotes=quotes, engine="llm")
    [message] = render_summary(article(), summary)
    assert "„Wir sind bereit“ — Anna Keller" in message
    assert "«\u00a0Nous sommes prêts\u00a0» — Jean Moreau" in message
    assert "「準備はできている」 — 山田太郎" in message
    assert_valid_html(message)
