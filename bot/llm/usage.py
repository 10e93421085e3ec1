"""What LLM calls cost, and the daily token budgets (per user and for everyone) that stop them.

Tokens are the API's own ``usage`` figures, added to today's totals in Redis (through
``bot.metrics``), so the budgets hold across every replica. With a budget set, each call first
holds its most (the prompt's estimate plus ``LLM_MAX_OUTPUT_TOKENS``, which the request caps the
answer at) — checked and added in one atomic step, so a burst of calls near a limit can't all pass
— and is settled to the reported usage afterwards. A call refused by a budget raises
SummarizeError ``llm_budget``: the engine policy then answers extractively with a one-line note.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from bot import metrics
from bot.config import Settings
from bot.errors import SummarizeError
from bot.llm.budget import estimate_tokens
from bot.metrics import TokenHold

log = logging.getLogger(__name__)

BUDGET_CODE = "llm_budget"
PER_MILLION = 1_000_000
MESSAGE_OVERHEAD = 8  # tokens a chat message costs beyond its content (role, separators)


class TokenBudget:
    def __init__(self, settings: Settings) -> None:
        self.user_limit = settings.llm_user_daily_tokens
        self.global_limit = settings.llm_daily_tokens
        self.price_in = settings.llm_price_input
        self.price_out = settings.llm_price_output
        self.max_output = settings.llm_max_output_tokens

    def most(self, messages: list[dict[str, str]]) -> int:
        """The tokens a call with these messages may cost at most: the prompt's estimate plus the
        answer's cap."""
        return sum(estimate_tokens(m.get("content", "")) + MESSAGE_OVERHEAD for m in messages) + self.max_output

    async def hold(self, messages: list[dict[str, str]]) -> TokenHold | None:
        """Hold the call's most against today's budgets (None when there are none), or raise
        SummarizeError ``llm_budget`` when a budget is reached."""
        if not (self.user_limit or self.global_limit):
            return None
        hold = await metrics.hold_tokens(self.most(messages), user_limit=self.user_limit,
                                         global_limit=self.global_limit)  # fmt: skip
        if hold is not None and hold.refused:
            metrics.budget_exceeded(hold.refused)
            limit = self.global_limit if hold.refused == "global" else self.user_limit
            detail = f"{hold.refused} budget of {limit} tokens reached" + (
                f" (user {hold.user})" if hold.refused == "user" else "")
            raise SummarizeError("The daily AI allowance is used up.", code=BUDGET_CODE, detail=detail)
        return hold

    @staticmethod
    def release(hold: TokenHold | None) -> None:
        """The call failed with the server's error: it used nothing, the hold goes back."""
        metrics.release_tokens(hold)

    def charge(self, model: str, usage: object, hold: TokenHold | None = None) -> None:
        """Count a call's ``usage`` and settle its hold. A server that reports no usage leaves the
        hold charged: the budgets then count the most it could have cost."""
        prompt = int(getattr(usage, "prompt_tokens", 0) or 0)
        completion = int(getattr(usage, "completion_tokens", 0) or 0)
        cost = (prompt * self.price_in + completion * self.price_out) / PER_MILLION
        if usage is None and hold is not None:
            # Settle nothing: a hold of 0 settled to 0 used tokens leaves the whole hold charged.
            hold = replace(hold, tokens=0)
        metrics.llm_tokens(model, prompt, completion, cost, hold)
