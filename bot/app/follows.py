"""Following stories, as the Telegram edge asks for it: /follow, the 🔔 button, /following."""

from __future__ import annotations

from dataclasses import dataclass

from bot.follow.service import AlreadyFollowing, Following, FollowService, LimitReached
from bot.pipeline import TEXT_PREFIX
from bot.store.follows import Followed
from bot.store.limits import RateLimiter, Rule, Verdict

__all__ = ["AlreadyFollowing", "Following", "Follows", "LimitReached", "Listing", "NotALink"]


@dataclass(frozen=True)
class NotALink:
    """Pasted text (or a key that was forgotten): nothing to fetch again."""


@dataclass(frozen=True)
class Listing:
    stories: list[Followed]
    limit: int
    night: bool  # updates also at night


class Follows:
    def __init__(self, service: FollowService, limits: RateLimiter, *, per_minute: int) -> None:
        self.service = service
        self.hours = service.settings.follow_stop_hours
        self.limits = limits
        self.rule = Rule("follows", per_minute)

    async def within_limit(self, subject: str) -> Verdict:
        return await self.limits.allow(self.rule, subject)

    async def follow_link(self, chat_id: int, url: str, language: str) -> Following | AlreadyFollowing | LimitReached:
        """Raises NewsbotError (with a reason for the user) when the link can't be read."""
        return await self.service.follow(chat_id, url, language)

    async def follow_key(
        self, chat_id: int, key: str, language: str
    ) -> Following | AlreadyFollowing | LimitReached | NotALink:
        """The 🔔 under a summary: its article key back to the link."""
        if key.startswith(TEXT_PREFIX):
            return NotALink()
        url = await self.service.pipeline.cache.url_for(key)
        if not url:
            return NotALink()
        return await self.service.follow(chat_id, url, language)

    async def listing(self, chat_id: int) -> Listing:
        store = self.service.store
        return Listing(await store.following(chat_id), store.limit, await store.night(chat_id))

    async def unfollow(self, chat_id: int, key: str) -> Followed | None:
        return await self.service.store.unfollow(chat_id, key)

    async def set_night(self, chat_id: int, on: bool) -> None:
        await self.service.set_night(chat_id, on)
