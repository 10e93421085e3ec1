"""/stats: today's figures, for the admins (ADMIN_IDS) only; others get the unknown-command reply."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ParseMode

from bot.app.stats import Budgets
from bot.store.daily import DayFigures
from bot.telegram import messages
from bot.telegram.catalog import t
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
    lang = await messages.language_of(update, context)
    await message.reply_text(render_stats(figures, context.stats.budgets, lang), parse_mode=ParseMode.HTML)


def render_stats(figures: DayFigures, budgets: Budgets, lang: str | None = None) -> str:
    rate = figures.cache_hit_rate
    return t(
        "STATS",
        lang,
        day=figures.day,
        users=figures.users,
        summaries=int(figures["summaries"]),
        hit_rate="–" if rate is None else f"{rate:.0%}",
        tokens=int(figures["llm_tokens"]),
        cost=figures["llm_cost"],
        fallbacks=int(figures["fallbacks"]),
        refusals=int(figures["budget_refusals"]),
        errors=int(figures["errors"]),
        user_budget=budgets.user_tokens or t("UNLIMITED", lang),
        global_budget=budgets.global_tokens or t("UNLIMITED", lang),
    )
