"""Operations end to end: /metrics, /healthz and /readyz of the bot and the worker, /stats for the
admins, the daily LLM token budgets (real bot processes, fakes, real Redis)."""

from __future__ import annotations

import asyncio
import re
import time

import httpx
import pytest
from saq.queue.redis import RedisQueue

from bot.digest.jobs import SEND_QUEUE
from tests.e2e.llm_scripts import responder, seed_summary
from tests.fakes.article_server import ArticleServer
from tests.fakes.bot_process import BotProcess
from tests.fakes.openai_api import FakeOpenAI, Reply
from tests.fakes.redis_server import RedisServer, free_port
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.waiting import wait_until

pytestmark = pytest.mark.e2e

ADMIN, OTHER = 7001, 7002
USAGE = {"prompt_tokens": 1000, "completion_tokens": 200, "total_tokens": 1200}
PRICES = {"LLM_PRICE_INPUT": "1.5", "LLM_PRICE_OUTPUT": "4"}  # 1000*1.5 + 200*4 = 2300 per million


def _with_usage(request: dict) -> Reply:
    return Reply(responder(seed_summary())(request), usage=USAGE)


def _get(port: int, path: str) -> httpx.Response:
    return httpx.get(f"http://127.0.0.1:{port}{path}", timeout=10)


def _sample(text: str, name: str, **labels: str) -> float:
    """The value of one sample in Prometheus text format (0 when absent)."""
    for line in text.splitlines():
        match = re.match(r"^(\w+)(?:\{(.*)\})? (\S+)$", line)
        if not match or match[1] != name:
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', match[2] or ""))
        if all(found.get(k) == v for k, v in labels.items()):
            return float(match[3])
    return 0.0


def _metric(port: int, name: str, **labels: str) -> float:
    return _sample(_get(port, "/metrics").text, name, **labels)


def _final(fake: FakeTelegram, chat: int, count: int = 1):
    return fake.wait_for_messages(chat, count, timeout=30, predicate=lambda m: not m.plain_text.startswith("⏳"))


def test_metrics_count_a_summary_a_cache_miss_then_a_hit(
    bot_process, fake_telegram: FakeTelegram, fake_openai: FakeOpenAI, article_server: ArticleServer
) -> None:
    fake_openai.set_responder(_with_usage)
    port = free_port()
    bot_process(METRICS_PORT=str(port), **PRICES)
    assert _get(port, "/healthz").status_code == 200
    assert _get(port, "/readyz").text.strip() == "ready"
    url = article_server.url("/seed.html")

    fake_telegram.push_message(ADMIN, url)
    _final(fake_telegram, ADMIN)
    wait_until(lambda: _metric(port, "newsbot_replies_total", outcome="summary") == 1, 10, "a summary counted")
    assert _metric(port, "newsbot_cache_total", result="miss") == 1
    assert _metric(port, "newsbot_cache_total", result="hit") == 0
    assert _metric(port, "newsbot_updates_total", type="message") == 1
    assert _metric(port, "newsbot_fetches_total", outcome="ok") == 1
    assert _metric(port, "newsbot_llm_calls_total", model="fake-model", outcome="ok") == 1
    assert _metric(port, "newsbot_llm_tokens_total", model="fake-model", kind="prompt") == 1000
    assert _metric(port, "newsbot_llm_tokens_total", model="fake-model", kind="completion") == 200
    assert _metric(port, "newsbot_llm_cost_total", model="fake-model") == pytest.approx(0.0023)
    assert _metric(port, "newsbot_llm_latency_seconds_count", model="fake-model") == 1
    assert _metric(port, "newsbot_bot_api_calls_total", method="sendMessage") >= 1

    fake_telegram.push_message(OTHER, url)
    _final(fake_telegram, OTHER)
    wait_until(lambda: _metric(port, "newsbot_cache_total", result="hit") == 1, 10, "a cache hit counted")
    assert _metric(port, "newsbot_replies_total", outcome="summary") == 2
    assert _metric(port, "newsbot_llm_calls_total", model="fake-model", outcome="ok") == 1  # no second call


