"""Issue 17, inline mode, end to end: ``@bot <link>`` in any chat, the "⏳" result edited into the
summary by ``inline_message_id``, explaining results for bad input, the allowlist and limits, and
the "Ask the bot" deep link that opens the article in a private chat."""

from __future__ import annotations

import html
import threading
from typing import Any

import pytest

from bot.net.guard import BLOCKED_REASON
from bot.telegram import texts
from tests.e2e.llm_scripts import FABRICATED, PUTIN_QUOTE, XI_QUOTE, answer, responder, schema_name
from tests.fakes.article_server import ArticleServer
from tests.fakes.openai_api import FakeOpenAI
from tests.fakes.telegram_api import FakeTelegram

pytestmark = pytest.mark.e2e

CHAT = 17001
READER = 17002
BOT = "newsbot_test_bot"
HEADLINE = "Putin tells Xi Russia is ready for high-level talks with Ukraine"


def answered(fake: FakeTelegram, query_id: str, timeout: float = 30.0) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The bot's answer to an inline query: (its parameters, its results)."""
    call = fake.wait_for_call("answerInlineQuery", timeout, lambda c: c.params.get("inline_query_id") == query_id)
    assert call.ok, call.description
    return call.params, fake.inline_results(query_id)


def buttons(markup: dict[str, Any] | None) -> dict[str, str]:
    return {b["text"]: b.get("url", "") for row in (markup or {}).get("inline_keyboard", []) for b in row}


def summary_requests(fake_openai: FakeOpenAI) -> int:
    return sum(1 for r in fake_openai.requests if schema_name(r) != "article_answer")


def test_a_cached_link_gives_the_full_summary_at_once(
    bot_process, fake_telegram: FakeTelegram, fake_openai: FakeOpenAI, article_server: ArticleServer
) -> None:
    fake_openai.set_responder(responder())
    bot_process(LINKS_PER_MINUTE="2")
    url = article_server.url("/seed.html")
    fake_telegram.push_message(CHAT, url)
    fake_telegram.wait_for_messages(CHAT, 1, 30, predicate=lambda m: not m.plain_text.startswith("⏳"))

    query = fake_telegram.push_inline_query(READER, f"  {url} ")
    params, [result] = answered(fake_telegram, query)
    assert params["is_personal"] is True and params["cache_time"] > 0
    content = result["input_message_content"]
    assert result["title"] == HEADLINE and content["parse_mode"] == "HTML"
    assert content["message_text"].startswith(f"<b>{HEADLINE}</b>")
    assert "• Russia is ready to send a delegation" in content["message_text"]
    assert PUTIN_QUOTE in content["message_text"] and XI_QUOTE in content["message_text"]
    assert FABRICATED not in content["message_text"]  # only verified quotes, as in a chat
    links = buttons(result["reply_markup"])
    assert links["🌐 Read the original"] == url
    assert links["💬 Ask the bot"].startswith(f"https://t.me/{BOT}?start=a_")
    assert summary_requests(fake_openai) == 1 and article_server.hits("/seed.html") == 1  # nothing made again
    for _ in range(3):  # a summary already made costs nothing, so it doesn't count against the limit
        _, [again] = answered(fake_telegram, fake_telegram.push_inline_query(READER, url))
        assert again["title"] == HEADLINE

    # a page found paywalled only after the answer: the sent "⏳" message says why, the link stays
    article_server.delay("/paywall.html", 3)  # slower than an inline answer waits for its work
    paywalled = article_server.url("/paywall.html")
    query = fake_telegram.push_inline_query(READER, paywalled)
    _, results = answered(fake_telegram, query)
    assert [r["id"] for r in results] == ["pending", "link"]
    inline_id = fake_telegram.choose_inline_result(query, "pending")
    assert inline_id is not None
    failed = fake_telegram.wait_for_inline_message(inline_id, lambda m: "paywall" in m.plain_text, timeout=30)
    assert failed.plain_text.startswith("⚠️") and buttons(failed.reply_markup)["🌐 Read the original"] == paywalled
    # asked again, the failure is known at once: one result that explains it
    _, [known] = answered(fake_telegram, fake_telegram.push_inline_query(READER, paywalled))
    assert known["title"] == texts.INLINE_FAILED_TITLE and "paywall" in known["description"]
    assert not fake_telegram.errors


