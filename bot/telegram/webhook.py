"""Webhook mode's endpoint: the Bot API POSTs each update here; it is parsed on its own and an
update that cannot be parsed is skipped with a 200, so the Bot API moves on to the next one
(the library's endpoint answers 400, which the Bot API retries forever, holding every later update).

``WebhookUpdater`` takes the place of the library's updater, so ``Application.run_webhook`` keeps
its lifecycle (start-up, signals, shutdown) and only the endpoint is ours.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Sequence
from typing import Any

from telegram.ext import ExtBot, Updater
from tornado.httpserver import HTTPServer
from tornado.web import Application, RequestHandler

from bot.telegram.intake import SkippedUpdates, decode_body, parse_update

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class _UpdateEndpoint(RequestHandler):
    def initialize(self, updater: WebhookUpdater) -> None:
        self.updater = updater

    async def post(self) -> None:
        if not self.updater.admits(self.request.headers.get(SECRET_HEADER)):
            self.set_status(403)
            return
        update = parse_update(decode_body(self.request.body), self.updater.intake_bot, self.updater.skipped)
        if update is not None:
            await self.updater.update_queue.put(update)
        self.set_status(200)


class WebhookUpdater(Updater):
    """Serves the webhook endpoint instead of polling; ``start_webhook`` also registers the URL."""

    def __init__(self, bot: ExtBot[Any], update_queue: Any) -> None:
        super().__init__(bot, update_queue)
        self.intake_bot = bot
        self.skipped = SkippedUpdates()
        self._secret: str | None = None
        self._server: HTTPServer | None = None

    @property
    def running(self) -> bool:
        return self._server is not None

    def admits(self, token: str | None) -> bool:
        if self._secret is None:
            return True
        return token is not None and hmac.compare_digest(token.encode(), self._secret.encode())

    async def start_webhook(  # type: ignore[override]
        self, listen: str, port: int, url_path: str, webhook_url: str | None = None,
        allowed_updates: Sequence[str] | None = None, secret_token: str | None = None, **_: Any,
    ) -> Any:  # fmt: skip
        self._secret = secret_token
        app = Application([(rf"/{url_path.strip('/')}/?", _UpdateEndpoint, {"updater": self})])
        server = HTTPServer(app)
        server.listen(port, listen)
        self._server = server
        if webhook_url:
            await self.bot.set_webhook(webhook_url, allowed_updates=allowed_updates, secret_token=secret_token)
        return self.update_queue

    async def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.stop()
        await server.close_all_connections()
