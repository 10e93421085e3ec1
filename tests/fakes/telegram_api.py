"""A fake Telegram Bot API server (real HTTP on 127.0.0.1, own thread and event loop).

Point the bot at it with ``TELEGRAM_API_URL=fake.base_url`` (requests go to
``{base_url}/bot{token}/{method}``), or in-process with
``telegram.Bot(token, base_url=f"{fake.base_url}/bot")``.

Test side (all thread-safe, callable from sync and async tests)::

    msg = fake.push_message(1001, "read https://example.com/a")       # a user writes to the bot
    [reply] = fake.wait_for_messages(1001)                            # blocking
    [reply] = await fake.await_messages(1001)                          # async twin
    assert "Summary" in reply.plain_text

See the class docstring of :class:`FakeTelegram` for the full API.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
import json
import math
import re
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import parse_qs

import aiohttp
from aiohttp import web

from ._base import HOST, ThreadedAiohttpServer
from .tg_text import (
    MAX_CAPTION,
    MAX_TEXT,
    HtmlParseError,
    detect_entities,
    merge_entities,
    parse_html,
    strip_text,
    u16len,
)
from .tg_text import entity as make_entity

DEFAULT_TOKEN = "123456:TEST-token-SECRET"
EPOCH = 1767225600  # 2026-01-01T00:00:00Z; dates are EPOCH + seconds since the fake started

# Parameters whose form value is a JSON-encoded object/array (PTB sends them that way).
JSON_PARAMS = frozenset(
    {
        "reply_markup", "link_preview_options", "reply_parameters", "commands", "results",
        "allowed_updates", "entities", "caption_entities", "scope", "button", "message_ids",
        "reaction", "suggested_post_parameters", "input_message_content", "media",
    }
)  # fmt: skip
INT_PARAMS = frozenset(
    {
        "message_id", "offset", "limit", "timeout", "user_id", "draft_id", "cache_time",
        "max_connections", "reply_to_message_id", "message_thread_id", "from_chat_id",
        "until_date", "retry_after",
    }
)  # fmt: skip
BOOL_PARAMS = frozenset(
    {
        "drop_pending_updates", "show_alert", "disable_notification", "protect_content",
        "is_personal", "disable_web_page_preview", "allow_sending_without_reply",
        "disable_content_type_detection", "allow_paid_broadcast", "only_if_banned", "is_big",
    }
)  # fmt: skip
CHAT_ACTIONS = frozenset(
    {
        "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
        "upload_document", "choose_sticker", "find_location", "record_video_note",
        "upload_video_note",
    }
)  # fmt: skip
# Methods counted by the flood-control simulation (see set_flood_limits).
FLOOD_METHODS = frozenset({"sendMessage", "sendDocument", "editMessageText", "sendPhoto", "copyMessage"})
# Methods that are recorded and simply answered with `true`.
TRIVIAL_METHODS = (
    "setMessageReaction", "pinChatMessage", "unpinChatMessage", "unpinAllChatMessages",
    "setChatMenuButton", "setMyDescription", "setMyShortDescription", "setMyName", "leaveChat",
    "close", "logOut",
)  # fmt: skip

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)


def _now() -> float:
    return time.monotonic()


@dataclass
class Call:
    """One request the fake answered."""

    method: str  # canonical Bot API name, e.g. "sendMessage"
    params: dict[str, Any]  # decoded parameters (JSON fields decoded, ints/bools coerced)
    status: int  # HTTP status returned
    response: dict[str, Any]  # the JSON body returned
    token: str
    time: float  # time.monotonic() when the answer was produced
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # multipart uploads

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def description(self) -> str | None:
        return self.response.get("description")


@dataclass
class StoredMessage:
    """A message in a chat as the fake holds it (bot messages are the interesting ones)."""

    message_id: int
    chat_id: int
    text: str | None  # final text as sent (HTML source when parse_mode=HTML); None for documents
    plain_text: str | None  # what the user sees: tags stripped, entities unescaped, trimmed
    parse_mode: str | None
    entities: list[dict[str, Any]]
    reply_markup: dict[str, Any] | None
    reply_to_message_id: int | None
    edits: list[str]  # earlier texts (source), oldest first
    deleted: bool
    link_preview_disabled: bool
    from_bot: bool
    date: int
    kind: str = "text"  # "text" | "document"
    caption: str | None = None  # source caption (documents)
    plain_caption: str | None = None
    document: dict[str, Any] | None = None  # file_name, mime_type, file_id, file_size
    document_bytes: bytes | None = None
    raw: dict[str, Any] = field(default_factory=dict)  # the Message JSON as last returned

    @property
    def inline_keyboard(self) -> list[list[dict[str, Any]]]:
        return (self.reply_markup or {}).get("inline_keyboard", [])

    @property
    def buttons(self) -> list[dict[str, Any]]:
        """Inline keyboard buttons, flattened."""
        return [b for row in self.inline_keyboard for b in row]

    @property
    def callback_data(self) -> list[str]:
        return [b["callback_data"] for b in self.buttons if "callback_data" in b]


class TelegramError(Exception):
    def __init__(self, status: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


@dataclass
class _Fault:
    status: int
    description: str
    parameters: dict[str, Any] | None
    times: int


class FakeTelegram(ThreadedAiohttpServer):
    """Fake Bot API. Construct, ``start()`` (or use as a context manager), point the bot at ``base_url``.

    Scripting: ``block_chat``, ``unblock_chat``, ``fail_chat``, ``migrate_chat``, ``set_flood_limits``,
    ``fail_next``, ``set_admin``. Pushing updates: ``push_message``, ``push_command``, ``push_reply``,
    ``push_callback``, ``push_inline_query``, ``push_my_chat_member``, ``push_update``.
    Inspecting: ``calls``, ``calls_of``, ``errors``, ``count_429``, ``messages``, ``message``,
    ``drafts``, ``answered_callbacks``, ``answered_inline_queries``, ``commands``,
    ``wait_for_messages``/``await_messages``, ``wait_for``/``await_for``, ``wait_for_call``.
    """

    thread_name = "fake-telegram"

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        bot_username: str = "newsbot_test_bot",
        bot_first_name: str = "NewsBot",
        strict_html: bool = True,
        webhook_retry_delay: float = 0.1,
        port: int = 0,
    ) -> None:
        super().__init__(port)
        self.token = token
        bot_id = int(token.split(":", 1)[0]) if token.split(":", 1)[0].isdigit() else 42
        self.bot_user: dict[str, Any] = {
            "id": bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self.strict_html = strict_html
        self.webhook_retry_delay = webhook_retry_delay
        self.flood_methods: set[str] = set(FLOOD_METHODS)
        self._t0 = time.time()
        self._wake_event: asyncio.Event | None = None
        self._webhook_task: asyncio.Task[None] | None = None
        self._http: aiohttp.ClientSession | None = None
        self._reset_state()

    # ------------------------------------------------------------------------------------------
    # state

    def _reset_state(self) -> None:
        with self._lock:
            self._calls: list[Call] = []
            self._updates: deque[dict[str, Any]] = deque()
            self._next_update_id = 1
            self._allowed_updates: list[str] = []
            self._poll_generation = 0
            self.last_poll_started: float | None = None
            self._chats: dict[int, dict[str, Any]] = {}
            self._users: dict[int, dict[str, Any]] = {}
            self._messages: dict[int, dict[int, StoredMessage]] = {}
            self._next_message_id: dict[int, int] = {}
            self._drafts: dict[int, list[dict[str, Any]]] = {}
            self._callbacks: dict[str, dict[str, Any]] = {}  # id -> {"answered": bool, ...}
            self._inline_queries: dict[str, dict[str, Any]] = {}
            self.answered_callbacks: list[dict[str, Any]] = []
            self.answered_inline_queries: list[dict[str, Any]] = []
            self._commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
            self._admins: dict[int, dict[int, str]] = {}
            self._chat_faults: dict[int, tuple[int, str]] = {}
            self._migrations: dict[int, int] = {}
            self._faults: dict[str, deque[_Fault]] = {}
            self._flood: dict[str, float | None] = {
                "per_chat_per_second": None,
                "overall_per_second": None,
                "group_per_minute": None,
            }
            self._sent_times: deque[tuple[float, int]] = deque()
            self._webhook: dict[str, Any] | None = None
            self._webhook_last_error: tuple[int, str] | None = None
            self.webhook_deliveries: list[dict[str, Any]] = []
            self._counter = itertools.count(1)
            self._files: dict[str, bytes] = {}

    def reset(self) -> None:
        """Forget everything (calls, messages, updates, scripting, webhook); keep token and port."""
        with self._lock:
            generation = self._poll_generation
            self._reset_state()
            self._poll_generation = generation
        self._wake()
        self._notify()

    @property
    def base_url(self) -> str:
        """Root URL; the bot calls ``{base_url}/bot{token}/{method}``."""
        return f"http://{HOST}:{self.port}"

    @property
    def api_url(self) -> str:
        """``{base_url}/bot{token}``, handy for raw httpx calls."""
        return f"{self.base_url}/bot{self.token}"

    # ------------------------------------------------------------------------------------------
    # scripting

    def block_chat(self, chat_id: int) -> None:
        """Any call for this chat gets 403 "Forbidden: bot was blocked by the user"."""
        self.fail_chat(chat_id, 403, "Forbidden: bot was blocked by the user")

    def unblock_chat(self, chat_id: int) -> None:
        with self._lock:
            self._chat_faults.pop(int(chat_id), None)

    def fail_chat(self, chat_id: int, status: int, description: str) -> None:
        """Persistent error for every call naming this chat, e.g. (403, "Forbidden: user is deactivated")
        or (400, "Bad Request: chat not found"). Undo with ``unblock_chat``."""
        with self._lock:
            self._chat_faults[int(chat_id)] = (status, description)

    def migrate_chat(self, old_id: int, new_id: int) -> None:
        """Calls for ``old_id`` get 400 with ``parameters.migrate_to_chat_id=new_id``."""
        with self._lock:
            self._migrations[int(old_id)] = int(new_id)
            self._chats.setdefault(int(new_id), {"id": int(new_id), "type": "supergroup", "title": f"Group {new_id}"})

    def set_flood_limits(
        self,
        per_chat_per_second: float | None = 1,
        overall_per_second: float | None = 30,
        group_per_minute: float | None = 20,
    ) -> None:
        """Enable flood control (off by default). ``None`` disables one limit.

        Counted methods: ``self.flood_methods`` (sendMessage, sendDocument, editMessageText, ...).
        Over the limit → 429 "Too Many Requests: retry after N" with ``parameters.retry_after``.
        The group limit applies to negative chat ids; the per-chat one to every chat.
        """
        with self._lock:
            self._flood = {
                "per_chat_per_second": per_chat_per_second,
                "overall_per_second": overall_per_second,
                "group_per_minute": group_per_minute,
            }
            self._sent_times.clear()

    def fail_next(
        self,
        method: str,
        status: int,
        description: str,
        retry_after: int | None = None,
        times: int = 1,
        parameters: dict[str, Any] | None = None,
    ) -> None:
        """The next ``times`` calls of ``method`` (``"*"`` = any method) fail with this error.

        ``retry_after`` adds ``parameters.retry_after`` (use status 429 and a description like
        "Too Many Requests: retry after 3").
        """
        params = dict(parameters or {})
        if retry_after is not None:
            params["retry_after"] = retry_after
        key = "*" if method == "*" else self._canonical(method)
        with self._lock:
            self._faults.setdefault(key, deque()).append(_Fault(status, description, params or None, times))

    def set_admin(self, chat_id: int, user_id: int, status: str = "administrator") -> None:
        """Make ``user_id`` an admin ("administrator" or "creator") of ``chat_id``."""
        if status not in ("administrator", "creator"):
            raise ValueError("status must be 'administrator' or 'creator'")
        with self._lock:
            self._admins.setdefault(int(chat_id), {})[int(user_id)] = status

    def remove_admin(self, chat_id: int, user_id: int) -> None:
        with self._lock:
            self._admins.get(int(chat_id), {}).pop(int(user_id), None)

    # ------------------------------------------------------------------------------------------
    # pushing updates (test side)

    def _date(self) -> int:
        return EPOCH + int(time.time() - self._t0)

    def _user_dict(self, user_id: int) -> dict[str, Any]:
        user = self._users.get(user_id)
        if user is None:
            user = {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"}
        return dict(user)

    def _register_user(
        self,
        user_id: int,
        first_name: str,
        language_code: str | None,
        username: str | None,
        last_name: str | None = None,
    ) -> dict[str, Any]:
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        if last_name:
            user["last_name"] = last_name
        if username:
            user["username"] = username
        if language_code:
            user["language_code"] = language_code
        self._users[user_id] = user
        return dict(user)

    def _chat_dict(self, chat_id: int, chat_type: str | None = None, user: dict | None = None) -> dict:
        chat = self._chats.get(chat_id)
        if chat is None or (chat_type and chat["type"] != chat_type):
            if chat_type is None:
                chat_type = "private" if chat_id > 0 else ("supergroup" if chat_id < -(10**12) else "group")
            chat = {"id": chat_id, "type": chat_type}
            if chat_type == "private":
                chat["first_name"] = (user or {}).get("first_name", f"User{chat_id}")
                if user and user.get("username"):
                    chat["username"] = user["username"]
            else:
                chat["title"] = f"Group {chat_id}"
            self._chats[chat_id] = chat
        return dict(chat)

    def _alloc_message_id(self, chat_id: int) -> int:
        mid = self._next_message_id.get(chat_id, 1)
        self._next_message_id[chat_id] = mid + 1
        return mid

    def _enqueue(self, update: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            update = {"update_id": self._next_update_id, **update}
            self._next_update_id += 1
            self._updates.append(update)
        self._wake()
        self._notify()
        return update

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
        """A user sends a message (``channel=True``: a post in a channel, no ``from``). Returns the
        Message dict that was queued as an update.

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
            if user_id is None:
                user_id = chat_id if chat_id > 0 else 1001
            user = self._register_user(user_id, first_name, language_code, username, last_name)
            chat = self._chat_dict(chat_id, chat_type, user)
            mid = (extra or {}).get("message_id") or self._alloc_message_id(chat_id)
            msg: dict[str, Any] = {
                "message_id": mid,
                "date": self._date(),
                "chat": chat,
                "from": user,
            }
            if message_thread_id is not None:
                msg["message_thread_id"] = message_thread_id
            if text is not None:
                msg["text"] = text
                ents = merge_entities(detect_entities(text), entities)
                if ents:
                    msg["entities"] = ents
            if caption is not None:
                msg["caption"] = caption
                cents = merge_entities(detect_entities(caption), caption_entities)
                if cents:
                    msg["caption_entities"] = cents
            if document is not None:
                doc = {"file_id": f"doc-{mid}-{chat_id}", "file_unique_id": f"u{mid}{chat_id}"}
                doc.update(document)
                msg["document"] = doc
            if forward_origin is not None:
                msg["forward_origin"] = forward_origin
            if reply_to_message_id is not None:
                replied = self._messages.get(chat_id, {}).get(int(reply_to_message_id))
                if replied is None:
                    raise KeyError(f"no message {reply_to_message_id} in chat {chat_id} to reply to")
                inner = copy.deepcopy(replied.raw)
                inner.pop("reply_to_message", None)
                msg["reply_to_message"] = inner
            if edited:
                msg["edit_date"] = self._date()
            if channel:
                del msg["from"]
                msg["sender_chat"] = dict(chat)
            if extra:
                msg.update(copy.deepcopy(extra))
            stored = StoredMessage(
                message_id=mid,
                chat_id=chat_id,
                text=text,
                plain_text=text,
                parse_mode=None,
                entities=list(msg.get("entities", [])),
                reply_markup=None,
                reply_to_message_id=reply_to_message_id,
                edits=[],
                deleted=False,
                link_preview_disabled=False,
                from_bot=False,
                date=msg["date"],
                kind="document" if document else "text",
                caption=caption,
                plain_caption=caption,
                document=msg.get("document"),
                raw=copy.deepcopy(msg),
            )
            self._messages.setdefault(chat_id, {})[mid] = stored
        kind = "channel_post" if channel else "message"
        self._enqueue({f"edited_{kind}" if edited else kind: copy.deepcopy(msg)})
        return msg

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
        """Returns the inline query id."""
        with self._lock:
            user = self._users.get(user_id) or self._register_user(user_id, first_name, language_code, None)
            iq_id = f"{next(self._counter)}{user_id % 100000:05d}"
            self._inline_queries[iq_id] = {"answered": False}
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
                    m.update(_RESTRICTED)
                if status == "administrator":
                    m.update(_ADMIN_RIGHTS)
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

    entity = staticmethod(make_entity)

    # ------------------------------------------------------------------------------------------
    # inspection (test side)

    @property
    def calls(self) -> list[Call]:
        with self._lock:
            return list(self._calls)

    def calls_of(self, method: str) -> list[Call]:
        method = self._canonical(method)
        with self._lock:
            return [c for c in self._calls if c.method == method]

    @property
    def errors(self) -> list[Call]:
        """Every call answered with a 4xx/5xx (getUpdates 409s included)."""
        with self._lock:
            return [c for c in self._calls if c.status >= 400]

    @property
    def count_429(self) -> int:
        with self._lock:
            return sum(1 for c in self._calls if c.status == 429)

    @property
    def unknown_calls(self) -> list[Call]:
        with self._lock:
            return [c for c in self._calls if c.status == 404 and c.token == self.token]

    def messages(self, chat_id: int, *, include_deleted: bool = True) -> list[StoredMessage]:
        """Messages the bot sent to ``chat_id`` (final state after edits), oldest first. Copies."""
        with self._lock:
            return [
                copy.deepcopy(m)
                for m in self._messages.get(int(chat_id), {}).values()
                if m.from_bot and (include_deleted or not m.deleted)
            ]

    def message(self, chat_id: int, message_id: int) -> StoredMessage | None:
        """Any stored message (bot or user) by id."""
        with self._lock:
            m = self._messages.get(int(chat_id), {}).get(int(message_id))
            return copy.deepcopy(m) if m else None

    def drafts(self, chat_id: int) -> list[dict[str, Any]]:
        """sendMessageDraft calls for the chat: dicts with draft_id, text, plain_text, parse_mode, time."""
        with self._lock:
            return copy.deepcopy(self._drafts.get(int(chat_id), []))

    @property
    def commands(self) -> list[dict[str, Any]]:
        """Commands set for the default scope and no language (``[]`` if never set)."""
        return self.commands_for()

    def commands_for(self, scope: dict[str, Any] | None = None, language_code: str = "") -> list[dict]:
        key = (json.dumps(scope or {"type": "default"}, sort_keys=True), language_code or "")
        with self._lock:
            return copy.deepcopy(self._commands.get(key, []))

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        with self._lock:
            return copy.deepcopy(list(self._updates))

    @property
    def webhook(self) -> dict[str, Any] | None:
        with self._lock:
            return copy.deepcopy(self._webhook)

    def uploaded_file(self, file_id: str) -> bytes | None:
        with self._lock:
            return self._files.get(file_id)

    def _describe_chat(self, chat_id: int) -> str:
        msgs = self.messages(chat_id)
        lines = [f"bot messages in chat {chat_id}: {len(msgs)}"]
        for m in msgs[-10:]:
            state = " (deleted)" if m.deleted else ""
            lines.append(f"  #{m.message_id}{state}: {(m.plain_text or m.plain_caption or '')[:200]!r}")
        errs = self.errors[-10:]
        if errs:
            lines.append("recent errors:")
            lines += [f"  {c.method} {c.status} {c.description}" for c in errs]
        calls = self.calls[-15:]
        lines.append("recent calls: " + ", ".join(f"{c.method}:{c.status}" for c in calls))
        return "\n".join(lines)

    def _match_messages(
        self, chat_id: int, count: int, predicate: Callable[[StoredMessage], bool] | None,
        include_deleted: bool,
    ) -> list[StoredMessage] | None:  # fmt: skip
        found = [
            m for m in self.messages(chat_id, include_deleted=include_deleted) if predicate is None or predicate(m)
        ]
        return found if len(found) >= count else None

    def wait_for_messages(
        self,
        chat_id: int,
        count: int = 1,
        timeout: float = 10.0,
        predicate: Callable[[StoredMessage], bool] | None = None,
        *,
        include_deleted: bool = False,
    ) -> list[StoredMessage]:
        """Block until at least ``count`` bot messages in the chat satisfy ``predicate`` (which sees
        the current state, after edits); return all that match. Deleted ones don't count unless
        ``include_deleted``. Raises TimeoutError with a summary of what the fake saw.

        Blocking: in an async test whose event loop also runs the bot, use ``await_messages``.
        """
        return self._wait_until(
            lambda: self._match_messages(chat_id, count, predicate, include_deleted),
            timeout,
            lambda: f"timed out waiting for {count} message(s)\n{self._describe_chat(chat_id)}",
        )

    async def await_messages(
        self,
        chat_id: int,
        count: int = 1,
        timeout: float = 10.0,  # noqa: ASYNC109 - mirrors wait_for_messages
        predicate: Callable[[StoredMessage], bool] | None = None,
        *,
        include_deleted: bool = False,
    ) -> list[StoredMessage]:
        """Async twin of ``wait_for_messages`` (does not block the test's event loop)."""
        return await self._await_until(
            lambda: self._match_messages(chat_id, count, predicate, include_deleted),
            timeout,
            lambda: f"timed out waiting for {count} message(s)\n{self._describe_chat(chat_id)}",
        )

    def wait_for(self, predicate: Callable[[list[Call]], Any], timeout: float = 10.0) -> Any:
        """Block until ``predicate(calls)`` is truthy; returns its value."""

        def check() -> Any:
            value = predicate(list(self._calls))
            return value if value else None

        return self._wait_until(check, timeout, lambda: "timed out; " + self._describe_recent())

    async def await_for(
        self,
        predicate: Callable[[list[Call]], Any],
        timeout: float = 10.0,  # noqa: ASYNC109 - mirrors wait_for
    ) -> Any:
        def check() -> Any:
            value = predicate(list(self._calls))
            return value if value else None

        return await self._await_until(check, timeout, lambda: "timed out; " + self._describe_recent())

    def wait_for_call(
        self, method: str, timeout: float = 10.0, predicate: Callable[[Call], bool] | None = None
    ) -> Call:
        """Block until a call of ``method`` (matching ``predicate``) has been answered; return it."""
        method = self._canonical(method)
        return self.wait_for(
            lambda calls: next(
                (c for c in calls if c.method == method and (predicate is None or predicate(c))),
                None,
            ),
            timeout,
        )

    def _describe_recent(self) -> str:
        calls = self.calls[-20:]
        return "recent calls: " + ", ".join(f"{c.method}:{c.status}" for c in calls)

    # ------------------------------------------------------------------------------------------
    # server

    def _build_app(self) -> web.Application:
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_route("*", "/file/bot{token}/{path:.*}", self._handle_file)
        app.router.add_route("*", "/{tail:.*}", self._not_found)
        return app

    async def _on_start(self) -> None:
        self._wake_event = asyncio.Event()
        self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))

    async def _on_stop(self) -> None:
        self._poll_generation += 1
        if self._wake_event is not None:
            self._wake_event.set()
        if self._webhook_task is not None:
            self._webhook_task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._webhook_task
        if self._http is not None:
            await self._http.close()

    def _wake(self) -> None:
        """Wake long polls and the webhook sender (thread-safe)."""
        self.call_soon(self._wake_on_loop)

    def _wake_on_loop(self) -> None:
        if self._wake_event is not None:
            self._wake_event.set()
            self._wake_event = asyncio.Event()
        self._ensure_webhook_task()

    async def _not_found(self, request: web.Request) -> web.Response:
        return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"}, status=404)

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        with self._lock:
            data = self._files.get(request.match_info["path"])
        if data is None:
            return await self._not_found(request)
        return web.Response(body=data, content_type="application/octet-stream")

    # canonical names: Telegram method names are case-insensitive
    _KNOWN_METHODS = (
        "getMe", "getUpdates", "setWebhook", "deleteWebhook", "getWebhookInfo", "setMyCommands",
        "getMyCommands", "deleteMyCommands", "sendMessage", "editMessageText",
        "editMessageReplyMarkup", "deleteMessage", "deleteMessages", "sendChatAction",
        "answerCallbackQuery", "answerInlineQuery", "sendMessageDraft", "sendDocument",
        "getChatMember", "getChatAdministrators", "getChat", "getFile", *TRIVIAL_METHODS,
    )  # fmt: skip
    _CANONICAL: ClassVar[dict[str, str]] = {m.lower(): m for m in _KNOWN_METHODS}

    def _canonical(self, method: str) -> str:
        return self._CANONICAL.get(method.lower(), method)

    async def _read_params(
        self, request: web.Request
    ) -> tuple[dict[str, Any], dict[str, tuple[str, bytes]], dict[str, str]]:
        params: dict[str, Any] = {k: v for k, v in request.query.items()}
        files: dict[str, tuple[str, bytes]] = {}
        ctypes: dict[str, str] = {}
        ctype = request.content_type
        if request.method == "POST" and request.can_read_body:
            if ctype == "application/json":
                try:
                    body = await request.json()
                except ValueError:
                    raise TelegramError(400, "Bad Request: can't parse JSON request body") from None
                if not isinstance(body, dict):
                    raise TelegramError(400, "Bad Request: JSON object expected")
                params.update(body)
            elif ctype == "multipart/form-data":
                reader = await request.multipart()
                async for part in reader:
                    if part.name is None:
                        continue
                    if part.filename is not None:
                        data = await part.read()  # type: ignore[union-attr]
                        files[part.name] = (part.filename, bytes(data))
                        ctypes[part.name] = part.headers.get("Content-Type", "")
                    else:
                        params[part.name] = await part.text()  # type: ignore[union-attr]
            else:
                raw = (await request.read()).decode("utf-8")
                for key, values in parse_qs(raw, keep_blank_values=True).items():
                    params[key] = values[-1]
        return self._coerce(params), files, ctypes

    @staticmethod
    def _coerce(params: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in params.items():
            if isinstance(value, str):
                if key in JSON_PARAMS:
                    try:
                        value = json.loads(value)
                    except ValueError:
                        raise TelegramError(400, f"Bad Request: can't parse {key} JSON object") from None
                elif key in INT_PARAMS or key == "chat_id":
                    if re.fullmatch(r"-?\d+", value.strip()):
                        value = int(value)
                    elif key == "timeout" and re.fullmatch(r"\d+\.\d*", value.strip()):
                        value = float(value)
                    elif key != "chat_id":
                        raise TelegramError(400, f"Bad Request: invalid {key} specified")
                elif key in BOOL_PARAMS:
                    value = value.strip().lower() in ("true", "1")
            out[key] = value
        return out

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        token = request.match_info["token"]
        method = self._canonical(request.match_info["method"])
        params: dict[str, Any] = {}
        files: dict[str, tuple[str, bytes]] = {}
        try:
            if token != self.token:
                raise TelegramError(401, "Unauthorized")
            params, files, ctypes = await self._read_params(request)
            self._check_scripted(method, params)
            handler = getattr(self, f"_m_{method}", None)
            if handler is None and method in TRIVIAL_METHODS:
                result: Any = True
            elif handler is None:
                raise TelegramError(404, "Not Found")
            else:
                uploads = {k: (name, data, ctypes.get(k, "")) for k, (name, data) in files.items()}
                result = handler(params, uploads)
                if asyncio.iscoroutine(result):
                    result = await result
            status, body = 200, {"ok": True, "result": result}
            if method in self.flood_methods and isinstance(params.get("chat_id"), int):
                self._note_sent(params["chat_id"])
        except TelegramError as exc:
            status = exc.status
            body = {"ok": False, "error_code": exc.status, "description": exc.description}
            if exc.parameters:
                body["parameters"] = exc.parameters
        except Exception as exc:  # a bug in the fake: make it loud but keep serving
            status = 500
            body = {"ok": False, "error_code": 500, "description": f"Internal Server Error: fake bug: {exc!r}"}
        self._record(method, params, status, body, token, files)
        return web.json_response(body, status=status)

    def _record(
        self,
        method: str,
        params: dict[str, Any],
        status: int,
        body: dict[str, Any],
        token: str,
        files: dict[str, tuple[str, bytes]],
    ) -> None:
        with self._changed:
            self._calls.append(Call(method, params, status, body, token, _now(), files))
            self._changed.notify_all()

    # -- generic checks ----------------------------------------------------------------------------

    def _check_scripted(self, method: str, params: dict[str, Any]) -> None:
        with self._lock:
            for key in (method, "*"):
                queue = self._faults.get(key)
                if queue:
                    fault = queue[0]
                    fault.times -= 1
                    if fault.times <= 0:
                        queue.popleft()
                    raise TelegramError(fault.status, fault.description, fault.parameters)
            chat_id = params.get("chat_id")
            if isinstance(chat_id, int) and method not in ("getChatMember", "getChat"):
                if chat_id in self._migrations:
                    raise TelegramError(
                        400,
                        "Bad Request: group chat was upgraded to a supergroup chat",
                        {"migrate_to_chat_id": self._migrations[chat_id]},
                    )
                if chat_id in self._chat_faults:
                    status, description = self._chat_faults[chat_id]
                    raise TelegramError(status, description)
            if method in self.flood_methods and chat_id is not None:
                self._check_flood(chat_id)

    def _check_flood(self, chat_id: int | str) -> None:
        limits = self._flood
        if not any(v is not None for v in limits.values()):
            return
        now = _now()
        while self._sent_times and self._sent_times[0][0] < now - 60:
            self._sent_times.popleft()
        cid = chat_id if isinstance(chat_id, int) else hash(chat_id)

        def over(limit: float | None, window: float, pred: Callable[[int], bool]) -> float:
            if limit is None:
                return 0.0
            times = [t for t, c in self._sent_times if t > now - window and pred(c)]
            if len(times) >= limit:
                return times[-int(limit)] + window - now
            return 0.0

        retry = max(
            over(limits["per_chat_per_second"], 1.0, lambda c: c == cid),
            over(limits["overall_per_second"], 1.0, lambda c: True),
            over(limits["group_per_minute"], 60.0, lambda c: c == cid) if cid < 0 else 0.0,
        )
        if retry > 0:
            seconds = max(1, math.ceil(retry))
            raise TelegramError(429, f"Too Many Requests: retry after {seconds}", {"retry_after": seconds})

    def _note_sent(self, chat_id: int) -> None:
        with self._lock:
            if any(v is not None for v in self._flood.values()):
                self._sent_times.append((_now(), chat_id))

    def _chat_id(self, params: dict[str, Any], name: str = "chat_id") -> int:
        chat_id = params.get(name)
        if chat_id is None or chat_id == "":
            raise TelegramError(400, f"Bad Request: {name} is empty")
        if isinstance(chat_id, str):
            with self._lock:
                for chat in self._chats.values():
                    if chat.get("username") and "@" + chat["username"] == chat_id:
                        return chat["id"]
            raise TelegramError(400, "Bad Request: chat not found")
        return int(chat_id)

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
                replied = self._messages.get(m.chat_id, {}).get(m.reply_to_message_id)
                if replied is not None:
                    inner = copy.deepcopy(replied.raw)
                    inner.pop("reply_to_message", None)
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

    def _m_getMe(self, params: dict, files: dict) -> dict[str, Any]:
        return dict(self.bot_user)

    async def _m_getUpdates(self, params: dict, files: dict) -> list[dict[str, Any]]:
        with self._lock:
            if self._webhook is not None:
                raise TelegramError(
                    409,
                    "Conflict: can't use getUpdates method while webhook is active; use "
                    "deleteWebhook to delete the webhook first",
                )
            self._poll_generation += 1
            generation = self._poll_generation
            self.last_poll_started = _now()  # a bot is ready once its first long poll is waiting
            if "allowed_updates" in params and isinstance(params["allowed_updates"], list):
                self._allowed_updates = list(params["allowed_updates"])
        self._wake_on_loop()  # terminates an older long poll (409 below)
        offset = params.get("offset")
        limit = params.get("limit") or 100
        limit = max(1, min(100, int(limit)))
        timeout = float(params.get("timeout") or 0)
        deadline = _now() + max(0.0, timeout)
        while True:
            with self._lock:
                if self._stopping:
                    return []
                if generation != self._poll_generation:
                    raise TelegramError(
                        409,
                        "Conflict: terminated by other getUpdates request; make sure that only "
                        "one bot instance is running",
                    )
                if self._webhook is not None:
                    raise TelegramError(409, "Conflict: terminated by setWebhook request")
                self._ack(offset)
                batch = self._deliverable()[:limit]
                if batch:
                    return copy.deepcopy(batch)
                event = self._wake_event
            remaining = deadline - _now()
            if remaining <= 0 or event is None:
                return []
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)

    def _ack(self, offset: int | None) -> None:
        if offset is None:
            return
        offset = int(offset)
        if offset < 0:
            keep = -offset
            while len(self._updates) > keep:
                self._updates.popleft()
        else:
            while self._updates and self._updates[0]["update_id"] < offset:
                self._updates.popleft()

    def _deliverable(self) -> list[dict[str, Any]]:
        """Pending updates of allowed types (others are dropped, as Telegram never stores them)."""
        allowed = self._allowed_updates
        default_excluded = {"chat_member", "message_reaction", "message_reaction_count"}
        kept: deque[dict[str, Any]] = deque()
        for upd in self._updates:
            kind = next(k for k in upd if k != "update_id")
            if (allowed and kind in allowed) or (not allowed and kind not in default_excluded):
                kept.append(upd)
        self._updates = kept
        return list(kept)

    def _m_setWebhook(self, params: dict, files: dict) -> bool:
        url = params.get("url") or ""
        if not url:
            return self._m_deleteWebhook(params, files)
        if not str(url).startswith(("http://", "https://")):
            raise TelegramError(400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
            raise TelegramError(400, "Bad Request: secret token contains unallowed characters")
        with self._lock:
            self._webhook = {
                "url": url,
                "secret_token": secret,
                "max_connections": int(params.get("max_connections") or 40),
                "allowed_updates": params.get("allowed_updates"),
            }
            if isinstance(params.get("allowed_updates"), list):
                self._allowed_updates = list(params["allowed_updates"])
            if params.get("drop_pending_updates"):
                self._updates.clear()
            self._webhook_last_error = None
        self._wake_on_loop()
        return True

    def _m_deleteWebhook(self, params: dict, files: dict) -> bool:
        with self._lock:
            self._webhook = None
            if params.get("drop_pending_updates"):
                self._updates.clear()
        if self._webhook_task is not None:
            self._webhook_task.cancel()
            self._webhook_task = None
        return True

    def _m_getWebhookInfo(self, params: dict, files: dict) -> dict[str, Any]:
        with self._lock:
            info: dict[str, Any] = {
                "url": self._webhook["url"] if self._webhook else "",
                "has_custom_certificate": False,
                "pending_update_count": len(self._deliverable()),
            }
            if self._webhook:
                info["max_connections"] = self._webhook["max_connections"]
                info["ip_address"] = HOST
                if self._webhook.get("allowed_updates") is not None:
                    info["allowed_updates"] = self._webhook["allowed_updates"]
            if self._webhook_last_error:
                info["last_error_date"], info["last_error_message"] = self._webhook_last_error
            return info

    def _ensure_webhook_task(self) -> None:
        if self._webhook is None or self._stopping:
            return
        if self._webhook_task is None or self._webhook_task.done():
            self._webhook_task = asyncio.get_running_loop().create_task(self._webhook_sender())

    async def _webhook_sender(self) -> None:
        """Deliver pending updates one at a time, in order; retry each until it gets a 2xx."""
        attempt = 0
        while True:
            with self._lock:
                hook = self._webhook
                pending = self._deliverable() if hook else []
                event = self._wake_event
            if hook is None or self._stopping:
                return
            if not pending:
                if event is None:
                    return
                await event.wait()
                continue
            update = pending[0]
            headers = {"Content-Type": "application/json"}
            if hook.get("secret_token"):
                headers["X-Telegram-Bot-Api-Secret-Token"] = hook["secret_token"]
            status, error = 0, ""
            try:
                assert self._http is not None
                async with self._http.post(hook["url"], data=json.dumps(update), headers=headers) as r:
                    status = r.status
                    await r.read()
                    if not 200 <= status < 300:
                        error = f"Wrong response from the webhook: {status} {r.reason}"
            except (aiohttp.ClientError, TimeoutError, OSError) as exc:
                error = f"Connection failed: {exc!r}"
            with self._changed:
                self.webhook_deliveries.append(
                    {"update_id": update["update_id"], "status": status, "error": error, "time": _now()}
                )
                if not error:
                    attempt = 0
                    if self._updates and self._updates[0] is update:
                        self._updates.popleft()
                    else:
                        with contextlib.suppress(ValueError):
                            self._updates.remove(update)
                else:
                    self._webhook_last_error = (self._date(), error)
                self._changed.notify_all()
            if error:
                attempt += 1
                await asyncio.sleep(min(self.webhook_retry_delay * 2 ** min(attempt - 1, 6), 2.0))

    def _m_setMyCommands(self, params: dict, files: dict) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise TelegramError(400, "Bad Request: can't parse commands JSON object")
        for cmd in commands:
            name = str(cmd.get("command", "")) if isinstance(cmd, dict) else ""
            if not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise TelegramError(400, "Bad Request: BOT_COMMAND_INVALID")
            desc = str(cmd.get("description", ""))
            if not 1 <= len(desc) <= 256:
                raise TelegramError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        key = self._commands_key(params)
        with self._lock:
            self._commands[key] = [{"command": c["command"], "description": c["description"]} for c in commands]
        return True

    @staticmethod
    def _commands_key(params: dict[str, Any]) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")

    def _m_getMyCommands(self, params: dict, files: dict) -> list[dict[str, Any]]:
        with self._lock:
            return copy.deepcopy(self._commands.get(self._commands_key(params), []))

    def _m_deleteMyCommands(self, params: dict, files: dict) -> bool:
        with self._lock:
            self._commands.pop(self._commands_key(params), None)
        return True

    def _m_sendMessage(self, params: dict, files: dict) -> dict[str, Any]:
        chat_id = self._chat_id(params)
        plain, ents = self._parse_text(
            params.get("text"), params.get("parse_mode"), params.get("entities"),
            limit=MAX_TEXT, what="message", allow_empty=False,
        )  # fmt: skip
        markup = self._check_markup(params.get("reply_markup"))
        reply_to = self._reply_to(params, chat_id)
        with self._changed:
            stored = StoredMessage(
                message_id=self._alloc_message_id(chat_id),
                chat_id=chat_id,
                text=str(params.get("text")),
                plain_text=plain,
                parse_mode=params.get("parse_mode"),
                entities=ents,
                reply_markup=markup,
                reply_to_message_id=reply_to,
                edits=[],
                deleted=False,
                link_preview_disabled=self._preview_disabled(params),
                from_bot=True,
                date=self._date(),
            )
            self._messages.setdefault(chat_id, {})[stored.message_id] = stored
            stored.raw = self._message_json(stored)
            self._changed.notify_all()
            return copy.deepcopy(stored.raw)

    def _bot_message(self, params: dict[str, Any], action: str) -> StoredMessage | None:
        """Target of an edit; None for inline messages."""
        if params.get("inline_message_id"):
            return None
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
        plain, ents = self._parse_text(
            params.get("text"), params.get("parse_mode"), params.get("entities"),
            limit=MAX_TEXT, what="message", allow_empty=False,
        )  # fmt: skip
        markup = self._check_markup(params.get("reply_markup"))
        if stored is None:
            return True
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
            stored.raw = self._message_json(stored)
            self._changed.notify_all()
            return copy.deepcopy(stored.raw)

    def _m_editMessageReplyMarkup(self, params: dict, files: dict) -> dict[str, Any] | bool:
        stored = self._bot_message(params, "edit")
        markup = self._check_markup(params.get("reply_markup"))
        if stored is None:
            return True
        with self._changed:
            if markup == stored.reply_markup:
                raise TelegramError(400, NOT_MODIFIED)
            stored.reply_markup = markup
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

    def _m_sendChatAction(self, params: dict, files: dict) -> bool:
        self._chat_id(params)
        if params.get("action") not in CHAT_ACTIONS:
            raise TelegramError(400, "Bad Request: wrong parameter action in request")
        return True

    def _m_answerCallbackQuery(self, params: dict, files: dict) -> bool:
        cq_id = str(params.get("callback_query_id") or "")
        text = params.get("text")
        with self._changed:
            entry = self._callbacks.get(cq_id)
            if entry is None or entry["answered"]:
                raise TelegramError(
                    400,
                    "Bad Request: query is too old and response timeout expired or query ID is invalid",
                )
            if text is not None and len(str(text)) > 200:
                raise TelegramError(400, "Bad Request: MESSAGE_TOO_LONG")
            entry["answered"] = True
            self.answered_callbacks.append(
                {"callback_query_id": cq_id, **{k: v for k, v in params.items() if k != "callback_query_id"}}
            )
            self._changed.notify_all()
        return True

    def _m_answerInlineQuery(self, params: dict, files: dict) -> bool:
        iq_id = str(params.get("inline_query_id") or "")
        results = params.get("results")
        with self._changed:
            entry = self._inline_queries.get(iq_id)
            if entry is None or entry["answered"]:
                raise TelegramError(
                    400,
                    "Bad Request: query is too old and response timeout expired or query ID is invalid",
                )
            if not isinstance(results, list):
                raise TelegramError(400, "Bad Request: can't parse results JSON object")
            if len(results) > 50:
                raise TelegramError(400, "Bad Request: RESULTS_TOO_MUCH")
            ids = [str(r.get("id")) for r in results]
            if len(set(ids)) != len(ids):
                raise TelegramError(400, "Bad Request: RESULT_ID_DUPLICATE")
            entry["answered"] = True
            self.answered_inline_queries.append(dict(params))
            self._changed.notify_all()
        return True

    def _m_sendMessageDraft(self, params: dict, files: dict) -> bool:
        chat_id = self._chat_id(params)
        if chat_id < 0:
            raise TelegramError(400, "Bad Request: drafts can be sent only to private chats")
        draft_id = params.get("draft_id")
        if not isinstance(draft_id, int) or draft_id == 0:
            raise TelegramError(400, "Bad Request: draft_id must be non-zero")
        plain, _ents = self._parse_text(
            params.get("text"), params.get("parse_mode"), params.get("entities"),
            limit=MAX_TEXT, what="message", allow_empty=True,
        )  # fmt: skip
        with self._changed:
            self._drafts.setdefault(chat_id, []).append(
                {
                    "draft_id": draft_id,
                    "text": params.get("text"),
                    "plain_text": plain,
                    "parse_mode": params.get("parse_mode"),
                    "time": _now(),
                }
            )
            self._changed.notify_all()
        return True

    def _m_sendDocument(self, params: dict, files: dict) -> dict[str, Any]:
        chat_id = self._chat_id(params)
        doc_param = params.get("document")
        content: bytes | None = None
        file_name: str | None = None
        mime: str | None = None
        if "document" in files:
            file_name, content, mime = files["document"]
        elif isinstance(doc_param, str) and doc_param.startswith("attach://"):
            name = doc_param[len("attach://") :]
            if name not in files:
                raise TelegramError(400, "Bad Request: wrong file identifier/HTTP URL specified")
            file_name, content, mime = files[name]
        elif isinstance(doc_param, str) and doc_param:
            file_name = doc_param.rsplit("/", 1)[-1] or "file"
        else:
            raise TelegramError(400, "Bad Request: there is no document in the request")
        if content is not None and len(content) == 0:
            raise TelegramError(400, "Bad Request: file must be non-empty")
        plain_caption, ents = self._parse_text(
            params.get("caption"), params.get("parse_mode"), params.get("caption_entities"),
            limit=MAX_CAPTION, what="caption", allow_empty=True,
        )  # fmt: skip
        markup = self._check_markup(params.get("reply_markup"))
        reply_to = self._reply_to(params, chat_id)
        with self._changed:
            mid = self._alloc_message_id(chat_id)
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
            stored = StoredMessage(
                message_id=mid,
                chat_id=chat_id,
                text=None,
                plain_text=None,
                parse_mode=params.get("parse_mode"),
                entities=ents,
                reply_markup=markup,
                reply_to_message_id=reply_to,
                edits=[],
                deleted=False,
                link_preview_disabled=False,
                from_bot=True,
                date=self._date(),
                kind="document",
                caption=params.get("caption"),
                plain_caption=plain_caption or None,
                document=document,
                document_bytes=content,
            )
            self._messages.setdefault(chat_id, {})[mid] = stored
            stored.raw = self._message_json(stored)
            self._changed.notify_all()
            return copy.deepcopy(stored.raw)

    def _member_json(self, chat_id: int, user_id: int) -> dict[str, Any]:
        user = (
            {k: self.bot_user[k] for k in ("id", "is_bot", "first_name", "username")}
            if user_id == self.bot_user["id"]
            else self._user_dict(user_id)
        )
        status = self._admins.get(chat_id, {}).get(user_id, "member")
        member: dict[str, Any] = {"status": status, "user": user}
        if status == "creator":
            member["is_anonymous"] = False
        elif status == "administrator":
            member.update(_ADMIN_RIGHTS)
        return member

    def _m_getChatMember(self, params: dict, files: dict) -> dict[str, Any]:
        chat_id = self._chat_id(params)
        user_id = params.get("user_id")
        if not isinstance(user_id, int):
            raise TelegramError(400, "Bad Request: invalid user_id specified")
        with self._lock:
            if chat_id > 0 and user_id == chat_id:
                return {"status": "member", "user": self._user_dict(user_id)}
            return self._member_json(chat_id, user_id)

    def _m_getChatAdministrators(self, params: dict, files: dict) -> list[dict[str, Any]]:
        chat_id = self._chat_id(params)
        if chat_id > 0:
            raise TelegramError(400, "Bad Request: there are no administrators in the private chat")
        with self._lock:
            return [self._member_json(chat_id, uid) for uid in self._admins.get(chat_id, {})]

    def _m_getChat(self, params: dict, files: dict) -> dict[str, Any]:
        chat_id = self._chat_id(params)
        with self._lock:
            chat = self._chat_dict(chat_id)
        chat.update(
            {
                "accent_color_id": 0,
                "max_reaction_count": 11,
                "accepted_gift_types": {
                    "unlimited_gifts": False,
                    "limited_gifts": False,
                    "unique_gifts": False,
                    "premium_subscription": False,
                    "gifts_from_channels": False,
                },
            }
        )
        return chat

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


_ADMIN_RIGHTS: dict[str, Any] = {
    "can_be_edited": False,
    "is_anonymous": False,
    "can_manage_chat": True,
    "can_delete_messages": True,
    "can_manage_video_chats": True,
    "can_restrict_members": True,
    "can_promote_members": False,
    "can_change_info": True,
    "can_invite_users": True,
    "can_post_stories": False,
    "can_edit_stories": False,
    "can_delete_stories": False,
    "can_pin_messages": True,
}
_RESTRICTED: dict[str, Any] = {
    "is_member": True,
    "can_send_messages": True,
    "can_send_audios": True,
    "can_send_documents": True,
    "can_send_photos": True,
    "can_send_videos": True,
    "can_send_video_notes": True,
    "can_send_voice_notes": True,
    "can_send_polls": True,
    "can_send_other_messages": True,
    "can_add_web_page_previews": True,
    "can_change_info": False,
    "can_invite_users": False,
    "can_pin_messages": False,
    "can_manage_topics": False,
    "until_date": 0,
}


__all__ = ["DEFAULT_TOKEN", "Call", "FakeTelegram", "StoredMessage", "TelegramError"]
