"""The user side of the emulator: people write, reply, press buttons and type inline queries."""

from __future__ import annotations

import copy
from typing import Any

from bot.playground.api_types import (
    ADMIN_RIGHTS,
    RESTRICTED_MEMBER,
    StoredMessage,
)
from bot.playground.state import EmulatorState
from bot.playground.tg_entities import detect_entities, merge_entities
from bot.playground.tg_entities import entity as make_entity


class UserSide(EmulatorState):
    """Queues the updates a Telegram client would cause; every method is thread-safe."""

    def push_update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue a raw update (``update_id`` is assigned). Returns the full update."""
        return self._enqueue(copy.deepcopy(update))

    def push_message(
        self,
        chat_id: int,
        text: str | None = None,
        *,
        user_id: int | None = None,
        chat_type: str | None = None,
        first_name: str = "Alice",
        last_name: str | None = None,
        language_code: str | None = "en",
        username: str | None = None,
        caption: str | None = None,
        reply_to_message_id: int | None = None,
        forward_origin: dict[str, Any] | None = None,
        entities: list[dict[str, Any]] | None = None,
        caption_entities: list[dict[str, Any]] | None = None,
        document: dict[str, Any] | None = None,
        message_thread_id: int | None = None,
        edited: bool = False,
        channel: bool = False,
        extra: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A user sends a message. Returns the Message dict that was queued as an update.

        ``chat_type`` defaults to "private" for positive ids, "group"/"supergroup" for negative ones;
        ``user_id`` defaults to ``chat_id`` in private chats and to 1001 elsewhere. url, email,
        mention, hashtag and bot_command entities are detected as Telegram does (UTF-16 offsets),
        also in ``caption`` (→ ``caption_entities``); ``entities``/``caption_entities`` add your own
        (e.g. ``text_link``, build them with ``FakeTelegram.entity(text, "here", url=...)``).
        ``document`` is a Document dict (``file_name``, ``mime_type``...; ids are filled in).
        ``edited=True`` queues it as ``edited_message`` for an existing ``extra["message_id"]``.
        """
        chat_id = int(chat_id)
        with self._lock:
            user, chat = self._sender(chat_id, chat_type, user_id, first_name, language_code, username, last_name)
            mid = (extra or {}).get("message_id") or self._alloc_message_id(chat_id)
            msg: dict[str, Any] = {"message_id": mid, "date": self._date(), "chat": chat, "from": user}
            if message_thread_id is not None:
                msg["message_thread_id"] = message_thread_id
            _add_text(msg, "text", "entities", text, entities)
            _add_text(msg, "caption", "caption_entities", caption, caption_entities)
            if document is not None:
                msg["document"] = {"file_id": f"doc-{mid}-{chat_id}", "file_unique_id": f"u{mid}{chat_id}", **document}
            if forward_origin is not None:
                msg["forward_origin"] = forward_origin
            if reply_to_message_id is not None:
                msg["reply_to_message"] = self._quoted(chat_id, reply_to_message_id)
            if edited:
                msg["edit_date"] = self._date()
            if channel:  # a post in a channel: no ``from``, the channel is the sender
                del msg["from"]
                msg["sender_chat"] = dict(chat)
            if extra:
                msg.update(copy.deepcopy(extra))
            self._messages.setdefault(chat_id, {})[mid] = _user_message(
                msg, mid, chat_id, text=text, caption=caption, reply_to=reply_to_message_id, is_document=bool(document)
            )
        kind = "channel_post" if channel else "message"
        self._enqueue({f"edited_{kind}" if edited else kind: copy.deepcopy(msg)})
        return msg

    def _sender(
        self,
        chat_id: int,
        chat_type: str | None,
        user_id: int | None,
        first_name: str,
        language_code: str | None,
        username: str | None,
        last_name: str | None,
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """The (user, chat) of a message a user sends; registers the user as Telegram would know them."""
        if user_id is None:
            user_id = chat_id if chat_id > 0 else 1001
        user = self._register_user(user_id, first_name, language_code, username, last_name)
        return user, self._chat_dict(chat_id, chat_type, user)

    def _quoted(self, chat_id: int, message_id: int) -> dict[str, Any]:
        inner = self._replied_json(chat_id, int(message_id))
        if inner is None:
            raise KeyError(f"no message {message_id} in chat {chat_id} to reply to")
        return inner

    def push_command(self, chat_id: int, command: str, *args: str, **kwargs: Any) -> dict[str, Any]:
        """``push_command(1001, "/start")`` or ``push_command(1001, "/digest", "on")``."""
        if not command.startswith("/"):
            command = "/" + command
        text = " ".join([command, *args])
        return self.push_message(chat_id, text, **kwargs)

    def push_reply(self, chat_id: int, to_message_id: int | None, text: str, **kwargs: Any) -> dict[str, Any]:
        """The user replies to a message (``None`` = the latest non-deleted bot message)."""
        if to_message_id is None:
            with self._lock:
                bot_msgs = [m for m in self._messages.get(int(chat_id), {}).values()
                            if m.from_bot and not m.deleted]  # fmt: skip
                if not bot_msgs:
                    raise KeyError(f"the bot has sent nothing to chat {chat_id}")
                to_message_id = bot_msgs[-1].message_id
        return self.push_message(chat_id, text, reply_to_message_id=to_message_id, **kwargs)

    def push_callback(
        self,
        chat_id: int,
        message_id: int,
        data: str,
        *,
        user_id: int | None = None,
        first_name: str = "Alice",
        language_code: str | None = "en",
    ) -> str:
        """The user taps an inline button on bot message ``message_id``. Returns the callback id."""
        chat_id = int(chat_id)
        with self._lock:
            stored = self._messages.get(chat_id, {}).get(int(message_id))
            if stored is None:
                raise KeyError(f"no message {message_id} in chat {chat_id}")
            if user_id is None:
                user_id = chat_id if chat_id > 0 else 1001
            user = self._users.get(user_id) or self._register_user(user_id, first_name, language_code, None)
            cq_id = f"{next(self._counter)}{user_id % 100000:05d}"
            self._callbacks[cq_id] = {"answered": False, "chat_id": chat_id, "message_id": message_id}
            cq = {
                "id": cq_id,
                "from": dict(user),
                "chat_instance": str(abs(chat_id) * 7919 % 10**12),
                "data": data,
                "message": copy.deepcopy(stored.raw),
            }
        self._enqueue({"callback_query": cq})
        return cq_id

    def push_inline_query(
        self,
        user_id: int,
        query: str,
        *,
        offset: str = "",
        chat_type: str | None = "private",
        first_name: str = "Alice",
        language_code: str | None = "en",
    ) -> str:
        """The user types ``@bot query`` in any chat. Returns the inline query id (answer it, then
        ``choose_inline_result`` picks one of the results)."""
        with self._lock:
            user = self._users.get(user_id) or self._register_user(user_id, first_name, language_code, None)
            iq_id = f"{next(self._counter)}{user_id % 100000:05d}"
            self._inline_queries[iq_id] = {"answered": False, "user": dict(user), "query": query}
            iq: dict[str, Any] = {"id": iq_id, "from": dict(user), "query": query, "offset": offset}
            if chat_type:
                iq["chat_type"] = chat_type
        self._enqueue({"inline_query": iq})
        return iq_id

    def push_my_chat_member(
        self,
        chat_id: int,
        new_status: str = "kicked",
        old_status: str = "member",
        *,
        user_id: int | None = None,
        block: bool | None = None,
    ) -> dict[str, Any]:
        """The bot's membership changed (a user blocking the bot is new_status="kicked" in a
        private chat). ``block`` (default: new_status == "kicked") also calls ``block_chat`` /
        ``unblock_chat`` so that later sends fail as they would for real."""
        chat_id = int(chat_id)
        with self._lock:
            if user_id is None:
                user_id = chat_id if chat_id > 0 else 1001
            user = self._user_dict(user_id)
            chat = self._chat_dict(chat_id, None, user)
            bot = {k: self.bot_user[k] for k in ("id", "is_bot", "first_name", "username")}

            def member(status: str) -> dict[str, Any]:
                m: dict[str, Any] = {"status": status, "user": bot}
                if status == "kicked":
                    m["until_date"] = 0
                if status == "restricted":
                    m.update(RESTRICTED_MEMBER)
                if status == "administrator":
                    m.update(ADMIN_RIGHTS)
                return m

            upd = {
                "chat": chat,
                "from": user,
                "date": self._date(),
                "old_chat_member": member(old_status),
                "new_chat_member": member(new_status),
            }
        if block is None:
            block = new_status == "kicked"
        if block:
            self.block_chat(chat_id)
        elif new_status in ("member", "administrator"):
            self.unblock_chat(chat_id)
        return self._enqueue({"my_chat_member": upd})

    def push_inline_callback(self, user_id: int, data: str, *, inline_message_id: str = "inline-1") -> str:
        """The user taps a button under a message sent in inline mode (no chat, no ``message``).
        Returns the callback id."""
        with self._lock:
            user = self._users.get(user_id) or self._register_user(user_id, "Alice", "en", None)
            cq_id = f"{next(self._counter)}{user_id % 100000:05d}"
            self._callbacks[cq_id] = {"answered": False, "chat_id": None, "message_id": None}
            cq = {"id": cq_id, "from": dict(user), "chat_instance": "0", "data": data,
                  "inline_message_id": inline_message_id}  # fmt: skip
        self._enqueue({"callback_query": cq})
        return cq_id

    def push_poll(self, question: str = "Which?", options: tuple[str, ...] = ("yes", "no"), *,
                  persistent_ids: bool = True) -> dict[str, Any]:  # fmt: skip
        """A ``poll`` update (a poll the bot sent changed). ``persistent_ids=False`` leaves out the
        options' ``persistent_id`` (and ``allows_revoting``), as a Bot API server older than 9.6
        sends them: python-telegram-bot 22.8 cannot parse such an update."""
        option_dicts: list[dict[str, Any]] = [{"text": text, "voter_count": 0} for text in options]
        poll: dict[str, Any] = {
            "id": str(next(self._counter)), "question": question, "options": option_dicts,
            "total_voter_count": 0, "is_closed": False, "is_anonymous": True, "type": "regular",
            "allows_multiple_answers": False,
        }  # fmt: skip
        if persistent_ids:
            poll["allows_revoting"] = False
            for i, option in enumerate(option_dicts):
                option["persistent_id"] = str(i)
        return self._enqueue({"poll": poll})

    def delete_message(self, chat_id: int, message_id: int) -> None:
        """Someone deletes a message (the user their own, or the bot's from their chat): later
        replies to it or edits of it fail as Telegram's do."""
        with self._changed:
            stored = self._messages.get(int(chat_id), {}).get(int(message_id))
            if stored is None:
                raise KeyError(f"no message {message_id} in chat {chat_id}")
            stored.deleted = True
            self._changed.notify_all()

    entity = staticmethod(make_entity)


def _add_text(msg: dict[str, Any], key: str, entities_key: str, text: str | None,
              entities: list[dict[str, Any]] | None) -> None:  # fmt: skip
    """Set a user's text or caption with the entities Telegram detects in it plus the given ones."""
    if text is None:
        return
    msg[key] = text
    merged = merge_entities(detect_entities(text), entities)
    if merged:
        msg[entities_key] = merged


def _user_message(
    msg: dict[str, Any],
    mid: int,
    chat_id: int,
    *,
    text: str | None,
    caption: str | None,
    reply_to: int | None,
    is_document: bool,
) -> StoredMessage:
    """How the emulator keeps a message a user sent (``msg`` is its Message JSON)."""
    return StoredMessage(
        message_id=mid,
        chat_id=chat_id,
        text=text,
        plain_text=text,
        parse_mode=None,
        entities=list(msg.get("entities", [])),
        reply_markup=None,
        reply_to_message_id=reply_to,
        edits=[],
        deleted=False,
        link_preview_disabled=False,
        from_bot=False,
        date=msg["date"],
        kind="document" if is_document else "text",
        caption=caption,
        plain_caption=caption,
        document=msg.get("document"),
        raw=copy.deepcopy(msg),
    )
