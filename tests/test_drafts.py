"""A streamed reply's Telegram draft (bot.telegram.drafts) against the Bot API emulator, with the
real python-telegram-bot: updates coalesced to the newest, the last state always sent, a refusal
remembered for the process."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Iterator

import pytest
import telegram

from bot.telegram import drafts
from bot.telegram.drafts import Draft
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.waiting import await_until

CHAT = 17017


@pytest.fixture
async def bot(fake_telegram: FakeTelegram) -> AsyncIterator[telegram.Bot]:
    async with telegram.Bot(fake_telegram.token, base_url=f"{fake_telegram.base_url}/bot") as b:
        yield b


@pytest.fixture(autouse=True)
def fresh_support() -> Iterator[None]:
    drafts.SUPPORT.rejected = False
    drafts.SUPPORT.last_sent.clear()
    yield
    drafts.SUPPORT.rejected = False


async def test_updates_are_coalesced_and_close_never_waits_for_the_pace(bot: telegram.Bot,
                                                                         fake_telegram: FakeTelegram):  # fmt: skip
    draft = Draft(bot, CHAT, interval=30.0)  # once one draft went out, the next may not for a long while
    draft.show("written before the start is held back")
    draft.start("⏳")
    await await_until(lambda: fake_telegram.drafts(CHAT), 10, "the first draft")
    for n in range(40):  # a model writing far faster than drafts may be updated
        draft.show(f"<b>state</b> {n}")
        await asyncio.sleep(0)
    await asyncio.wait_for(draft.close(), 5)  # the final message is not held back by the pace
    sent = [d["plain_text"] for d in fake_telegram.drafts(CHAT)]
    assert sent == ["written before the start is held back"]  # the newest text when sending began
    paced = Draft(bot, CHAT + 1, interval=0.0)
    paced.start("⏳")
    paced.show("the last state")
    await paced.close()  # the pace allows it: the screen shows the last state before the message
    assert fake_telegram.drafts(CHAT + 1)[-1]["plain_text"] == "the last state"
    assert len({d["draft_id"] for d in fake_telegram.drafts(CHAT)}) == 1
    draft.show("after close")  # a closed draft sends nothing more
    await asyncio.sleep(0)
    assert len(fake_telegram.drafts(CHAT)) == len(sent)


async def test_nothing_is_sent_unless_started(bot: telegram.Bot, fake_telegram: FakeTelegram):
    draft = Draft(bot, CHAT, interval=0.1)
    draft.show("a reply ready within its grace period")
    await draft.close()
    assert fake_telegram.drafts(CHAT) == [] and not fake_telegram.calls_of("sendMessageDraft")


async def test_a_refusal_is_remembered_for_the_process(bot: telegram.Bot, fake_telegram: FakeTelegram):
    fake_telegram.fail_next("sendMessageDraft", 400, "Bad Request: method is not available")
    draft = Draft(bot, CHAT, interval=0.1)
    draft.start("⏳")
    await asyncio.wait_for(draft.rejected.wait(), 10)
    assert not drafts.available()
    draft.show("more")
    await draft.close()
    assert len(fake_telegram.calls_of("sendMessageDraft")) == 1  # tried once, never again


async def test_a_transient_failure_is_not_a_refusal(bot: telegram.Bot, fake_telegram: FakeTelegram):
    fake_telegram.fail_next("sendMessageDraft", 500, "Internal Server Error")
    draft = Draft(bot, CHAT, interval=0.1)
    draft.start("⏳")
    await await_until(lambda: fake_telegram.errors, 10, "the failed draft")
    draft.show("state 1")  # the next state still goes
    await await_until(lambda: fake_telegram.drafts(CHAT), 10, "the next draft")
    await draft.close()
    assert drafts.available() and not draft.rejected.is_set()
    assert fake_telegram.drafts(CHAT)[-1]["plain_text"] == "state 1"


async def test_updates_are_spaced_by_the_interval(bot: telegram.Bot, fake_telegram: FakeTelegram):
    draft = Draft(bot, CHAT, interval=0.5)
    draft.start("state 0")
    for n in range(1, 5):  # each new state as soon as the previous one reached Telegram
        await await_until(lambda n=n: len(fake_telegram.drafts(CHAT)) >= n, 10, f"draft {n}")
        draft.show(f"state {n}")
    await await_until(lambda: len(fake_telegram.drafts(CHAT)) >= 5, 10, "the last draft")
    await draft.close()
    times = [d["time"] for d in fake_telegram.drafts(CHAT)]
    assert [d["plain_text"] for d in fake_telegram.drafts(CHAT)] == [f"state {n}" for n in range(5)]
    # spaced by the interval (0.5 s) from one send to the next; the slack is for delivery jitter
    assert all(b - a > 0.3 for a, b in itertools.pairwise(times)), times


async def test_two_streams_in_one_chat_share_its_pace(bot: telegram.Bot, fake_telegram: FakeTelegram):
    summary, answer = Draft(bot, CHAT, interval=0.5), Draft(bot, CHAT, interval=0.5)
    summary.start("summary 0")
    await await_until(lambda: fake_telegram.drafts(CHAT), 10, "the first draft")
    answer.start("answer 0")
    summary.show("summary 1")
    await await_until(lambda: len(fake_telegram.drafts(CHAT)) >= 3, 10, "both streams' drafts")
    await summary.close()
    await answer.close()
    times = sorted(d["time"] for d in fake_telegram.drafts(CHAT))
    assert len(times) == 3
    assert all(b - a > 0.3 for a, b in itertools.pairwise(times)), times  # one pace for the chat
