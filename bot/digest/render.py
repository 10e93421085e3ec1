"""The digest as Telegram HTML: escaped, split between entries under 4096, buttons per part.

Pure functions; every text from feeds, articles or the LLM goes through ``esc``. Each part carries
the buttons of the entries it shows: "📄 n" (the full summary, ``EntrySummary``) and "💬 n" (ask
about it, ``AskAbout``), the same flows as a link sent to the bot (see ``bot.callbacks``).
"""

from __future__ import annotations

from datetime import date

from bot.callbacks import AskAbout, EntrySummary, MoreStories
from bot.models import Button, Entry, Part
from bot.render import MAX_MESSAGE, esc, utf16_len
from bot.text.clean import shorten

EMPTY_TEXT = "Nothing new from your sources today."
FROM_THE_FEED = "From the feed:"
MAX_SOURCES_SHOWN = 6
MAX_HREF = 500  # longer links are shown as text: keeps every block far below the limit
BUTTONS_PER_ROW = 5


def _link(url: str | None, label: str) -> str:
    if url and url.startswith(("http://", "https://")) and len(url) <= MAX_HREF:
        return f'<a href="{esc(url)}">{esc(label)}</a>'
    return esc(label)


def entry_block(number: int, entry: Entry) -> str:
    lines = [f"<b>{number}.</b> {_link(entry.url, shorten(entry.title, 300) or 'Untitled')}"]
    if entry.line:
        lines.append(f"<i>{FROM_THE_FEED}</i> {esc(entry.line)}" if entry.from_feed else esc(entry.line))
    if len(entry.sources) > 1:  # a merged story: every outlet, each linking to its own report
        shown = entry.sources[:MAX_SOURCES_SHOWN]
        names = " · ".join(_link(url, shorten(name, 60)) for name, url in shown)
        more = len(entry.sources) - len(shown)
        if more > 0:
            names += f" · +{more}"
        lines.append(f"<i>{len(entry.sources)} sources: {names}</i>")
    elif entry.sources:
        lines.append(f"<i>via {esc(shorten(entry.sources[0][0], 60))}</i>")
    return "\n".join(lines)


def header(day: date, count: int) -> str:
    stories = "story" if count == 1 else "stories"
    return f"📰 <b>Your daily digest</b> · {day.strftime('%a %-d %b')} · {count} {stories}"


def _buttons(numbered: list[tuple[int, Entry]]) -> list[list[Button]]:
    keyed = [(n, e.article_key) for n, e in numbered if e.article_key]
    rows: list[list[Button]] = []
    for icon, action in (("📄", EntrySummary), ("💬", AskAbout)):
        buttons = [(f"{icon} {n}", action(key).encode()) for n, key in keyed]
        rows += [buttons[i : i + BUTTONS_PER_ROW] for i in range(0, len(buttons), BUTTONS_PER_ROW)]
    return rows


def more_line(more: int) -> str:
    return f"<i>+{more} more {'story' if more == 1 else 'stories'}</i>"


def render_digest(
    entries: list[Entry], day: date, *, more: int = 0, page: int = 10, limit: int = MAX_MESSAGE
) -> list[Part]:
    """The digest's messages. Entries are never split; a new message starts between entries.
    ``more`` stories didn't fit: the last message says so, with a button for the next ``page``."""
    parts: list[Part] = []
    current = header(day, len(entries))
    numbered: list[tuple[int, Entry]] = []
    for number, entry in enumerate(entries, 1):
        block = entry_block(number, entry)
        candidate = f"{current}\n\n{block}"
        if utf16_len(candidate) > limit and numbered:
            parts.append(Part(current, _buttons(numbered)))
            current, numbered = block, []
        else:
            current = candidate
        numbered.append((number, entry))
    buttons = _buttons(numbered)
    if more:
        tail = more_line(more)
        if utf16_len(f"{current}\n\n{tail}") > limit:
            parts.append(Part(current, buttons))
            current, buttons = tail, []
        else:
            current = f"{current}\n\n{tail}"
        buttons.append([(f"▶ Next {min(more, page)}", MoreStories(more).encode())])
    parts.append(Part(current, buttons))
    return parts


def render_empty() -> list[Part]:
    return [Part(esc(EMPTY_TEXT))]
