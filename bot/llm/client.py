"""One OpenAI-compatible client for every LLM call: JSON-schema output, JSON-mode fallback, repair.

Chat Completions is the API every compatible server speaks (OpenAI, Ollama, vLLM, OpenRouter,
llama.cpp). Structured outputs are asked for with `response_format=json_schema`; a server that
rejects that gets JSON mode instead, and output that fails validation gets one repair turn.
Transport errors (timeouts, 429, 5xx) are retried with backoff by the SDK itself.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

import openai
from openai import AsyncOpenAI
from pydantic import BaseModel, ValidationError

from bot import metrics
from bot.config import Settings
from bot.errors import SummarizeError
from bot.llm.breaker import CircuitBreaker
from bot.llm.prompts import load_prompt
from bot.llm.usage import TokenBudget
from bot.metrics import TokenHold
from bot.models import Quote

if TYPE_CHECKING:
    from openai.types.chat import ChatCompletionMessageParam
    from openai.types.chat.completion_create_params import ResponseFormat

log = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)

# Called with the reply's text so far, after every streamed chunk (see ``LLM.complete_json``).
OnText = Callable[[str], Awaitable[None]]

# Phrases servers use when they don't implement json_schema response formats.
_NO_SCHEMA_HINTS = ("response_format", "json_schema", "not supported", "unsupported")


STRING_SCHEMA: dict[str, Any] = {"type": "string"}
# Quotes as every prompt asks for them; verified against the article before anyone sees them.
QUOTES_SCHEMA: dict[str, Any] = {
    "type": "array",
    "items": {
        "type": "object",
        "additionalProperties": False,
        "required": ["quote", "speaker"],
        "properties": {"quote": STRING_SCHEMA, "speaker": STRING_SCHEMA},
    },
}


class QuoteOut(BaseModel):
    quote: str
    speaker: str

    def to_quote(self) -> Quote:
        return Quote(text=self.quote.strip(), speaker=self.speaker.strip())


class LLM:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.model = settings.llm_model
        key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else "unused"
        self.client = AsyncOpenAI(
            base_url=settings.openai_base_url,
            api_key=key,
            timeout=settings.llm_timeout,
            max_retries=settings.llm_max_retries,
        )
        self._structured = True  # flips to False once a server rejects json_schema
        # one per process, shared by summaries and answers: the endpoint is down for both
        self.breaker = CircuitBreaker(threshold=settings.llm_breaker_failures, cooldown=settings.llm_breaker_cooldown)
        self.budget = TokenBudget(settings)

    def warm(self) -> None:
        """The SDK imports its chat resources on first use (~100 ms); do it now, not for the first summary."""
        self.client.chat.completions  # noqa: B018 - the attribute access is the point

    async def aclose(self) -> None:
        await self.client.close()

    async def complete_json(
        self, messages: list[dict[str, str]], out: type[M], *, schema_name: str, schema: dict[str, Any],
        on_text: OnText | None = None,
    ) -> M:
        """Ask for JSON matching `schema`, validate it as `out`; raise SummarizeError on failure.

        ``on_text``: the reply is streamed, and ``on_text`` awaited with the text so far after each
        chunk (a repair turn, rare, is not streamed: what was shown stays until the final result).
        """
        content = await self._complete(messages, schema_name, schema, on_text)
        try:
            return _validate(out, content)
        except ValueError as first_error:
            log.warning("llm output invalid, asking for a repair",
                        extra={"model": self.model, "error": _short(first_error)})
            repair = load_prompt("repair").render(
                error=_short(first_error), schema=json.dumps(schema, ensure_ascii=False)
            )
            messages = [*messages, {"role": "assistant", "content": content},
                        {"role": "user", "content": repair}]
            content = await self._complete(messages, schema_name, schema)
            try:
                return _validate(out, content)
            except ValueError as second_error:
                raise SummarizeError(
                    "The AI summarizer gave an unusable answer.",
                    code="llm_invalid",
                    detail=_short(second_error),
                ) from None

    async def _complete(
        self, messages: list[dict[str, str]], name: str, schema: dict[str, Any], on_text: OnText | None = None
    ) -> str:
        try:
            if self._structured:
                try:
                    return await self._create(
                        messages,
                        {"type": "json_schema",
                         "json_schema": {"name": name, "strict": True, "schema": schema}},
                        on_text,
                    )
                except openai.BadRequestError as exc:
                    if not any(h in str(exc).lower() for h in _NO_SCHEMA_HINTS):
                        raise
                    log.info("llm server has no json_schema support; using JSON mode", extra={"model": self.model})
                    self._structured = False
            return await self._create(messages, {"type": "json_object"}, on_text)
        except openai.APITimeoutError as exc:
            raise SummarizeError("The AI summarizer timed out.", code="llm_timeout", detail=str(exc)) from None
        except openai.APIError as exc:
            raise SummarizeError(
                "The AI summarizer is unavailable.", code="llm_error", detail=f"{type(exc).__name__}: {exc}"
            ) from None

    def _request(self, messages: list[dict[str, str]], response_format: dict[str, Any]) -> dict[str, Any]:
        """One request's arguments, streamed or not."""
        return {
            "model": self.model,
            # Plain dicts are what the API takes; the SDK's TypedDicts only narrow them for checkers.
            "messages": cast("list[ChatCompletionMessageParam]", messages),
            "response_format": cast("ResponseFormat", response_format),
            "temperature": 0.2,
            "max_tokens": self.settings.llm_max_output_tokens,
        }

    async def _create(
        self, messages: list[dict[str, str]], response_format: dict[str, Any], on_text: OnText | None = None
    ) -> str:
        hold = await self.budget.hold(messages)
        if on_text is not None:
            return await self._stream(messages, response_format, on_text, hold)
        started = time.monotonic()
        try:
            response = await self.client.chat.completions.create(**self._request(messages, response_format))
        except openai.APIError as exc:
            metrics.llm_call(self.model, type(exc).__name__, time.monotonic() - started)
            # A server that answered with an error generated nothing; a timeout may have cost tokens.
            if isinstance(exc, openai.APIStatusError):
                self.budget.release(hold)
            raise
        metrics.llm_call(self.model, "ok", time.monotonic() - started)
        self.budget.charge(self.model, response.usage, hold)
        if not response.choices:
            raise SummarizeError("The AI summarizer gave no answer.", code="llm_empty")
        message = response.choices[0].message
        if getattr(message, "refusal", None):
            raise SummarizeError(
                "The AI summarizer declined this article.", code="llm_refused", detail=str(message.refusal)
            )
        if response.choices[0].finish_reason == "length":
            log.warning("llm output hit the length limit", extra={"model": self.model})
        return message.content or ""

    async def _stream(
        self, messages: list[dict[str, str]], response_format: dict[str, Any], on_text: OnText,
        hold: TokenHold | None,
    ) -> str:  # fmt: skip
        """``_create`` as a stream: the same request and checks, ``on_text`` after every chunk.
        Cancelling the caller closes the connection, which stops the model's work too."""
        started = time.monotonic()
        content, refusal, finish, usage = "", "", None, None
        try:
            stream = await self.client.chat.completions.create(
                **self._request(messages, response_format), stream=True, stream_options={"include_usage": True}
            )
            async with stream:
                async for chunk in stream:
                    usage = chunk.usage or usage
                    if not chunk.choices:
                        continue
                    choice = chunk.choices[0]
                    finish = choice.finish_reason or finish
                    refusal += getattr(choice.delta, "refusal", None) or ""
                    if choice.delta.content:
                        content += choice.delta.content
                        await on_text(content)
        except openai.APIError as exc:
            metrics.llm_call(self.model, type(exc).__name__, time.monotonic() - started)
            if isinstance(exc, openai.APIStatusError) and not content:
                self.budget.release(hold)  # refused before a token was written
            raise
        metrics.llm_call(self.model, "ok", time.monotonic() - started)
        self.budget.charge(self.model, usage, hold)
        if refusal:
            raise SummarizeError("The AI summarizer declined this article.", code="llm_refused", detail=refusal)
        if finish is None and not content:
            raise SummarizeError("The AI summarizer gave no answer.", code="llm_empty")
        if finish == "length":
            log.warning("llm output hit the length limit", extra={"model": self.model})
        return content


def _validate(out: type[M], content: str) -> M:
    text = content.strip()
    if text.startswith("```"):  # some local models wrap JSON in a code fence despite JSON mode
        text = text.strip("`").removeprefix("json").strip()
    try:
        return out.model_validate_json(text)
    except ValidationError as exc:
        raise ValueError(str(exc)) from None


def _short(exc: BaseException, limit: int = 500) -> str:
    return str(exc).replace("\n", " ")[:limit]
