"""The context every handler gets: PTB's ``CallbackContext`` with the application services as
properties (registered through ``ContextTypes``), so handlers call use cases, not stores."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot

from bot.app import AppServices
from bot.app.access import Access
from bot.app.conversations import Conversations
from bot.app.digests import Digests
from bot.app.follows import Follows
from bot.app.inline import InlineSummaries
from bot.app.preferences import Preferences
from bot.app.stats import Stats
from bot.app.subscriptions import Subscriptions
from bot.app.summaries import Summaries

SERVICES_KEY = "app_services"


def install(application: Application[Any, Any, Any, Any, Any, Any], services: AppServices) -> None:
    """Make ``services`` what every handler's context offers (in post_init, before any update)."""
    application.bot_data[SERVICES_KEY] = services


class NewsContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    @property
    def _services(self) -> AppServices:
        services: AppServices = self.bot_data[SERVICES_KEY]
        return services

    @property
    def access(self) -> Access:
        return self._services.access

    @property
    def preferences(self) -> Preferences:
        return self._services.preferences

    @property
    def summaries(self) -> Summaries:
        return self._services.summaries

    @property
    def conversations(self) -> Conversations:
        return self._services.conversations

    @property
    def subscriptions(self) -> Subscriptions:
        return self._services.subscriptions

    @property
    def digests(self) -> Digests:
        return self._services.digests

    @property
    def stats(self) -> Stats:
        return self._services.stats

    @property
    def inline(self) -> InlineSummaries:
        return self._services.inline

    @property
    def follows(self) -> Follows:
        return self._services.follows
