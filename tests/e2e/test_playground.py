"""`newsbot playground`: the real bot against the shared Bot API emulator, driven through its web
chat: over its JSON/SSE API, and in headless Chromium like a person would."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fakes.article_server import ArticleServer
from tests.fakes.bot_process import BotProcess
from tests.fakes.redis_server import free_port
from tests.fakes.waiting import wait_until

pytestmark = pytest.mark.e2e

USER = 424242
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--window-size=760,900",
)  # fmt: skip


def _state(url: str) -> dict[str, Any] | None:
    try:
        response = httpx.get(f"{url}/api/state", params={"chat_id": USER}, timeout=2)
    except httpx.HTTPError:
        return None
    return response.json() if response.status_code == 200 else None


@pytest.fixture
def playground(article_server: ArticleServer, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """``newsbot playground`` as a fresh clone runs it: no token, no REDIS_URL (it starts its own
    redis-server), no LLM. Yields the chat's URL once the bot polls the emulator."""
    port = free_port()
    env = {
        "NEWSBOT_ENV_FILE": str(tmp_path / "no.env"),
        "HEARTBEAT_FILE": str(tmp_path / "heartbeat"),
        "FETCH_ALLOW_PRIVATE_NETWORKS": "true",
        "FETCH_ALLOWED_PORTS": f"80,443,{article_server.port}",
        "LOG_LEVEL": "DEBUG",
    }
    proc = BotProcess(env, args=("playground", "--port", str(port), "--no-browser"), name="playground").start()
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: not proc.running or (_state(url) or {}).get("ready"), 60, "the playground's bot to poll")
        assert proc.running, proc.logs()[-4000:]
        yield url
    finally:
        code = proc.stop()
        if getattr(request.node, "rep_call", None) is None or request.node.rep_call.failed:
            print(f"\n===== playground (exit {code}) =====\n{proc.logs()[-20000:]}")
        proc.cleanup()


def _bot_messages(events: httpx.Response, count: int) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for line in events.iter_lines():
        if line.startswith("data: "):
            event = json.loads(line[len("data: ") :])
            if event["type"] == "message" and event["message"]["from"]["is_bot"]:
                found.append(event["message"])
                if len(found) == count:
                    return found
    raise AssertionError(f"the event stream ended after {len(found)} bot message(s)")


def test_page_and_one_round_trip_over_the_api(playground: str) -> None:
    page = httpx.get(playground + "/", timeout=5)
    assert page.status_code == 200 and "newsbot playground" in page.text
    assert httpx.get(playground + "/static/chat.js", timeout=5).status_code == 200
    state = _state(playground)
    assert state is not None and any(c["command"] == "start" for c in state["commands"])

    with httpx.Client(timeout=30) as client, client.stream(
        "GET", f"{playground}/api/events", params={"chat_id": USER}
    ) as events:
        sent = client.post(f"{playground}/api/send", json={"user_id": USER, "chat": "private", "text": "/start"})
        assert sent.status_code == 200
        [welcome] = _bot_messages(events, 1)
    assert welcome["chat"]["id"] == USER
    assert "Send me a link" in welcome["text"]
    assert any(e["type"] == "bold" for e in welcome["entities"])  # the bot's HTML, parsed as Telegram does
    history = _state(playground)
    assert history is not None and history["messages"][0]["text"] == "/start"


def _chrome(profile: Path) -> Any:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    if chromium is None or driver_path is None:
        pytest.skip("headless test needs Debian's chromium and chromium-driver (scripts/test installs them)")
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is in the dev extras")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(options=options, service=Service(executable_path=driver_path))


def _bot_texts(driver: Any) -> list[str]:
    return [el.text for el in driver.find_elements("css selector", ".msg.bot .text")]


def test_summary_ask_and_answer_in_headless_chromium(
    playground: str, article_server: ArticleServer, tmp_path: Path
) -> None:
    from selenium.webdriver.common.keys import Keys

    driver = _chrome(tmp_path / "chrome-profile")
    try:
        driver.get(playground)
        wait_until(lambda: driver.find_element("id", "status").text == "bot", 30, "the page to see the bot")
        box = driver.find_element("id", "input")
        box.send_keys(article_server.url("/seed.html"), Keys.ENTER)

        def ask_button() -> Any:
            buttons = driver.find_elements("css selector", ".msg.bot .keyboard button")
            return next((b for b in buttons if "Ask about this" in b.text), None)

        button = wait_until(ask_button, 60, lambda: f"a summary with buttons; bot said {_bot_texts(driver)}")
        assert any("Peskov" in text or "Putin" in text for text in _bot_texts(driver))
        button.click()
        # the bot's prompt (a ForceReply) puts the chat in "reply to" mode, as a Telegram client does
        wait_until(lambda: driver.find_element("id", "replying-text").text, 30, "the bot to ask for a question")
        asked_after = len(_bot_texts(driver))
        driver.find_element("id", "input").send_keys("Who is Peskov?", Keys.ENTER)
        wait_until(
            lambda: any("Dmitry Peskov" in t and "From the article" in t for t in _bot_texts(driver)[asked_after:]),
            60,
            lambda: f"the answer; bot said {_bot_texts(driver)}",
        )
        quotes = [el.text for el in driver.find_elements("css selector", ".msg.user .quote")]
        assert quotes and "Putin tells Xi" in quotes[-1]  # the question went as a reply to the prompt
        shot = tmp_path / "playground.png"
        driver.save_screenshot(str(shot))
        assert shot.read_bytes().startswith(b"\x89PNG")
        if os.environ.get("NEWSBOT_PLAYGROUND_SCREENSHOT"):  # how docs/playground.png is made
            shutil.copy(shot, os.environ["NEWSBOT_PLAYGROUND_SCREENSHOT"])
        errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        assert errors == []
    finally:
        driver.quit()
