"""``python -m tests.fakes.run_bot ARGS``: the real ``newsbot ARGS`` with one injected part, the
digest clock, read from the Redis key named by NEWSBOT_TEST_CLOCK_KEY (see tests/fakes/clock.py)."""

from __future__ import annotations

import os
import sys

from bot.cli import main
from tests.fakes.clock import RedisClock

if __name__ == "__main__":
    clock = RedisClock(os.environ["REDIS_URL"], os.environ["NEWSBOT_TEST_CLOCK_KEY"])
    sys.exit(main(sys.argv[1:], clock=clock))
