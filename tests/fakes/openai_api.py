"""A fake OpenAI-compatible server (Chat Completions), real HTTP on 127.0.0.1.

``AsyncOpenAI(base_url=fake.base_url, api_key="x")`` or ``OPENAI_BASE_URL=fake.base_url``.

What the next reply is, in order of precedence:

1. the FIFO of one-shot scripts (``push_reply`` / ``push_fault``), oldest first;
2. the responder set with ``set_responder(fn)``: ``fn(request_json)`` returns a ``str`` (content),
   a ``dict``/``list`` (JSON-dumped content), a :class:`Reply` or a :class:`Fault` (or raises a
   ``Fault``; any other exception becomes a 500 and is kept in ``responder_errors``);
3. the default: for ``response_format`` ``json_schema`` a minimal instance of the schema, for
   ``json_object`` ``{}``, otherwise ``"Fake reply #N."``.

Fault kinds for ``push_fault``/``Fault``: ``"429"`` (``retry_after`` seconds → ``retry-after`` and
``retry-after-ms`` headers), ``"500"``, any other HTTP status as a string (``"400"``, ``"401"``,
``"503"`` ...), ``"context_length"`` (400 ``context_length_exceeded``), ``"hang"`` (sleep
``seconds``, default 30, then answer normally), ``"garbage"`` (200 with content that is not valid
JSON), ``"refusal"`` (``message.refusal`` set, content null), ``"length"`` (finish_reason
"length", truncated content), ``"content_filter"``, ``"disconnect"`` (connection dropped without a
response).
"""

from __future__ import annotations

import asyncio
import copy
import json
import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from bot.playground.server_thread import HOST, ThreadedAiohttpServer


@dataclass
class Reply:
    """A successful completion."""

    content: str | dict | list | None = None
    finish_reason: str = "stop"
    refusal: str | None = None
    usage: dict[str, int] | None = None
    delay: float = 0.0  # extra seconds before answering


@dataclass(eq=False)
class Fault(Exception):
    """A failure (see module docstring for kinds). Also usable as ``raise Fault("500")`` in a responder."""

    kind: str
    retry_after: float | None = None
    seconds: float = 30.0
    message: str | None = None
    content: str | None = None  # for "garbage"/"length"/"hang": what to answer with
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        Exception.__init__(self, self.kind)


_ERRORS: dict[str, tuple[int, str, str | None, str]] = {
    # kind: (status, type, code, message)
    "429": (429, "requests", "rate_limit_exceeded",
            "Rate limit reached for requests. Please try again later."),
    "500": (500, "server_error", None, "The server had an error while processing your request."),
    "400": (400, "invalid_request_error", None, "Invalid request."),
    "401": (401, "invalid_request_error", "invalid_api_key", "Incorrect API key provided."),
    "403": (403, "invalid_request_error", "unsupported_country_region_territory",
            "Country, region, or territory not supported"),
    "404": (404, "invalid_request_error", "model_not_found", "The model does not exist."),
    "408": (408, "timeout", None, "Request timed out."),
    "422": (422, "invalid_request_error", None, "Unprocessable entity."),
    "502": (502, "server_error", None, "Bad gateway."),
    "503": (503, "server_error", None, "The engine is currently overloaded, please try again later."),
    "context_length": (400, "invalid_request_error", "context_length_exceeded",
                       "This model's maximum context length is 128000 tokens. However, your "
                       "messages resulted in 200000 tokens. Please reduce the length of the messages."),
}  # fmt: skip


def _error_body(message: str, type_: str, code: str | None, param: str | None = None) -> dict:
    return {"error": {"message": message, "type": type_, "code": code, "param": param}}


