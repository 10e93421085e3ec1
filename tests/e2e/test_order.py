"""Replies to a multi-link message come in the order of the links, however long each one takes."""

from __future__ import annotations

import pytest

from tests.fakes.article_server import PAGES_DIR, ArticleServer
from tests.fakes.telegram_api import FakeTelegram

pytestmark = pytest.mark.e2e

CHAT = 8201
NO_LLM = {"OPENAI_BASE_URL": "", "OPENAI_API_KEY": ""}


def page(title: str, lead: str) -> str:
    body = "".join(f"<p>{lead} Paragraph {i} adds detail that the officials confirmed on Tuesday.</p>"
                   for i in range(6))  # fmt: skip
    head = f"<html lang='en'><head><title>{title}</title></head>"
    return f"{head}<body><article><h1>{title}</h1>{body}</article></body></html>"


def test_replies_follow_the_order_of_the_links(
    bot_process, fake_telegram: FakeTelegram, article_server: ArticleServer
) -> None:
    slow = article_server.add("/slow.html", (PAGES_DIR / "seed.html").read_text(), content_type="text/html")
    storm = article_server.add("/storm.html", page("Storm hits coast", "A storm made landfall."),
                               content_type="text/html")  # fmt: skip
    dam = article_server.add("/dam.html", page("New dam opens", "The river dam opened to traffic."),
                             content_type="text/html")  # fmt: skip
    article_server.delay("/slow.html", 3.0)
    bot_process(env=NO_LLM)
    fake_telegram.push_message(CHAT + 1, f"{storm} {dam}")  # made already: those replies would be instant
    fake_telegram.wait_for_messages(CHAT + 1, 2, timeout=60, predicate=lambda m: not m.plain_text.startswith("⏳"))
    fake_telegram.push_message(CHAT, f"{slow} {storm} {dam}")
    replies = fake_telegram.wait_for_messages(CHAT, 3, timeout=60,
                                              predicate=lambda m: not m.plain_text.startswith("⏳"))  # fmt: skip
    ordered = sorted(replies, key=lambda m: m.message_id)
    assert [m.plain_text.splitlines()[0] for m in ordered][1:] == ["Storm hits coast", "New dam opens"]
    assert ordered[0].plain_text.startswith("Putin")
    assert not fake_telegram.errors
