"""Run the real bot (``python -m bot run``) as a subprocess against the fakes."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Self

if TYPE_CHECKING:
    from .telegram_api import FakeTelegram

REPO_ROOT = Path(__file__).resolve().parents[2]

# Variables the bot's settings read; stripped from the inherited environment so that a developer's
# shell cannot leak into a test. (Settings field names are added at runtime when importable.)
_STRIP_PREFIXES = ("TELEGRAM_", "OPENAI_", "REDIS_", "WEBHOOK_", "LLM_", "FETCH_", "NEWSBOT_")
_STRIP_NAMES = frozenset(
    {"ADMIN_IDS", "ALLOWED_USER_IDS", "LOG_LEVEL", "LOG_FORMAT", "HTTP_PROXY", "HTTPS_PROXY",
     "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"}
)  # fmt: skip


def _settings_names() -> set[str]:
    try:
        from bot.config import Settings
    except Exception:
        return set()
    return {name.upper() for name in Settings.model_fields}


def clean_environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """``os.environ`` minus everything the bot would read as settings, plus ``extra``."""
    strip = _STRIP_NAMES | _settings_names()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.upper().startswith(_STRIP_PREFIXES) and k.upper() not in strip and k not in strip
    }
    env["PYTHONUNBUFFERED"] = "1"
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    pythonpath = [str(REPO_ROOT)]
    if env.get("PYTHONPATH"):
        pythonpath.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(pythonpath)
    env.update({k: str(v) for k, v in (extra or {}).items()})
    return env


class BotProcess:
    """``BotProcess(env, args=("run",), cwd=REPO_ROOT)``: ``[sys.executable, "-m", "bot", *args]``.

    Output (stdout+stderr) goes to ``log_path`` in a temp dir. ``start()``, ``terminate()``
    (SIGTERM, once), ``stop(timeout=10)`` (SIGTERM, then SIGKILL), ``kill()``, ``wait(timeout)``,
    ``logs()``, ``returncode``, ``pid``, ``wait_ready(fake_telegram, timeout=20)``,
    ``wait_for_log(pattern, timeout)``.
    """

    def __init__(
        self,
        env: Mapping[str, str],
        args: Sequence[str] = ("run",),
        cwd: str | Path | None = None,
        *,
        name: str = "bot",
    ) -> None:
        self.env = dict(env)
        self.args = tuple(args)
        self.cwd = Path(cwd) if cwd is not None else REPO_ROOT
        self.name = name
        self._dir = Path(tempfile.mkdtemp(prefix=f"newsbot-{name}-"))
        self.log_path = self._dir / "bot.log"
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self._terminated = False
        self.started_at: float | None = None  # time.monotonic() of start()

    @property
    def token(self) -> str | None:
        return self.env.get("TELEGRAM_BOT_TOKEN")

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    @property
    def returncode(self) -> int | None:
        """None while running (or never started)."""
        return self._proc.poll() if self._proc else None

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def _module(self) -> str:
        # An injected digest clock needs the test launcher; everything else runs `python -m bot`.
        return "tests.fakes.run_bot" if "NEWSBOT_TEST_CLOCK_KEY" in self.env else "bot"

    def start(self) -> Self:
        if self.running:
            return self
        if (self.cwd / ".env").exists():
            warnings.warn(
                f"{self.cwd / '.env'} exists; the bot reads settings the test did not set from it",
                stacklevel=2,
            )
        self._log = open(self.log_path, "ab")  # closed in _reap
        self._terminated = False
        self.started_at = time.monotonic()
        self._proc = subprocess.Popen(
            [sys.executable, "-m", self._module(), *self.args],
            cwd=self.cwd,
            env=clean_environment(self.env),
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        return self

    def terminate(self) -> None:
        """Send SIGTERM (once: a second one may cut a graceful shutdown short); don't wait."""
        if self._proc is not None and self._proc.poll() is None and not self._terminated:
            self._proc.send_signal(signal.SIGTERM)
            self._terminated = True

    def stop(self, timeout: float = 10.0) -> int | None:
        """SIGTERM, wait up to ``timeout`` s, then SIGKILL. Returns the exit code."""
        if self._proc is None:
            return None
        if self._proc.poll() is None:
            self.terminate()
            try:
                self._proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(5)
        self._reap()
        return self._proc.returncode

    def kill(self) -> int | None:
        """SIGKILL (a crash)."""
        if self._proc is None:
            return None
        if self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait(5)
        self._reap()
        return self._proc.returncode

    def wait(self, timeout: float | None = None) -> int:
        """Wait for the process to exit by itself; returns the exit code."""
        if self._proc is None:
            raise RuntimeError("not started")
        code = self._proc.wait(timeout)
        self._reap()
        return code

    def _reap(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None

    def cleanup(self) -> None:
        """Stop and delete the temp dir holding the log."""
        self.stop()
        shutil.rmtree(self._dir, ignore_errors=True)

    def logs(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def _fail(self, what: str) -> RuntimeError:
        code = self.returncode
        state = "running" if code is None else f"exited with code {code}"
        tail = self.logs()[-6000:]
        return RuntimeError(f"{self.name}: {what} (process {state})\n--- bot log (tail) ---\n{tail}")

    def wait_ready(self, fake_telegram: FakeTelegram, timeout: float = 20.0) -> Self:
        """Return once the fake saw a successful getUpdates or setWebhook with this bot's token
        made after ``start()``; raise RuntimeError with the log if the bot exits or times out."""
        if self.started_at is None:
            raise RuntimeError("not started")
        token = self.token or fake_telegram.token
        started = self.started_at
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            polled = getattr(fake_telegram, "last_poll_started", None)
            if token == fake_telegram.token and polled is not None and polled >= started:
                return self
            for call in fake_telegram.calls:
                if (
                    call.method in ("getUpdates", "setWebhook")
                    and call.token == token
                    and call.time >= started
                    and call.ok
                ):
                    return self
            if self._proc is not None and self._proc.poll() is not None:
                raise self._fail("the bot exited before it started polling")
            time.sleep(0.05)
        raise self._fail(f"no getUpdates/setWebhook within {timeout} s")

    def wait_for_log(self, pattern: str, timeout: float = 10.0) -> re.Match[str]:
        """Wait until the log matches the regex ``pattern``; return the match."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            match = regex.search(self.logs())
            if match:
                return match
            if self._proc is not None and self._proc.poll() is not None:
                match = regex.search(self.logs())
                if match:
                    return match
                raise self._fail(f"exited before the log matched {pattern!r}")
            time.sleep(0.05)
        raise self._fail(f"log did not match {pattern!r} within {timeout} s")

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def stop_all(procs: Iterable[BotProcess], timeout: float = 10.0) -> list[int | None]:
    """Stop several processes side by side (SIGTERM to all, then wait for each); exit codes."""
    procs = list(procs)
    for proc in procs:
        proc.terminate()
    return [proc.stop(timeout) for proc in procs]


__all__ = ["REPO_ROOT", "BotProcess", "clean_environment", "stop_all"]