def schema_instance(schema: dict[str, Any], defs: dict[str, Any] | None = None) -> Any:
    """A minimal value that satisfies a (strict, pydantic-generated) JSON schema."""
    defs = defs if defs is not None else {**schema.get("$defs", {}), **schema.get("definitions", {})}
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return schema_instance(defs.get(name, {}), defs)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    if "default" in schema:
        return copy.deepcopy(schema["default"])
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [o for o in schema[key] if o.get("type") != "null"] or schema[key]
            return schema_instance(options[0], defs)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        required = schema.get("required", list(props))
        return {name: schema_instance(props[name], defs) for name in required if name in props}
    if kind == "array":
        n = schema.get("minItems", 0)
        return [schema_instance(schema.get("items", {}), defs) for _ in range(n)]
    if kind == "string":
        return "x" * max(1, schema.get("minLength", 1))
    if kind == "integer":
        return int(schema.get("minimum", 0))
    if kind == "number":
        return float(schema.get("minimum", 0))
    if kind == "boolean":
        return False
    return None


def _tokens(text: str) -> int:
    return max(1, math.ceil(len(text) / 4))


class FakeOpenAI(ThreadedAiohttpServer):
    """Fake OpenAI API. ``base_url`` ends in ``/v1``.

    Attributes you may set at any time: ``latency`` (seconds before every reply), ``chunk_delay``
    (seconds between streamed chunks), ``token_rate`` (tokens of ``TOKEN_CHARS`` characters per
    second: a model writing at that pace — a streamed reply comes one token per chunk, a plain one
    when all of it is written; None: at once, streams in four chunks), ``models`` (ids served by
    ``GET /v1/models``), ``api_key`` (when set, other keys get 401 ``invalid_api_key``).
    ``streams_aborted`` counts streams the client hung up on midway.
    """

    thread_name = "fake-openai"

    def __init__(
        self,
        *,
        latency: float = 0.0,
        chunk_delay: float = 0.0,
        models: list[str] | None = None,
        api_key: str | None = None,
        port: int = 0,
    ) -> None:
        super().__init__(port)
        self.latency = latency
        self.chunk_delay = chunk_delay
        self.token_rate: float | None = None
        self.models = list(models or ["gpt-4o-mini", "fake-model"])
        self.api_key = api_key
        self._responder: Callable[[dict[str, Any]], Any] | None = None
        self._replying = threading.Event()
        self._replying.set()
        self._reset_state()

    def pause(self) -> None:
        """Hold every successful reply (requests are recorded, then wait) until ``resume()``."""
        self._replying.clear()

    def resume(self) -> None:
        self._replying.set()

    def _reset_state(self) -> None:
        with self._lock:
            self._requests: list[dict[str, Any]] = []
            self._headers: list[dict[str, str]] = []
            self._script: deque[Reply | Fault] = deque()
            self._in_flight = 0
            self._peak = 0
            self._seq = 0
            self.responder_errors: list[BaseException] = []
            self.statuses: list[int] = []
            self.streams_aborted = 0

    def reset(self) -> None:
        """Forget requests and scripts; the responder and settings are kept."""
        self._reset_state()
        self._notify()

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}/v1"

    # -- scripting ---------------------------------------------------------------------------------

    def set_responder(self, fn: Callable[[dict[str, Any]], Any] | None) -> None:
        """``fn(request_json)`` → str | dict | list | Reply | Fault (None = built-in default)."""
        self._responder = fn

    def push_reply(
        self,
        content: str | dict | list | None,
        *,
        finish_reason: str = "stop",
        usage: dict[str, int] | None = None,
        delay: float = 0.0,
    ) -> None:
        """One-shot reply for the next request (FIFO shared with ``push_fault``)."""
        with self._lock:
            self._script.append(Reply(content, finish_reason=finish_reason, usage=usage, delay=delay))

    def push_fault(
        self,
        kind: str,
        *,
        retry_after: float | None = None,
        seconds: float = 30.0,
        message: str | None = None,
        content: str | None = None,
        times: int = 1,
    ) -> None:
        """One-shot fault(s) for the next ``times`` requests."""
        kind = str(kind)
        if kind not in _ERRORS and kind not in {
            "hang", "garbage", "refusal", "length", "content_filter", "disconnect",
        } and not kind.isdigit():  # fmt: skip
            raise ValueError(f"unknown fault kind {kind!r}")
        with self._lock:
            for _ in range(times):
                self._script.append(
                    Fault(kind, retry_after=retry_after, seconds=seconds, message=message, content=content)
                )

    # -- inspection --------------------------------------------------------------------------------

    @property
    def requests(self) -> list[dict[str, Any]]:
        """Every chat completion request body (parsed JSON), in arrival order."""
        with self._lock:
            return copy.deepcopy(self._requests)

    @property
    def request_headers(self) -> list[dict[str, str]]:
        with self._lock:
            return copy.deepcopy(self._headers)

    @property
    def last_request(self) -> dict[str, Any] | None:
        with self._lock:
            return copy.deepcopy(self._requests[-1]) if self._requests else None

    @property
    def count(self) -> int:
        with self._lock:
            return len(self._requests)

    @property
    def in_flight(self) -> int:
        with self._lock:
            return self._in_flight

    @property
    def peak_in_flight(self) -> int:
        with self._lock:
            return self._peak

    @property
    def pending_script(self) -> int:
        with self._lock:
            return len(self._script)

    def wait_for_requests(self, count: int = 1, timeout: float = 10.0) -> list[dict[str, Any]]:
        return self._wait_until(
            lambda: copy.deepcopy(self._requests) if len(self._requests) >= count else None,
            timeout,
            lambda: f"timed out waiting for {count} request(s); got {len(self._requests)}",
        )

    async def await_requests(
        self,
        count: int = 1,
        timeout: float = 10.0,  # noqa: ASYNC109 - mirrors wait_for_requests
    ) -> list[dict[str, Any]]:
        return await self._await_until(
            lambda: copy.deepcopy(self._requests) if len(self._requests) >= count else None,
            timeout,
            lambda: f"timed out waiting for {count} request(s); got {len(self._requests)}",
        )

    # -- server ------------------------------------------------------------------------------------

    def _build_app(self) -> web.Application:
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_post("/v1/chat/completions", self._chat)
        app.router.add_get("/v1/models", self._models)
        app.router.add_get("/v1/models/{model}", self._model)
        app.router.add_route("*", "/{tail:.*}", self._not_found)
        return app

    async def _not_found(self, request: web.Request) -> web.Response:
        return self._error(404, _error_body(f"Unknown request URL: {request.method} {request.path}.",
                                            "invalid_request_error", "unknown_url"))  # fmt: skip

    def _error(self, status: int, body: dict, headers: dict[str, str] | None = None) -> web.Response:
        with self._changed:
            self.statuses.append(status)
            self._changed.notify_all()
        return web.json_response(body, status=status, headers=headers)

    def _auth_error(self, request: web.Request) -> web.Response | None:
        if self.api_key is None:
            return None
        if request.headers.get("Authorization", "") != f"Bearer {self.api_key}":
            return self._error(401, _error_body("Incorrect API key provided.",
                                                "invalid_request_error", "invalid_api_key"))  # fmt: skip
        return None

    async def _models(self, request: web.Request) -> web.Response:
        if (err := self._auth_error(request)) is not None:
            return err
        data = [{"id": m, "object": "model", "created": 0, "owned_by": "fake"} for m in self.models]
        return web.json_response({"object": "list", "data": data})

    async def _model(self, request: web.Request) -> web.Response:
        model = request.match_info["model"]
        if model not in self.models:
            return self._error(404, _error_body(f"The model '{model}' does not exist",
                                                "invalid_request_error", "model_not_found"))  # fmt: skip
        return web.json_response({"id": model, "object": "model", "created": 0, "owned_by": "fake"})

    def _next_script(self, body: dict[str, Any], *, use_fifo: bool = True) -> Reply | Fault:
        with self._lock:
            if use_fifo and self._script:
                return self._script.popleft()
        responder = self._responder
        if responder is None:
            return Reply(self._default_content(body))
        try:
            result = responder(body)
        except Fault as fault:
            return fault
        except Exception as exc:
            with self._lock:
                self.responder_errors.append(exc)
            return Fault("500", message=f"fake responder raised {exc!r}")
        if isinstance(result, Reply | Fault):
            return result
        return Reply(result)

    def _default_content(self, body: dict[str, Any]) -> str:
        fmt = body.get("response_format") or {}
        if fmt.get("type") == "json_schema":
            schema = (fmt.get("json_schema") or {}).get("schema") or {}
            return json.dumps(schema_instance(schema))
        if fmt.get("type") == "json_object":
            return "{}"
        with self._lock:
            return f"Fake reply #{len(self._requests)}."

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        try:
            body = await request.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            return self._error(400, _error_body("We could not parse the JSON body of your request.",
                                                "invalid_request_error", None))  # fmt: skip
        with self._changed:
            self._requests.append(body)
            self._headers.append(dict(request.headers))
            self._seq += 1
            seq = self._seq
            self._in_flight += 1
            self._peak = max(self._peak, self._in_flight)
            self._changed.notify_all()
        try:
            if (err := self._auth_error(request)) is not None:
                return err
            if not body.get("model") or not isinstance(body.get("messages"), list):
                missing = "model" if not body.get("model") else "messages"
                return self._error(400, _error_body(f"Missing required parameter: '{missing}'.",
                                                    "invalid_request_error", "missing_required_parameter",
                                                    missing))  # fmt: skip
            script = self._next_script(body)
            if self.latency:
                await asyncio.sleep(self.latency)
            if isinstance(script, Fault):
                if script.kind == "hang":
                    await asyncio.sleep(script.seconds)
                    script = (
                        Reply(script.content) if script.content is not None else self._next_script(body, use_fifo=False)
                    )
                    if isinstance(script, Fault):
                        return self._fault_response(script)
                else:
                    response = await self._fault_or_reply(request, script, body, seq)
                    if response is not None:
                        return response
                    script = self._fault_as_reply(script, body)
            if script.delay:
                await asyncio.sleep(script.delay)
            # Paused: the request stays in flight until resume(), from the test's thread (hence a
            # threading.Event, polled: an asyncio.Event can't be set from another thread's loop).
            while not self._replying.is_set():  # noqa: ASYNC110
                await asyncio.sleep(0.01)
            return await self._respond(request, body, script, seq)
        finally:
            with self._changed:
                self._in_flight -= 1
                self._changed.notify_all()

    async def _fault_or_reply(
        self, request: web.Request, fault: Fault, body: dict, seq: int
    ) -> web.StreamResponse | None:
        if fault.kind == "disconnect":
            if request.transport is not None:
                request.transport.abort()
            with self._lock:
                self.statuses.append(0)
            return web.Response(status=500)
        if fault.kind in {"garbage", "refusal", "length", "content_filter"}:
            return None
        return self._fault_response(fault)

    def _fault_response(self, fault: Fault) -> web.Response:
        status, type_, code, message = _ERRORS.get(
            fault.kind, (int(fault.kind) if fault.kind.isdigit() else 500, "server_error", None,
                         f"Fake error {fault.kind}.")
        )  # fmt: skip
        headers: dict[str, str] = {}
        if fault.retry_after is not None:
            headers["retry-after"] = str(max(0, math.ceil(fault.retry_after)))
            headers["retry-after-ms"] = str(int(fault.retry_after * 1000))
        if status == 429:
            headers.setdefault("x-ratelimit-remaining-requests", "0")
        return self._error(status, _error_body(fault.message or message, type_, code), headers)

    def _fault_as_reply(self, fault: Fault, body: dict) -> Reply:
        if fault.kind == "garbage":
            return Reply(fault.content if fault.content is not None else
                         'Sure! Here is the summary: {"title": "unterminated')  # fmt: skip
        if fault.kind == "refusal":
            return Reply(None, refusal=fault.message or "I'm sorry, but I can't help with that.")
        if fault.kind == "length":
            full = fault.content if fault.content is not None else self._default_content(body)
            return Reply(full[: max(1, len(full) // 2)], finish_reason="length")
        return Reply(fault.content or "", finish_reason="content_filter")

    @staticmethod
    def _content_str(content: Any) -> str | None:
        if content is None or isinstance(content, str):
            return content
        return json.dumps(content, ensure_ascii=False)

    def _usage(self, body: dict, content: str | None, given: dict[str, int] | None) -> dict[str, Any]:
        if given is not None:
            return dict(given)
        prompt = sum(_tokens(json.dumps(m.get("content", ""))) for m in body.get("messages", []))
        completion = _tokens(content or "") if content else 0
        return {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
            "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
            "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0,
                                          "accepted_prediction_tokens": 0,
                                          "rejected_prediction_tokens": 0},
        }  # fmt: skip

    async def _respond(self, request: web.Request, body: dict, reply: Reply, seq: int) -> web.StreamResponse:
        content = self._content_str(reply.content)
        model = body.get("model")
        created = int(time.time())
        cid = f"chatcmpl-fake{seq:06d}"
        usage = self._usage(body, content, reply.usage)
        if not body.get("stream"):
            if self.token_rate and content:  # the model writes the whole reply before it is sent
                await asyncio.sleep(math.ceil(len(content) / TOKEN_CHARS) / self.token_rate)
            message: dict[str, Any] = {"role": "assistant", "content": content, "refusal": reply.refusal,
                                       "annotations": []}  # fmt: skip
            with self._lock:
                self.statuses.append(200)
            return web.json_response(
                {
                    "id": cid,
                    "object": "chat.completion",
                    "created": created,
                    "model": model,
                    "system_fingerprint": "fp_fake",
                    "service_tier": "default",
                    "choices": [
                        {"index": 0, "message": message, "finish_reason": reply.finish_reason,
                         "logprobs": None}
                    ],
                    "usage": usage,
                }
            )  # fmt: skip

        resp = web.StreamResponse(
            status=200,
            headers={"Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-cache"},
        )
        await resp.prepare(request)
        with self._lock:
            self.statuses.append(200)

        async def send(choices: list[dict[str, Any]], extra: dict[str, Any] | None = None) -> None:
            chunk = {"id": cid, "object": "chat.completion.chunk", "created": created, "model": model,
                     "system_fingerprint": "fp_fake", "choices": choices}  # fmt: skip
            if extra:
                chunk.update(extra)
            await resp.write(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode())

        def delta(d: dict[str, Any], finish: str | None = None) -> list[dict[str, Any]]:
            return [{"index": 0, "delta": d, "finish_reason": finish, "logprobs": None}]

        include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
        usage_none = {"usage": None} if include_usage else None
        await send(delta({"role": "assistant", "content": "", "refusal": None}), usage_none)
        field_name = "refusal" if reply.refusal is not None else "content"
        text = reply.refusal if reply.refusal is not None else content or ""
        rate = self.token_rate
        pieces = _split(text, max(1, math.ceil(len(text) / TOKEN_CHARS))) if rate else _split(text)
        try:
            for piece in pieces:
                if rate:
                    await asyncio.sleep(1 / rate)
                if self.chunk_delay:
                    await asyncio.sleep(self.chunk_delay)
                await send(delta({field_name: piece}), usage_none)
        except (ConnectionError, asyncio.CancelledError) as exc:  # the client hung up: the "model" stops
            with self._changed:
                self.streams_aborted += 1
                self._changed.notify_all()
            if isinstance(exc, asyncio.CancelledError):
                raise
            return resp
        await send(delta({}, reply.finish_reason), usage_none)
        if include_usage:
            await send([], {"usage": usage})
        await resp.write(b"data: [DONE]\n\n")
        await resp.write_eof()
        return resp


TOKEN_CHARS = 4  # characters per token, roughly, in English


def _split(text: str, pieces: int = 4) -> list[str]:
    """Split text into up to ``pieces`` chunks (like token deltas)."""
    if not text:
        return []
    size = max(1, math.ceil(len(text) / pieces))
    return [text[i : i + size] for i in range(0, len(text), size)]


__all__ = ["FakeOpenAI", "Fault", "Reply", "schema_instance"]
