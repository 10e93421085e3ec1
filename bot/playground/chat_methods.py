"""The remaining Bot API methods: the bot itself, its commands, chat actions, callback answers,
chat members (inline answers: ``bot.playground.inline``)."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from bot.playground.api_types import (
    ADMIN_RIGHTS,
    CHAT_ACTIONS,
    TelegramError,
)
from bot.playground.state import EmulatorState


class ChatMethods(EmulatorState):
    """Small methods that answer from, or record into, the emulator state."""

    def _m_getMe(self, params: dict, files: dict) -> dict[str, Any]:
        return dict(self.bot_user)


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
            member.update(ADMIN_RIGHTS)
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

