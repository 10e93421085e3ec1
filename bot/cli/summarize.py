"""`newsbot summarize URL|-`: the same pipeline as the bot, printed to the terminal."""

from __future__ import annotations

import json
import logging
import sys
from typing import TextIO

from bot.config import Settings
from bot.errors import NewsbotError
from bot.pipeline import SummaryResult
from bot.services import Services

log = logging.getLogger(__name__)


def result_json(result: SummaryResult) -> dict[str, object]:
    article, summary = result.article, result.summary
    return {
        "url": article.url,
        "canonical_url": article.canonical_url,
        "title": article.title,
        "site": article.site,
        "published": article.published,
        "language": summary.language or article.language,
        "headline": summary.headline,
        "bullets": summary.bullets,
        "quotes": [{"text": q.text, "speaker": q.speaker} for q in summary.quotes],
        "engine": summary.engine,
        "cached": result.cached,
        "note": summary.note,
    }


def result_text(result: SummaryResult) -> str:
    article, summary = result.article, result.summary
    lines = [summary.headline or article.title, ""]
    lines += [f"- {b}" for b in summary.bullets]
    if summary.quotes:
        lines += ["", "Key quotes:"] + [f'  "{q.text}" — {q.speaker}' for q in summary.quotes]
    if article.link.startswith("http"):
        lines += ["", article.link]
    lines += ["", f"({summary.engine}{', cached' if result.cached else ''})"]
    if summary.note:
        lines.append(summary.note)
    return "\n".join(lines)


async def run_summarize(
    settings: Settings, url: str, *, stdin_text: str | None, as_json: bool, lang: str | None, out: TextIO
) -> int:
    # A Redis on localhost may be anyone's: share a cache only with the one REDIS_URL names.
    if not settings.redis_configured:
        log.debug("REDIS_URL is not set: no shared cache (nothing is read from or written to Redis)")
    services = Services.create(settings, shared_cache=settings.redis_configured)
    language = (lang or "en").lower()
    try:
        if stdin_text is not None:
            if not stdin_text.strip():
                print("newsbot: no text on standard input", file=sys.stderr)
                return 1
            result = await services.pipeline.summarize_text(stdin_text, language=language)
        else:
            result = await services.pipeline.summarize_url(url, language=language)
    except NewsbotError as exc:
        print(f"newsbot: {exc.reason}", file=sys.stderr)
        return 1
    finally:
        await services.aclose()
    print(json.dumps(result_json(result), ensure_ascii=False, indent=2) if as_json else result_text(result), file=out)
    return 0
