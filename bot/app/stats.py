"""Today's figures for the admins' /stats: from Redis, so they add up every replica's work."""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import Settings
from bot.store.daily import DailyStats, DayFigures


@dataclass(frozen=True)
class Budgets:
    user_tokens: int  # 0 = unlimited
    global_tokens: int


class Stats:
    def __init__(self, daily: DailyStats, settings: Settings) -> None:
        self.daily = daily
        self.admins = frozenset(settings.admin_ids)
        self.budgets = Budgets(settings.llm_user_daily_tokens, settings.llm_daily_tokens)

    def may_see(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.admins

    async def today(self) -> DayFigures:
        return await self.daily.figures()
