"""Per-user preferences: the language summaries and answers are written in."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from bot.store.chats import ChatStore
from bot.text.language_codes import known_language

DEFAULT_LANGUAGE = "en"
RESET_WORDS = frozenset({"auto", "default", "reset"})
_CODE = re.compile(r"^[a-z]{2,3}(-[a-z]{2,4})?$")


@dataclass(frozen=True)
class LanguageChoice:
    code: str  # what the user asked for, normalised ("pt-br")
    # stored; back to the Telegram language; not a code; not saved (storage unreachable)
    outcome: Literal["set", "auto", "unknown", "unsaved"]


class Preferences:
    def __init__(self, chats: ChatStore, *, translates: bool = False) -> None:
        self.chats = chats
        self.translates = translates  # an LLM writes summaries in the chosen language; else they
        # stay in the article's own language and the choice only changes the bot's own messages

    async def language(self, user_id: int | None, telegram_language: str | None) -> str:
        """The user's chosen language, else the language of their Telegram app, else English."""
        if user_id is None:
            return DEFAULT_LANGUAGE
        stored = await self.chats.language(user_id)
        return stored or known_language(telegram_language) or DEFAULT_LANGUAGE

    async def choose_language(self, user_id: int, text: str) -> LanguageChoice:
        code = text.strip().lower().replace("_", "-")
        if code in RESET_WORDS:
            saved = await self.chats.clear_language(user_id)
            return LanguageChoice(code, "auto" if saved else "unsaved")
        if not _CODE.match(code) or known_language(code) is None:
            return LanguageChoice(code, "unknown")
        saved = await self.chats.set_language(user_id, code)
        return LanguageChoice(code, "set" if saved else "unsaved")
