"""At start-up, one warning line when the LLM can't be used: unreachable, key rejected, model unknown.

A warning, not an exit: every summary and answer falls back to the extractive engine while the
LLM fails (``bot.engines.policy``), so the bot is useful anyway, and the endpoint may come back.
"""

from __future__ import annotations

import logging

import openai

from bot.llm.client import LLM
from bot.net.reasons import network_reason

log = logging.getLogger(__name__)

PROBE_TIMEOUT = 5.0
_FALLBACK = "summaries and answers use the extractive engine until it works"


async def warn_if_unusable(llm: LLM) -> None:
    """Ask the endpoint about the configured model once (no retries); never raises."""
    where = str(llm.client.base_url).rstrip("/")
    fields = {"endpoint": where, "model": llm.model}
    try:
        await llm.client.with_options(max_retries=0, timeout=PROBE_TIMEOUT).models.retrieve(llm.model)
    except openai.NotFoundError:
        log.warning("the LLM endpoint at %s doesn't know the model %s: check LLM_MODEL — %s",
                    where, llm.model, _FALLBACK, extra={**fields, "reason": "model_unknown"})  # fmt: skip
    except openai.AuthenticationError:
        log.warning("the LLM endpoint at %s rejected the API key (401): check OPENAI_API_KEY — %s", where, _FALLBACK,
                    extra={**fields, "reason": "key_rejected"})
    except openai.APIConnectionError as exc:  # timeouts included
        log.warning("can't reach the LLM endpoint at %s: %s — check OPENAI_BASE_URL; %s",
                    where, network_reason(exc), _FALLBACK, extra={**fields, "reason": "unreachable"})  # fmt: skip
    except openai.APIError as exc:  # e.g. a server without a models endpoint: it may still summarize
        log.info("the LLM endpoint didn't describe the model", extra={**fields, "error": type(exc).__name__})
