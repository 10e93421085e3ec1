"""Issue 17 (streaming) end to end: LLM replies in private chats stream into a Telegram draft.

The fake LLM writes at a fixed token rate, so the bot sees the JSON arrive piece by piece; the
fake Bot API records every draft. Drafts are compared by their order, never by their timing.
"""

from __future__ import annotations

import itertools

import pytest

from tests.e2e.llm_scripts import FABRICATED, PUTIN_QUOTE, XI_QUOTE, answer, responder
from tests.fakes.article_server import ArticleServer
from tests.fakes.openai_api import FakeOpenAI
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.waiting import wait_until

pytestmark = pytest.mark.e2e

CHAT = 17001
GROUP = -1001700
STREAM = {"STREAM_REPLIES": "true"}
HEADLINE = "Putin tells Xi Russia is ready for high-level talks with Ukraine"
FIRST_BULLET = "Russia is ready to send a delegation to Minsk"
ANSWER = ("The article says a Russian delegation would travel to Minsk for high-level talks with Ukraine, "
          "and that Xi Jinping told Putin China supports a negotiated solution to the crisis.")  # fmt: skip


def final(fake: FakeTelegram, chat: int, count: int = 1, timeout: float = 30.0):
    return fake.wait_for_messages(chat, count, timeout=timeout, predicate=lambda m: not m.plain_text.startswith("⏳"))


def drafts_of(fake: FakeTelegram, chat: int) -> list[str]:
    return [d["plain_text"] for d in fake.drafts(chat)]


def stage(text: str) -> int:
    """How far a summary draft is: 0 placeholder, 1 headline, 2 bullets, 3 quotes."""
    if "Key quotes" in text:
        return 3
    if "•" in text:
        return 2
    return 1 if HEADLINE in text else 0


def storm_page(article_server: ArticleServer) -> str:
    html = """<html lang="en"><head><title>Storm hits coast</title></head><body><article>
    <h1>Storm hits coast</h1>
    <p>A powerful storm made landfall on the northern coast on Tuesday, officials said.</p>
    <p>"We have never seen winds like this," said Maria Lopez, the regional governor, at a briefing.</p>
    <p>More than 20,000 homes lost power overnight and schools were closed across the region.</p>
    <p>Forecasters expect the storm to weaken as it moves inland over the next two days.</p>
    <p>Emergency crews worked through the night to clear fallen trees from the main highway.</p>
    </article></body></html>"""
    return article_server.add("/storm17.html", html, content_type="text/html")


def test_summary_streams_headline_bullets_then_verified_quotes(
    bot_process, fake_telegram: FakeTelegram, fake_openai: FakeOpenAI, article_server: ArticleServer
) -> None:
    fake_openai.token_rate = 100  # ~1000 characters of JSON: a few seconds of writing
    fake_openai.set_responder(responder())  # its quotes include a fabricated one and a misattributed one
    bot_process(env=STREAM)
    fake_telegram.push_message(CHAT, article_server.url("/seed.html"))
    [reply] = final(fake_telegram, CHAT)

    drafts = drafts_of(fake_telegram, CHAT)
    assert len(drafts) >= 3, drafts
    stages = [stage(d) for d in drafts]
    assert stages == sorted(stages), drafts  # headline, then bullets, then quotes: never backwards
    assert stages[0] in (0, 1) and {2, 3} <= set(stages), drafts  # bullets and quotes came one after another
    assert any(PUTIN_QUOTE in d for d in drafts)  # a verified quote shows while it is written
    for d in drafts:
        assert FABRICATED not in d and "Boris Johnson" not in d  # an unverified quote never flashes
    # (the last state may not reach a draft: the final message, which shows all of it, doesn't wait for
    # the draft pace)
    assert len({d["draft_id"] for d in fake_telegram.drafts(CHAT)}) == 1  # one animated draft

    # exactly one final message: the normal summary with its buttons, sent after the last draft
    assert len(fake_telegram.messages(CHAT)) == 1
    assert reply.plain_text.startswith(HEADLINE) and FABRICATED not in reply.plain_text
    assert XI_QUOTE in reply.plain_text and PUTIN_QUOTE in reply.plain_text
    assert reply.reply_markup and not reply.edits
    assert not fake_telegram.calls_of("editMessageText")
    last_draft = fake_telegram.calls_of("sendMessageDraft")[-1].time
    assert last_draft < fake_telegram.calls_of("sendMessage")[-1].time
    assert not fake_telegram.errors, fake_telegram.errors


