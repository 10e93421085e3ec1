"""Telegram HTML for everything the bot says about articles: escaped, balanced, under the limit.

Every piece of article or LLM text passes through `esc`; tags come only from the templates here.
Messages are built from self-contained blocks, so a split never cuts inside a tag.
"""

from __future__ import annotations

import html
import re
from datetime import date

from bot.models import Answer, Article, Quote, Summary
from bot.net.urls import host_of
from bot.text.clean import clean_text, shorten

MAX_MESSAGE = 4096


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def _date(published: str | None) -> str | None:
    if not published:
        return None
    try:
        return date.fromisoformat(published[:10]).strftime("%-d %b %Y")
    except ValueError:
        return None


def link(url: str, label: str) -> str:
    if not url.startswith(("http://", "https://")):
        return esc(label)
    return f'<a href="{esc(url)}">{esc(label)}</a>'


def placeholder(url: str) -> str:
    return f"⏳ Reading {esc(host_of(url, fallback=url))}…"


def summary_blocks(
    article: Article, summary: Summary, *, updated: bool = False, show_link: bool = True
) -> list[str]:
    blocks: list[str] = []
    head = f"<b>{esc(summary.headline or article.title)}</b>"
    meta = [
        article.site or (host_of(article.link, fallback=article.link) if article.link.startswith("http") else None),
        _date(article.published),
        f"{article.reading_minutes} min read" if article.words else None,
    ]
    meta_line = " · ".join(esc(m) for m in meta if m)
    blocks.append(head + (f"\n<i>{meta_line}</i>" if meta_line else ""))
    if updated:
        blocks.append("🔄 <i>This story was updated since it was first summarized.</i>")
    if summary.bullets:
        blocks.append("\n".join(f"• {esc(b)}" for b in summary.bullets))
    quotes = [line for line in map(quote_line, summary.quotes) if line]
    if quotes:
        blocks.append("\n".join(["<b>Key quotes</b>", *quotes]))
    footer: list[str] = []
    if show_link and article.link.startswith(("http://", "https://")):
        footer.append(link(article.link, f"Read the original on {host_of(article.link, fallback=article.link)}"))
    if summary.note:
        footer.append(f"<i>ℹ️ {esc(summary.note)}</i>")
    elif summary.engine == "extractive":
        footer.append("<i>ℹ️ Extractive summary: sentences taken from the article itself.</i>")
    if footer:
        blocks.append("\n".join(footer))
    return blocks


def render_summary(article: Article, summary: Summary, *, updated: bool = False) -> list[str]:
    """The summary reply as one or more messages, each within Telegram's limit."""
    return pack(summary_blocks(article, summary, updated=updated))


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


def ask_prompt(title: str) -> str:
    subject = f"“{esc(title)}”" if title else "this article"
    return f"💬 What would you like to know about {subject}? Reply to this message with your question."
