"""The fakes behave like the real services, checked with the real clients (PTB, openai, httpx)."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import openai
import pydantic
import pytest
import telegram
from aiohttp import web
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.error import BadRequest, ChatMigrated, Conflict, Forbidden, InvalidToken, RetryAfter

from bot.playground.tg_html import parse_html, u16len
from tests.fakes.article_server import ArticleServer
from tests.fakes.bot_process import BotProcess, clean_environment
from tests.fakes.openai_api import FakeOpenAI
from tests.fakes.redis_server import RedisServer
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.waiting import await_until

CHAT = 1001

# PTB warns whenever RetryAfter.retry_after is read as an int (also inside PTB itself)
pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")


@pytest.fixture
async def bot(fake_telegram: FakeTelegram) -> AsyncIterator[telegram.Bot]:
    async with telegram.Bot(fake_telegram.token, base_url=f"{fake_telegram.base_url}/bot") as b:
        yield b


# ---------------------------------------------------------------------------------------------
# Telegram


async def test_send_message_is_stored_and_recorded(bot: telegram.Bot, fake_telegram: FakeTelegram):
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("More", callback_data="more:1")]])
    sent = await bot.send_message(
        CHAT,
        "<b>Title</b> &amp; co https://example.com/a",
        parse_mode="HTML",
        reply_markup=markup,
        link_preview_options=LinkPreviewOptions(is_disabled=True),
    )
    assert sent.text == "Title & co https://example.com/a"
    assert sent.entities[0].type == "bold" and sent.entities[0].length == 5
    assert sent.reply_markup == markup
    [stored] = fake_telegram.messages(CHAT)
    assert stored.message_id == sent.message_id
    assert stored.text == "<b>Title</b> &amp; co https://example.com/a"
    assert stored.plain_text == "Title & co https://example.com/a"
    assert stored.parse_mode == "HTML" and stored.link_preview_disabled
    assert stored.callback_data == ["more:1"]
    call = fake_telegram.calls_of("sendMessage")[0]
    assert call.params["chat_id"] == CHAT and call.status == 200
    assert call.params["reply_markup"]["inline_keyboard"][0][0]["text"] == "More"
    assert [c.method for c in fake_telegram.calls] == ["getMe", "sendMessage"]


async def test_message_length_is_counted_after_entity_parsing(bot: telegram.Bot, fake_telegram: FakeTelegram):
    await bot.send_message(CHAT, "x" * 4096)
    await bot.send_message(CHAT, "<b>" + "&amp;" * 4096 + "</b>", parse_mode="HTML")  # 4096 visible
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(CHAT, "x" * 4097)
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(CHAT, "😀" * 2049)  # 4098 UTF-16 code units
    with pytest.raises(BadRequest, match=r"(?i)text is empty"):
        await bot.send_message(CHAT, "<b> </b>", parse_mode="HTML")
    assert len(fake_telegram.messages(CHAT)) == 2
    assert [c.status for c in fake_telegram.errors] == [400, 400, 400]


@pytest.mark.parametrize(
    "text",
    ["<b>x", "a < b", "<img src=x>", "&foo;", "AT&T", "<a>x</a>", "x</b>", "<b>x</i>",
     "<span>x</span>", "<script>x</script>"],
)  # fmt: skip
async def test_bad_html_is_rejected(bot: telegram.Bot, text: str):
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(CHAT, text, parse_mode="HTML")


async def test_good_html_entities(bot: telegram.Bot, fake_telegram: FakeTelegram):
    html = (
        '<b>b</b> <i>i</i> <u>u</u> <s>s</s> <a href="https://e.com/?a=1&amp;b=2">link</a> '
        "&lt;tag&gt; &quot;q&quot; &#128512; &#x41; <tg-spoiler>sp</tg-spoiler> "
        '<span class="tg-spoiler">sp</span> <blockquote expandable>q</blockquote> '
        '<pre><code class="language-python">x = 1</code></pre> <code>c</code>'
    )
    sent = await bot.send_message(CHAT, html, parse_mode="HTML")
    assert sent.text == 'b i u s link <tag> "q" 😀 A sp sp q x = 1 c'
    kinds = [e.type for e in sent.entities]
    assert kinds == ["bold", "italic", "underline", "strikethrough", "text_link", "spoiler",
                     "spoiler", "expandable_blockquote", "pre", "code"]  # fmt: skip
    link = sent.entities[4]
    assert link.url == "https://e.com/?a=1&b=2"
    assert sent.parse_entity(link) == "link"
    pre = sent.entities[8]
    assert pre.language == "python" and sent.parse_entity(pre) == "x = 1"
    # offsets are UTF-16: the emoji counts twice
    assert sent.entities[5].offset == u16len('b i u s link <tag> "q" 😀 A ')


def test_parse_html_lenient_mode_matches_tdlib():
    assert parse_html("AT&T &foo; &amp", strict=False)[0] == "AT&T &foo; &"
    assert parse_html("<a>https://x.org</a>", strict=False)[1][0]["url"] == "https://x.org"


async def test_blocked_chat_is_forbidden(bot: telegram.Bot, fake_telegram: FakeTelegram):
    fake_telegram.block_chat(CHAT)
    with pytest.raises(Forbidden, match=r"(?i)blocked by the user"):
        await bot.send_message(CHAT, "hi")
    fake_telegram.unblock_chat(CHAT)
    await bot.send_message(CHAT, "hi")
    assert fake_telegram.errors[0].status == 403


async def test_flood_control_raises_retry_after(bot: telegram.Bot, fake_telegram: FakeTelegram):
    fake_telegram.set_flood_limits(per_chat_per_second=1, overall_per_second=30)
    await bot.send_message(CHAT, "one")
    await bot.send_message(CHAT + 1, "other chat is fine")
    with pytest.raises(RetryAfter) as exc:
        await bot.send_message(CHAT, "two")
    assert exc.value.retry_after == 1
    assert fake_telegram.count_429 == 1
    assert fake_telegram.errors[-1].response["parameters"] == {"retry_after": 1}


async def test_group_flood_limit(bot: telegram.Bot, fake_telegram: FakeTelegram):
    fake_telegram.set_flood_limits(per_chat_per_second=None, group_per_minute=3)
    for i in range(3):
        await bot.send_message(-100, f"m{i}")
    with pytest.raises(RetryAfter):
        await bot.send_message(-100, "too many")
    # the minute window counts from the first send (the fake's own clock, not the test's speed)
    first, flood = fake_telegram.calls_of("sendMessage")[0], fake_telegram.errors[-1]
    assert 60 - (flood.time - first.time) - 1 < flood.response["parameters"]["retry_after"] <= 60


async def test_scripted_faults_and_migration(bot: telegram.Bot, fake_telegram: FakeTelegram):
    fake_telegram.fail_next("sendMessage", 429, "Too Many Requests: retry after 3", retry_after=3)
    with pytest.raises(RetryAfter):
        await bot.send_message(CHAT, "x")
    fake_telegram.fail_next("*", 502, "Bad Gateway", times=2)
    for _ in range(2):
        with pytest.raises(telegram.error.NetworkError, match="Bad Gateway"):
            await bot.send_chat_action(CHAT, "typing")
    await bot.send_chat_action(CHAT, "typing")
    fake_telegram.migrate_chat(-42, -1001234567890)
    with pytest.raises(ChatMigrated) as exc:
        await bot.send_message(-42, "x")
    assert exc.value.new_chat_id == -1001234567890
    assert fake_telegram.count_429 == 1


async def test_edit_rules(bot: telegram.Bot, fake_telegram: FakeTelegram):
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("More", callback_data="m")]])
    sent = await bot.send_message(CHAT, "<b>v1</b>", parse_mode="HTML", reply_markup=markup)
    with pytest.raises(BadRequest, match=r"(?i)not modified"):
        await bot.edit_message_text("<b>v1</b>", CHAT, sent.message_id, parse_mode="HTML",
                                    reply_markup=markup)  # fmt: skip
    await bot.edit_message_text("<b>v1</b>", CHAT, sent.message_id, parse_mode="HTML")  # drops markup
    await bot.edit_message_text("<i>v2</i>", CHAT, sent.message_id, parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", CHAT, 999)
    [stored] = fake_telegram.messages(CHAT)
    assert stored.text == "<i>v2</i>" and stored.plain_text == "v2"
    assert stored.edits == ["<b>v1</b>", "<b>v1</b>"]
    assert stored.reply_markup is None
    await bot.delete_message(CHAT, sent.message_id)
    assert fake_telegram.messages(CHAT)[0].deleted
    assert fake_telegram.messages(CHAT, include_deleted=False) == []


async def test_long_poll_delivers_message_with_utf16_entities(bot: telegram.Bot, fake_telegram: FakeTelegram):
    text = "👍🏽 news: https://example.com/a?b=1, and see /start @somebody"
    poll = asyncio.create_task(bot.get_updates(timeout=60, read_timeout=90))
    await await_until(lambda: fake_telegram.last_poll_started, 10, "the long poll to reach the fake")
    assert not poll.done()  # really long-polling: the fake holds the request
    fake_telegram.push_message(CHAT, text, first_name="Bob", username="bob")
    [update] = await asyncio.wait_for(poll, 30)  # the push ends the poll, well before its 60 s
    msg = update.message
    assert msg.from_user.first_name == "Bob" and msg.chat.type == "private"
    parsed = msg.parse_entities()
    assert list(parsed.values()) == ["https://example.com/a?b=1", "/start", "@somebody"]
    url_entity = next(iter(parsed))
    assert url_entity.offset == 11  # 👍🏽 is 4 UTF-16 units
    # not acknowledged yet: returned again; acknowledged with offset
    again = await bot.get_updates(timeout=0)
    assert [u.update_id for u in again] == [update.update_id]
    assert await bot.get_updates(offset=update.update_id + 1, timeout=0) == ()
    assert fake_telegram.pending_updates == []


async def test_ptb_application_polls_and_replies(fake_telegram: FakeTelegram):
    from telegram.ext import ApplicationBuilder, CommandHandler, MessageHandler, filters

    app = ApplicationBuilder().token(fake_telegram.token).base_url(f"{fake_telegram.base_url}/bot").build()

    async def start(update: telegram.Update, _ctx: object) -> None:
        await update.message.reply_html(f"<b>Hi</b> {update.effective_user.first_name}")

    async def links(update: telegram.Update, _ctx: object) -> None:
        urls = update.message.parse_entities([telegram.MessageEntity.URL]).values()
        await update.message.reply_text(" ".join(urls))

    app.add_handler(CommandHandler("start", start))
    app.add_handler(MessageHandler(filters.TEXT, links))
    async with app:
        await app.start()
        await app.updater.start_polling(timeout=5)
        fake_telegram.push_command(CHAT, "/start")
        fake_telegram.push_message(CHAT, "see 🎉 https://example.com/c?d=1.")
        msgs = await fake_telegram.await_messages(CHAT, 2, timeout=5)
        await app.updater.stop()
        await app.stop()
    assert [m.plain_text for m in msgs] == ["Hi Alice", "https://example.com/c?d=1"]
    assert [m.reply_to_message_id for m in msgs] == [None, None]
    methods = [c.method for c in fake_telegram.calls]
    assert methods[:3] == ["getMe", "deleteWebhook", "getUpdates"]
    assert fake_telegram.pending_updates == []  # PTB acknowledged on shutdown


async def test_text_link_and_caption_entities(bot: telegram.Bot, fake_telegram: FakeTelegram):
    text = "🔥 read this"
    link = FakeTelegram.entity(text, "this", url="https://example.org/b")
    fake_telegram.push_message(CHAT, text, entities=[link])
    fake_telegram.push_message(CHAT, caption="via 👀 https://e.com/x", document={"file_name": "a.pdf"})
    updates = await bot.get_updates(timeout=1)
    first, second = (u.message for u in updates)
    [(ent, value)] = first.parse_entities().items()
    assert ent.type == "text_link" and ent.url == "https://example.org/b" and value == "this"
    assert list(second.parse_caption_entities().values()) == ["https://e.com/x"]
    assert second.document.file_name == "a.pdf"


async def test_allowed_updates_and_conflict(bot: telegram.Bot, fake_telegram: FakeTelegram):
    fake_telegram.push_inline_query(CHAT, "news")
    fake_telegram.push_message(CHAT, "hello")
    updates = await bot.get_updates(timeout=0, allowed_updates=["message"])
    assert [u.message.text for u in updates] == ["hello"]
    # a second instance polling with the same token terminates the first one's long poll
    before = fake_telegram.last_poll_started
    first = asyncio.create_task(bot.get_updates(offset=updates[-1].update_id + 1, timeout=3))
    await await_until(lambda: fake_telegram.last_poll_started != before, 10, "the first long poll to start")
    async with telegram.Bot(fake_telegram.token, base_url=f"{fake_telegram.base_url}/bot") as other:
        second = asyncio.create_task(other.get_updates(offset=updates[-1].update_id + 1, timeout=0.5))
        with pytest.raises(Conflict, match=r"(?i)terminated by other getUpdates"):
            await first
        assert await second == ()


async def test_callback_query_round_trip(bot: telegram.Bot, fake_telegram: FakeTelegram):
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("More", callback_data="more:1")]])
    sent = await bot.send_message(CHAT, "digest", reply_markup=markup)
    cq_id = fake_telegram.push_callback(CHAT, sent.message_id, "more:1")
    [update] = await bot.get_updates(timeout=1)
    query = update.callback_query
    assert query.id == cq_id and query.data == "more:1"
    assert query.message.message_id == sent.message_id and query.message.from_user.is_bot
    await bot.answer_callback_query(query.id, text="Loading…")
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query(query.id)
    await bot.edit_message_text("digest, more", CHAT, sent.message_id)
    assert fake_telegram.answered_callbacks == [{"callback_query_id": cq_id, "text": "Loading…"}]
    assert fake_telegram.messages(CHAT)[0].plain_text == "digest, more"


async def test_reply_to_bot_message(bot: telegram.Bot, fake_telegram: FakeTelegram):
    sent = await bot.send_message(CHAT, "Summary…")
    fake_telegram.push_reply(CHAT, None, "why?")
    [update] = await bot.get_updates(timeout=1)
    replied = update.message.reply_to_message
    assert replied.message_id == sent.message_id and replied.from_user.is_bot
    reply = await bot.send_message(CHAT, "because", reply_to_message_id=update.message.message_id)
    assert fake_telegram.messages(CHAT)[-1].reply_to_message_id == update.message.message_id
    assert reply.reply_to_message.text == "why?"
    with pytest.raises(BadRequest, match=r"(?i)replied not found"):
        await bot.send_message(CHAT, "x", reply_to_message_id=12345)


async def test_webhook_delivery_with_secret_and_retries(bot: telegram.Bot, fake_telegram: FakeTelegram):
    received: list[tuple[dict, str | None]] = []
    statuses = [500, 200, 200]

    async def hook(request: web.Request) -> web.Response:
        received.append((await request.json(), request.headers.get("X-Telegram-Bot-Api-Secret-Token")))
        return web.Response(status=statuses[len(received) - 1])

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        fake_telegram.push_message(CHAT, "queued before the webhook")
        await bot.set_webhook(f"http://127.0.0.1:{port}/hook", secret_token="s3cr3t")
        fake_telegram.push_message(CHAT, "after")
        await fake_telegram.await_for(lambda calls: len(received) >= 3, timeout=5)
        texts = [u["message"]["text"] for u, _ in received]
        assert texts == ["queued before the webhook", "queued before the webhook", "after"]
        assert {secret for _, secret in received} == {"s3cr3t"}
        info = await bot.get_webhook_info()
        assert info.url.endswith("/hook") and info.pending_update_count == 0
        assert "500" in (info.last_error_message or "")
        with pytest.raises(Conflict, match=r"(?i)webhook is active"):
            await bot.get_updates()
        await bot.delete_webhook()
        assert await bot.get_updates(timeout=0) == ()
    finally:
        await runner.cleanup()


async def test_misc_methods(bot: telegram.Bot, fake_telegram: FakeTelegram):
    await bot.set_my_commands([("start", "Start"), ("digest", "Daily digest")])
    assert fake_telegram.commands == [
        {"command": "start", "description": "Start"},
        {"command": "digest", "description": "Daily digest"},
    ]
    assert [c.command for c in await bot.get_my_commands()] == ["start", "digest"]
    with pytest.raises(BadRequest):
        await bot.set_my_commands([("Bad-Name", "x")])
    fake_telegram.set_admin(-100, 7)
    assert (await bot.get_chat_member(-100, 7)).status == "administrator"
    assert (await bot.get_chat_member(-100, 8)).status == "member"
    assert [m.user.id for m in await bot.get_chat_administrators(-100)] == [7]
    await bot.send_message_draft(CHAT, 5, "partial <b>answer</b>", parse_mode="HTML")
    assert fake_telegram.drafts(CHAT)[0]["plain_text"] == "partial answer"
    # Telegram's rules for drafts: private chats only (by id and by type), a non-zero id, at most
    # 4096 characters after entity parsing, HTML that parses
    fake_telegram.push_message(-5, "hi")  # a group the bot knows
    fake_telegram.push_message(77, "hi", chat_type="supergroup")  # a positive id that is no private chat
    for chat, draft_id, text in ((-5, 1, "x"), (77, 1, "x"), (CHAT, 0, "x"), (CHAT, 1, "x" * 4097),
                                 (CHAT, 1, "<b>open")):  # fmt: skip
        with pytest.raises(BadRequest):
            await bot.send_message_draft(chat, draft_id, text, parse_mode="HTML")
    await bot.send_message_draft(CHAT, 1, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")  # tags don't count
    assert len(fake_telegram.drafts(CHAT)) == 2
    doc = await bot.send_document(CHAT, b"%PDF-1.4 data", filename="digest.pdf", caption="<b>c</b>",
                                  parse_mode="HTML")  # fmt: skip
    assert doc.document.file_name == "digest.pdf" and doc.caption == "c"
    stored = fake_telegram.messages(CHAT)[-1]
    assert stored.kind == "document" and stored.document_bytes == b"%PDF-1.4 data"
    iq = fake_telegram.push_inline_query(CHAT, "q")
    await bot.answer_inline_query(iq, [])
    assert fake_telegram.answered_inline_queries[0]["inline_query_id"] == iq


async def test_wrong_token_and_unknown_method(fake_telegram: FakeTelegram, bot: telegram.Bot):
    with pytest.raises(InvalidToken):
        async with telegram.Bot("999:WRONG", base_url=f"{fake_telegram.base_url}/bot"):
            pass
    assert fake_telegram.errors[-1].status == 401
    async with httpx.AsyncClient() as client:
        r = await client.post(f"{fake_telegram.api_url}/sendSticker", json={"chat_id": CHAT})
        assert r.status_code == 404 and r.json() == {"ok": False, "error_code": 404,
                                                     "description": "Not Found"}  # fmt: skip
        # JSON bodies and case-insensitive method names work too
        r = await client.post(f"{fake_telegram.api_url}/SENDMESSAGE", json={"chat_id": CHAT, "text": "j"})
        assert r.json()["result"]["text"] == "j"
    assert [c.method for c in fake_telegram.unknown_calls] == ["sendSticker"]


async def test_wait_for_messages_from_another_thread(fake_telegram: FakeTelegram, bot: telegram.Bot):
    result: list = []
    waiter = threading.Thread(
        target=lambda: result.extend(
            fake_telegram.wait_for_messages(CHAT, 1, timeout=5, predicate=lambda m: "final" in m.plain_text)
        )
    )
    waiter.start()
    sent = await bot.send_message(CHAT, "draft")
    await bot.edit_message_text("final text", CHAT, sent.message_id)
    await asyncio.to_thread(waiter.join, 5)
    assert [m.plain_text for m in result] == ["final text"]
    msgs = await fake_telegram.await_messages(CHAT, 1, timeout=1)
    assert msgs[0].edits == ["draft"]
    with pytest.raises(TimeoutError, match="bot messages in chat"):
        await fake_telegram.await_messages(CHAT, 2, timeout=0.1)


# ---------------------------------------------------------------------------------------------
# OpenAI


class Summary(pydantic.BaseModel):
    title: str
    bullets: list[str]


@pytest.fixture
async def llm(fake_openai: FakeOpenAI) -> AsyncIterator[openai.AsyncOpenAI]:
    async with openai.AsyncOpenAI(base_url=fake_openai.base_url, api_key="x") as client:
        yield client


MSGS = [{"role": "user", "content": "hi"}]


async def test_openai_plain_and_structured(llm: openai.AsyncOpenAI, fake_openai: FakeOpenAI):
    fake_openai.push_reply("Hello there.")
    r = await llm.chat.completions.create(model="fake-model", messages=MSGS)
    assert r.choices[0].message.content == "Hello there." and r.choices[0].finish_reason == "stop"
    assert r.usage is not None and r.usage.total_tokens > 0
    fake_openai.push_reply({"title": "T", "bullets": ["a", "b"]})
    p = await llm.chat.completions.parse(model="fake-model", messages=MSGS, response_format=Summary)
    assert p.choices[0].message.parsed == Summary(title="T", bullets=["a", "b"])
    sent_format = fake_openai.last_request["response_format"]
    assert sent_format["type"] == "json_schema" and sent_format["json_schema"]["name"] == "Summary"
    # default responder builds a schema-valid object
    p = await llm.chat.completions.parse(model="fake-model", messages=MSGS, response_format=Summary)
    assert isinstance(p.choices[0].message.parsed, Summary)
    fake_openai.set_responder(lambda req: {"title": req["messages"][-1]["content"], "bullets": []})
    p = await llm.chat.completions.parse(model="fake-model", messages=MSGS, response_format=Summary)
    assert p.choices[0].message.parsed.title == "hi"
    fake_openai.push_fault("refusal")
    p = await llm.chat.completions.parse(model="fake-model", messages=MSGS, response_format=Summary)
    assert p.choices[0].message.refusal and p.choices[0].message.parsed is None
    fake_openai.push_fault("garbage")
    with pytest.raises(pydantic.ValidationError):
        await llm.chat.completions.parse(model="fake-model", messages=MSGS, response_format=Summary)
    assert fake_openai.count == 6
    assert (await llm.models.list()).data[0].id == "gpt-4o-mini"


async def test_openai_streaming(llm: openai.AsyncOpenAI, fake_openai: FakeOpenAI):
    content = "Streaming works — with ünïcode and more words than one chunk."
    fake_openai.push_reply(content)
    stream = await llm.chat.completions.create(
        model="fake-model", messages=MSGS, stream=True, stream_options={"include_usage": True}
    )
    deltas, usage, finish = [], None, None
    async for chunk in stream:
        if chunk.choices:
            deltas.append(chunk.choices[0].delta.content or "")
            finish = chunk.choices[0].finish_reason or finish
        if chunk.usage:
            usage = chunk.usage
    assert "".join(deltas) == content
    assert len([d for d in deltas if d]) >= 3 and finish == "stop"
    assert usage is not None and usage.completion_tokens > 0


async def test_openai_errors(llm: openai.AsyncOpenAI, fake_openai: FakeOpenAI):
    fake_openai.push_fault("429", retry_after=0.05, times=3)
    with pytest.raises(openai.RateLimitError) as exc:
        await llm.chat.completions.create(model="fake-model", messages=MSGS)
    assert exc.value.code == "rate_limit_exceeded"
    assert fake_openai.count == 3  # 1 + the SDK's 2 retries
    fake_openai.push_fault("500", retry_after=0.01, times=3)
    with pytest.raises(openai.InternalServerError):
        await llm.chat.completions.create(model="fake-model", messages=MSGS)
    fake_openai.push_fault("context_length")
    with pytest.raises(openai.BadRequestError) as bad:
        await llm.chat.completions.create(model="fake-model", messages=MSGS)
    assert bad.value.code == "context_length_exceeded"
    fake_openai.push_fault("hang", seconds=30)  # the client's timeout, not the fake, ends it
    with pytest.raises(openai.APITimeoutError):
        await llm.with_options(timeout=0.5, max_retries=0).chat.completions.create(model="fake-model", messages=MSGS)
    # the hung handler is cancelled with the connection, long before its 30 s
    await await_until(lambda: fake_openai.in_flight == 0, 10, "the hung request to be cancelled")


async def test_openai_concurrency(llm: openai.AsyncOpenAI, fake_openai: FakeOpenAI):
    fake_openai.latency = 0.3
    results = await asyncio.gather(*(llm.chat.completions.create(model="fake-model", messages=MSGS) for _ in range(5)))
    assert len(results) == 5
    assert fake_openai.peak_in_flight == 5 and fake_openai.in_flight == 0  # served side by side


# ---------------------------------------------------------------------------------------------
# Redis


def test_redis_flushed_per_test(redis_url: str, redis_server: RedisServer):
    client = redis_server.client()
    assert client.dbsize() == 0
    client.set("leftover", "1")  # the next test using redis_url must not see it
    assert redis_server.port != 6379 and redis_url.endswith(f":{redis_server.port}/0")
    client.close()


def test_redis_aof_survives_kill_and_restart(redis_aof: RedisServer):
    client = redis_aof.client()
    for i in range(200):
        client.hset(f"sub:{i}", mapping={"chat_id": i, "status": "active"})
    client.close()
    pid, port, data_dir = redis_aof.pid, redis_aof.port, redis_aof.dir
    redis_aof.kill()
    assert not redis_aof.running
    redis_aof.restart()
    assert (redis_aof.port, redis_aof.dir) == (port, data_dir) and redis_aof.pid != pid
    client = redis_aof.client()
    assert client.hget("sub:199", "status") == "active" and client.dbsize() == 200
    client.close()


def test_redis_without_aof_forgets():
    with RedisServer() as server:
        client = server.client()
        client.set("k", "v")
        client.close()
        server.kill()
        server.restart()
        client = server.client()
        assert client.get("k") is None
        client.close()
    assert not server.running


# ---------------------------------------------------------------------------------------------
# Article server


async def test_article_server(tmp_path: Path):
    (tmp_path / "seed.html").write_text("<html><title>Seed</title></html>", encoding="utf-8")
    with ArticleServer(root=tmp_path) as site:
        site.add("/a.html", "<p>ünï</p>")
        site.redirect("/old", "/a.html")
        site.delay("/slow.html", 0.3)
        site.add("/slow.html", "slow")
        async with httpx.AsyncClient(follow_redirects=True) as client:
            r = await client.get(site.url("/seed.html?utm_source=x"))
            assert r.status_code == 200 and "Seed" in r.text
            assert r.headers["content-type"] == "text/html; charset=utf-8"
            r = await client.get(site.url("/old?utm_medium=y"))
            assert r.url.path == "/a.html" and r.text == "<p>ünï</p>"
            assert [h.status_code for h in r.history] == [301]
            r2 = await client.get(site.url("/a.html"), headers={"If-None-Match": r.headers["etag"]})
            assert r2.status_code == 304
            r3 = await client.get(site.url("/a.html"), headers={"If-Modified-Since": r.headers["last-modified"]})
            assert r3.status_code == 304
            t0 = time.monotonic()
            assert (await client.get(site.url("/slow.html"))).text == "slow"
            assert time.monotonic() - t0 >= 0.3  # a lower bound: load can only make it later
            with pytest.raises(httpx.ReadTimeout):
                await client.get(site.url("/slow.html"), timeout=0.1)
            assert (await client.get(site.url("/missing.html"))).status_code == 404
            assert (await client.get(site.url("/../etc/passwd"))).status_code == 404
        assert site.hits("/seed.html") == 1
        assert site.hits("/a.html") == 3 and site.hits("/old") == 1
        assert site.hits("/slow.html") == 2
        assert site.requests[0]["query"] == "utm_source=x"


# ---------------------------------------------------------------------------------------------
# Bot process


def test_bot_process_env_is_clean(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "leaked")
    monkeypatch.setenv("OPENAI_API_KEY", "leaked")
    monkeypatch.setenv("REDIS_URL", "redis://leaked")
    env = clean_environment({"OPENAI_API_KEY": "mine"})
    assert "TELEGRAM_BOT_TOKEN" not in env and "REDIS_URL" not in env
    assert env["OPENAI_API_KEY"] == "mine"


@pytest.mark.e2e
def test_bot_process_captures_output_and_exit_code():
    proc = BotProcess({}, args=("--help",)).start()
    assert proc.wait(30) == 0
    assert "usage" in proc.logs().lower()
    proc.cleanup()
    assert not proc.log_path.exists()


@pytest.mark.e2e
def test_bot_process_wait_ready_reports_early_exit(fake_telegram: FakeTelegram):
    proc = BotProcess({}, args=("no-such-command",)).start()
    with pytest.raises(RuntimeError, match="exited") as exc:
        proc.wait_ready(fake_telegram, timeout=30)
    assert "no-such-command" in str(exc.value)
    assert proc.returncode not in (None, 0)
    proc.cleanup()


def test_json_roundtrip_of_form_params(fake_telegram: FakeTelegram):
    # the raw PTB-style wire format: form-encoded, JSON-encoded non-string values
    r = httpx.post(
        f"{fake_telegram.api_url}/sendMessage",
        data={"chat_id": "1001", "text": "123",
              "reply_markup": json.dumps({"inline_keyboard": [[{"text": "a", "url": "https://x.y"}]]})},
    )  # fmt: skip
    assert r.status_code == 200, r.text
    call = fake_telegram.calls_of("sendMessage")[0]
    assert call.params["text"] == "123" and call.params["chat_id"] == 1001
    assert call.params["reply_markup"]["inline_keyboard"][0][0]["url"] == "https://x.y"