def test_answer_streams_as_it_is_written(
    bot_process, fake_telegram: FakeTelegram, fake_openai: FakeOpenAI, article_server: ArticleServer
) -> None:
    fake_openai.set_responder(responder(reply=answer(ANSWER, quotes=[
        {"quote": FABRICATED, "speaker": "Dmitry Peskov"}, {"quote": PUTIN_QUOTE, "speaker": "Vladimir Putin"},
    ])))  # fmt: skip
    bot_process(env=STREAM)
    fake_telegram.push_message(CHAT, article_server.url("/seed.html"))
    final(fake_telegram, CHAT)
    summary_drafts = len(fake_telegram.drafts(CHAT))

    fake_openai.token_rate = 60
    fake_telegram.push_message(CHAT, "Where will the talks be held?")
    [_, reply] = final(fake_telegram, CHAT, 2)
    texts = drafts_of(fake_telegram, CHAT)[summary_drafts:]
    grown = [d for d in texts if "The article says" in d]
    assert len(grown) >= 2, texts  # the answer's text grows on screen, several updates
    assert all(len(a) <= len(b) for a, b in itertools.pairwise(grown)), grown
    assert all(FABRICATED not in d for d in texts)
    assert "solution to the crisis" in texts[-1] and PUTIN_QUOTE in texts[-1]
    assert ANSWER in reply.plain_text and FABRICATED not in reply.plain_text
    assert not fake_telegram.errors, fake_telegram.errors


def test_group_falls_back_to_placeholder_and_edit(
    bot_process, fake_telegram: FakeTelegram, fake_openai: FakeOpenAI, article_server: ArticleServer
) -> None:
    fake_openai.token_rate = 400
    fake_openai.set_responder(responder())
    bot_process(env=STREAM)
    fake_telegram.push_message(GROUP, f"/summarize {article_server.url('/seed.html')}")
    [reply] = final(fake_telegram, GROUP)
    assert reply.plain_text.startswith(HEADLINE)
    assert reply.edits and reply.edits[0].startswith("⏳")  # the placeholder, edited
    assert not fake_telegram.calls_of("sendMessageDraft")
    assert not fake_telegram.errors, fake_telegram.errors


def test_bot_api_rejecting_drafts_falls_back_once_for_the_process(
    bot_process, fake_telegram: FakeTelegram, fake_openai: FakeOpenAI, article_server: ArticleServer
) -> None:
    fake_openai.token_rate = 400
    fake_openai.set_responder(responder())
    fake_telegram.fail_next("sendMessageDraft", 400, "Bad Request: method sendMessageDraft is unavailable", times=5)
    bot_process(env=STREAM)
    fake_telegram.push_message(CHAT, article_server.url("/seed.html"))
    [reply] = final(fake_telegram, CHAT)
    assert reply.plain_text.startswith(HEADLINE)
    assert reply.edits and reply.edits[0].startswith("⏳")  # placeholder-and-edit after the refusal

    fake_telegram.push_message(CHAT, storm_page(article_server))  # a new article: a new LLM summary
    final(fake_telegram, CHAT, 2)
    assert len(fake_telegram.calls_of("sendMessageDraft")) == 1  # the refusal was remembered


def test_stop_cancels_the_stream(
    bot_process, fake_telegram: FakeTelegram, fake_openai: FakeOpenAI, article_server: ArticleServer
) -> None:
    fake_openai.token_rate = 15  # a minute of writing: /stop comes long before the end
    fake_openai.set_responder(responder())
    bot_process(env=STREAM)
    fake_telegram.push_message(CHAT, article_server.url("/seed.html"))
    wait_until(lambda: any(HEADLINE in d for d in drafts_of(fake_telegram, CHAT)), 30, "the headline draft")

    fake_telegram.push_message(CHAT, "/stop")
    [stopped] = fake_telegram.wait_for_messages(CHAT, 1, timeout=10)
    assert stopped.plain_text == "Stopped."
    wait_until(lambda: fake_openai.streams_aborted == 1, 10, "the LLM stream to be closed")
    drafts_then = len(fake_telegram.drafts(CHAT))

    fake_telegram.push_message(CHAT, "/stop")  # nothing runs any more
    [_, nothing] = fake_telegram.wait_for_messages(CHAT, 2, timeout=10)
    assert "nothing to stop" in nothing.plain_text
    assert len(fake_telegram.messages(CHAT)) == 2  # no summary arrived after the stop
    assert len(fake_telegram.drafts(CHAT)) == drafts_then
    assert fake_openai.count == 1  # the stopped request was not retried nor replaced
    assert not fake_telegram.errors, fake_telegram.errors
