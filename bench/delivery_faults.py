"""Bench: does every reply reach its reader whatever Telegram or the LLM do? (issue 12)

Runs the real bot (`newsbot run`) against the test fakes: the Bot API emulator with Telegram's flood
limits on, the fake OpenAI server, the article server and a throwaway Redis. Scripts 12 Telegram
faults and 8 LLM faults, one chat each, one after the other, and prints per fault:
  delivered   the summary (or answer) is on screen at the end
  left        "⏳" placeholders still on screen once the bot went quiet
  time        update pushed → the call that put the final reply on screen (Bot API emulator clock)
and, after the Telegram faults, one extra case that cannot be delivered (the user blocked the bot):
how many calls the bot made for that chat after the 403, and its log lines about it.

Articles are served after 1 s so that every summary goes through the ⏳ placeholder (a summary ready
within the bot's grace of 0.3 s is sent in one call and has no edit to fail).

Usage: .venv/bin/python bench/delivery_faults.py [--only telegram|streamed|llm]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aiohttp import web

from tests.e2e.llm_scripts import PUTIN_QUOTE, answer, schema_name, seed_summary
from tests.fakes.article_server import PAGES_DIR, ArticleServer
from tests.fakes.bot_process import BotProcess
from tests.fakes.openai_api import FakeOpenAI, Fault, Reply
from tests.fakes.redis_server import RedisServer
from tests.fakes.telegram_api import FakeTelegram, TelegramError

ARTICLE_DELAY = 1.0
CASE_TIMEOUT = 60.0
QUIET = 1.5  # seconds without a call for the chat: the bot is done with it
ANSWER_MARK = "held in Minsk"
EXTRACTIVE_NOTE = "AI summarizer is unavailable"
EMPTY_CHOICES = "\x00empty-choices"  # the fake LLM below answers this content with `choices: []`


class FaultyTelegram(FakeTelegram):
    """The emulator plus faults ``fail_next`` can't script: the whole API down for a while, every
    answer slow for a while, and a connection dropped before or after a call is carried out."""

    def _reset_state(self) -> None:
        with self._lock:
            super()._reset_state()
            self.down_until = 0.0
            self.slow_until = 0.0
            self.slow_by = 0.0
            self.resets: dict[str, list[str]] = {}  # method → "before"/"after", one per call

    def down_for(self, seconds: float) -> None:
        self.down_until = time.monotonic() + seconds

    def slow_for(self, seconds: float, by: float) -> None:
        self.slow_until, self.slow_by = time.monotonic() + seconds, by

    def reset_next(self, method: str, when: str) -> None:
        with self._lock:
            self.resets.setdefault(method, []).append(when)

    def _check_call(self, method: str, params: dict[str, Any]) -> None:
        if time.monotonic() < self.down_until:
            raise TelegramError(502, "Bad Gateway")
        super()._check_call(method, params)

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        method = self._canonical(request.match_info["method"])
        with self._lock:
            pending = self.resets.get(method)
            when = pending.pop(0) if pending else None
        if when == "before":
            await request.read()
            assert request.transport is not None
            request.transport.abort()
            return web.Response(status=500)
        if time.monotonic() < self.slow_until:
            await asyncio.sleep(self.slow_by)
        response = await super()._handle(request)
        if when == "after" and request.transport is not None:
            request.transport.abort()  # carried out, but the bot never hears so
        return response


class FaultyOpenAI(FakeOpenAI):
    """The fake LLM plus a completion without choices."""

    async def _respond(self, request: web.Request, body: dict, reply: Reply, seq: int) -> web.StreamResponse:
        if reply.content == EMPTY_CHOICES and body.get("stream"):
            stream = web.StreamResponse(headers={"Content-Type": "text/event-stream; charset=utf-8"})
            await stream.prepare(request)
            await stream.write(b"data: [DONE]\n\n")
            await stream.write_eof()
            return stream
        if reply.content == EMPTY_CHOICES:
            empty = {"id": f"chatcmpl-empty{seq}", "object": "chat.completion", "created": int(time.time()),
                     "model": body.get("model"), "choices": []}  # fmt: skip
            return web.json_response(empty)
        return await super()._respond(request, body, reply, seq)


@dataclass
class Outcome:
    name: str
    delivered: bool
    left: int
    seconds: float | None
    note: str = ""


class Bench:
    def __init__(self, tg: FaultyTelegram, llm: FaultyOpenAI, pages: ArticleServer, redis: RedisServer) -> None:
        self.tg, self.llm, self.pages, self.redis = tg, llm, pages, redis
        self.tmp = tempfile.mkdtemp()
        self.seed = (PAGES_DIR / "seed.html").read_bytes()
        self.llm_faults: dict[str, Callable[[int], Any]] = {}  # article tag → fault for the n-th request
        self.llm_calls: dict[str, int] = {}
        self.lock = threading.Lock()
        llm.set_responder(self.respond)

    # -- the fakes ----------------------------------------------------------------------------------

    def article(self, tag: str, *, slow: bool = True) -> str:
        """A copy of the seed article of its own (its own URL, so its own summary), served slowly."""
        path = f"/{tag}.html"
        self.pages.add(path, self.seed.replace(b"Friday", tag.encode()), content_type="text/html")
        if slow:
            self.pages.delay(path, ARTICLE_DELAY)
        return self.pages.url(path)

    def respond(self, request: dict[str, Any]) -> Any:
        text = json.dumps(request.get("messages"))
        for tag, fault in self.llm_faults.items():
            if tag in text:
                with self.lock:
                    n = self.llm_calls[tag] = self.llm_calls.get(tag, 0) + 1
                scripted = fault(n)
                if scripted is not None:
                    return scripted
        if schema_name(request) == "article_answer":
            return answer("The article says talks would be held in Minsk.")
        return seed_summary()

    def start_bot(self, name: str, **env: str) -> BotProcess:
        base = {
            "TELEGRAM_BOT_TOKEN": self.tg.token, "TELEGRAM_API_URL": self.tg.base_url, "REDIS_URL": self.redis.url,
            "OPENAI_BASE_URL": self.llm.base_url, "OPENAI_API_KEY": "sk-bench", "LLM_MODEL": "gpt-4o-mini",
            "FETCH_ALLOW_PRIVATE_NETWORKS": "true", "FETCH_ALLOWED_PORTS": f"80,443,{self.pages.port}",
            "LOG_LEVEL": "INFO", "LINKS_PER_MINUTE": "100000", "NEWSBOT_ENV_FILE": f"{self.tmp}/none",
            "HEARTBEAT_FILE": f"{self.tmp}/hb-{name}", "DIGEST_WORKER": "false",
        }  # fmt: skip
        bot = BotProcess({**base, **env}, name=name).start()
        return bot.wait_ready(self.tg)

    # -- measuring ----------------------------------------------------------------------------------

    def reply_time(self, chat: int, since: float, mark: str | None) -> float | None:
        """When the first call that put ``mark`` in ``chat`` succeeded (None: not yet); no ``mark``:
        the first new message."""
        methods = ("sendMessage", "editMessageText") if mark else ("sendMessage",)
        for call in self.tg.calls:
            if (call.ok and call.time >= since and call.params.get("chat_id") == chat and call.method in methods
                    and (mark is None or mark in str(call.params.get("text")))):  # fmt: skip
                return call.time
        return None

    def last_call(self, chat: int) -> float:
        times = [c.time for c in self.tg.calls if c.params.get("chat_id") == chat]
        return max(times, default=0.0)

    def measure(self, name: str, chat: int, pushed: float, mark: str | None = PUTIN_QUOTE,
                during: Callable[[], None] | None = None) -> Outcome:  # fmt: skip
        """Wait for the reply carrying ``mark`` (running ``during`` once, while waiting), then for
        the chat to go quiet, and read what is on screen."""
        deadline = time.monotonic() + CASE_TIMEOUT
        at = None
        while at is None and time.monotonic() < deadline:
            if during is not None:
                during()
                during = None
            at = self.reply_time(chat, pushed, mark)
            time.sleep(0.02)
        while time.monotonic() < deadline and time.monotonic() - self.last_call(chat) < QUIET:
            time.sleep(0.1)
        screen = [m for m in self.tg.messages(chat, include_deleted=False) if m.from_bot]
        delivered = at is not None and (mark is None or any(mark in m.plain_text for m in screen))
        left = sum(1 for m in screen if m.plain_text.startswith("⏳"))
        notes = []
        if any(EXTRACTIVE_NOTE in m.plain_text for m in screen):
            notes.append("extractive")
        if any("went wrong" in m.plain_text.lower() for m in screen):
            notes.append("ERROR MESSAGE SHOWN")
        return Outcome(name, delivered, left, None if at is None else at - pushed, ", ".join(notes))

    def placeholder_of(self, chat: int) -> int:
        [placeholder] = self.tg.wait_for_messages(chat, 1, timeout=CASE_TIMEOUT,
                                                  predicate=lambda m: m.plain_text.startswith("⏳"))  # fmt: skip
        return placeholder.message_id

    def link_case(self, name: str, chat: int, before: Callable[[], None] | None = None,
                  during: Callable[[int], None] | None = None) -> Outcome:  # fmt: skip
        url = self.article(f"Tg{chat}day")
        if before is not None:
            before()
        pushed = time.monotonic()
        self.tg.push_message(chat, url)
        return self.measure(name, chat, pushed, during=(lambda: during(chat)) if during else None)

    # -- Telegram faults ----------------------------------------------------------------------------

    def run_telegram(self) -> tuple[list[Outcome], str]:
        tg = self.tg
        # the ⏳ placeholder and its edit, as in groups: a private chat's LLM summary would stream
        # into a draft instead (STREAM_REPLIES, where streaming exists) and never edit a placeholder
        bot = self.start_bot("telegram-faults", STREAM_REPLIES="false")
        try:
            out = [
                self.link_case("500 on the final edit", 101,
                               lambda: tg.fail_next("editMessageText", 500, "Internal Server Error")),
                self.link_case("429 x5 on the final edit (limiter retries 3)", 102,
                               lambda: tg.fail_next("editMessageText", 429, "Too Many Requests: retry after 1",
                                                    retry_after=1, times=5)),
                self.link_case("Bot API down 6 s while the summary is made", 103,
                               during=lambda chat: (self.placeholder_of(chat), tg.down_for(6.0))),
                self.link_case("placeholder deleted by the user", 104,
                               during=lambda chat: tg.delete_message(chat, self.placeholder_of(chat))),
                self.user_message_deleted(105),
                self.link_case("500 x2 on sendMessage (the placeholder)", 106,
                               lambda: tg.fail_next("sendMessage", 500, "Internal Server Error", times=2)),
                self.link_case("connection reset before the final edit", 107,
                               lambda: tg.reset_next("editMessageText", "before")),
                self.link_case("edit applied, answer lost: retry is 'not modified'", 108,
                               lambda: tg.reset_next("editMessageText", "after")),
                self.link_case("message too old to edit", 109,
                               lambda: tg.fail_next("editMessageText", 400, "Bad Request: message can't be edited")),
                self.link_case("slow Bot API: every answer 2 s late for 8 s", 110, lambda: tg.slow_for(8.0, 2.0)),
                self.question_case(111),
                self.link_case("429 x4 on sendMessage (limiter retries 3)", 112,
                               lambda: tg.fail_next("sendMessage", 429, "Too Many Requests: retry after 1",
                                                    retry_after=1, times=4)),
            ]  # fmt: skip
            blocked = self.blocked(113, bot)
        finally:
            bot.stop()
        return out, blocked

    def run_streamed(self) -> list[Outcome]:
        """Faults on a private chat's LLM summary streamed into a draft (where streaming exists;
        elsewhere the same summary goes through the placeholder): the final message is a send."""
        tg = self.tg
        self.llm.chunk_delay = 0.1  # the summary streams for a moment, in a few draft updates
        bot = self.start_bot("telegram-faults-streamed")
        try:
            return [
                self.link_case("streamed: 500 x2 on the final sendMessage", 301,
                               lambda: tg.fail_next("sendMessage", 500, "Internal Server Error", times=2)),
                self.link_case("streamed: 429 x4 on the final sendMessage", 302,
                               lambda: tg.fail_next("sendMessage", 429, "Too Many Requests: retry after 1",
                                                    retry_after=1, times=4)),
                self.link_case("streamed: Bot API down 4 s mid-stream", 303,
                               during=lambda chat: (self.first_draft(chat), tg.down_for(4.0))),
                self.user_message_deleted(304, "streamed: user's message deleted before the reply"),
                # last: a refused draft may turn drafts off for the process
                self.link_case("streamed: drafts refused (400)", 305,
                               lambda: tg.fail_next("sendMessageDraft", 400, "Bad Request: TEXTDRAFT_PEER_INVALID",
                                                    times=3)),
            ]  # fmt: skip
        finally:
            self.llm.chunk_delay = 0.0
            bot.stop()

    def first_draft(self, chat: int) -> None:
        """Wait for the chat's first draft with summary text (the ⏳ one comes before the LLM writes)."""
        deadline = time.monotonic() + CASE_TIMEOUT
        while (
            time.monotonic() < deadline
            and not any(not d["plain_text"].startswith("⏳") for d in self.tg.drafts(chat))
            and not self.reply_time(chat, 0.0, PUTIN_QUOTE)
        ):  # no streaming here: the summary came whole
            time.sleep(0.01)

    def user_message_deleted(self, chat: int, name: str = "user's message deleted before the reply") -> Outcome:
        url = self.article(f"Tg{chat}day")
        pushed = time.monotonic()
        sent = self.tg.push_message(chat, url)
        self.tg.delete_message(chat, sent["message_id"])
        return self.measure(name, chat, pushed)

    def question_case(self, chat: int) -> Outcome:
        self.link_case("(setup)", chat)
        self.tg.fail_next("sendMessage", 502, "Bad Gateway", times=3)
        pushed = time.monotonic()
        self.tg.push_message(chat, "Where will the talks be held?")
        return self.measure("502 x3 on the final send (an answer)", chat, pushed, ANSWER_MARK)

    def blocked(self, chat: int, bot: BotProcess) -> str:
        self.tg.block_chat(chat)
        url = self.article(f"Tg{chat}day")
        for _ in range(3):
            self.tg.push_message(chat, url)
        deadline = time.monotonic() + CASE_TIMEOUT
        while time.monotonic() < deadline and not self.last_call(chat):
            time.sleep(0.1)
        while time.monotonic() < deadline and time.monotonic() - self.last_call(chat) < QUIET * 2:
            time.sleep(0.1)
        calls = [c for c in self.tg.calls if c.params.get("chat_id") == chat]
        lines = [line for line in bot.logs().splitlines() if "blocked" in line.lower()]
        tracebacks = bot.logs().count("Traceback")
        return (
            f"3 links from a user who blocked the bot: {len(calls)} calls for the chat, {len(lines)} log "
            f"line(s) about it, {tracebacks} tracebacks in the log"
        )

    # -- LLM faults ---------------------------------------------------------------------------------

    def llm_case(self, name: str, chat: int, fault: Callable[[int], Any], *, slow: bool = True) -> Outcome:
        tag = f"Llm{chat}day"
        self.llm_faults[tag] = fault
        url = self.article(tag, slow=slow)
        pushed = time.monotonic()
        self.tg.push_message(chat, url)
        return self.measure(name, chat, pushed)

    def run_llm(self) -> list[Outcome]:
        settings = {"LLM_TIMEOUT": "3", "LLM_MAX_RETRIES": "1", "SUMMARY_DEADLINE": "30"}
        bot = self.start_bot("llm-faults", LLM_BREAKER_FAILURES="100", **settings)
        try:
            out = [
                self.llm_case("500 on every request", 201, lambda n: Fault("500")),
                self.llm_case("hangs (timeout 3 s, 1 retry)", 202, lambda n: Fault("hang", seconds=60)),
                self.llm_case("garbage instead of JSON", 203, lambda n: Fault("garbage")),
                self.llm_case(
                    "429 retry-after 1 s, then fine", 204, lambda n: Fault("429", retry_after=1) if n == 1 else None
                ),
                self.llm_case("truncated output (finish_reason length)", 205, lambda n: Fault("length")),
                self.llm_case("empty choices", 206, lambda n: Reply(EMPTY_CHOICES)),
                self.llm_case("valid JSON, wrong schema", 207, lambda n: {"title": "x", "points": [1, 2]}),
            ]
        finally:
            bot.stop()
        bot = self.start_bot("llm-open-circuit", LLM_BREAKER_FAILURES="2", LLM_BREAKER_COOLDOWN="600", **settings)
        try:
            for chat in (210, 211):  # two timeouts open the circuit
                self.llm_case("(opening the circuit)", chat, lambda n: Fault("hang", seconds=60))
            bot.wait_for_log("llm circuit open", timeout=30)
            # the article served at once: the time is the bot's own, not the 1 s the page takes
            out.append(self.llm_case("hangs, circuit already open: summary", 208, lambda n: Fault("hang", seconds=60),
                                     slow=False))  # fmt: skip
            pushed = time.monotonic()
            self.tg.push_message(208, "Where will the talks be held?")
            answered = self.measure("hangs, circuit already open: question", 208, pushed, None)
            out[-1].note += f"; a question then answered in {answered.seconds or float('nan'):.2f} s"
        finally:
            bot.stop()
        return out


