"""The Bot API's start-up failures as one line (a StartupError) instead of a chained traceback."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from telegram.error import InvalidToken, NetworkError

from bot.config import StartupError
from bot.net.reasons import network_reason

TOKEN_REJECTED = "Telegram rejected the bot token (401): check TELEGRAM_BOT_TOKEN"


@contextmanager
def telegram_startup_errors(api_url: str) -> Iterator[None]:
    """Around the first Bot API calls (getMe, setMyCommands): a rejected token is a configuration
    error (exit 2), an unreachable server an environment one (exit 1)."""
    try:
        yield
    except InvalidToken:
        # PTB's message may quote the token; the chain is dropped so no traceback can either.
        raise StartupError(TOKEN_REJECTED, exit_code=2) from None
    except NetworkError as exc:
        raise StartupError(
            f"can't reach the Telegram Bot API at {api_url}: {network_reason(exc)}"
            " — check the network or TELEGRAM_API_URL",
            exit_code=1,
        ) from exc
