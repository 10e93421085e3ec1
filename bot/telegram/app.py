"""The python-telegram-bot Application: wiring only — handlers live in bot/telegram/handlers/."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from telegram import BotCommand, Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import HTTPXRequest

from bot.config import Settings
from bot.digest.clock import Clock
from bot.services import Services
from bot.telegram import texts
from bot.telegram.context import SERVICES_KEY, services_of
from bot.telegram.digest_sender import start_digest, stop_digest
from bot.telegram.handlers import basic, links, preferences, questions, router
from bot.telegram.handlers.digest import register_digest_handlers

log = logging.getLogger(__name__)

HEARTBEAT_EVERY = 30.0
CONCURRENT_UPDATES = 64


async def _heartbeat(context: ContextTypes.DEFAULT_TYPE) -> None:
    path = Path(services_of(context).settings.heartbeat_file)
    # a few bytes to a local file: not worth a thread hop
    path.write_text(str(time.time()))  # noqa: ASYNC240


def build_application(settings: Settings, *, clock: Clock | None = None) -> Application:
    async def post_init(app: Application) -> None:
        services = Services.create(settings, clock=clock)
        app.bot_data[SERVICES_KEY] = services
        await start_digest(app.bot_data, settings, services)  # digest service (+ worker if DIGEST_WORKER)
        await app.bot.set_my_commands([BotCommand(c, d) for c, d in texts.COMMANDS])
        if app.job_queue:
            app.job_queue.run_repeating(_heartbeat, interval=HEARTBEAT_EVERY, first=0)
        log.info("bot started username=%s", app.bot.username)

    async def post_shutdown(app: Application) -> None:
        await stop_digest(app.bot_data)
        services: Services | None = app.bot_data.get(SERVICES_KEY)
        if services:
            await services.aclose()
        log.info("bot stopped")

    app = (
        ApplicationBuilder()
        .token(settings.token())
        .base_url(f"{settings.telegram_api_url}/bot")
        .base_file_url(f"{settings.telegram_api_url}/file/bot")
        .request(HTTPXRequest(connection_pool_size=CONCURRENT_UPDATES + 8, read_timeout=15))
        .get_updates_request(HTTPXRequest(connection_pool_size=2, read_timeout=40))
        .rate_limiter(AIORateLimiter(max_retries=3))
        .concurrent_updates(CONCURRENT_UPDATES)
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .build()
    )
    register_handlers(app)
    return app


def register_handlers(app: Application) -> None:
    app.add_handler(TypeHandler(Update, basic.allowlist_gate), group=-1)
    app.add_handler(CommandHandler("start", basic.start))
    app.add_handler(CommandHandler("help", basic.help_command))
    app.add_handler(CommandHandler("summarize", links.summarize_command))
    app.add_handler(CommandHandler("language", preferences.language_command))
    app.add_handler(CommandHandler("new", questions.new_conversation))
    app.add_handler(CallbackQueryHandler(links.refresh_button, pattern=r"^refresh:"))
    app.add_handler(CallbackQueryHandler(questions.ask_button, pattern=r"^ask:"))
    app.add_handler(CallbackQueryHandler(questions.suggested_question, pattern=r"^q:"))
    register_digest_handlers(app)  # before the plain-message handler: .opml documents may have captions
    app.add_handler(
        MessageHandler((filters.TEXT | filters.CAPTION) & ~filters.COMMAND & ~filters.UpdateType.EDITED,
                       router.on_message)
    )
    # Keep this last in group 0: it answers only commands no handler above took.
    app.add_handler(MessageHandler(filters.COMMAND, basic.unknown_command))
    app.add_error_handler(basic.on_error)


def run(settings: Settings, *, clock: Clock | None = None) -> None:
    if settings.fetch_allow_private_networks:
        log.warning(
            "FETCH_ALLOW_PRIVATE_NETWORKS is on: the bot may fetch private and loopback addresses;"
            " use this only for tests and local development"
        )
    app = build_application(settings, clock=clock)
    allowed = Update.ALL_TYPES
    if settings.webhook_url:
        secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
        log.info("serving webhook listen=%s port=%s", settings.webhook_listen, settings.webhook_port)
        app.run_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            url_path="telegram",
            webhook_url=settings.webhook_url,
            secret_token=secret,
            allowed_updates=allowed,
        )
    else:
        log.info("polling for updates api=%s", settings.telegram_api_url)
        app.run_polling(allowed_updates=allowed, close_loop=False)
