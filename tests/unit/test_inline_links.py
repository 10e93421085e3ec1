"""Inline mode's pure rules: which link a query names, and the deep-link token of an article."""

from __future__ import annotations

import re

from bot.app.inline import Failed, article_key_of, article_token, link_in
from bot.net.urls import BAD_URL_REASON, normalize_url, url_key
from bot.pipeline import text_article


def test_the_first_link_of_a_query_is_taken() -> None:
    assert link_in("look https://example.com/a and https://example.org/b") == "https://example.com/a"
    assert link_in("example.com/story") == "https://example.com/story"
    assert link_in("what happened today?") is None
    assert link_in("   ") is None
    assert link_in("http://[::1 is broken") == Failed(BAD_URL_REASON)


def test_article_tokens_fit_telegrams_start_parameter_and_round_trip() -> None:
    key = url_key(normalize_url("https://example.com/news/a-very-long-story-name?id=12345"))
    token = article_token(key)
    assert token is not None and re.fullmatch(r"[A-Za-z0-9_-]{1,64}", token)
    assert article_key_of(token) == key
    assert article_token(text_article("Pasted words. " * 50)[0]) is None  # pasted text has no link
    for stranger in ("", "hello", "a_xyz", "a_" + "0" * 17, "b_" + key, key):
        assert article_key_of(stranger) is None
