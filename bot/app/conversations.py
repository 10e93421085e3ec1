"""Conversations about articles: which article a chat (or one message) is about, and questions
answered from that article with the chat's history of it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import TypeVar

from bot.app.recent import RecentArticles
from bot.config import Settings
from bot.engines.answer import answer_question
from bot.engines.partial import AnswerProgress
from bot.errors import NewsbotError
from bot.llm.client import LLM
from bot.models import Answer, Article
from bot.pipeline import Pipeline
from bot.store.cache import Documents
from bot.store.chats import ChatStore
from bot.store.limits import RateLimiter, Rule, Verdict

T = TypeVar("T")

ANSWER_MARGIN = 5.0  # seconds of the reply deadline kept for sending the answer
HEADLINE_WORDS = 10  # an untitled (pasted) article is named by its first words


def headline_of(article: Article) -> str:
    """What to call the article in one line: its title, else its site, else its first words."""
    if article.title:
        return article.title
    words = article.text.split()
    if not words:
        return article.site or ""
    return " ".join(words[:HEADLINE_WORDS]) + ("…" if len(words) > HEADLINE_WORDS else "")


class Refusal(Enum):
    TOO_LONG = "too_long"
    ARTICLE_GONE = "article_gone"


@dataclass(frozen=True)
class Reply:
    """An answer, what it is about, and whether to say (once per conversation) that only the
    article's own questions can be answered."""

    answer: Answer
    headline: str
    off_topic_note: bool


@dataclass(frozen=True)
class Question:
    """A question accepted for an answer: within the limits, its article at hand."""

    chat_id: int
    article_key: str
    article: Article
    text: str


class Conversations:
    def __init__(
        self, chats: ChatStore, documents: Documents, pipeline: Pipeline, limits: RateLimiter, llm: LLM | None,
        settings: Settings,
    ) -> None:  # fmt: skip
        self.chats = chats
        self.documents = documents
        self.pipeline = pipeline
        self.limits = limits
        self.llm = llm
        self.max_question_chars = settings.max_question_chars
        self.stream_replies = settings.stream_replies
        self.questions = Rule("questions", settings.questions_per_minute)
        self.prompts = Rule("ask", settings.questions_per_minute)
        self.token_budget = settings.llm_article_token_budget
        self.deadline = settings.summary_deadline - ANSWER_MARGIN
        self.recent = RecentArticles()  # read only while Redis is down

    # -- what the chat is talking about ---------------------------------------------------------

    async def begin(self, chat_id: int, message_id: int, article_key: str, article: Article) -> None:
        """A summary of ``article`` is going into ``message_id``: questions in the chat, and replies
        to that message, are about it from now on. Call before the summary is shown, so a question
        sent the moment it appears finds its article."""
        await self.open(chat_id, article_key, article)
        await self.link(chat_id, message_id, article_key)

    async def open(self, chat_id: int, article_key: str, article: Article) -> None:
        """A summary of ``article`` is about to be sent as a new message: questions in the chat are
        about it from now on (``link`` the message once it is sent)."""
        self.recent.open(chat_id, article_key, article)
        await self.documents.put(article_key, article)
        await self.chats.set_active(chat_id, article_key)

    async def link(self, chat_id: int, message_id: int, article_key: str) -> None:
        """Replies to ``message_id`` (another part of a summary, an answer, a prompt) are about the article."""
        self.recent.link(chat_id, message_id, article_key)
        await self.chats.link_message(chat_id, message_id, article_key)

    async def about(self, chat_id: int, message_id: int) -> str | None:
        """The article a message of ours is about, if it is about one."""
        key = await self.chats.article_of_message(chat_id, message_id)
        return key or self._recalled(lambda: self.recent.messages.get((chat_id, message_id)))

    async def active(self, chat_id: int) -> str | None:
        """The article the chat last talked about."""
        key = await self.chats.active(chat_id)
        return key or self._recalled(lambda: self.recent.active.get(chat_id))

    async def forget(self, chat_id: int) -> bool:
        """/new; False when the store was unreachable (the chat's article stays active there)."""
        self.recent.forget(chat_id)
        return await self.chats.forget(chat_id)

    def _recalled(self, recall: Callable[[], T | None]) -> T | None:
        """What this process remembers, but only while Redis is down: otherwise Redis is the truth."""
        return recall() if self.chats.guard.down else None

    async def close(self, chat_id: int) -> None:
        """New links are on their way: until one of them is summarized, no article is active (a link
        that fails must not leave questions going to the article before it)."""
        await self.chats.clear_active(chat_id)

    async def text_hash(self, article_key: str) -> str | None:
        """The hash of the article text last shown for this key, while it is kept."""
        article = await self.documents.get(article_key)
        return article.text_hash if article else None

    async def shown(self, article_key: str) -> Article | None:
        """The article as last shown for this key, while it is kept (what a refresh compares with)."""
        return await self.documents.get(article_key)

    async def title(self, article_key: str) -> str:
        """The article's title while its text is kept ("" otherwise; nothing is fetched)."""
        article = await self.documents.get(article_key)
        return article.title if article else ""

    # -- questions --------------------------------------------------------------------------------

    async def may_prompt(self, subject: str) -> Verdict:
        """Whether ``subject`` may open another "Ask about this" prompt now (and counts it)."""
        return await self.limits.allow(self.prompts, subject)

    async def ask(self, chat_id: int, subject: str, article_key: str, text: str) -> Question | Refusal | Verdict:
        """Accept a question about an article, or say why not (a refused Verdict: asked too fast)."""
        text = text.strip()
        if len(text) > self.max_question_chars:
            return Refusal.TOO_LONG
        verdict = await self.limits.allow(self.questions, subject)
        if not verdict.allowed:
            return verdict
        article = await self._article(article_key)
        if article is None:
            return Refusal.ARTICLE_GONE
        return Question(chat_id, article_key, article, text)

    @property
    def streamed(self) -> bool:
        """Whether answers stream: written by an LLM and streaming is on (STREAM_REPLIES)."""
        return self.llm is not None and self.stream_replies

    async def answer(self, question: Question, language: str, progress: AnswerProgress | None = None) -> Reply:
        """Answer from the article, with the chat's earlier questions about it; remembers the turn.
        ``progress`` sees the answer while the LLM writes it."""
        chat_id, key = question.chat_id, question.article_key
        history = await self.chats.history(chat_id, key)
        result = await answer_question(
            question.article, question.text, history=history, language=language, llm=self.llm,
            token_budget=self.token_budget, deadline=self.deadline, progress=progress,
        )  # fmt: skip
        await self.chats.add_turn(chat_id, key, question.text, result.text)
        await self.chats.set_active(chat_id, key)
        self.recent.active.put(chat_id, key)
        note = not result.found and await self.chats.first_time(chat_id, key, "off_topic")
        return Reply(result, headline_of(question.article), note)

    async def _article(self, article_key: str) -> Article | None:
        """The article behind a key: the kept text first, else fetched again from its URL."""
        article = await self.documents.get(article_key) or self._recalled(lambda: self.recent.articles.get(article_key))
        if article is not None:
            return article
        url = await self.pipeline.cache.url_for(article_key)
        if not url:
            return None
        try:
            _, article = await self.pipeline.article(url)
        except NewsbotError:
            return None
        await self.documents.put(article_key, article)
        return article
