"""The Telegram Bot API emulator: real HTTP on 127.0.0.1, its own thread and event loop.

Point the bot at it with ``TELEGRAM_API_URL=emulator.base_url`` (requests go to
``{base_url}/bot{token}/{method}``). It enforces Telegram's rules (HTML parse mode, 4096 UTF-16
characters, callback data of at most 64 bytes, keyboards, flood control when enabled), so what works
here works on Telegram. The playground puts a web chat on top of it; the test suite adds fault
injection.

User side (thread-safe)::

    emulator.push_message(1001, "read https://example.com/a")    # a user writes to the bot
    [reply] = emulator.wait_for_messages(1001)                   # blocking; await_messages in async code
"""

from __future__ import annotations

from bot.playground.chat_methods import ChatMethods
from bot.playground.delivery import UpdateDelivery
from bot.playground.endpoint import HttpEndpoint
from bot.playground.inline import InlineMethods
from bot.playground.messages import MessageMethods
from bot.playground.observe import Observation
from bot.playground.users import UserSide


class BotApiEmulator(UserSide, Observation, HttpEndpoint, InlineMethods, MessageMethods, UpdateDelivery, ChatMethods):
    """Construct with a token, ``start()`` (or use as a context manager), point the bot at ``base_url``.

    Chat state: ``block_chat``, ``unblock_chat``, ``fail_chat``, ``migrate_chat``, ``set_admin``,
    ``set_flood_limits``. Pushing updates: ``push_message``, ``push_command``, ``push_reply``,
    ``push_callback``, ``push_inline_query`` (then ``choose_inline_result``), ``push_my_chat_member``,
    ``push_update``.
    Observing: ``calls``, ``calls_of``, ``errors``, ``count_429``, ``messages``, ``message``,
    ``drafts``, ``answered_callbacks``, ``answered_inline_queries``, ``inline_results``,
    ``inline_message``/``wait_for_inline_message``, ``commands``,
    ``wait_for_messages``/``await_messages``, ``wait_for``/``await_for``, ``wait_for_call``.
    """

    thread_name = "bot-api-emulator"


__all__ = ["BotApiEmulator"]
