"""The python-telegram-bot Application: wiring only — handlers live in bot/telegram/handlers/."""

from __future__ import annotations

import asyncio
import logging
import time
from functools import partial
from pathlib import Path
from typing import Any

from telegram import BotCommand, Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChosenInlineResultHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    Updater,
    filters,
)

from bot.callbacks import (
    AskAbout,
    AskSuggested,
    EntrySummary,
    Follow,
    MoreStories,
    NightUpdates,
    PickFeed,
    PickLanguage,
    PickZone,
    Refresh,
    Unfollow,
    Unsubscribe,
)
from bot.config import Settings
from bot.digest.clock import Clock
from bot.metrics.server import OpsServer, start_ops_server
from bot.services import Services, build_app
from bot.store.reachable import check_redis, ping
from bot.telegram import buttons, texts
from bot.telegram.catalog import DEFAULT, LANGUAGES, t
from bot.telegram.context import NewsContext, install
from bot.telegram.digest_sender import InBotDigest
from bot.telegram.handlers import (
    basic,
    documents,
    feeds,
    follows,
    inline,
    links,
    opml,
    preferences,
    questions,
    router,
    schedule,
    stats,
)
from bot.telegram.intake import IntakeBot
from bot.telegram.metered import MeteredRequest, count_update
from bot.telegram.ratelimit import SharedRateLimiter
from bot.telegram.startup import telegram_startup_errors
from bot.telegram.webhook import WebhookUpdater

log = logging.getLogger(__name__)

HEARTBEAT_EVERY = 30.0
CONCURRENT_UPDATES = 64

NewsApplication = Application[Any, NewsContext, Any, Any, Any, Any]


class _Lifecycle:
    """Builds the services in post_init and closes them in post_shutdown; handlers see only the
    application services ``install`` puts in their context."""

    def __init__(self, settings: Settings, clock: Clock | None) -> None:
        self.settings = settings
        self.clock = clock
        self.services: Services | None = None
        self.digest: InBotDigest | None = None
        self.ops: OpsServer | None = None

    async def start(self, app: NewsApplication) -> None:
        self.services = Services.create(self.settings, clock=self.clock)
        await check_redis(self.services.redis, self.settings.redis_url)
        await asyncio.to_thread(self.services.warm)
        await self.services.warn_if_llm_unusable()
        self.digest = await InBotDigest.start(self.settings, self.services)
        install(app, build_app(self.services, self.digest.service, self.digest.follow))
        checks = {"redis": partial(ping, self.services.redis), "telegram": app.bot.get_me}
        self.ops = start_ops_server(self.settings.metrics_port, self.settings.metrics_listen, checks)
        await set_profile(app)
        if app.job_queue:
            app.job_queue.run_repeating(self.heartbeat, interval=HEARTBEAT_EVERY, first=0)
        log.info("bot started", extra={"username": app.bot.username})

    async def heartbeat(self, context: NewsContext) -> None:
        # a few bytes to a local file: not worth a thread hop
        Path(self.settings.heartbeat_file).write_text(str(time.time()))  # noqa: ASYNC240

    async def stop(self, app: NewsApplication) -> None:
        if self.ops is not None:
            self.ops.stop()
        if self.digest is not None:
            await self.digest.stop()
        if self.services is not None:
            await self.services.aclose()
        log.info("bot stopped")


def _intake(settings: Settings) -> Updater:
    """The bot and the updater that feed the application: updates parsed one by one, so one the
    library can't parse is skipped instead of stopping intake (see bot/telegram/intake.py)."""
    bot = IntakeBot(
        settings.token(),
        base_url=f"{settings.telegram_api_url}/bot",
        base_file_url=f"{settings.telegram_api_url}/file/bot",
        request=MeteredRequest(connection_pool_size=CONCURRENT_UPDATES + 8, read_timeout=15),
        get_updates_request=MeteredRequest(connection_pool_size=2, read_timeout=40),
        rate_limiter=SharedRateLimiter(settings),  # one send budget for every process (Redis)
        # a reply still goes out when the user deleted the message it answers
        defaults=Defaults(allow_sending_without_reply=True),
    )
    queue: asyncio.Queue[object] = asyncio.Queue()
    return WebhookUpdater(bot, queue) if settings.webhook_url else Updater(bot, queue)


async def set_profile(app: NewsApplication) -> None:
    """What Telegram shows before the first message (description, short description, commands),
    in every language the bot speaks; English is also the default for all others."""
    for lang in LANGUAGES:
        code = "" if lang == DEFAULT else lang
        commands = [BotCommand(name, t(f"COMMAND_{name.upper()}", lang)) for name in texts.COMMAND_NAMES]
        await app.bot.set_my_commands(commands, language_code=code or None)
        await app.bot.set_my_description(t("BOT_DESCRIPTION", lang), language_code=code or None)
        await app.bot.set_my_short_description(t("BOT_SHORT_DESCRIPTION", lang), language_code=code or None)


