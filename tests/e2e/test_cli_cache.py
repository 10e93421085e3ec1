"""`newsbot summarize` without REDIS_URL leaves the Redis on localhost:6379 alone: on a shared
machine that Redis is someone else's.

The stand-in for "someone else's Redis" listens on 127.0.0.1:6379 inside a private network
namespace (``unshare -rn``), so the test never touches a real one on this machine.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fakes.bot_process import clean_environment
from tests.fakes.redis_server import redis_binary

pytestmark = pytest.mark.e2e

ARTICLE = " ".join(
    f"Officials in the harbour town said on Monday that ferry number {n} would resume its service"
    " after the storm damaged the pier." for n in range(1, 15)
)

# In the namespace: loopback up, a Redis on the default port, the CLI, then that Redis's key count.
SCRIPT = """
set -e
ip link set lo up
"$REDIS" --port 6379 --bind 127.0.0.1 --save '' --appendonly no --dir "$TMP" >/dev/null &
until redis-cli -p 6379 ping >/dev/null 2>&1; do sleep 0.05; done
"$PYTHON" -m bot summarize - < "$TMP/article.txt" > "$TMP/out.txt"
redis-cli -p 6379 dbsize
redis-cli -p 6379 shutdown nosave >/dev/null 2>&1 || true
"""


def keys_left_on_default_redis(tmp_path: Path, **env: str) -> tuple[int, str]:
    """Keys on the namespace's localhost:6379 after the CLI ran, and the CLI's log."""
    if not (shutil.which("unshare") and shutil.which("ip") and shutil.which("redis-cli") and redis_binary()):
        pytest.skip("needs unshare, ip, redis-cli and redis-server")
    (tmp_path / "article.txt").write_text(ARTICLE)
    full_env = clean_environment({
        "NEWSBOT_ENV_FILE": str(tmp_path / "none"), "REDIS": str(redis_binary()), "PYTHON": sys.executable,
        "TMP": str(tmp_path), "LOG_LEVEL": "DEBUG", **env,
    })  # fmt: skip
    result = subprocess.run(
        ["unshare", "-rn", "sh", "-c", SCRIPT], env=full_env, cwd=tmp_path, capture_output=True, text=True,
        timeout=120,
    )
    if result.returncode and "unshare" in result.stderr and "Operation not permitted" in result.stderr:
        pytest.skip("user namespaces are not allowed here")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out.txt").read_text().strip(), result.stderr  # it did summarize
    return int(result.stdout.split()[-1]), result.stderr


def test_summarize_without_redis_url_writes_no_keys(tmp_path: Path) -> None:
    keys, log = keys_left_on_default_redis(tmp_path)
    assert keys == 0
    assert "REDIS_URL is not set: no shared cache" in log


def test_summarize_with_redis_url_uses_that_redis(tmp_path: Path) -> None:
    # the control: the same run, given the URL, does cache there
    keys, _ = keys_left_on_default_redis(tmp_path, REDIS_URL="redis://127.0.0.1:6379/0")
    assert keys > 0
