"""Inline mode in the Bot API emulator, checked with the real python-telegram-bot client: answers
are validated as Telegram validates them, a picked result is reported and its message edited by
``inline_message_id``."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import telegram
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InlineQueryResultArticle, InputTextMessageContent
from telegram.error import BadRequest

from tests.fakes.telegram_api import FakeTelegram

USER = 4242


@pytest.fixture
async def bot(fake_telegram: FakeTelegram) -> AsyncIterator[telegram.Bot]:
    async with telegram.Bot(fake_telegram.token, base_url=f"{fake_telegram.base_url}/bot") as b:
        yield b


def article(result_id: str, text: str = "hello", *, markup: bool = False,
            html: bool = True) -> InlineQueryResultArticle:  # fmt: skip
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("open", url="https://example.com/")]]) if markup else None
    content = InputTextMessageContent(text, parse_mode="HTML" if html else None)
    return InlineQueryResultArticle(result_id, f"title {result_id}", content, reply_markup=keyboard)


async def refused(bot: telegram.Bot, fake: FakeTelegram, results: list[InlineQueryResultArticle]) -> str:
    query = fake.push_inline_query(USER, "q")
    with pytest.raises(BadRequest) as caught:
        await bot.answer_inline_query(query, results)
    return caught.value.message.lower()  # PTB capitalizes Telegram's description


async def test_answers_are_checked_like_telegram(fake_telegram: FakeTelegram, bot: telegram.Bot) -> None:
    assert "results_too_much" in await refused(bot, fake_telegram, [article(str(i)) for i in range(51)])
    assert "result_id_duplicate" in await refused(bot, fake_telegram, [article("a"), article("a")])
    assert "result_id_invalid" in await refused(bot, fake_telegram, [article("x" * 65)])
    assert "can't parse entities" in await refused(bot, fake_telegram, [article("a", "<b>open")])
    assert "message_too_long" in await refused(bot, fake_telegram, [article("a", "y" * 4097, html=False)])
    bad_button = InlineQueryResultArticle("a", "t", InputTextMessageContent("x"), reply_markup=InlineKeyboardMarkup(
        [[InlineKeyboardButton("b", callback_data="z" * 65)]]))  # fmt: skip
    assert "button_data_invalid" in await refused(bot, fake_telegram, [bad_button])
    assert not fake_telegram.answered_inline_queries

    # the limit counts the text after entity parsing: tags don't count
    query = fake_telegram.push_inline_query(USER, "q")
    long_html = "<b>" + "y" * 4000 + "</b>" + "<i>z</i>" * 10
    assert await bot.answer_inline_query(query, [article("a" * 64, long_html), *[article(str(i)) for i in range(49)]],
                                         cache_time=0, is_personal=True)  # fmt: skip
    answered = fake_telegram.answered_inline_queries[-1]
    assert answered["cache_time"] == 0 and answered["is_personal"] is True
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):  # one answer per query
        await bot.answer_inline_query(query, [])


async def test_a_picked_result_is_reported_and_edited_by_inline_message_id(
    fake_telegram: FakeTelegram, bot: telegram.Bot
) -> None:
    query = fake_telegram.push_inline_query(USER, "news https://example.com/a")
    await bot.answer_inline_query(query, [article("wait", "⏳ <b>wait</b>", markup=True), article("plain", "x")])
    # without a keyboard Telegram gives no inline_message_id: the message can never be edited
    assert fake_telegram.choose_inline_result(query, "plain") is None
    inline_id = fake_telegram.choose_inline_result(query, "wait")
    assert inline_id is not None

    updates = await bot.get_updates()
    chosen = [u.chosen_inline_result for u in updates if u.chosen_inline_result]
    assert [(c.result_id, c.query, c.from_user.id) for c in chosen] == [
        ("plain", "news https://example.com/a", USER), ("wait", "news https://example.com/a", USER)]  # fmt: skip
    assert chosen[0].inline_message_id is None and chosen[1].inline_message_id == inline_id

    assert fake_telegram.inline_message(inline_id).plain_text == "⏳ wait"
    assert await bot.edit_message_text("<b>done</b>", inline_message_id=inline_id, parse_mode="HTML") is True
    edited = fake_telegram.wait_for_inline_message(inline_id)
    assert edited.plain_text == "done" and edited.edits == ["⏳ <b>wait</b>"] and edited.reply_markup is None
    with pytest.raises(BadRequest, match=r"(?i)not modified"):
        await bot.edit_message_text("<b>done</b>", inline_message_id=inline_id, parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.edit_message_text("<i>open", inline_message_id=inline_id, parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)MESSAGE_ID_INVALID"):  # never sent, or sent without a keyboard
        await bot.edit_message_text("x", inline_message_id="AgAAAInvented")


async def test_without_inline_feedback_no_pick_is_reported(fake_telegram: FakeTelegram, bot: telegram.Bot) -> None:
    fake_telegram.inline_feedback = False
    query = fake_telegram.push_inline_query(USER, "q")
    await bot.answer_inline_query(query, [article("wait", markup=True)])
    assert fake_telegram.choose_inline_result(query, "wait")
    assert not [u for u in await bot.get_updates() if u.chosen_inline_result]