def build_application(settings: Settings, *, clock: Clock | None = None) -> NewsApplication:
    lifecycle = _Lifecycle(settings, clock)
    app = (
        ApplicationBuilder()
        .updater(_intake(settings))
        .context_types(ContextTypes(context=NewsContext))
        .concurrent_updates(CONCURRENT_UPDATES)
        .post_init(lifecycle.start)
        .post_shutdown(lifecycle.stop)
        .build()
    )
    register_handlers(app)
    return app


def register_handlers(app: NewsApplication) -> None:
    app.add_handler(TypeHandler(Update, count_update), group=-2)
    app.add_handler(TypeHandler(Update, basic.allowlist_gate), group=-1)
    commands = {
        "start": basic.start, "help": basic.help_command, "summarize": links.summarize_command,
        "language": preferences.language_command, "new": questions.new_conversation,
        "stop": questions.stop_command,
        "subscribe": feeds.subscribe_command, "subscriptions": feeds.subscriptions_command,
        "unsubscribe": feeds.unsubscribe_command, "sources": feeds.sources_command, "export": opml.export_command,
        "digest_time": schedule.digest_time_command, "timezone": schedule.timezone_command,
        "digest": schedule.digest_command, "stats": stats.stats_command, "follow": follows.follow_command,
        "following": follows.following_command,
    }  # fmt: skip
    fresh = ~filters.UpdateType.EDITED  # an edited command is not a new request: never run it twice
    for name, callback in commands.items():
        app.add_handler(CommandHandler(name, callback, filters=fresh))
    app.add_handler(buttons.on(Refresh, links.refresh_button))
    app.add_handler(buttons.on(EntrySummary, links.entry_summary_button))
    app.add_handler(buttons.on(AskAbout, questions.ask_button))
    app.add_handler(buttons.on(AskSuggested, questions.suggested_question))
    app.add_handler(buttons.on(PickFeed, feeds.pick_button))
    app.add_handler(buttons.on(Unsubscribe, feeds.unsubscribe_button))
    app.add_handler(buttons.on(MoreStories, schedule.more_stories_button))
    app.add_handler(buttons.on(PickLanguage, preferences.language_button))
    app.add_handler(buttons.on(Follow, follows.follow_button))
    app.add_handler(buttons.on(Unfollow, follows.unfollow_button))
    app.add_handler(buttons.on(NightUpdates, follows.night_button))
    app.add_handler(buttons.on(PickZone, schedule.zone_button))
    app.add_handler(CallbackQueryHandler(buttons.outdated))  # after every action: data none of them took
    app.add_handler(InlineQueryHandler(inline.inline_query))
    app.add_handler(ChosenInlineResultHandler(inline.chosen_result))
    # Before the plain-message handler: .opml documents may have captions.
    app.add_handler(MessageHandler(filters.Document.FileExtension("opml") & ~filters.UpdateType.EDITED,
                                   opml.opml_document))  # fmt: skip
    pdfs = filters.Document.MimeType("application/pdf") | filters.Document.FileExtension("pdf")
    app.add_handler(MessageHandler(pdfs & ~filters.UpdateType.EDITED, documents.pdf_document))
    app.add_handler(
        MessageHandler((filters.TEXT | filters.CAPTION) & ~filters.COMMAND & ~filters.UpdateType.EDITED,
                       router.on_message)
    )
    # Keep this last in group 0: it answers only commands no handler above took.
    app.add_handler(MessageHandler(filters.COMMAND & fresh, basic.unknown_command))
    app.add_error_handler(basic.on_error)


def initialize(app: NewsApplication, settings: Settings) -> None:
    """getMe once, on the event loop run_polling/run_webhook will use (they then skip their own
    initialize, whose retry loop logs a full traceback for a rejected token)."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    with telegram_startup_errors(settings.telegram_api_url):
        loop.run_until_complete(app.initialize())


def run(settings: Settings, *, clock: Clock | None = None) -> None:
    """Serve until stopped; a start-up failure (Telegram or Redis) raises StartupError."""
    if settings.fetch_allow_private_networks:
        log.warning(
            "FETCH_ALLOW_PRIVATE_NETWORKS is on: the bot may fetch private and loopback addresses;"
            " use this only for tests and local development"
        )
    app = build_application(settings, clock=clock)
    initialize(app, settings)
    allowed = Update.ALL_TYPES
    if settings.webhook_url:
        secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
        log.info("serving webhook", extra={"listen": settings.webhook_listen, "port": settings.webhook_port})
        with telegram_startup_errors(settings.telegram_api_url):
            app.run_webhook(
                listen=settings.webhook_listen,
                port=settings.webhook_port,
                url_path="telegram",
                webhook_url=settings.webhook_url,
                secret_token=secret,
                allowed_updates=allowed,
            )
    else:
        log.info("polling for updates", extra={"api": settings.telegram_api_url})
        with telegram_startup_errors(settings.telegram_api_url):
            app.run_polling(allowed_updates=allowed, close_loop=False)
