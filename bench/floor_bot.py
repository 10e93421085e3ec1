"""The floor for bench/reply_load.py: a bare python-telegram-bot bot answering every message with one
reply, with the stock AIORateLimiter and the same concurrency as newsbot. Reads TELEGRAM_BOT_TOKEN and
TELEGRAM_API_URL."""

from __future__ import annotations

import os

from telegram import Update
from telegram.ext import AIORateLimiter, ApplicationBuilder, ContextTypes, MessageHandler, filters


async def reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.message:
        await update.message.reply_text("A summary would be here.")


def main() -> None:
    api = os.environ["TELEGRAM_API_URL"]
    app = (
        ApplicationBuilder().token(os.environ["TELEGRAM_BOT_TOKEN"]).base_url(f"{api}/bot")
        .rate_limiter(AIORateLimiter(max_retries=3)).concurrent_updates(64).build()
    )  # fmt: skip
    app.add_handler(MessageHandler(filters.ALL, reply))
    app.run_polling(allowed_updates=Update.ALL_TYPES)


if __name__ == "__main__":
    main()
