"""/stats: today's figures, for the admins (ADMIN_IDS) only; others get the unknown-command reply."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ParseMode

from bot.app.stats import Budgets
from bot.store.daily import DayFigures
from bot.telegram import messages, texts
from bot.telegram.context import NewsContext
from bot.telegram.handlers import basic


async def stats_command(update: Update, context: NewsContext) -> None:
    message = update.effective_message
    if message is None:
        return
    if not context.stats.may_see(messages.user_id_of(update)):
        await basic.unknown_command(update, context)  # the command isn't there for anyone else
        return
    figures = await context.stats.today()
    await message.reply_text(render_stats(figures, context.stats.budgets), parse_mode=ParseMode.HTML)


def render_stats(figures: DayFigures, budgets: Budgets) -> str:
    rate = figures.cache_hit_rate
    return texts.STATS.format(
        day=figures.day,
        users=figures.users,
        summaries=int(figures["summaries"]),
        hit_rate="–" if rate is None else f"{rate:.0%}",
        tokens=int(figures["llm_tokens"]),
        cost=figures["llm_cost"],
        fallbacks=int(figures["fallbacks"]),
        refusals=int(figures["budget_refusals"]),
        errors=int(figures["errors"]),
        user_budget=budgets.user_tokens or texts.UNLIMITED,
        global_budget=budgets.global_tokens or texts.UNLIMITED,
    )
