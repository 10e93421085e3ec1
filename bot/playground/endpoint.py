"""The emulator's HTTP side: routes, parameter decoding (query, form, JSON, multipart), the checks
every call passes (chat state, flood control) and the record of each call."""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

import aiohttp
from aiohttp import BodyPartReader, web

from bot.playground.api_types import (
    BOOL_PARAMS,
    INT_PARAMS,
    JSON_PARAMS,
    TRIVIAL_METHODS,
    Call,
    TelegramError,
    now,
)
from bot.playground.state import EmulatorState


class HttpEndpoint(EmulatorState):
    """Serves ``/bot{token}/{method}`` and ``/file/bot{token}/{path}`` like api.telegram.org."""

    def _build_app(self) -> web.Application:
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_route("*", "/file/bot{token}/{path:.*}", self._handle_file)
        self._add_routes(app)
        app.router.add_route("*", "/{tail:.*}", self._not_found)
        return app

    def _add_routes(self, app: web.Application) -> None:
        """More routes served beside the Bot API (the playground's web chat)."""

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
                    if not isinstance(part, BodyPartReader) or part.name is None:
                        continue  # nested multipart: the Bot API never uses it
                    if part.filename is not None:
                        data = await part.read()
                        files[part.name] = (part.filename, bytes(data))
                        ctypes[part.name] = part.headers.get("Content-Type", "")
                    else:
                        params[part.name] = await part.text()
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
            self._check_call(method, params)
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
        except Exception as exc:  # a bug in the emulator: make it loud but keep serving
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
            self._calls.append(Call(method, params, status, body, token, now(), files))
            self._changed.notify_all()
        self._after_call(method, params, status, body)

    def _after_call(self, method: str, params: dict[str, Any], status: int, body: dict[str, Any]) -> None:
        """Hook for a subclass that shows calls as they are answered (the playground's chat view)."""

    # -- generic checks ----------------------------------------------------------------------------

    def _check_call(self, method: str, params: dict[str, Any]) -> None:
        """Raise the error Telegram would give before running the method (blocked chat, migrated
        group, flood control)."""
        with self._lock:
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
        current = now()
        while self._sent_times and self._sent_times[0][0] < current - 60:
            self._sent_times.popleft()
        cid = chat_id if isinstance(chat_id, int) else hash(chat_id)

        def over(limit: float | None, window: float, pred: Callable[[int], bool]) -> float:
            if limit is None:
                return 0.0
            times = [t for t, c in self._sent_times if t > current - window and pred(c)]
            if len(times) >= limit:
                return times[-int(limit)] + window - current
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
                self._sent_times.append((now(), chat_id))
