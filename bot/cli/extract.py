"""`newsbot extract`: fetch (or read) a page and print what the extractor makes of it.

A debugging tool for "why did the bot summarize that?": it runs exactly the code path the bot
uses (Fetcher + extract_article), or only the extractor when HTML comes from stdin.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from typing import TextIO

from bot.config import Settings
from bot.errors import ExtractError, FetchError
from bot.extract import PdfLimits, extract_article, extract_html
from bot.models import Article
from bot.net.fetch import Fetcher

log = logging.getLogger(__name__)


def article_json(article: Article) -> dict[str, object]:
    return {
        "url": article.url,
        "final_url": article.final_url,
        "canonical_url": article.canonical_url,
        "title": article.title,
        "author": article.author,
        "published": article.published,
        "site": article.site,
        "language": article.language,
        "words": article.words,
        "text": article.text,
    }


def _human(article: Article) -> str:
    facts = [
        article.site,
        article.author,
        article.published,
        article.language,
        (f"PDF, {article.pages} page{'s' if article.pages != 1 else ''}" if article.pages else None),
        f"{article.words} words",
        f"{article.reading_minutes} min read",
    ]
    header = [article.title or "(no title)", " · ".join(f for f in facts if f), article.link]
    return "\n".join(header) + "\n\n" + article.text


async def run_extract(
    settings: Settings,
    url: str,
    *,
    stdin_html: str | None,
    as_json: bool,
    text_only: bool,
    out: TextIO,
) -> int:
    """Print the article (JSON, text only, or a readable header + text). 0 on success, else 1
    with a one-line reason on stderr."""
    try:
        if stdin_html is not None:
            article = await asyncio.to_thread(extract_html, stdin_html, url)
        else:
            async with Fetcher(settings) as fetcher:
                fetched = await fetcher.fetch(url, kinds=("html", "pdf"))
                article = await extract_article(fetched, url=url, pdf_limits=PdfLimits.of(settings))
    except (FetchError, ExtractError) as exc:
        log.info("extract failed", extra={"url": url, "code": exc.code, "detail": exc.detail or "-"})
        print(f"{exc.reason} [{exc.code}]", file=sys.stderr)
        return 1
    if as_json:
        out.write(json.dumps(article_json(article), ensure_ascii=False, indent=2) + "\n")
    elif text_only:
        out.write(article.text + "\n")
    else:
        out.write(_human(article) + "\n")
    return 0
