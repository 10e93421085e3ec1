"""Bot API methods that create or change messages: send, edit, delete, drafts, documents, files."""

from __future__ import annotations

import copy
from typing import Any

from bot.playground.api_types import (
    NOT_MODIFIED,
    StoredMessage,
    TelegramError,
    now,
)
from bot.playground.state import EmulatorState
from bot.playground.tg_entities import detect_entities, merge_entities, strip_text
from bot.playground.tg_html import MAX_CAPTION, MAX_TEXT, HtmlParseError, parse_html, u16len


class MessageMethods(EmulatorState):
    """Each method validates like Telegram (HTML, lengths, keyboards) before it changes anything."""

    def _parse_text(
        self, text: Any, parse_mode: Any, entities: Any, *, limit: int, what: str, allow_empty: bool
    ) -> tuple[str, list[dict[str, Any]]]:
        text = "" if text is None else str(text)
        mode = (parse_mode or "").strip()
        if mode and mode.lower() not in ("html", "markdown", "markdownv2"):
            raise TelegramError(400, "Bad Request: unsupported parse_mode")
        if mode.lower() == "html" and not entities:
            try:
                plain, ents = parse_html(text, strict=self.strict_html)
            except HtmlParseError as exc:
                raise TelegramError(400, f"Bad Request: can't parse entities: {exc}") from None
        else:
            # Markdown modes are not parsed by the fake (text is kept as is).
            plain = text
            ents = [dict(e) for e in entities] if isinstance(entities, list) else []
        plain, ents = strip_text(plain, ents)
        if not plain and not allow_empty:
            raise TelegramError(400, f"Bad Request: {what} text is empty")
        if u16len(plain) > limit:
            if what == "message":
                raise TelegramError(400, "Bad Request: message is too long")
            raise TelegramError(400, "Bad Request: message caption is too long")
        detected = [
            d for d in detect_entities(plain)
            if all(d["offset"] + d["length"] <= e["offset"] or d["offset"] >= e["offset"] + e["length"]
                   for e in ents if e["type"] in ("code", "pre", "text_link"))
        ]  # fmt: skip
        ents = merge_entities([d for d in detected if d["type"] in ("url", "email")], ents)
        return plain, ents

    @staticmethod
    def _check_markup(markup: Any) -> dict[str, Any] | None:
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise TelegramError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        rows = markup.get("inline_keyboard")
        if rows is None:
            return markup
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise TelegramError(400, 'Bad Request: field "inline_keyboard" must be an Array of Array')
        for row in rows:
            for button in row:
                if not isinstance(button, dict) or not button.get("text"):
                    raise TelegramError(400, "Bad Request: text buttons are unallowed in the inline keyboard")
                if "callback_data" in button:
                    data = str(button["callback_data"]).encode("utf-8")
                    if not 1 <= len(data) <= 64:
                        raise TelegramError(400, "Bad Request: BUTTON_DATA_INVALID")
                elif "url" in button:
                    if not str(button["url"]).startswith(("http://", "https://", "tg://")):
                        raise TelegramError(
                            400,
                            f"Bad Request: inline keyboard button URL '{button['url']}' is invalid: Wrong HTTP URL",
                        )
                elif not any(
                    k in button
                    for k in ("switch_inline_query", "switch_inline_query_current_chat",
                              "switch_inline_query_chosen_chat", "login_url", "web_app",
                              "callback_game", "pay", "copy_text")
                ):  # fmt: skip
                    raise TelegramError(400, "Bad Request: text buttons are unallowed in the inline keyboard")
        return markup

    def _message_json(self, m: StoredMessage) -> dict[str, Any]:
        with self._lock:
            chat = self._chat_dict(m.chat_id)
            msg: dict[str, Any] = {
                "message_id": m.message_id,
                "from": {k: self.bot_user[k] for k in ("id", "is_bot", "first_name", "username")},
                "date": m.date,
                "chat": chat,
            }
            if m.kind == "document":
                msg["document"] = dict(m.document or {})
                if m.plain_caption:
                    msg["caption"] = m.plain_caption
                    if m.entities:
                        msg["caption_entities"] = copy.deepcopy(m.entities)
            else:
                msg["text"] = m.plain_text
                if m.entities:
                    msg["entities"] = copy.deepcopy(m.entities)
            if m.edits:
                msg["edit_date"] = self._date()
            if m.link_preview_disabled and m.kind == "text":
                msg["link_preview_options"] = {"is_disabled": True}
            if m.reply_markup and "inline_keyboard" in m.reply_markup:
                msg["reply_markup"] = copy.deepcopy(m.reply_markup)
            if m.reply_to_message_id is not None:
                inner = self._replied_json(m.chat_id, m.reply_to_message_id)
                if inner is not None:
                    msg["reply_to_message"] = inner
            return msg

    def _reply_to(self, params: dict[str, Any], chat_id: int) -> int | None:
        rp = params.get("reply_parameters")
        reply_id = params.get("reply_to_message_id")
        allow = bool(params.get("allow_sending_without_reply"))
        if isinstance(rp, dict):
            reply_id = rp.get("message_id")
            allow = allow or bool(rp.get("allow_sending_without_reply"))
            if rp.get("chat_id") not in (None, chat_id):
                return None  # cross-chat reply: not modelled
        if reply_id is None:
            return None
        with self._lock:
            target = self._messages.get(chat_id, {}).get(int(reply_id))
        if target is None or target.deleted:
            if allow:
                return None
            raise TelegramError(400, "Bad Request: message to be replied not found")
        return int(reply_id)

    @staticmethod
    def _preview_disabled(params: dict[str, Any]) -> bool:
        lpo = params.get("link_preview_options")
        if isinstance(lpo, dict) and lpo.get("is_disabled"):
            return True
        return bool(params.get("disable_web_page_preview"))

    # -- methods -----------------------------------------------------------------------------------

    def _message_text(self, params: dict[str, Any], *, allow_empty: bool = False) -> tuple[str, list[dict[str, Any]]]:
        return self._parse_text(
            params.get("text"), params.get("parse_mode"), params.get("entities"),
            limit=MAX_TEXT, what="message", allow_empty=allow_empty,
        )  # fmt: skip

    def _outgoing(self, params: dict[str, Any], chat_id: int, *, caption: bool) -> StoredMessage:
        """Validate a send (text or caption, keyboard, reply target) into a bot message that
        ``_save_new`` then numbers and stores: nothing changes if Telegram would refuse it."""
        if caption:
            plain, ents = self._parse_text(
                params.get("caption"), params.get("parse_mode"), params.get("caption_entities"),
                limit=MAX_CAPTION, what="caption", allow_empty=True,
            )  # fmt: skip
        else:
            plain, ents = self._message_text(params)
        markup = self._check_markup(params.get("reply_markup"))
        reply_to = self._reply_to(params, chat_id)
        stored = StoredMessage(
            message_id=0,
            chat_id=chat_id,
            text=None if caption else str(params.get("text")),
            plain_text=None if caption else plain,
            parse_mode=params.get("parse_mode"),
            entities=ents,
            reply_markup=markup,
            reply_to_message_id=reply_to,
            edits=[],
            deleted=False,
            link_preview_disabled=False if caption else self._preview_disabled(params),
            from_bot=True,
            date=0,
        )
        if caption:
            stored.kind = "document"
            stored.caption = params.get("caption")
            stored.plain_caption = plain or None
        return stored

    def _save_new(self, stored: StoredMessage) -> dict[str, Any]:
        """Store a new bot message (numbered by the caller under the lock); returns its Message JSON."""
        with self._changed:
            stored.date = self._date()
            self._messages.setdefault(stored.chat_id, {})[stored.message_id] = stored
            stored.raw = self._message_json(stored)
            self._changed.notify_all()
            return copy.deepcopy(stored.raw)

    def _m_sendMessage(self, params: dict, files: dict) -> dict[str, Any]:
        stored = self._outgoing(params, self._chat_id(params), caption=False)
        with self._changed:
            stored.message_id = self._alloc_message_id(stored.chat_id)
            return self._save_new(stored)

    def _bot_message(self, params: dict[str, Any], action: str) -> StoredMessage:
        """Target of an edit: a chat message, or one sent in inline mode (``inline_message_id``,
        known only once the user picked a result that had a keyboard)."""
        inline_id = params.get("inline_message_id")
        if inline_id:
            with self._lock:
                inline = self._inline_messages.get(str(inline_id))
            if inline is None:
                raise TelegramError(400, "Bad Request: MESSAGE_ID_INVALID")
            return inline
        chat_id = self._chat_id(params)
        message_id = params.get("message_id")
        if message_id is None:
            raise TelegramError(400, "Bad Request: message identifier is not specified")
        with self._lock:
            stored = self._messages.get(chat_id, {}).get(int(message_id))
        if stored is None or stored.deleted:
            raise TelegramError(400, f"Bad Request: message to {action} not found")
        if not stored.from_bot:
            raise TelegramError(400, "Bad Request: message can't be edited")
        return stored

    def _m_editMessageText(self, params: dict, files: dict) -> dict[str, Any] | bool:
        stored = self._bot_message(params, "edit")
        plain, ents = self._message_text(params)
        markup = self._check_markup(params.get("reply_markup"))
        if stored.kind != "text":
            raise TelegramError(400, "Bad Request: there is no text in the message to edit")
        with self._changed:
            if plain == stored.plain_text and ents == stored.entities and markup == stored.reply_markup:
                raise TelegramError(400, NOT_MODIFIED)
            if stored.text is not None:
                stored.edits.append(stored.text)
            stored.text = str(params.get("text"))
            stored.plain_text = plain
            stored.entities = ents
            stored.parse_mode = params.get("parse_mode")
            stored.reply_markup = markup  # omitting reply_markup removes the inline keyboard
            stored.link_preview_disabled = self._preview_disabled(params)
            self._changed.notify_all()
            if params.get("inline_message_id"):
                return True  # Telegram returns True for inline messages: they are in no chat of the bot's
            stored.raw = self._message_json(stored)
            return copy.deepcopy(stored.raw)

    def _m_editMessageReplyMarkup(self, params: dict, files: dict) -> dict[str, Any] | bool:
        stored = self._bot_message(params, "edit")
        markup = self._check_markup(params.get("reply_markup"))
        with self._changed:
            if markup == stored.reply_markup:
                raise TelegramError(400, NOT_MODIFIED)
            stored.reply_markup = markup
            if params.get("inline_message_id"):
                self._changed.notify_all()
                return True
            stored.raw = self._message_json(stored)
            self._changed.notify_all()
            return copy.deepcopy(stored.raw)

    def _m_deleteMessage(self, params: dict, files: dict) -> bool:
        chat_id = self._chat_id(params)
        with self._changed:
            stored = self._messages.get(chat_id, {}).get(int(params.get("message_id") or 0))
            if stored is None or stored.deleted:
                raise TelegramError(400, "Bad Request: message to delete not found")
            stored.deleted = True
            self._changed.notify_all()
        return True

    def _m_deleteMessages(self, params: dict, files: dict) -> bool:
        chat_id = self._chat_id(params)
        with self._changed:
            for mid in params.get("message_ids") or []:
                stored = self._messages.get(chat_id, {}).get(int(mid))
                if stored is not None:
                    stored.deleted = True
            self._changed.notify_all()
        return True

    def _m_sendMessageDraft(self, params: dict, files: dict) -> bool:
        chat_id = self._chat_id(params)
        with self._lock:
            chat_type = self._chats.get(chat_id, {}).get("type", "private")
        if chat_id < 0 or chat_type != "private":
            raise TelegramError(400, "Bad Request: drafts can be sent only to private chats")
        draft_id = params.get("draft_id")
        if not isinstance(draft_id, int) or isinstance(draft_id, bool) or draft_id == 0:
            raise TelegramError(400, "Bad Request: draft_id must be non-zero")
        # Bot API 9.5: 0-4096 characters after entity parsing; empty shows "Thinking…"
        plain, _ents = self._message_text(params, allow_empty=True)
        with self._changed:
            self._drafts.setdefault(chat_id, []).append(
                {
                    "draft_id": draft_id,
                    "text": params.get("text"),
                    "plain_text": plain,
                    "parse_mode": params.get("parse_mode"),
                    "time": now(),
                }
            )
            self._changed.notify_all()
        return True

    @staticmethod
    def _document_file(params: dict[str, Any], files: dict[str, Any]) -> tuple[str, bytes | None, str | None]:
        """(file name, bytes or None for a file id/URL, MIME type) of the ``document`` parameter."""
        doc_param = params.get("document")
        if "document" in files:
            file_name, content, mime = files["document"]
        elif isinstance(doc_param, str) and doc_param.startswith("attach://"):
            name = doc_param[len("attach://") :]
            if name not in files:
                raise TelegramError(400, "Bad Request: wrong file identifier/HTTP URL specified")
            file_name, content, mime = files[name]
        elif isinstance(doc_param, str) and doc_param:
            return doc_param.rsplit("/", 1)[-1] or "file", None, None
        else:
            raise TelegramError(400, "Bad Request: there is no document in the request")
        if content is not None and len(content) == 0:
            raise TelegramError(400, "Bad Request: file must be non-empty")
        return file_name, content, mime

    def _m_sendDocument(self, params: dict, files: dict) -> dict[str, Any]:
        chat_id = self._chat_id(params)
        file_name, content, mime = self._document_file(params, files)
        stored = self._outgoing(params, chat_id, caption=True)
        with self._changed:
            mid = stored.message_id = self._alloc_message_id(chat_id)
            file_id = f"BQACAgfake{chat_id}_{mid}"
            document: dict[str, Any] = {
                "file_id": file_id,
                "file_unique_id": f"AgADfake{mid}",
                "file_name": file_name,
            }
            if mime:
                document["mime_type"] = mime.split(";")[0]
            if content is not None:
                document["file_size"] = len(content)
                self._files[file_id] = content
            stored.document, stored.document_bytes = document, content
            return self._save_new(stored)

    def _m_getFile(self, params: dict, files: dict) -> dict[str, Any]:
        file_id = str(params.get("file_id") or "")
        with self._lock:
            data = self._files.get(file_id)
        if data is None:
            raise TelegramError(400, "Bad Request: invalid file_id")
        return {"file_id": file_id, "file_unique_id": "u" + file_id[-8:], "file_size": len(data),
                "file_path": file_id}  # fmt: skip

    def add_file(self, file_id: str, data: bytes) -> None:
        """Make ``getFile(file_id)`` and ``{base_url}/file/bot{token}/{file_id}`` serve ``data``."""
        with self._lock:
            self._files[file_id] = bytes(data)
