"""Data that crosses module borders: small, typed, serialisable (the cache stores them as JSON)."""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

WORDS_PER_MINUTE = 230

# Scripts written without spaces between words, and how many characters make a word on average
# (Chinese and Japanese words run 1-3 characters; Thai, Lao, Khmer and Burmese 4-6). Korean puts
# spaces between words, so whitespace counts it right.
_UNSPACED = (
    (re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f]"), 2),
    (re.compile(r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff]"), 5),
)


def count_words(text: str) -> int:
    """Words in ``text`` in any script: whitespace-separated tokens, plus the characters of
    unspaced scripts turned into words (400 characters of Japanese count as 200 words), so word
    thresholds and reading times mean the same in every language."""
    total = 0
    for script, chars_per_word in _UNSPACED:
        found = len(script.findall(text))
        if found:
            total += -(-found // chars_per_word)
            text = script.sub(" ", text)
    return total + sum(1 for token in text.split() if any(ch.isalnum() for ch in token))  # not "—" or "。"


@dataclass(frozen=True)
class Fetched:
    """A fetched HTTP response body, already size-capped and decompressed."""

    url: str  # what was asked for
    final_url: str  # after redirects
    status: int
    content_type: str  # mime type only, lower-case, e.g. "text/html"
    charset: str | None
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    def text(self) -> str:
        """The body decoded with the detected charset (falls back to UTF-8 with replacement)."""
        try:
            return self.body.decode(self.charset or "utf-8", errors="replace")
        except (LookupError, ValueError, TypeError):  # an unknown or unusable codec: never a crash
            return self.body.decode("utf-8", errors="replace")


class Article(BaseModel):
    """A cleaned article: what every later step reads."""

    url: str  # URL identity (normalized) the user asked for, or "text:<hash>" for pasted text
    final_url: str = ""
    canonical_url: str | None = None
    title: str = ""
    author: str | None = None
    published: str | None = None  # ISO date (YYYY-MM-DD) when known
    site: str | None = None
    language: str | None = None
    paragraphs: list[str] = Field(default_factory=list)
    pages: int | None = None  # a PDF's page count

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)

    @property
    def words(self) -> int:
        return sum(count_words(p) for p in self.paragraphs)

    @property
    def reading_minutes(self) -> int:
        return max(1, math.ceil(self.words / WORDS_PER_MINUTE))

    @property
    def text_hash(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:32]

    @property
    def link(self) -> str:
        """The best URL to show users as "the original"."""
        return self.canonical_url or self.final_url or self.url


class Quote(BaseModel):
    text: str
    speaker: str
    open_mark: str = "“"  # the article's own quotation marks („…“, « … », 「…」)
    close_mark: str = "”"


class Summary(BaseModel):
    headline: str
    bullets: list[str]
    quotes: list[Quote] = Field(default_factory=list)
    questions: list[str] = Field(default_factory=list)  # suggested follow-ups (LLM engine only)
    engine: Literal["llm", "extractive"]
    language: str | None = None
    model: str | None = None
    prompt_version: str | None = None
    note: str | None = None  # e.g. why the extractive engine was used


class Answer(BaseModel):
    text: str
    quotes: list[Quote] = Field(default_factory=list)
    engine: Literal["llm", "extractive"]
    found: bool = True  # False when the article does not cover the question


@dataclass(frozen=True)
class SummaryDraft:
    """A summary as far as the LLM has written it: complete items only, verified quotes only."""

    headline: str = ""
    bullets: tuple[str, ...] = ()
    quotes: tuple[Quote, ...] = ()


@dataclass(frozen=True)
class AnswerDraft:
    """An answer as far as the LLM has written it, and its verified quotes so far."""

    text: str = ""
    quotes: tuple[Quote, ...] = ()


# -- the daily digest ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FeedItem:
    key: str  # dedupe key: URL identity, else "guid:<hash>", else "title:<hash>"
    guid: str | None
    url: str | None  # absolute http(s) link to the article
    title: str
    summary: str  # plain text, short (the feed parser caps it)
    published: datetime | None  # aware, UTC
    feed_url: str
    source: str  # feed title, else the site's host
    seen: datetime | None = None  # when the bot first stored it (set by ItemStore)

    def to_dict(self) -> dict[str, Any]:
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        for name in ("published", "seen"):
            data[name] = data[name].isoformat() if data[name] else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FeedItem:
        values: dict[str, Any] = {f.name: data.get(f.name) for f in fields(cls)}
        for name in ("published", "seen"):
            raw = values[name]
            values[name] = datetime.fromisoformat(raw) if raw else None
        return cls(**values)


def item_time(item: FeedItem) -> datetime | None:
    """When an item happened, as far as we know: published, else first seen by the bot."""
    return item.published or item.seen


@dataclass(frozen=True, slots=True)
class Entry:
    title: str
    url: str | None
    line: str
    sources: list[tuple[str, str | None]]  # (outlet name, its link)
    article_key: str | None
    from_feed: bool = False  # the line is the feed's own words, not our summary of the article


Button = tuple[str, str]  # (label, callback data)


@dataclass(frozen=True, slots=True)
class Part:
    html: str
    buttons: list[list[Button]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Body:
    run: str
    parts: list[Part]
    cutoff: float  # epoch seconds: items up to here are covered by this digest (0: no move)
    stories: int
    language: str = "en"
    shown: list[str] = field(default_factory=list)  # keys of the feed items this digest shows

    def dumps(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def loads(cls, raw: str | bytes) -> Body:
        data = json.loads(raw)
        parts = [Part(html=p["html"], buttons=[[tuple(b) for b in row] for row in p["buttons"]]) for p in data["parts"]]
        return cls(run=data["run"], parts=parts, cutoff=float(data["cutoff"]), stories=int(data["stories"]),
                   language=data.get("language", "en"), shown=list(data.get("shown", [])))
