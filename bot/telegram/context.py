"""Access to the shared services from inside PTB callbacks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.services import Services

SERVICES_KEY = "services"


def services_of(context: Any) -> Services:
    return context.application.bot_data[SERVICES_KEY]