def test_readyz_is_503_while_redis_is_down(bot_process, redis_server: RedisServer) -> None:
    port = free_port()
    bot_process(METRICS_PORT=str(port))
    assert _get(port, "/readyz").status_code == 200
    redis_server.stop()
    try:
        response = _get(port, "/readyz")
        assert response.status_code == 503
        assert "redis" in response.text and "telegram" not in response.text
        assert _get(port, "/healthz").status_code == 200  # alive, just not ready
    finally:
        redis_server.restart()
    wait_until(lambda: _get(port, "/readyz").status_code == 200, 20, "ready again once Redis is back")


def test_worker_serves_health_and_metrics(bot_process, fake_telegram: FakeTelegram) -> None:
    port = free_port()
    bot_process(args=("worker",), wait=False, name="worker", METRICS_PORT=str(port))

    def answers() -> bool:
        try:
            return _get(port, "/healthz").status_code == 200
        except httpx.TransportError:
            return False

    wait_until(answers, 30, "the worker's /healthz")
    assert _get(port, "/readyz").status_code == 200
    assert _metric(port, "newsbot_bot_api_calls_total", method="getMe") >= 1  # its start-up check, counted


def test_the_worker_reports_queue_depths(bot_process, redis_url: str) -> None:
    port = free_port()
    bot_process(args=("worker",), wait=False, name="worker", METRICS_PORT=str(port))

    def depth() -> float | None:
        try:
            text = _get(port, "/metrics").text
        except httpx.TransportError:
            return None
        return _sample(text, "newsbot_queue_jobs", queue=SEND_QUEUE) if "newsbot_queue_jobs{" in text else None

    assert wait_until(lambda: depth() is not None, 30, "the queue depths in /metrics") is not None
    assert depth() == 0

    async def enqueue_later() -> None:  # a digest due in an hour: waiting in the queue, not run yet
        queue = RedisQueue.from_url(redis_url, name=SEND_QUEUE)
        try:
            await queue.enqueue("send_digest", chat_id=1, day="2026-01-01", key="digest:1:later",
                                scheduled=int(time.time()) + 3600)  # fmt: skip
        finally:
            await queue.disconnect()

    asyncio.run(enqueue_later())
    wait_until(lambda: depth() == 1, 30, "the waiting job counted")


def test_stats_for_admins_only(
    bot_process, fake_telegram: FakeTelegram, fake_openai: FakeOpenAI, article_server: ArticleServer
) -> None:
    fake_openai.set_responder(_with_usage)
    bot_process(ADMIN_IDS=str(ADMIN), LLM_DAILY_TOKENS="50000", **PRICES)
    url = article_server.url("/seed.html")
    fake_telegram.push_message(ADMIN, url)
    _final(fake_telegram, ADMIN)
    fake_telegram.push_message(OTHER, url)
    _final(fake_telegram, OTHER)

    fake_telegram.push_command(OTHER, "/stats")
    refusal = _final(fake_telegram, OTHER, 2)[-1]
    assert "I don't know the command /stats" in refusal.plain_text

    def stats_reply() -> str:
        fake_telegram.push_command(ADMIN, "/stats")
        return _final(fake_telegram, ADMIN, 2)[-1].plain_text

    text = stats_reply()
    assert "Users: 2" in text
    assert "Summaries: 2 (cache hit rate 50%)" in text
    assert "LLM tokens: 1200 (estimated cost 0.0023)" in text
    assert "Errors: 0" in text
    assert "unlimited per user, 50000 in all" in text


