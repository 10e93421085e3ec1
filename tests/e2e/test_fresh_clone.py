"""From a fresh clone, as the README says: ``scripts/run`` without a token sets up ``.venv`` (runtime
dependencies only, from the lock), explains how to get a token and starts the playground; the
README's CLI example then works as written.

The clone is the repository's tracked files copied into a temporary directory (no ``.venv``, no
``.env``); scripts/run runs there in its own process group, ended by this test.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.fakes.article_server import ArticleServer
from tests.fakes.bot_process import REPO_ROOT, clean_environment
from tests.fakes.waiting import wait_until

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

READY = re.compile(r"newsbot playground: chat with the bot at\s+(http://\S+)")


def fresh_clone(into: Path) -> Path:
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=REPO_ROOT, capture_output=True, check=True).stdout
    for name in filter(None, tracked.decode().split("\0")):
        source = REPO_ROOT / name
        if source.is_file():
            (into / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, into / name)
    return into


@pytest.mark.timeout(900)  # a venv from the lock: ~30 s with pip's cache, minutes without it
def test_scripts_run_without_a_token_sets_up_explains_and_starts_the_playground(
    article_server: ArticleServer, tmp_path: Path
) -> None:
    clone = fresh_clone(tmp_path / "newsbot")
    assert not (clone / ".venv").exists() and not (clone / ".env").exists()
    env = clean_environment({"PYTHON": sys.executable})
    env.pop("PYTHONPATH")  # only what scripts/run installs
    out, err = tmp_path / "run.out", tmp_path / "run.err"
    with out.open("w") as stdout, err.open("w") as stderr:
        run = subprocess.Popen(["scripts/run", "--port", "0", "--no-browser"], cwd=clone, env=env,
                               stdout=stdout, stderr=stderr, stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        ready = wait_until(lambda: READY.search(out.read_text()) or run.poll() is not None, 600,
                           lambda: f"the playground to start\n{out.read_text()}\n{err.read_text()[-3000:]}")
        assert run.poll() is None, f"scripts/run exited {run.returncode}\n{err.read_text()[-3000:]}"
        explained = err.read_text()
        assert "TELEGRAM_BOT_TOKEN is not set" in explained and "@BotFather" in explained
        assert "Traceback" not in explained
        assert isinstance(ready, re.Match) and httpx.get(ready[1], timeout=10).status_code == 200

        venv = clone / ".venv"
        assert (venv / "bin" / "newsbot").exists()
        assert "include-system-site-packages = false" in (venv / "pyvenv.cfg").read_text()
        runtime_only = subprocess.run([str(venv / "bin" / "python"), "-c", "import pytest"], capture_output=True)
        assert runtime_only.returncode != 0, "scripts/run installed the dev tools"

        # The README's example, as written (the local page needs private addresses allowed).
        example = subprocess.run(
            [".venv/bin/newsbot", "summarize", article_server.url("/seed.html")], cwd=clone, capture_output=True,
            text=True, timeout=120,
            env={**env, "FETCH_ALLOW_PRIVATE_NETWORKS": "true", "FETCH_ALLOWED_PORTS": str(article_server.port)},
        )
        assert example.returncode == 0, example.stderr
        assert "Putin" in example.stdout
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGTERM)  # the group this test started: scripts/run and its children
            try:
                run.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(run.pid, signal.SIGKILL)
                run.wait(timeout=10)
