"""Inline mode in the emulator: answers to inline queries checked as Telegram checks them, the
user picking a result (``chosen_inline_result``), and the messages sent that way, which the bot
edits by ``inline_message_id``."""

from __future__ import annotations

import copy
from typing import Any

from bot.playground.api_types import StoredMessage, TelegramError
from bot.playground.messages import MessageMethods
from bot.playground.tg_html import MAX_TEXT

MAX_RESULTS = 50
MAX_ID_BYTES = 64
MAX_CACHE_TIME = 86400 * 365
RESULT_TYPES = frozenset(
    {
        "article", "photo", "gif", "mpeg4_gif", "video", "audio", "voice", "document", "location",
        "venue", "contact", "game", "sticker",
    }
)  # fmt: skip


class InlineMethods(MessageMethods):
    """``answerInlineQuery`` and the user's pick; edits of inline messages go through
    ``editMessageText`` (``MessageMethods``) with ``inline_message_id``."""

    inline_feedback = True  # BotFather's /setinlinefeedback: without it no chosen_inline_result comes

    def _checked_result(self, result: Any, seen: set[str]) -> dict[str, Any]:
        if not isinstance(result, dict):
            raise TelegramError(400, "Bad Request: can't parse results JSON object")
        kind = result.get("type")
        if kind not in RESULT_TYPES:
            raise TelegramError(400, "Bad Request: RESULT_TYPE_INVALID")
        result_id = str(result.get("id") or "")
        if not 1 <= len(result_id.encode("utf-8")) <= MAX_ID_BYTES:
            raise TelegramError(400, "Bad Request: RESULT_ID_INVALID")
        if result_id in seen:
            raise TelegramError(400, "Bad Request: RESULT_ID_DUPLICATE")
        seen.add(result_id)
        checked = copy.deepcopy(result)
        content = result.get("input_message_content")
        if kind == "article":
            if not str(result.get("title") or "").strip():
                raise TelegramError(400, "Bad Request: RESULT_TITLE_EMPTY")
            if not isinstance(content, dict):
                raise TelegramError(400, "Bad Request: input_message_content is required for article results")
        if isinstance(content, dict) and "message_text" in content:
            if not str(content.get("message_text") or "").strip():
                raise TelegramError(400, "Bad Request: MESSAGE_EMPTY")
            try:
                plain, entities = self._parse_text(
                    content.get("message_text"), content.get("parse_mode"), content.get("entities"),
                    limit=MAX_TEXT, what="message", allow_empty=False,
                )  # fmt: skip
            except TelegramError as exc:
                if exc.description == "Bad Request: message is too long":
                    raise TelegramError(400, "Bad Request: MESSAGE_TOO_LONG") from None
                raise
            checked["_plain_text"], checked["_entities"] = plain, entities
        checked["reply_markup"] = self._check_markup(result.get("reply_markup"))
        if checked["reply_markup"] is not None and "inline_keyboard" not in checked["reply_markup"]:
            raise TelegramError(400, "Bad Request: REPLY_MARKUP_INVALID")
        return checked

    def _m_answerInlineQuery(self, params: dict, files: dict) -> bool:
        iq_id = str(params.get("inline_query_id") or "")
        results = params.get("results")
        if not isinstance(results, list):
            raise TelegramError(400, "Bad Request: can't parse results JSON object")
        if len(results) > MAX_RESULTS:
            raise TelegramError(400, "Bad Request: RESULTS_TOO_MUCH")
        seen: set[str] = set()
        checked = [self._checked_result(result, seen) for result in results]
        cache_time = params.get("cache_time", 300)
        if not isinstance(cache_time, int) or not 0 <= cache_time <= MAX_CACHE_TIME:
            raise TelegramError(400, "Bad Request: invalid cache_time specified")
        if len(str(params.get("next_offset") or "").encode("utf-8")) > MAX_ID_BYTES:
            raise TelegramError(400, "Bad Request: NEXT_OFFSET_INVALID")
        with self._changed:
            entry = self._inline_queries.get(iq_id)
            if entry is None or entry["answered"]:
                raise TelegramError(
                    400,
                    "Bad Request: query is too old and response timeout expired or query ID is invalid",
                )
            entry["answered"] = True
            entry["results"] = checked
            self.answered_inline_queries.append(dict(params))
            self._changed.notify_all()
        return True

    def choose_inline_result(self, inline_query_id: str, result_id: str) -> str | None:
        """The user picks result ``result_id`` of an answered inline query: its message is sent,
        and (with ``inline_feedback``) a ``chosen_inline_result`` update queued. Returns the sent
        message's ``inline_message_id``, which exists only when the result has an inline keyboard
        (Telegram's rule), else None."""
        with self._changed:
            entry = self._inline_queries.get(inline_query_id)
            if entry is None or not entry.get("answered"):
                raise KeyError(f"inline query {inline_query_id} was not answered")
            result = next((r for r in entry["results"] if str(r["id"]) == result_id), None)
            if result is None:
                raise KeyError(f"inline query {inline_query_id} has no result {result_id!r}")
            inline_message_id: str | None = None
            if result.get("reply_markup") and "_plain_text" in result:
                inline_message_id = f"AgAAAI{next(self._counter):08d}{entry['user']['id'] % 10**6:06d}"
                content = result["input_message_content"]
                self._inline_messages[inline_message_id] = StoredMessage(
                    message_id=0, chat_id=0, text=str(content["message_text"]), plain_text=result["_plain_text"],
                    parse_mode=content.get("parse_mode"), entities=result["_entities"],
                    reply_markup=result["reply_markup"], reply_to_message_id=None, edits=[], deleted=False,
                    link_preview_disabled=bool((content.get("link_preview_options") or {}).get("is_disabled")),
                    from_bot=True, date=self._date(),
                )  # fmt: skip
            chosen: dict[str, Any] = {"result_id": result_id, "from": dict(entry["user"]), "query": entry["query"]}
            if inline_message_id:
                chosen["inline_message_id"] = inline_message_id
            self._changed.notify_all()
        if self.inline_feedback:
            self._enqueue({"chosen_inline_result": chosen})
        return inline_message_id

    def inline_message(self, inline_message_id: str) -> StoredMessage | None:
        """A message sent in inline mode, as it is now (after edits). A copy."""
        with self._lock:
            stored = self._inline_messages.get(inline_message_id)
            return copy.deepcopy(stored) if stored else None

    def wait_for_inline_message(self, inline_message_id: str, predicate: Any = None,
                                timeout: float = 10.0) -> StoredMessage:  # fmt: skip
        """Block until the inline message satisfies ``predicate`` (default: it was edited)."""

        def check() -> StoredMessage | None:
            stored = self.inline_message(inline_message_id)
            if stored is None:
                return None
            ok = predicate(stored) if predicate is not None else bool(stored.edits)
            return stored if ok else None

        return self._wait_until(check, timeout, lambda: f"inline message {inline_message_id}: "
                                f"{self.inline_message(inline_message_id)!r}")  # fmt: skip

    def inline_results(self, inline_query_id: str) -> list[dict[str, Any]]:
        """The results the bot answered an inline query with (as sent), [] if not answered."""
        with self._lock:
            entry = self._inline_queries.get(inline_query_id) or {}
            return [{k: v for k, v in r.items() if not k.startswith("_")} for r in entry.get("results", [])]