def test_a_picked_pending_result_becomes_the_summary_and_its_deep_link_opens_the_article(
    bot_process, fake_telegram: FakeTelegram, fake_openai: FakeOpenAI, article_server: ArticleServer
) -> None:
    release = threading.Event()
    script = responder(reply=answer("The talks would be held in Minsk, the Kremlin said."))

    def held(request: dict[str, Any]) -> Any:
        if schema_name(request) != "article_answer":
            release.wait(30)  # the summary is still being written while the query is answered
        return script(request)

    fake_openai.set_responder(held)
    bot_process()
    url = article_server.url("/seed.html")
    query = fake_telegram.push_inline_query(READER, url)
    params, results = answered(fake_telegram, query)
    assert [r["id"] for r in results] == ["pending", "link"]
    pending, plain = results
    assert pending["title"] == "⏳ Summarizing 127.0.0.1…" and pending["reply_markup"]  # the keyboard makes it editable
    assert plain["input_message_content"]["message_text"] == url
    assert params["cache_time"] == 0 and params["is_personal"] is True

    inline_id = fake_telegram.choose_inline_result(query, "pending")
    assert inline_id is not None
    release.set()
    message = fake_telegram.wait_for_inline_message(inline_id, lambda m: HEADLINE in m.plain_text, timeout=30)
    assert message.edits == ["⏳ Summarizing 127.0.0.1…"]
    assert f"“{PUTIN_QUOTE}” — Vladimir Putin" in message.plain_text and FABRICATED not in message.plain_text
    assert summary_requests(fake_openai) == 1 and article_server.hits("/seed.html") == 1  # one fetch, one LLM call
    ask = buttons(message.reply_markup)["💬 Ask the bot"]
    token = ask.removeprefix(f"https://t.me/{BOT}?start=")
    assert len(token) <= 64 and token.replace("_", "").replace("-", "").isalnum()

    # "Ask the bot" opens a private chat with /start <token>: the article's summary, then questions about it
    fake_telegram.push_command(READER, "/start", token)
    [summary] = fake_telegram.wait_for_messages(READER, 1, 30, predicate=lambda m: not m.plain_text.startswith("⏳"))
    assert summary.plain_text.startswith(HEADLINE)
    fake_telegram.push_message(READER, "Where will the talks be?")
    [_, reply] = fake_telegram.wait_for_messages(READER, 2, 30, predicate=lambda m: not m.plain_text.startswith("⏳"))
    assert "Minsk" in reply.plain_text and HEADLINE.split()[0] in reply.plain_text  # "About: Putin tells…"
    question = [r for r in fake_openai.requests if schema_name(r) == "article_answer"][-1]
    assert PUTIN_QUOTE in question["messages"][1]["content"]
    assert summary_requests(fake_openai) == 1
    assert not fake_telegram.errors


def test_bad_input_blocked_addresses_limits_and_the_allowlist(
    bot_process, fake_telegram: FakeTelegram, article_server: ArticleServer
) -> None:
    stranger, german = 17003, 17004
    bot_process(FETCH_ALLOW_PRIVATE_NETWORKS="false", OPENAI_BASE_URL="", OPENAI_API_KEY="",
                ALLOWED_USER_IDS=f"{READER},{german}", LINKS_PER_MINUTE="2")  # fmt: skip

    def only_result(user: int, text: str, **kwargs: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        params, results = answered(fake_telegram, fake_telegram.push_inline_query(user, text, **kwargs))
        assert len(results) == 1 and params["is_personal"] is True
        return params, results[0]

    _, blocked = only_result(READER, "http://127.0.0.1/")
    assert blocked["title"] == texts.INLINE_FAILED_TITLE
    assert BLOCKED_REASON in html.unescape(blocked["input_message_content"]["message_text"])
    _, hint = only_result(READER, "")
    assert hint["title"] == texts.INLINE_HINT_TITLE and f"@{BOT}" in hint["input_message_content"]["message_text"]
    _, no_link = only_result(READER, "what happened today")
    assert no_link["title"] == texts.INLINE_NO_LINK_TITLE
    _, german_hint = only_result(german, "", language_code="de")
    assert german_hint["title"] == "Nachrichtenlink einfügen"
    # links count against the same per-user limit as links sent to the bot (2 a minute here)
    only_result(READER, "http://10.1.2.3/story")
    params, too_fast = only_result(READER, article_server.url("/seed.html"))
    assert too_fast["title"] == texts.INLINE_TOO_FAST_TITLE and params["cache_time"] >= 1
    _, private = only_result(stranger, article_server.url("/seed.html"))
    assert private["title"] == texts.INLINE_NOT_ALLOWED_TITLE
    assert article_server.hits("/seed.html") == 0  # neither the limited nor the stranger's link was fetched

    # a deep link to an article the bot no longer knows: a friendly reply, not the welcome
    fake_telegram.push_command(READER, "/start", "a_0123456789abcdef")
    [gone] = fake_telegram.wait_for_messages(READER, 1, 30)
    assert gone.plain_text == texts.ARTICLE_GONE
    assert not fake_telegram.errors