def show(title: str, rows: list[Outcome]) -> None:
    delivered = sum(r.delivered for r in rows)
    left = sum(r.left for r in rows)
    print(f"{title}: delivered {delivered}/{len(rows)}, placeholders left {left}")
    for r in rows:
        took = "      -" if r.seconds is None else f"{r.seconds:6.2f} s"
        print(f"  {r.name:<52} {'yes' if r.delivered else 'NO ':<4} left {r.left}  {took}  {r.note}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", choices=("telegram", "streamed", "llm"))
    args = parser.parse_args()
    redis = RedisServer().start()
    try:
        with FaultyTelegram() as tg, FaultyOpenAI() as llm, ArticleServer() as pages:
            tg.set_flood_limits(per_chat_per_second=1, overall_per_second=30, group_per_minute=20)
            bench = Bench(tg, llm, pages, redis)
            if args.only in (None, "telegram"):
                rows, blocked = bench.run_telegram()
                show("Telegram faults", rows)
                print(f"  (not deliverable) {blocked}")
            if args.only in (None, "streamed"):
                show("Telegram faults on a streamed summary", bench.run_streamed())
            if args.only in (None, "llm"):
                show("LLM faults (LLM_TIMEOUT=3, LLM_MAX_RETRIES=1)", bench.run_llm())
    finally:
        redis.cleanup()


if __name__ == "__main__":
    main()
