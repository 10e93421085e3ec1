"""``newsbot playground``: the real bot, a Bot API emulator and a web chat, in one process."""

from __future__ import annotations

import contextlib
import ipaddress
import os
import secrets
import sys
import webbrowser
from collections.abc import Iterator

from pydantic import SecretStr

from bot.config import Settings
from bot.digest.clock import Clock
from bot.playground.redis_proc import RedisUnavailable, ThrowawayRedis
from bot.playground.web import Playground

BOT_ID = 7000000001  # the token's id part: any number works against the emulator

READY = (
    "\n  newsbot playground: chat with the bot at  {url}\n"
    "  (no Telegram involved: a local emulator answers the bot; each browser tab is another user)\n"
    "  Engine: {engine}. Stop with Ctrl+C.\n"
)
EXPOSED = (
    "WARNING: the playground listens on {host}, not only on this computer: anyone who can reach "
    "port {port} can chat as any user and call the emulated Bot API. Use --host 127.0.0.1 unless "
    "you mean it."
)
OFFLINE_ENGINE = "extractive, offline (set OPENAI_API_KEY for an LLM)"
NO_REDIS = (
    "newsbot playground needs Redis: set REDIS_URL, or install redis-server "
    "(Debian/Ubuntu: sudo apt-get install redis-server) and run again. ({reason})"
)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _can_open_browser() -> bool:
    # On a headless Linux box webbrowser would start a text-mode browser in this terminal.
    return sys.platform in ("darwin", "win32") or bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


@contextlib.contextmanager
def _redis_url(settings: Settings) -> Iterator[str]:
    if "redis_url" in settings.model_fields_set and settings.redis_url:  # an empty REDIS_URL is unset
        yield settings.redis_url
        return
    with ThrowawayRedis() as redis:
        yield redis.url


def run_playground(settings: Settings, *, host: str, port: int, open_browser: bool, clock: Clock | None) -> int:
    from bot.telegram.app import run

    if not is_loopback(host):
        print(EXPOSED.format(host=host, port=port), file=sys.stderr)
    token = f"{BOT_ID}:{secrets.token_urlsafe(24)}"
    with contextlib.ExitStack() as stack:
        try:
            redis_url = stack.enter_context(_redis_url(settings))
        except RedisUnavailable as exc:
            print(NO_REDIS.format(reason=exc), file=sys.stderr)
            return 1
        playground = stack.enter_context(
            Playground(token, bot_username="newsbot", bot_first_name="newsbot", host=host, port=port)
        )
        playground.set_flood_limits()  # Telegram's: 1 message a second per chat, 30 overall, 20 a minute per group
        url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{playground.port}"
        wiring = {"telegram_bot_token": SecretStr(token), "telegram_api_url": playground.base_url,
                  "redis_url": redis_url, "webhook_url": None}  # fmt: skip
        playground_settings = settings.model_copy(update=wiring)
        engine = f"LLM {settings.llm_model}" if settings.llm_enabled else OFFLINE_ENGINE
        print(READY.format(url=url, engine=engine), flush=True)
        if open_browser and _can_open_browser():
            webbrowser.open(url)
        run(playground_settings, clock=clock)
    return 0
