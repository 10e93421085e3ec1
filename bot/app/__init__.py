"""The application's use cases, as the Telegram edge calls them.

Each service has intention-revealing verbs (``summaries.for_link``, ``conversations.ask``,
``subscriptions.subscribe``, ``digests.send_now``…), holds the rules that used to sit in handlers,
and returns plain data for the edge to render. Nothing here imports ``telegram``; the composition
root (``bot.services``) builds the services once per process from the stores, pipeline and digest.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.app.access import Access
from bot.app.conversations import Conversations
from bot.app.digests import Digests
from bot.app.follows import Follows
from bot.app.inline import InlineSummaries
from bot.app.preferences import Preferences
from bot.app.stats import Stats
from bot.app.subscriptions import Subscriptions
from bot.app.summaries import Summaries


@dataclass(frozen=True)
class AppServices:
    access: Access
    preferences: Preferences
    summaries: Summaries
    conversations: Conversations
    subscriptions: Subscriptions
    digests: Digests
    stats: Stats
    inline: InlineSummaries
    follows: Follows
