"""Who may use the bot: everyone, or (ALLOWED_USER_IDS) a list of users plus the admins."""

from __future__ import annotations

from bot.config import Settings


class Access:
    def __init__(self, settings: Settings) -> None:
        self.allowed = frozenset(settings.allowed_user_ids)
        self.admins = frozenset(settings.admin_ids)

    def admits(self, user_id: int | None) -> bool:
        if not self.allowed:
            return True
        return user_id is not None and (user_id in self.allowed or user_id in self.admins)
