"""What LLM calls cost, and the daily token budgets (per user and for everyone) that stop them.

Tokens are the API's own ``usage`` figures, added to today's totals in Redis (through
``bot.metrics``), so the budgets hold across every replica. A call beyond a budget raises
SummarizeError ``llm_budget``: the engine policy then answers extractively with a one-line note.
The check reads totals a moment old, so a burst can overshoot a budget by the calls in flight.
"""

from __future__ import annotations

import logging

from bot import metrics
from bot.config import Settings
from bot.errors import SummarizeError

log = logging.getLogger(__name__)

BUDGET_CODE = "llm_budget"
PER_MILLION = 1_000_000


class TokenBudget:
    def __init__(self, settings: Settings) -> None:
        self.user_limit = settings.llm_user_daily_tokens
        self.global_limit = settings.llm_daily_tokens
        self.price_in = settings.llm_price_input
        self.price_out = settings.llm_price_output

    async def check(self) -> None:
        """Raise SummarizeError ``llm_budget`` when today's tokens reached a budget (0 = none)."""
        if not (self.user_limit or self.global_limit):
            return
        user = metrics.acting_user.get()
        mine, everyone = await metrics.tokens_used(user)
        if self.global_limit and everyone >= self.global_limit:
            self._refuse("global", f"{everyone} of {self.global_limit} tokens today")
        if self.user_limit and user is not None and mine >= self.user_limit:
            self._refuse("user", f"user {user}: {mine} of {self.user_limit} tokens today")

    @staticmethod
    def _refuse(scope: str, detail: str) -> None:
        metrics.budget_exceeded(scope)
        raise SummarizeError("The daily AI allowance is used up.", code=BUDGET_CODE, detail=detail)

    def charge(self, model: str, usage: object) -> None:
        """Count a call's ``usage`` (None from servers that don't report it: nothing to count)."""
        prompt = int(getattr(usage, "prompt_tokens", 0) or 0)
        completion = int(getattr(usage, "completion_tokens", 0) or 0)
        cost = (prompt * self.price_in + completion * self.price_out) / PER_MILLION
        metrics.llm_tokens(model, prompt, completion, cost)
