"""The daily digest.

Pure parts (no I/O besides reading the packaged source list): ``feeds``, ``jsonfeed``, ``opml``,
``compose`` (story clustering and ranking), ``schedule`` (DST-correct slots), ``sources``,
``text``, ``render``. Redis state lives in ``bot.store.subscriptions``, ``bot.store.feeds`` and
``runs``. The running parts: ``polling`` (feeds through the safe fetcher), ``entries`` (one
summary line per story), ``limiter`` + ``delivery`` (Telegram's rules, no Telegram import),
``service`` (compose and send exactly once), ``jobs``/``worker`` (saq). The Bot API adapter is
``bot.telegram.digest_sender``.
"""
