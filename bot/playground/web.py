"""The playground: the Bot API emulator plus a web chat on the same port.

The browser talks JSON to ``/api/*`` and listens to ``/api/events`` (server-sent events). A tab is a
user; a chat is a private chat (id = user id) or the shared group. What the browser shows is what the
emulator stored from the bot's calls: text plus entities, exactly what a Telegram client gets.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import time
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.playground.emulator import BotApiEmulator

STATIC = Path(__file__).parent / "static"
GROUP_CHAT_ID = -1000000000042
KEEPALIVE_SECONDS = 15.0
# Calls whose result is a Message the chat view shows (new, or changed in place).
MESSAGE_METHODS = frozenset({"sendMessage", "editMessageText", "editMessageReplyMarkup", "sendDocument"})


class Playground(BotApiEmulator):
    """``Playground(token, host=..., port=...)``: serves the Bot API and the chat page."""

    thread_name = "playground"

    def __init__(self, token: str, **kwargs: Any) -> None:
        super().__init__(token, **kwargs)
        self._subscribers: list[tuple[int, asyncio.Queue[dict[str, Any]]]] = []

    def _date(self) -> int:
        return int(time.time())  # the chat shows real times (the test suite's emulator counts from a fixed epoch)

    @property
    def bot_ready(self) -> bool:
        """The bot has started long polling."""
        return self.last_poll_started is not None

    # -- events -----------------------------------------------------------------------------------

    def _after_call(self, method: str, params: dict[str, Any], status: int, body: dict[str, Any]) -> None:
        if 200 <= status < 300:
            for event in self._events_of(method, params, body.get("result")):
                self._publish(event)

    def _events_of(self, method: str, params: dict[str, Any], result: Any) -> list[dict[str, Any]]:
        chat_id = params.get("chat_id")
        if method in MESSAGE_METHODS and isinstance(result, dict):
            event = {"type": "message", "chat_id": result["chat"]["id"], "message": result}
            markup = params.get("reply_markup")
            if isinstance(markup, dict) and markup.get("force_reply"):
                # not part of a Bot API Message, but a Telegram client knows it: it starts a reply
                event["force_reply"] = {"placeholder": markup.get("input_field_placeholder")}
            return [event]
        if method == "deleteMessage":
            return [{"type": "delete", "chat_id": chat_id, "message_id": params.get("message_id")}]
        if method == "deleteMessages":
            return [{"type": "delete", "chat_id": chat_id, "message_id": m} for m in params.get("message_ids", [])]
        if method == "sendMessageDraft":
            draft = self.drafts(self._chat_id(params))[-1]
            return [{"type": "draft", "chat_id": chat_id, "draft_id": draft["draft_id"], "text": draft["plain_text"]}]
        if method == "sendChatAction":
            return [{"type": "action", "chat_id": chat_id, "action": params.get("action")}]
        if method == "answerCallbackQuery" and params.get("text"):
            target = self._callbacks.get(str(params.get("callback_query_id")), {})
            alert = bool(params.get("show_alert"))
            return [{"type": "toast", "chat_id": target.get("chat_id"), "text": params["text"], "alert": alert}]
        if method in ("setMyCommands", "deleteMyCommands"):
            return [{"type": "commands", "chat_id": None}]
        return []

    def _publish(self, event: dict[str, Any]) -> None:
        """Runs on the server loop; ``chat_id`` None goes to every chat."""
        for chat_id, queue in list(self._subscribers):
            if event.get("chat_id") in (None, chat_id):
                queue.put_nowait(event)

    # -- routes -----------------------------------------------------------------------------------

    def _add_routes(self, app: web.Application) -> None:
        app.router.add_get("/", self._page)
        app.router.add_static("/static/", STATIC)
        app.router.add_get("/api/state", self._state)
        app.router.add_get("/api/events", self._events)
        app.router.add_post("/api/send", self._send)
        app.router.add_post("/api/press", self._press)
        app.router.add_post("/api/upload", self._upload)

    async def _page(self, request: web.Request) -> web.StreamResponse:
        return web.FileResponse(STATIC / "index.html")

    async def _state(self, request: web.Request) -> web.Response:
        chat_id = _chat_param(request.query.get("chat_id"))
        with self._lock:
            stored = sorted(self._messages.get(chat_id, {}).values(), key=lambda m: m.message_id)
            history = [m.raw for m in stored if not m.deleted]
        return web.json_response(
            {
                "bot": {k: self.bot_user[k] for k in ("id", "first_name", "username")},
                "ready": self.bot_ready,
                "group_chat_id": GROUP_CHAT_ID,
                "commands": self.commands,
                "messages": history,
            }
        )

    async def _events(self, request: web.Request) -> web.StreamResponse:
        chat_id = _chat_param(request.query.get("chat_id"))
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        entry = (chat_id, queue)
        self._subscribers.append(entry)
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"})
        await response.prepare(request)
        try:
            await response.write(b": connected\n\n")
            while not self._stopping:
                try:
                    event = await asyncio.wait_for(queue.get(), KEEPALIVE_SECONDS)
                except TimeoutError:
                    await response.write(b": keep-alive\n\n")
                    continue
                await response.write(f"data: {json.dumps(event)}\n\n".encode())
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        finally:
            with contextlib.suppress(ValueError):
                self._subscribers.remove(entry)
        return response

    async def _send(self, request: web.Request) -> web.Response:
        body = await _json_body(request)
        text = str(body.get("text") or "").strip()
        if not text:
            raise web.HTTPBadRequest(text="empty message")
        chat_id, user = _chat_and_user(body)
        reply_to = body.get("reply_to")
        try:
            message = self.push_message(chat_id, text, reply_to_message_id=_int(reply_to) if reply_to else None, **user)
        except KeyError as exc:
            raise web.HTTPBadRequest(text=str(exc)) from None
        self._publish({"type": "message", "chat_id": chat_id, "message": message})
        return web.json_response({"message": message})

    async def _press(self, request: web.Request) -> web.Response:
        body = await _json_body(request)
        chat_id, user = _chat_and_user(body)
        try:
            callback_id = self.push_callback(
                chat_id, _int(body.get("message_id")), str(body.get("data") or ""),
                user_id=user["user_id"], first_name=user["first_name"],
            )  # fmt: skip
        except KeyError as exc:
            raise web.HTTPBadRequest(text=str(exc)) from None
        return web.json_response({"callback_query_id": callback_id})

    async def _upload(self, request: web.Request) -> web.Response:
        """A file sent as a document (an OPML list of feeds, say)."""
        form = await request.post()
        upload = form.get("file")
        if not isinstance(upload, web.FileField):
            raise web.HTTPBadRequest(text="no file")
        data = upload.file.read()
        chat_id, user = _chat_and_user(dict(form))
        file_id = f"upload-{secrets.token_hex(8)}"
        self.add_file(file_id, data)
        document = {"file_id": file_id, "file_name": upload.filename, "file_size": len(data),
                    "mime_type": upload.content_type or "application/octet-stream"}  # fmt: skip
        message = self.push_message(chat_id, None, document=document, **user)
        self._publish({"type": "message", "chat_id": chat_id, "message": message})
        return web.json_response({"message": message})


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise web.HTTPBadRequest(text=f"not a number: {value!r}") from None


def _chat_param(value: str | None) -> int:
    return GROUP_CHAT_ID if value == "group" else _int(value)


async def _json_body(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise web.HTTPBadRequest(text="JSON body expected") from None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text="JSON object expected")
    return body


def _chat_and_user(body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """The chat a tab writes in and who the tab is: private chats are the user's own id."""
    user_id = _int(body.get("user_id"))
    if user_id <= 0:
        raise web.HTTPBadRequest(text="user_id must be positive")
    chat_id = GROUP_CHAT_ID if body.get("chat") == "group" else user_id
    name = str(body.get("first_name") or f"Guest {user_id % 1000}")[:64]
    return chat_id, {"user_id": user_id, "first_name": name}
