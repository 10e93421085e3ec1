"""The limits the other end-to-end limit tests don't press (issues H1 and L): "Ask about this"
presses count against the question limit, and OPML imports against the feeds checked per hour —
refused before a single feed of the file is fetched, with when to try again."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.callbacks import AskAbout, decode
from tests.digest.e2e_support import DigestWorld, at, items_before
from tests.e2e.llm_scripts import responder
from tests.fakes.article_server import ArticleServer
from tests.fakes.openai_api import FakeOpenAI
from tests.fakes.telegram_api import FakeTelegram

pytestmark = pytest.mark.e2e

CHAT = 7701


def test_ask_presses_count_against_the_question_limit(
    bot_process, fake_telegram: FakeTelegram, fake_openai: FakeOpenAI, article_server: ArticleServer
) -> None:
    fake_openai.set_responder(responder())
    bot_process(QUESTIONS_PER_MINUTE="2")
    fake_telegram.push_message(CHAT, article_server.url("/seed.html"))
    [summary] = fake_telegram.wait_for_messages(CHAT, 1, timeout=30,
                                                predicate=lambda m: not m.plain_text.startswith("⏳"))  # fmt: skip
    ask = next(b["callback_data"] for row in summary.reply_markup["inline_keyboard"] for b in row
               if isinstance(decode(b.get("callback_data")), AskAbout))  # fmt: skip
    queries = [fake_telegram.push_callback(CHAT, summary.message_id, ask) for _ in range(3)]
    answers = [fake_telegram.wait_for_call("answerCallbackQuery", timeout=15,
                                           predicate=lambda c, q=q: c.params.get("callback_query_id") == q)
               for q in queries]  # fmt: skip
    refused = [a for a in answers if "asking faster than I can read" in (a.params.get("text") or "")]
    assert len(refused) == 1 and "again in" in refused[0].params["text"]
    prompts = fake_telegram.wait_for_messages(CHAT, 3, timeout=15)[1:]
    assert all("What would you like to know" in p.plain_text for p in prompts)
    assert len(fake_telegram.messages(CHAT)) == 3  # the summary and two prompts: the third press made none


def test_opml_imports_count_feeds_per_hour(
    bot_process, fake_telegram: FakeTelegram, article_server: ArticleServer, redis_url: str, tmp_path: Path
) -> None:
    world = DigestWorld(redis_url, fake_telegram, article_server, tmp_path)
    start = at("2026-03-02", "06:00")
    world.set_clock(start)
    feeds = [world.feed(f"/feeds/o{n}.xml", f"Opml {n}", items_before(start, f"o{n}", [f"Story {n}"]))
             for n in range(3)]  # fmt: skip
    bot_process(env=world.env(OPML_FEEDS_PER_HOUR="4"))

    def send(name: str, urls: list[str]) -> str:
        body = "".join(f'<outline text="{u}" type="rss" xmlUrl="{u}"/>' for u in urls)
        opml = f'<?xml version="1.0"?><opml version="2.0"><body>{body}</body></opml>'.encode()
        fake_telegram.add_file(name, opml)
        sent = fake_telegram.push_message(CHAT, None, document={"file_id": name, "file_name": f"{name}.opml",
                                                                "mime_type": "text/x-opml", "file_size": len(opml)})
        [reply] = fake_telegram.wait_for_messages(CHAT, 1, timeout=30,
                                                  predicate=lambda m: m.reply_to_message_id == sent["message_id"])
        return fake_telegram.wait_for(lambda _: (m := fake_telegram.message(CHAT, reply.message_id)) and
                                      "Checking" not in m.plain_text and m.plain_text, 30)  # fmt: skip

    assert "Imported 2 feeds" in send("first", feeds[:2])  # 2 of the 4 feeds an hour
    refused = send("second", feeds)  # 3 more: over the limit, and nothing of it is checked
    assert "more feeds than I can check right now" in refused and "again in" in refused
    assert article_server.hits("/feeds/o2.xml") == 0
