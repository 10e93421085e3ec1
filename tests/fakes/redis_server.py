"""A throwaway ``redis-server`` process on 127.0.0.1, a free port and a temp dir.

Never touches port 6379. ``start()`` skips the calling test (``pytest.skip``) when the binary is
missing; set ``REDIS_SERVER_BIN`` to use another binary.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any, Self

HOST = "127.0.0.1"
FORBIDDEN_PORTS = frozenset({6379})


def redis_binary() -> str | None:
    return os.environ.get("REDIS_SERVER_BIN") or shutil.which("redis-server")


def free_port() -> int:
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind((HOST, 0))
            port = sock.getsockname()[1]
        if port not in FORBIDDEN_PORTS:
            return port


def _command(port: int, command: bytes, timeout: float = 0.5) -> bytes:
    with socket.create_connection((HOST, port), timeout=timeout) as sock:
        sock.sendall(command)
        return sock.recv(4096)


class RedisServer:
    """``RedisServer(aof=False, port=None, args=())``.

    ``aof=True`` runs with ``--appendonly yes --appendfsync everysec`` (otherwise ``--save ""
    --appendonly no``: nothing is persisted). ``args`` are extra ``redis-server`` arguments.
    """

    def __init__(self, *, aof: bool = False, port: int | None = None, args: tuple[str, ...] = ()):
        if port in FORBIDDEN_PORTS:
            raise ValueError("refusing to use port 6379")
        self.aof = aof
        self._port = port
        self._dir: Path | None = None
        self.extra_args = tuple(args)
        self._proc: subprocess.Popen[bytes] | None = None
        self._log = None

    # -- properties ------------------------------------------------------------------------------

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("RedisServer is not started")
        return self._port

    @property
    def url(self) -> str:
        return f"redis://{HOST}:{self.port}/0"

    @property
    def dir(self) -> Path:
        if self._dir is None:
            raise RuntimeError("RedisServer is not started")
        return self._dir

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    @property
    def log_path(self) -> Path:
        return self.dir / "redis.log"

    def logs(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    # -- lifecycle -------------------------------------------------------------------------------

    def start(self, timeout: float = 10.0) -> Self:
        if self.running:
            return self
        binary = redis_binary()
        if binary is None:
            import pytest

            pytest.skip("redis-server is not installed (apt-get install redis-server)")
        if self._dir is None:
            self._dir = Path(tempfile.mkdtemp(prefix="newsbot-redis-"))
        fixed_port = self._port is not None
        last_error = ""
        for _ in range(1 if fixed_port else 5):
            if not fixed_port:
                self._port = free_port()
            if self._spawn(binary, timeout):
                return self
            last_error = self.logs()[-2000:]
            if not fixed_port:
                self._port = None
        raise RuntimeError(f"redis-server did not start\n{last_error}")

    def _args(self, binary: str) -> list[str]:
        args = [
            binary,
            "--port", str(self.port),
            "--bind", HOST,
            "--dir", str(self.dir),
            "--daemonize", "no",
            "--protected-mode", "yes",
            "--logfile", "",
            "--save", "",
            "--dbfilename", "dump.rdb",
        ]  # fmt: skip
        if self.aof:
            args += ["--appendonly", "yes", "--appendfsync", "everysec"]
        else:
            args += ["--appendonly", "no"]
        return [*args, *self.extra_args]

    def _spawn(self, binary: str, timeout: float) -> bool:
        self._log = open(self.dir / "redis.log", "ab")  # closed in _reap
        self._proc = subprocess.Popen(
            self._args(binary),
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                self._reap()
                return False
            try:
                if _command(self.port, b"PING\r\n").startswith(b"+PONG"):
                    return True
            except OSError:
                pass
            time.sleep(0.02)
        self.kill()
        return False

    def stop(self, timeout: float = 10.0) -> None:
        """Graceful stop (SIGTERM; AOF is flushed). SIGKILL after ``timeout``. Keeps the dir."""
        if self._proc is None:
            return
        if self._proc.poll() is None:
            self._proc.send_signal(signal.SIGTERM)
            try:
                self._proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(5)
        self._reap()

    def kill(self) -> None:
        """SIGKILL, like a crash. Keeps the dir."""
        if self._proc is None:
            return
        if self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait(5)
        self._reap()

    def restart(self, timeout: float = 10.0) -> Self:
        """Stop (if running) and start again on the same port with the same dir."""
        self.stop()
        binary = redis_binary()
        assert binary is not None
        if not self._spawn(binary, timeout):
            raise RuntimeError(f"redis-server did not restart\n{self.logs()[-2000:]}")
        return self

    def cleanup(self) -> None:
        """Stop and delete the data dir."""
        self.stop()
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None

    def _reap(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.cleanup()

    # -- helpers ---------------------------------------------------------------------------------

    def flushall(self) -> None:
        reply = _command(self.port, b"FLUSHALL\r\n", timeout=5)
        if not reply.startswith(b"+OK"):
            raise RuntimeError(f"FLUSHALL failed: {reply!r}")

    def client(self, **kwargs: Any) -> Any:
        """A sync ``redis.Redis`` for this server (``decode_responses=True`` by default)."""
        import redis

        kwargs.setdefault("decode_responses", True)
        return redis.Redis.from_url(self.url, **kwargs)

    def async_client(self, **kwargs: Any) -> Any:
        import redis.asyncio

        kwargs.setdefault("decode_responses", True)
        return redis.asyncio.Redis.from_url(self.url, **kwargs)


__all__ = ["RedisServer", "free_port", "redis_binary"]
