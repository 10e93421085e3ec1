"""Settings: the only place that reads the environment (and `.env`)."""

from __future__ import annotations

import os
from datetime import time
from functools import cached_property
from typing import Annotated, Literal
from urllib.parse import unquote, urlsplit

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.timeofday import parse_hhmm

IntList = Annotated[list[int], NoDecode]


def _int_list(value: object) -> object:
    """Accept "1,2, 3", "[1,2]" or a list; empty means none."""
    if isinstance(value, str):
        value = value.strip().strip("[]")
        parts = [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]
        if not all(part.lstrip("-").isdigit() for part in parts):
            raise ValueError("must be a comma-separated list of numbers, e.g. 12345,67890")
        return [int(part) for part in parts]
    return value


DEFAULT_REDIS_URL = "redis://localhost:6379/0"
REDIS_SCHEMES = ("redis", "rediss", "unix")


def _redis_url(value: str) -> str:
    """Reject what redis-py would only fail on at the first command, with a traceback."""
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a port that isn't a number
    except ValueError:
        raise ValueError("is not a valid URL, e.g. redis://localhost:6379/0") from None
    if parts.scheme not in REDIS_SCHEMES:
        raise ValueError("must start with redis://, rediss:// or unix://, e.g. redis://localhost:6379/0")
    if parts.scheme == "unix" and not parts.path:
        raise ValueError("needs a socket path, e.g. unix:///run/redis/redis.sock")
    if parts.scheme != "unix" and parts.path.strip("/") and not parts.path.strip("/").isdigit():
        raise ValueError("the database after the host must be a number, e.g. redis://localhost:6379/0")
    return value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        # NEWSBOT_ENV_FILE lets tests (and odd deployments) point away from ./.env
        env_file=os.environ.get("NEWSBOT_ENV_FILE", ".env"),
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
        env_ignore_empty=True,
    )

    # Telegram
    telegram_bot_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org"
    # Webhook mode (several replicas): when set, `newsbot run` serves webhooks instead of polling.
    webhook_url: str | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = Field(8080, ge=1, le=65535)
    webhook_secret: SecretStr | None = None
    # Without a secret anyone who reaches the listener can forge updates: only on a trusted network.
    webhook_allow_no_secret: bool = False

    # LLM (any OpenAI-compatible endpoint); with neither key nor base URL the offline engine is used
    openai_api_key: SecretStr | None = None
    openai_base_url: str | None = None
    llm_model: str = "gpt-4o-mini"
    llm_timeout: float = Field(30.0, gt=0)
    llm_max_retries: int = Field(2, ge=0, le=10)
    llm_article_token_budget: int = Field(6000, ge=200)
    # the longest answer asked for (sent as max_tokens); also what a call holds against the budgets
    llm_max_output_tokens: int = Field(2000, ge=100, le=100_000)
    # after this many LLM failures in a row, answer extractively for the cool-down, then probe
    llm_breaker_failures: int = Field(3, ge=1)
    llm_breaker_cooldown: float = Field(30.0, gt=0)
    summary_deadline: float = Field(60.0, gt=0)
    # estimated cost per million tokens (prompt, completion) of LLM_MODEL, for metrics and /stats
    llm_price_input: float = Field(0.0, ge=0)
    llm_price_output: float = Field(0.0, ge=0)
    # LLM tokens a day (UTC), per user and for everyone together; beyond them the extractive
    # engine answers with a one-line note. 0 = unlimited.
    llm_user_daily_tokens: int = Field(0, ge=0)
    llm_daily_tokens: int = Field(0, ge=0)

    # Telegram's send limits for this token, shared by every process through Redis
    # (bot/digest/limiter.py): messages/s overall (a little under Telegram's ~30 for headroom),
    # messages a reply may send to one private chat back to back (then ~1/s), messages per group
    # and minute, and how often a call that got a 429 is tried again after the pause.
    send_rate: float = Field(28.0, gt=0, le=1000)
    send_chat_burst: int = Field(3, ge=1, le=20)
    send_group_per_minute: int = Field(20, ge=1, le=60)
    send_max_retries: int = Field(3, ge=0, le=10)
    # LLM replies in private chats stream into a Telegram draft, updated at most once per interval
    stream_replies: bool = True
    draft_interval: float = Field(0.3, ge=0.05, le=10)

    # Redis; unset = redis://localhost:6379/0 for the bot (`scripts/run` starts a local one when
    # needed); the one-shot commands (summarize, extract) then use no shared cache (redis_configured)
    redis_url: str = DEFAULT_REDIS_URL

    # Fetching
    fetch_allow_private_networks: bool = False
    fetch_allowed_ports: IntList = Field(default_factory=lambda: [80, 443])
    fetch_timeout: float = Field(20.0, gt=0)  # total deadline per fetch, redirects included
    fetch_connect_timeout: float = Field(5.0, gt=0)
    fetch_read_timeout: float = Field(10.0, gt=0)
    fetch_max_bytes: int = Field(5 * 1024 * 1024, ge=1024)
    fetch_max_redirects: int = Field(5, ge=0, le=20)
    fetch_per_host_concurrency: int = Field(4, ge=1)
    fetch_user_agent: str = (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0 Safari/537.36 newsbot/0.1"
    )

    # CPU work (extraction, feed/OPML parsing, clustering, the extractive engine) runs in worker
    # processes: this many, with at most cpu_queue more jobs handed over, each stopped after
    # cpu_job_timeout seconds (waiting included) with a clear reason for that one request.
    cpu_workers: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1, le=64)
    cpu_queue: int = Field(32, ge=0, le=10000)
    cpu_job_timeout: float = Field(30.0, gt=0)
    cpu_nice: int = Field(10, ge=0, le=19)  # workers' lower CPU priority, so the event loop always gets a core
    # PDFs (links and uploads up to fetch_max_bytes): documents with more pages are refused before
    # any is read; reading stops with a clear reason after pdf_timeout seconds (keep it below
    # cpu_job_timeout, which would end the job with a vaguer one).
    pdf_max_pages: int = Field(300, ge=1, le=100_000)
    pdf_timeout: float = Field(20.0, gt=0)
    # what a PDF's compressed streams may unpack to, all together (a 1 MB file can hold 1 GB)
    pdf_max_unpacked_bytes: int = Field(256 * 1024 * 1024, ge=1024 * 1024)

    # Caching and limits
    article_cache_ttl: int = Field(15 * 60, ge=1)
    summary_cache_ttl: int = Field(7 * 24 * 3600, ge=1)
    negative_cache_ttl: int = Field(120, ge=0)
    links_per_minute: int = Field(10, ge=1)
    questions_per_minute: int = Field(10, ge=1)  # also presses of "Ask about this"
    subscribes_per_hour: int = Field(20, ge=1)  # /subscribe and its feed choices
    opml_feeds_per_hour: int = Field(100, ge=1)  # feeds checked for OPML imports
    digests_per_hour: int = Field(3, ge=1)  # /digest and "more stories", per chat
    refresh_interval: int = Field(60, ge=0)  # 🔄 fetches an article again at most this often (s)
    max_question_chars: int = Field(500, ge=10)
    conversation_ttl: int = Field(24 * 3600, ge=60)

    # --- Digest ------------------------------------------------------------------------------
    # Daily digest of subscribed feeds (bot/digest/). Scheduling runs on saq jobs in Redis.
    digest_poll_interval: int = Field(900, ge=60)  # each distinct feed is fetched once per this (s)
    digest_max_subscriptions: int = Field(20, ge=1, le=500)  # feeds per chat
    # feed bytes fetched per chat per UTC day (each feed's bytes split among its followers); past it
    # the chat's feeds are skipped until tomorrow
    digest_feed_bytes_per_chat_day: int = Field(256 * 1024 * 1024, ge=1024 * 1024)
    digest_opml_max_feeds: int = Field(50, ge=1, le=500)  # feeds read from one OPML import
    digest_max_items: int = Field(10, ge=1, le=30)  # stories per digest
    digest_send_rate: float = Field(25.0, gt=0, le=1000)  # digest messages/s at most (within SEND_RATE; replies first)
    digest_default_time: time = time(8, 0)  # local time of a new chat's digest
    digest_llm_daily_budget: int = Field(500, ge=0)  # LLM summaries/day for digest entries; then offline
    digest_empty: Literal["notify", "silent"] = "notify"  # a day with nothing new: one line, or nothing
    digest_worker: bool = True  # run a digest worker inside `newsbot run` (`newsbot worker` adds more)
    digest_tick_seconds: int = Field(60, ge=1, le=3600)  # how often due digests/feeds are checked
    # --- Follow a story (bot/follow/): re-checks on the digest's saq workers and tick --------
    follow_max_per_chat: int = Field(10, ge=1, le=100)  # stories one chat follows at once
    follow_stop_hours: int = Field(72, ge=1, le=24 * 30)  # a story is checked at most this long
    follow_idle_hours: int = Field(24, ge=1, le=24 * 30)  # ... and stops after this long without a change
    # TEST/DEV ONLY: a JSON file replacing the built-in /sources list (bot/data/sources.json).
    digest_sources_file: str | None = None

    # Access
    admin_ids: IntList = Field(default_factory=list)
    allowed_user_ids: IntList = Field(default_factory=list)  # empty = everyone

    # Operations: /metrics, /healthz and /readyz over HTTP when METRICS_PORT is set (off by default)
    metrics_port: int | None = Field(None, ge=1, le=65535)
    metrics_listen: str = "127.0.0.1"

    heartbeat_file: str = "/tmp/newsbot.heartbeat"  # `newsbot healthcheck` reads it
    log_level: str = "INFO"
    log_format: str = "kv"  # kv | json

    _split_ints = field_validator("admin_ids", "allowed_user_ids", "fetch_allowed_ports", mode="before")(
        _int_list
    )

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        value = value.upper()
        if value not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
        return value

    @field_validator("log_format")
    @classmethod
    def _fmt(cls, value: str) -> str:
        if value not in {"kv", "json"}:
            raise ValueError("must be kv or json")
        return value

    @field_validator("digest_tick_seconds")
    @classmethod
    def _tick(cls, value: int) -> int:
        # a cron slot: a divisor of 60 seconds, or whole minutes dividing an hour
        if (value < 60 and 60 % value) or (value >= 60 and (value % 60 or 60 % (value // 60))):
            raise ValueError("must divide 60 (1-30 s) or be 60, 120, 180, 240, 300, 360, 600, ... 3600")
        return value

    @field_validator("digest_default_time", mode="before")
    @classmethod
    def _hhmm(cls, value: object) -> object:
        if isinstance(value, str):
            return parse_hhmm(value)
        return value

    _check_redis_url = field_validator("redis_url")(_redis_url)

    @field_validator("telegram_api_url", "openai_base_url", "webhook_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None if value == "" else value
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @property
    def redis_configured(self) -> bool:
        """REDIS_URL was given (the environment, .env or an argument), not the built-in default."""
        return "redis_url" in self.model_fields_set

    @model_validator(mode="after")
    def _webhook_secret(self) -> Settings:
        if self.webhook_url and not self.webhook_secret and not self.webhook_allow_no_secret:
            raise ValueError(
                "WEBHOOK_SECRET is required in webhook mode (WEBHOOK_ALLOW_NO_SECRET=true only on a trusted network)"
            )
        return self

    def secrets(self) -> list[str]:
        """Every value that must never reach a log line: the token, keys, the Redis password."""
        values = [self.token()]
        values += [s.get_secret_value() for s in (self.openai_api_key, self.webhook_secret) if s]
        redis_password = urlsplit(self.redis_url).password
        if redis_password:
            values += [redis_password, unquote(redis_password)]  # as written in the URL, and decoded
        return values

    @cached_property
    def llm_enabled(self) -> bool:
        return bool(self.openai_base_url or self.openai_api_key)

    def token(self) -> str:
        return self.telegram_bot_token.get_secret_value() if self.telegram_bot_token else ""


class SettingsError(Exception):
    """One clear line naming the offending variable."""


class StartupError(Exception):
    """The process can't start: one line saying why and what to check (never a secret).

    ``exit_code`` 2 means the configuration is wrong (a rejected token or password), 1 that the
    environment is (a server that can't be reached)."""

    def __init__(self, message: str, *, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def load_settings(**overrides: object) -> Settings:
    from pydantic import ValidationError

    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        err = exc.errors()[0]
        msg = str(err["msg"]).removeprefix("Value error, ")
        if not err.get("loc"):  # a rule across settings: its message names them
            raise SettingsError(f"invalid settings: {msg}") from None
        raise SettingsError(f"invalid setting {str(err['loc'][0]).upper()}: {msg}") from None
