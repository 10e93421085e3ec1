"""The daily digest: feeds, OPML, story clustering, schedule and the curated source list.

Everything here is pure (no I/O besides reading the packaged source list); Redis state lives in
``bot.store.subscriptions`` and ``bot.store.feeds``.
"""
