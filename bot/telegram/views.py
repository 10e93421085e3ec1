"""The digest's and feeds' replies as Telegram HTML, from what the application services return."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot import render
from bot.app.digests import NextDigest, Schedule
from bot.app.subscriptions import AlreadyFollowing, ImportReport, Listing, Refused, Skipped, Subscribed
from bot.digest.schedule import zone_label
from bot.digest.sources import Source
from bot.store.limits import Verdict
from bot.telegram import keyboards, texts


def _plural(count: int) -> str:
    return "s" if count != 1 else ""


def too_fast(template: str, verdict: Verdict) -> str:
    """A rate-limit reply saying when to try again (plain text: escape it for HTML)."""
    seconds = max(1, verdict.retry_after)
    wait = texts.WAIT_SECONDS.format(n=seconds) if seconds < 100 else texts.WAIT_MINUTES.format(n=-(-seconds // 60))
    return template.format(wait=wait)


def schedule_line(schedule: Schedule) -> str:
    line = texts.SCHEDULE.format(at=schedule.at.strftime("%H:%M"), timezone=render.esc(zone_label(schedule.timezone)))
    return line + texts.SCHEDULE_PAUSED if schedule.paused else line


def next_line(upcoming: NextDigest) -> str:
    when = upcoming.at.strftime("%a %-d %b, %H:%M")
    return texts.NEXT_DIGEST.format(at=when, zone=render.esc(zone_label(upcoming.zone)))


def subscription(outcome: Subscribed | AlreadyFollowing | Refused) -> str:
    if isinstance(outcome, Refused):
        if outcome.stage == "check":
            return render.render_error(texts.CANT_SUBSCRIBE.format(reason=outcome.reason))
        return render.esc(outcome.reason) if outcome.stage == "limit" else render.render_error(outcome.reason)
    if isinstance(outcome, AlreadyFollowing):
        return texts.ALREADY_FOLLOWING.format(name=render.esc(outcome.name))
    lines = [texts.SUBSCRIBED.format(name=render.esc(outcome.name)), schedule_line(outcome.schedule)]
    if outcome.needs_timezone:
        lines.append(texts.ASK_TIMEZONE)
    return "\n\n".join(lines)


def listing(feeds: Listing) -> tuple[list[str], InlineKeyboardMarkup | None]:
    """The parts of the /subscriptions reply, and the unsubscribe buttons for its last part."""
    if feeds.schedule is None:
        return [render.esc(texts.NO_SUBSCRIPTIONS)], None
    blocks = [texts.FEEDS_HEADER.format(count=len(feeds.feeds), limit=feeds.limit)]
    blocks += [f"{i}. {render.link(feed.url, feed.name)}" for i, feed in enumerate(feeds.feeds, 1)]
    footer = schedule_line(feeds.schedule)
    if feeds.schedule.parked:
        footer += texts.FEEDS_PARKED
    blocks.append(footer + texts.FEEDS_FOOTER)
    return render.pack(blocks, sep="\n"), keyboards.unsubscribe(feeds.feeds)


def sources(presets: tuple[Source, ...]) -> list[str]:
    lines = [texts.SOURCES_HEADER]
    lines += [f"• {render.link(s.url, s.name)} — <code>{render.esc(s.id)}</code>" for s in presets]
    lines.append(texts.SOURCES_FOOTER)
    return render.pack(lines, sep="\n")


def _skipped_line(skipped: Skipped) -> str:
    reason = skipped.reason or texts.OVER_THE_LIMIT
    return texts.IMPORT_SKIPPED_LINE.format(name=render.esc(skipped.name), reason=render.esc(reason))


def import_report(report: ImportReport, cut_at: int | None) -> list[str]:
    added = len(report.added)
    head = texts.IMPORTED.format(count=added, s=_plural(added))
    if report.known:
        head += texts.IMPORTED_KNOWN.format(count=len(report.known))
    blocks = [head + "."]
    if report.skipped:
        lines = [_skipped_line(skipped) for skipped in report.skipped]
        blocks.append("\n".join([texts.IMPORT_SKIPPED.format(count=len(report.skipped)), *lines]))
    if report.limit_reason:
        blocks.append(render.esc(report.limit_reason))
    if report.needs_timezone:
        blocks.append(texts.ASK_TIMEZONE)
    if cut_at is not None:
        blocks.append(texts.OPML_CUT.format(count=cut_at))
    return render.pack(blocks)
