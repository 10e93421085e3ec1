"""What this process last summarized in each chat: a small in-memory stand-in for Redis.

Conversations keep the active article, message links and article texts in Redis; during an
outage those reads come back empty and follow-up questions would get "send me a link first".
This keeps the last few of each in memory so the article the bot just summarized can still be
asked about. Bounded (least recently used out), per process, read only when Redis fails.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Generic, TypeVar

from bot.models import Article

K = TypeVar("K")
V = TypeVar("V")

MAX_CHATS = 1000
MAX_MESSAGES = 2000
MAX_ARTICLES = 32  # article texts are the big part (tens of KB each)


class Bounded(Generic[K, V]):
    """A dict that forgets its least recently used entries beyond ``size``."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[K, V] = OrderedDict()

    def put(self, key: K, value: V) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.size:
            self._items.popitem(last=False)

    def get(self, key: K) -> V | None:
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    def pop(self, key: K) -> None:
        self._items.pop(key, None)


class RecentArticles:
    def __init__(self) -> None:
        self.active: Bounded[int, str] = Bounded(MAX_CHATS)
        self.messages: Bounded[tuple[int, int], str] = Bounded(MAX_MESSAGES)
        self.articles: Bounded[str, Article] = Bounded(MAX_ARTICLES)

    def open(self, chat_id: int, article_key: str, article: Article) -> None:
        self.articles.put(article_key, article)
        self.active.put(chat_id, article_key)

    def link(self, chat_id: int, message_id: int, article_key: str) -> None:
        self.messages.put((chat_id, message_id), article_key)

    def forget(self, chat_id: int) -> None:
        self.active.pop(chat_id)
