"""The digest's and feeds' replies as Telegram HTML, from what the application services return,
in the reader's language (``lang``)."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot import render
from bot.app.digests import NextDigest, Schedule
from bot.app.subscriptions import AlreadyFollowing, ImportReport, Listing, Refused, Skipped, Subscribed
from bot.digest.likely_zones import city_name
from bot.digest.schedule import zone_label
from bot.digest.sources import Source
from bot.store.limits import Verdict
from bot.telegram import keyboards, pickers
from bot.telegram.catalog import reason, t, weekday_date


def too_fast(key: str, verdict: Verdict, lang: str | None) -> str:
    """The rate-limit reply ``key`` saying when to try again (plain text: escape it for HTML)."""
    seconds = max(1, verdict.retry_after)
    wait = t("WAIT_SECONDS", lang, n=seconds) if seconds < 100 else t("WAIT_MINUTES", lang, n=-(-seconds // 60))
    return t(key, lang, wait=wait)


def schedule_line(schedule: Schedule, lang: str | None) -> str:
    zone = render.esc(zone_label(schedule.timezone))
    line = t("SCHEDULE", lang, at=schedule.at.strftime("%H:%M"), timezone=zone)
    return line + t("SCHEDULE_PAUSED", lang) if schedule.paused else line


def next_line(upcoming: NextDigest, lang: str | None) -> str:
    when = f"{weekday_date(upcoming.at.date(), lang)}, {upcoming.at.strftime('%H:%M')}"
    return t("NEXT_DIGEST", lang, at=when, zone=render.esc(zone_label(upcoming.zone)))


def zone_question(zones: tuple[str, ...], lang: str | None) -> tuple[str, InlineKeyboardMarkup | None]:
    """Where is the chat? With a button per likely zone, and the hint to type a city instead."""
    if not zones:
        return t("ASK_TIMEZONE_TYPE", lang), None
    return t("ASK_TIMEZONE", lang), pickers.zones([(zone, city_name(zone, lang)) for zone in zones])


def subscription(
    outcome: Subscribed | AlreadyFollowing | Refused, lang: str | None
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The reply to a subscription, and its buttons (the time-zone question's, when it asks)."""
    if isinstance(outcome, Refused):
        if outcome.stage == "check":
            return render.render_error(t("CANT_SUBSCRIBE", lang, reason=reason(outcome.reason, lang))), None
        why = reason(outcome.reason, lang)
        return (render.esc(why) if outcome.stage == "limit" else render.render_error(why)), None
    if isinstance(outcome, AlreadyFollowing):
        return t("ALREADY_FOLLOWING", lang, name=render.esc(outcome.name)), None
    lines = [t("SUBSCRIBED", lang, name=render.esc(outcome.name)), schedule_line(outcome.schedule, lang)]
    markup = None
    if outcome.needs_timezone:
        question, markup = zone_question(outcome.zones, lang)
        lines.append(question)
    return "\n\n".join(lines), markup


def listing(feeds: Listing, lang: str | None) -> tuple[list[str], InlineKeyboardMarkup | None]:
    """The parts of the /subscriptions reply, and the unsubscribe buttons for its last part."""
    if feeds.schedule is None:
        return [render.esc(t("NO_SUBSCRIPTIONS", lang))], None
    blocks = [t("FEEDS_HEADER", lang, count=len(feeds.feeds), limit=feeds.limit)]
    blocks += [f"{i}. {render.link(feed.url, feed.name)}" for i, feed in enumerate(feeds.feeds, 1)]
    footer = schedule_line(feeds.schedule, lang)
    if feeds.schedule.parked:
        footer += t("FEEDS_PARKED", lang)
    blocks.append(footer + t("FEEDS_FOOTER", lang))
    return render.pack(blocks, sep="\n"), keyboards.unsubscribe(feeds.feeds, t("BUTTON_UNSUBSCRIBE", lang))


def sources(presets: tuple[Source, ...], lang: str | None) -> list[str]:
    lines = [t("SOURCES_HEADER", lang)]
    lines += [f"• {render.link(s.url, s.name)} — <code>{render.esc(s.id)}</code>" for s in presets]
    lines.append(t("SOURCES_FOOTER", lang))
    return render.pack(lines, sep="\n")


def _skipped_line(skipped: Skipped, lang: str | None) -> str:
    why = reason(skipped.reason, lang) if skipped.reason else t("OVER_THE_LIMIT", lang)
    return t("IMPORT_SKIPPED_LINE", lang, name=render.esc(skipped.name), reason=render.esc(why))


def import_report(
    report: ImportReport, cut_at: int | None, lang: str | None
) -> tuple[list[str], InlineKeyboardMarkup | None]:
    """The OPML import's reply in parts, and the buttons of its last part (the time-zone question's)."""
    added = len(report.added)
    head = t("IMPORTED", lang, count=added, s="" if added == 1 else "s")
    if report.known:
        head += t("IMPORTED_KNOWN", lang, count=len(report.known))
    blocks = [head + "."]
    if report.skipped:
        lines = [_skipped_line(skipped, lang) for skipped in report.skipped]
        blocks.append("\n".join([t("IMPORT_SKIPPED", lang, count=len(report.skipped)), *lines]))
    if report.limit_reason:
        blocks.append(render.esc(reason(report.limit_reason, lang)))
    if cut_at is not None:
        blocks.append(t("OPML_CUT", lang, count=cut_at))
    markup = None
    if report.needs_timezone:
        question, markup = zone_question(report.zones, lang)
        blocks.append(question)
    return render.pack(blocks), markup