def test_a_user_over_the_daily_token_budget_gets_an_extractive_summary_with_a_note(
    bot_process, fake_telegram: FakeTelegram, fake_openai: FakeOpenAI, article_server: ArticleServer
) -> None:
    fake_openai.set_responder(_with_usage)
    port = free_port()
    bot_process(ADMIN_IDS=str(ADMIN), LLM_USER_DAILY_TOKENS="1000", METRICS_PORT=str(port))
    fake_telegram.push_message(OTHER, article_server.url("/seed.html"))  # 1200 tokens: over 1000 now
    first = _final(fake_telegram, OTHER)[0].plain_text
    assert "daily AI allowance" not in first and "Extractive summary" not in first

    fake_telegram.push_message(OTHER, article_server.url("/quotes-fr.html"))
    second = _final(fake_telegram, OTHER, 2)[-1].plain_text
    assert "The daily AI allowance is used up, so this is an extractive summary." in second
    assert len(fake_openai.requests) == 1  # the LLM was not asked
    assert _metric(port, "newsbot_llm_budget_exceeded_total", scope="user") == 1

    fake_telegram.push_message(ADMIN, article_server.url("/quotes-fr.html"))  # another user: within budget
    third = _final(fake_telegram, ADMIN)[0].plain_text
    assert "daily AI allowance" not in third
    assert len(fake_openai.requests) == 2

    fake_telegram.push_command(ADMIN, "/stats")
    stats = _final(fake_telegram, ADMIN, 2)[-1].plain_text
    assert "of them over budget: 1" in stats and "1000 per user, unlimited in all" in stats


def test_the_global_daily_token_budget_stops_everyone(
    bot_process, fake_telegram: FakeTelegram, fake_openai: FakeOpenAI, article_server: ArticleServer
) -> None:
    fake_openai.set_responder(_with_usage)
    bot_process(LLM_DAILY_TOKENS="1200")
    fake_telegram.push_message(ADMIN, article_server.url("/seed.html"))
    _final(fake_telegram, ADMIN)
    fake_telegram.push_message(OTHER, article_server.url("/quotes-fr.html"))
    assert "The daily AI allowance is used up" in _final(fake_telegram, OTHER)[0].plain_text
    assert len(fake_openai.requests) == 1


def test_the_healthcheck_asks_healthz_when_metrics_are_on(bot_process, bot_env: dict[str, str], tmp_path) -> None:
    port = free_port()
    # no heartbeat file where this one looks: only /healthz can make it pass
    env = {**bot_env, "METRICS_PORT": str(port), "HEARTBEAT_FILE": str(tmp_path / "never-written")}
    bot = bot_process(env=env, ready_timeout=60)
    health = BotProcess(env, args=("healthcheck",), name="health")
    assert health.start().wait(timeout=60) == 0, health.logs()
    health.cleanup()
    bot.kill()
    health = BotProcess(env, args=("healthcheck",), name="health")
    assert health.start().wait(timeout=60) == 1
    assert f"127.0.0.1:{port}/healthz did not answer" in health.logs()
    health.cleanup()


@pytest.mark.parametrize(
    ("env", "warning"),
    [
        ({"LLM_MODEL": "no-such-model"}, "doesn't know the model no-such-model: check LLM_MODEL"),
        ({"OPENAI_BASE_URL": f"http://127.0.0.1:{free_port()}/v1"}, "connection refused — check OPENAI_BASE_URL"),
    ],
    ids=["unknown-model", "unreachable"],
)
def test_an_unusable_llm_is_one_warning_at_start_and_summaries_still_come(
    bot_process, fake_telegram: FakeTelegram, article_server: ArticleServer, env: dict[str, str], warning: str
) -> None:
    bot = bot_process(env=env, ready_timeout=60)
    lines = [line for line in bot.logs().splitlines() if "level=warning" in line and "LLM endpoint" in line]
    assert len(lines) == 1 and warning in lines[0], lines
    assert "use the extractive engine until it works" in lines[0]
    assert "Traceback" not in bot.logs()
    fake_telegram.push_message(ADMIN, article_server.url("/seed.html"))
    assert "extractive summary" in _final(fake_telegram, ADMIN)[0].plain_text
