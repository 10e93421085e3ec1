"""Small pieces of digest delivery: rendering, the shared send rate, cron slots."""

from __future__ import annotations

import asyncio
import time
from datetime import date

from bot.callbacks import EntrySummary, decode
from bot.digest.jobs import cron_expression, send_concurrency
from bot.digest.limiter import SendLimiter
from bot.digest.render import render_digest
from bot.models import Entry
from bot.playground.tg_html import parse_html
from bot.render import utf16_len
from bot.store.redis import connect


def test_digest_is_escaped_and_split_between_entries_with_buttons_per_part() -> None:
    entries = [
        Entry(title=f"<b>Story {n}</b> & “quotes” " + "é" * 300, url=f"https://example.com/{n}?a=1&b=<2>",
              line="A line with <script>alert(1)</script> & more " * 5,
              sources=[("Outlet & Co", f"https://a.example/{n}"), ("B<i>", None)], article_key=f"{n:016x}")
        for n in range(1, 13)
    ]  # fmt: skip
    parts = render_digest(entries, date(2026, 3, 2))
    assert len(parts) >= 2
    seen = []
    for part in parts:
        assert utf16_len(part.html) <= 4096
        plain, _ = parse_html(part.html, strict=True)  # Telegram would accept it
        assert "<script>" in plain and "<b>Story" in plain  # shown as text, not markup
        numbers = [int(label.split()[1]) for row in part.buttons for label, data in row
                   if isinstance(decode(data), EntrySummary)]
        seen += numbers
        for n in numbers:  # each part's buttons belong to entries it shows
            assert f"{n}. " in plain
    assert seen == list(range(1, 13))
    assert "2 sources: Outlet & Co · B<i>" in parse_html(parts[0].html, strict=True)[0]


async def test_one_rate_for_all_processes_and_a_shared_pause(redis_url: str) -> None:
    clients = [connect(redis_url) for _ in range(2)]  # two "processes"
    limiters = [SendLimiter(client, rate=50) for client in clients]
    try:
        started = time.monotonic()
        await asyncio.gather(*(limiters[i % 2].acquire(1000 + i) for i in range(60)))
        elapsed = time.monotonic() - started
        assert elapsed >= 59 / 50 * 0.9, elapsed  # never faster than the rate (how close: bench/digest_fanout.py)

        await limiters[0].pause(0.6)  # a 429 seen by one process stops the other one too
        started = time.monotonic()
        await limiters[1].acquire(2000)
        assert time.monotonic() - started >= 0.55

        started = time.monotonic()  # one chat: at most one message a second
        await limiters[0].acquire(3000)
        await limiters[0].sent(3000)
        await limiters[1].acquire(3000)
        assert time.monotonic() - started >= 0.95
    finally:
        for client in clients:
            await client.aclose()


def test_cron_slots_and_concurrency() -> None:
    assert cron_expression(1) == "* * * * * *"
    assert cron_expression(15) == "* * * * * */15"
    assert cron_expression(60) == "* * * * *"
    assert cron_expression(300) == "*/5 * * * *"
    assert send_concurrency(25) == 13 and send_concurrency(1) == 8 and send_concurrency(1000) == 64
