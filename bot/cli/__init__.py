"""`newsbot` command line: run | worker | extract | summarize | playground | healthcheck."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Callable, Sequence

from bot.config import Settings, SettingsError, StartupError, load_settings
from bot.digest.clock import Clock
from bot.logs import setup_logging

log = logging.getLogger(__name__)

EXIT_USAGE = 2
DEFAULT_PORT = 8765  # the playground's web chat

NO_TOKEN = (
    "TELEGRAM_BOT_TOKEN is not set. Get a token from @BotFather in Telegram "
    "(send /newbot, pick a name, copy the token), then put TELEGRAM_BOT_TOKEN=<token> in .env "
    "or your environment and run again."
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsbot", description="Telegram bot: news links in, 30-second summaries out."
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    sub.add_parser("run", help="run the bot (long polling, or webhook when WEBHOOK_URL is set)")
    sub.add_parser("worker", help="run an extra digest worker process")

    extract = sub.add_parser("extract", help="fetch a page and print the extracted article")
    extract.add_argument("url", help="the page URL, or - to read HTML from standard input")
    extract.add_argument("--url", dest="base_url", help="the page's URL when reading from stdin")
    extract.add_argument("--json", action="store_true", help="print JSON")
    extract.add_argument("--text", action="store_true", help="print only the article text")

    summarize = sub.add_parser("summarize", help="summarize a link (or - for text on stdin)")
    summarize.add_argument("url", help="the article URL, or - to read plain text from stdin")
    summarize.add_argument("--json", action="store_true", help="print JSON")
    summarize.add_argument("--lang", help="summary language code, e.g. en or de")

    playground = sub.add_parser("playground", help="try the bot without Telegram: a web chat on this computer")
    playground.add_argument("--host", default="127.0.0.1", help="address to listen on (default: loopback only)")
    playground.add_argument("--port", type=int, default=DEFAULT_PORT, help="port (0 = any free one)")
    playground.add_argument("--no-browser", action="store_true", help="don't open a browser")

    sub.add_parser("healthcheck", help="exit 0 when the running bot answers /healthz (METRICS_PORT) "
                   "or its heartbeat is fresh")
    return parser


def _run(settings: Settings, args: argparse.Namespace, clock: Clock | None) -> int:
    if not settings.telegram_bot_token:
        print(f"newsbot: {NO_TOKEN}", file=sys.stderr)
        return EXIT_USAGE
    from bot.telegram.app import run

    run(settings, clock=clock)
    return 0


def _worker(settings: Settings, args: argparse.Namespace, clock: Clock | None) -> int:
    from bot.cli.worker import run_worker

    return asyncio.run(run_worker(settings, clock=clock))


def _extract(settings: Settings, args: argparse.Namespace, clock: Clock | None) -> int:
    from bot.cli.extract import run_extract

    stdin_html = None
    url = args.url
    if url == "-":
        if not args.base_url:
            print("newsbot: reading HTML from stdin needs --url URL", file=sys.stderr)
            return EXIT_USAGE
        stdin_html = sys.stdin.read()
        url = args.base_url
    return asyncio.run(
        run_extract(
            settings, url, stdin_html=stdin_html, as_json=args.json, text_only=args.text, out=sys.stdout
        )
    )


def _summarize(settings: Settings, args: argparse.Namespace, clock: Clock | None) -> int:
    from bot.cli.summarize import run_summarize

    text = sys.stdin.read() if args.url == "-" else None
    return asyncio.run(
        run_summarize(settings, args.url, stdin_text=text, as_json=args.json, lang=args.lang, out=sys.stdout)
    )


def _playground(settings: Settings, args: argparse.Namespace, clock: Clock | None) -> int:
    from bot.cli.playground import run_playground

    return run_playground(settings, host=args.host, port=args.port, open_browser=not args.no_browser, clock=clock)


def _healthcheck(settings: Settings, args: argparse.Namespace, clock: Clock | None) -> int:
    from bot.cli.health import healthcheck

    return healthcheck(settings)


COMMANDS: dict[str, Callable[[Settings, argparse.Namespace, Clock | None], int]] = {
    "run": _run,
    "worker": _worker,
    "extract": _extract,
    "summarize": _summarize,
    "playground": _playground,
    "healthcheck": _healthcheck,
}


def main(argv: Sequence[str] | None = None, *, clock: Clock | None = None) -> int:
    """The command line; ``clock`` replaces the digest's system clock (tests walk it through days)."""
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"newsbot: {exc}", file=sys.stderr)
        return EXIT_USAGE
    setup_logging(settings.log_level, settings.log_format, settings.secrets())
    try:
        return COMMANDS[args.command](settings, args, clock)
    except StartupError as exc:
        # One line for the operator; the redacted chain only when debugging.
        log.debug("start-up failure", exc_info=exc)
        log.error("%s", exc, extra={"exit_code": exc.exit_code})
        return exc.exit_code
    except KeyboardInterrupt:
        return 130

