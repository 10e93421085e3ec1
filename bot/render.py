"""Telegram HTML for everything the bot says about articles: escaped, balanced, under the limit.

Every piece of article or LLM text passes through `esc`; tags come only from the templates here.
Messages are built from self-contained blocks, so a split never cuts inside a tag.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date

from bot.models import Answer, AnswerDraft, Article, Quote, Summary, SummaryDraft
from bot.net.urls import host_of
from bot.text.clean import clean_text, shorten

MAX_MESSAGE = 4096


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def _date(published: str | None, words: SummaryWords) -> str | None:
    if not published:
        return None
    try:
        day = date.fromisoformat(published[:10])
    except ValueError:
        return None
    return words.date_format.format(day=day.day, month=words.months.split()[day.month - 1], year=day.year)


def link(url: str, label: str) -> str:
    if not url.startswith(("http://", "https://")):
        return esc(label)
    return f'<a href="{esc(url)}">{esc(label)}</a>'


@dataclass(frozen=True)
class SummaryWords:
    """The fixed words around a summary, in the reader's language (English by default; the
    Telegram edge fills them from its message catalog). Plain text: they are escaped here."""

    min_read: str = "{n} min read"
    pdf_pages: str = "PDF, {n} pages"
    pdf_one_page: str = "PDF, 1 page"
    updated: str = "This story was updated since it was first summarized."
    key_quotes: str = "Key quotes"
    read_original: str = "Read the original on {host}"
    extractive: str = "Extractive summary: sentences taken from the article itself."
    months: str = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec"
    date_format: str = "{day} {month} {year}"


ENGLISH = SummaryWords()


def placeholder(url: str, template: str = "⏳ Reading {host}…") -> str:
    return template.format(host=esc(host_of(url, fallback=url)))


def summary_blocks(
    article: Article, summary: Summary, *, updated: bool = False, show_link: bool = True,
    words: SummaryWords = ENGLISH,
) -> list[str]:  # fmt: skip
    blocks: list[str] = []
    head = f"<b>{esc(summary.headline or article.title)}</b>"
    meta = [
        article.site or (host_of(article.link, fallback=article.link) if article.link.startswith("http") else None),
        _date(article.published, words),
        (words.pdf_one_page if article.pages == 1 else words.pdf_pages.format(n=article.pages))
        if article.pages else None,
        words.min_read.format(n=article.reading_minutes) if article.words else None,
    ]
    meta_line = " · ".join(esc(m) for m in meta if m)
    blocks.append(head + (f"\n<i>{meta_line}</i>" if meta_line else ""))
    if updated:
        blocks.append(f"🔄 <i>{esc(words.updated)}</i>")
    if summary.bullets:
        blocks.append("\n".join(f"• {esc(b)}" for b in summary.bullets))
    quotes = [line for line in map(quote_line, summary.quotes) if line]
    if quotes:
        blocks.append("\n".join([f"<b>{esc(words.key_quotes)}</b>", *quotes]))
    footer: list[str] = []
    if show_link and article.link.startswith(("http://", "https://")):
        footer.append(link(article.link, words.read_original.format(host=host_of(article.link, fallback=article.link))))
    if summary.note:
        footer.append(f"<i>ℹ️ {esc(summary.note)}</i>")
    elif summary.engine == "extractive":
        footer.append(f"<i>ℹ️ {esc(words.extractive)}</i>")
    if footer:
        blocks.append("\n".join(footer))
    return blocks


def render_summary(
    article: Article, summary: Summary, *, updated: bool = False, words: SummaryWords = ENGLISH
) -> list[str]:
    """The summary reply as one or more messages, each within Telegram's limit."""
    return pack(summary_blocks(article, summary, updated=updated, words=words))


WRITING = "✍️"  # ends a draft: more is being written


def render_summary_draft(draft: SummaryDraft, words: SummaryWords = ENGLISH) -> str:
    """A summary while it is written, in the final message's layout (one message: a draft is one)."""
    blocks = [f"<b>{esc(draft.headline)}</b>"]
    if draft.bullets:
        blocks.append("\n".join(f"• {esc(b)}" for b in draft.bullets))
    quotes = [line for line in map(quote_line, draft.quotes) if line]
    if quotes:
        blocks.append("\n".join([f"<b>{esc(words.key_quotes)}</b>", *quotes]))
    blocks.append(WRITING)
    return pack(blocks)[0]


def render_answer_draft(draft: AnswerDraft, heading: str = "") -> str:
    """An answer while it is written, under ``heading`` (HTML) like the final one."""
    lines = [heading] if heading else []
    lines += [esc(draft.text)] if draft.text else []
    lines += [*(line for line in map(quote_line, draft.quotes) if line), WRITING]
    return pack(["\n\n".join(lines)])[0]


def render_error(reason: str) -> str:
    return f"⚠️ {esc(reason)}"


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def pack(blocks: list[str], limit: int = MAX_MESSAGE, sep: str = "\n\n") -> list[str]:
    """Join blocks into as few messages as fit. Source length is an upper bound of what Telegram
    counts (entities are shorter than their escapes), so this never overshoots."""
    messages: list[str] = []
    current = ""
    for block in blocks:
        if utf16_len(block) > limit:
            block = _cut(block, limit)
        candidate = f"{current}{sep}{block}" if current else block
        if utf16_len(candidate) <= limit:
            current = candidate
        else:
            messages.append(current)
            current = block
    if current:
        messages.append(current)
    return messages


def _cut(block: str, limit: int) -> str:
    """A single block over the limit (should not happen with capped inputs): plain text, cut."""
    plain = esc(html.unescape(_strip_tags(block)))
    while utf16_len(plain) > limit - 1:
        plain = plain[: int(len(plain) * 0.9)]
        plain = plain[: plain.rfind("&")] if plain.rfind("&") > plain.rfind(";") else plain
    return plain + "…"


def _strip_tags(text: str) -> str:
    return re.sub(r"<[^>]+>", "", text)


_QUOTE_MARKS = "\"'“”„«»‹›「」『』‘’‚ \u00a0"


MAX_SPEAKER_CHARS = 60
# What Telegram links by itself in plain text (a scheme, www., a domain, an e-mail, @name, #tag,
# /command) and markup: no name has any of these, a hostile page's "speaker" may.
_NOT_A_NAME = re.compile(r"://|www\.|[\w-]\.[a-z]{2,}\b|[@#/<>\\]", re.IGNORECASE)


def speaker_text(speaker: str) -> str | None:
    """The speaker as it may be shown: a plain name of at most MAX_SPEAKER_CHARS, or None."""
    name = clean_text(speaker)
    if not name or _NOT_A_NAME.search(name):
        return None
    return shorten(name, MAX_SPEAKER_CHARS)


def quote_line(quote: Quote) -> str:
    """A quote in the article's own marks („…“, « … », 「…」), then its speaker as plain text; ""
    when the speaker is no plain name (a quote is only shown with the person who said it)."""
    speaker = speaker_text(quote.speaker)
    if speaker is None:
        return ""
    text = quote.text.strip().strip(_QUOTE_MARKS)
    return f"{esc(quote.open_mark)}{esc(text)}{esc(quote.close_mark)} — {esc(speaker)}"


def render_answer(answer: Answer) -> str:
    lines = [esc(answer.text)]
    lines += [line for line in map(quote_line, answer.quotes) if line]
    return "\n\n".join(lines)


def ask_prompt(title: str, template: str, untitled: str) -> str:
    """The 💬 prompt: ``template`` has ``{subject}``, the title in quotes or ``untitled``."""
    return template.format(subject=f"“{esc(title)}”" if title else esc(untitled))
