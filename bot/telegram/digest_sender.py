"""The Telegram side of digest delivery: a Bot API transport for bot/digest/delivery.py, and the
digest's start/stop inside the bot process.

The transport uses its own ``telegram.Bot`` without a PTB rate limiter: the courier takes its
slots from the send budget shared through Redis (``bot.digest.limiter``) as a background sender,
after replies, and must see every 429 itself to pause all senders.
"""

from __future__ import annotations

import html
import logging
import re
import warnings
from datetime import timedelta
from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.config import Settings
from bot.digest.delivery import ChatGone, ChatMoved, FloodWait, RejectedMessage, TransientSendError
from bot.digest.jobs import DigestJobs
from bot.digest.service import DigestService
from bot.follow.jobs import FollowJobs
from bot.follow.service import FollowService
from bot.models import Button
from bot.services import Services, build_digest, build_follow
from bot.telegram.catalog import digest_words, reason
from bot.telegram.follow_view import render_updates
from bot.telegram.metered import MeteredRequest

log = logging.getLogger(__name__)

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
GONE_HINTS = ("chat not found", "user not found", "bot was kicked", "have no rights to send", "not enough rights",
              "group chat was deactivated", "peer_id_invalid")  # fmt: skip


def _plain(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def keyboard(buttons: list[list[Button]]) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in buttons]
    )


def retry_seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value: Any = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class TelegramTransport:
    """``bot.digest.delivery.Transport`` over the Bot API."""

    def __init__(self, settings: Settings, *, pool_size: int = 96) -> None:
        self.bot = Bot(
            settings.token(),
            base_url=f"{settings.telegram_api_url}/bot",
            base_file_url=f"{settings.telegram_api_url}/file/bot",
            request=MeteredRequest(connection_pool_size=pool_size, read_timeout=15, connect_timeout=5,
                                 pool_timeout=30),
        )  # fmt: skip

    async def start(self) -> None:
        await self.bot.initialize()

    async def close(self) -> None:
        await self.bot.shutdown()

    async def send(self, chat_id: int, html_text: str, buttons: list[list[Button]]) -> int:
        markup = keyboard(buttons)
        try:
            try:
                message = await self.bot.send_message(
                    chat_id, html_text, parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW,
                    reply_markup=markup,
                )  # fmt: skip
            except BadRequest as exc:
                if "can't parse entities" not in str(exc).lower():
                    raise
                log.error("telegram rejected digest HTML, sending plain text",
                          extra={"chat_id": chat_id, "error": str(exc)})
                message = await self.bot.send_message(
                    chat_id, _plain(html_text), link_preview_options=NO_PREVIEW, reply_markup=markup
                )
        except RetryAfter as exc:
            raise FloodWait(retry_seconds(exc)) from exc
        except ChatMigrated as exc:
            raise ChatMoved(int(exc.new_chat_id)) from exc
        except Forbidden as exc:
            raise ChatGone(str(exc)) from exc
        except BadRequest as exc:
            if any(hint in str(exc).lower() for hint in GONE_HINTS):
                raise ChatGone(str(exc)) from exc
            raise RejectedMessage(str(exc)) from exc
        except (TimedOut, NetworkError) as exc:
            raise TransientSendError(str(exc)) from exc
        return message.message_id


class InBotDigest:
    """The digest inside the bot process: its Bot API transport, the service handlers call, and
    (DIGEST_WORKER) an in-process worker."""

    def __init__(self, service: DigestService, transport: TelegramTransport, jobs: DigestJobs,
                 follow: FollowService, follow_jobs: FollowJobs) -> None:  # fmt: skip
        self.service = service
        self.transport = transport
        self.jobs = jobs
        self.follow = follow
        self.follow_jobs = follow_jobs

    @classmethod
    async def start(cls, settings: Settings, services: Services) -> InBotDigest:
        transport = TelegramTransport(settings)
        await transport.start()
        service = build_digest(services, transport, digest_words, reason)
        jobs = DigestJobs(service)
        follow = build_follow(services, transport, render_updates)
        follow_jobs = FollowJobs(follow)
        if settings.digest_worker:
            await jobs.start_workers()
            await follow_jobs.start_workers()
        return cls(service, transport, jobs, follow, follow_jobs)

    async def stop(self) -> None:
        """In post_shutdown, before the services close."""
        await self.jobs.stop()
        await self.follow_jobs.stop()
        await self.transport.close()
