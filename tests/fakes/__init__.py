"""Local fakes for end-to-end tests: each one is a real server on 127.0.0.1.

* ``telegram_api.FakeTelegram``: Bot API (long polling, webhooks, Telegram's text rules)
* ``openai_api.FakeOpenAI``: OpenAI-compatible Chat Completions (plain, structured, SSE)
* ``article_server.ArticleServer``: web pages from ``tests/data/pages`` plus scripted ones
* ``redis_server.RedisServer``: a throwaway ``redis-server`` process
* ``bot_process.BotProcess``: the real bot (``python -m bot``) as a subprocess

Fixtures wrapping them live in ``tests/conftest.py``.
"""
