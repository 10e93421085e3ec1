"""The emulator's state and the helpers every part of it uses (chats, users, ids, waking pollers)."""

from __future__ import annotations

import asyncio
import copy
import itertools
import time
from collections import deque
from typing import Any, ClassVar

import aiohttp

from bot.playground.api_types import (
    EPOCH,
    FLOOD_METHODS,
    TRIVIAL_METHODS,
    Call,
    StoredMessage,
    TelegramError,
)
from bot.playground.server_thread import HOST, ThreadedAiohttpServer


class EmulatorState(ThreadedAiohttpServer):
    """Chats, users, messages, updates and settings, guarded by ``self._lock`` (see ThreadedAiohttpServer)."""

    def __init__(
        self,
        token: str,
        *,
        bot_username: str = "newsbot_bot",
        bot_first_name: str = "NewsBot",
        strict_html: bool = True,
        webhook_retry_delay: float = 0.1,
        port: int = 0,
        host: str = HOST,
    ) -> None:
        super().__init__(port, host=host)
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
            self._inline_messages: dict[str, StoredMessage] = {}  # sent via inline mode, by inline_message_id
            self.answered_callbacks: list[dict[str, Any]] = []
            self.answered_inline_queries: list[dict[str, Any]] = []
            self._commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
            self._admins: dict[int, dict[int, str]] = {}
            self._chat_faults: dict[int, tuple[int, str]] = {}
            self._migrations: dict[int, int] = {}
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

    def set_admin(self, chat_id: int, user_id: int, status: str = "administrator") -> None:
        """Make ``user_id`` an admin ("administrator" or "creator") of ``chat_id``."""
        if status not in ("administrator", "creator"):
            raise ValueError("status must be 'administrator' or 'creator'")
        with self._lock:
            self._admins.setdefault(int(chat_id), {})[int(user_id)] = status

    def remove_admin(self, chat_id: int, user_id: int) -> None:
        with self._lock:
            self._admins.get(int(chat_id), {}).pop(int(user_id), None)

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

    def _replied_json(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        """A copy of the Message a reply quotes (without its own quote), or None if there is none."""
        replied = self._messages.get(chat_id, {}).get(message_id)
        if replied is None:
            return None
        inner = copy.deepcopy(replied.raw)
        inner.pop("reply_to_message", None)
        return inner

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

    def _wake(self) -> None:
        """Wake long polls and the webhook sender (thread-safe)."""
        self.call_soon(self._wake_on_loop)

    def _wake_on_loop(self) -> None:
        if self._wake_event is not None:
            self._wake_event.set()
            self._wake_event = asyncio.Event()
        self._ensure_webhook_task()

    def _ensure_webhook_task(self) -> None:
        """Start delivering to a webhook if one is set (UpdateDelivery implements it)."""

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
