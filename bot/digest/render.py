"""The digest as Telegram HTML: escaped, split between entries under 4096, buttons per part.

Pure functions; every text from feeds, articles or the LLM goes through ``esc``. Each part carries
the buttons of the entries it shows: "📄 n" (the full summary, ``EntrySummary``) and "💬 n" (ask
about it, ``AskAbout``), the same flows as a link sent to the bot (see ``bot.callbacks``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.callbacks import AskAbout, EntrySummary, MoreStories
from bot.models import Button, Entry, Part
from bot.render import MAX_MESSAGE, esc, utf16_len
from bot.text.clean import shorten


@dataclass(frozen=True)
class DigestWords:
    """The digest's fixed words in the reader's language (English by default; the Telegram edge
    fills them from its message catalog). Plain text: they are escaped here."""

    title: str = "Your daily digest"
    story_one: str = "{n} story"
    story_many: str = "{n} stories"
    more_one: str = "+{n} more story"
    more_many: str = "+{n} more stories"
    next_page: str = "▶ Next {n}"
    from_feed: str = "From the feed:"
    sources: str = "{n} sources:"
    via: str = "via {name}"
    untitled: str = "Untitled"
    empty: str = "Nothing new from your sources today."
    weekdays: str = "Mon Tue Wed Thu Fri Sat Sun"
    months: str = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec"
    date_format: str = "{weekday} {day} {month}"

    def day_label(self, day: date) -> str:
        """"Mon 2 Mar" in these words (no locale module: the process locale is not the reader's)."""
        weekday = self.weekdays.split()[day.weekday()]
        return self.date_format.format(weekday=weekday, day=day.day, month=self.months.split()[day.month - 1])


ENGLISH = DigestWords()
MAX_SOURCES_SHOWN = 6
MAX_HREF = 500  # longer links are shown as text: keeps every block far below the limit
BUTTONS_PER_ROW = 5


def _link(url: str | None, label: str) -> str:
    if url and url.startswith(("http://", "https://")) and len(url) <= MAX_HREF:
        return f'<a href="{esc(url)}">{esc(label)}</a>'
    return esc(label)


def entry_block(number: int, entry: Entry, words: DigestWords = ENGLISH) -> str:
    lines = [f"<b>{number}.</b> {_link(entry.url, shorten(entry.title, 300) or words.untitled)}"]
    if entry.line:
        lines.append(f"<i>{esc(words.from_feed)}</i> {esc(entry.line)}" if entry.from_feed else esc(entry.line))
    if len(entry.sources) > 1:  # a merged story: every outlet, each linking to its own report
        shown = entry.sources[:MAX_SOURCES_SHOWN]
        names = " · ".join(_link(url, shorten(name, 60)) for name, url in shown)
        more = len(entry.sources) - len(shown)
        if more > 0:
            names += f" · +{more}"
        lines.append(f"<i>{esc(words.sources.format(n=len(entry.sources)))} {names}</i>")
    elif entry.sources:
        lines.append(f"<i>{esc(words.via.format(name=shorten(entry.sources[0][0], 60)))}</i>")
    return "\n".join(lines)


def header(day: date, count: int, words: DigestWords = ENGLISH) -> str:
    stories = (words.story_one if count == 1 else words.story_many).format(n=count)
    return f"📰 <b>{esc(words.title)}</b> · {esc(words.day_label(day))} · {esc(stories)}"


def _buttons(numbered: list[tuple[int, Entry]]) -> list[list[Button]]:
    keyed = [(n, e.article_key) for n, e in numbered if e.article_key]
    rows: list[list[Button]] = []
    for icon, action in (("📄", EntrySummary), ("💬", AskAbout)):
        buttons = [(f"{icon} {n}", action(key).encode()) for n, key in keyed]
        rows += [buttons[i : i + BUTTONS_PER_ROW] for i in range(0, len(buttons), BUTTONS_PER_ROW)]
    return rows


def more_line(more: int, words: DigestWords = ENGLISH) -> str:
    return f"<i>{esc((words.more_one if more == 1 else words.more_many).format(n=more))}</i>"


def render_digest(
    entries: list[Entry], day: date, *, more: int = 0, page: int = 10, limit: int = MAX_MESSAGE,
    words: DigestWords = ENGLISH,
) -> list[Part]:  # fmt: skip
    """The digest's messages. Entries are never split; a new message starts between entries.
    ``more`` stories didn't fit: the last message says so, with a button for the next ``page``."""
    parts: list[Part] = []
    current = header(day, len(entries), words)
    numbered: list[tuple[int, Entry]] = []
    for number, entry in enumerate(entries, 1):
        block = entry_block(number, entry, words)
        candidate = f"{current}\n\n{block}"
        if utf16_len(candidate) > limit and numbered:
            parts.append(Part(current, _buttons(numbered)))
            current, numbered = block, []
        else:
            current = candidate
        numbered.append((number, entry))
    buttons = _buttons(numbered)
    if more:
        tail = more_line(more, words)
        if utf16_len(f"{current}\n\n{tail}") > limit:
            parts.append(Part(current, buttons))
            current, buttons = tail, []
        else:
            current = f"{current}\n\n{tail}"
        buttons.append([(words.next_page.format(n=min(more, page)), MoreStories(more).encode())])
    parts.append(Part(current, buttons))
    return parts


def render_empty(words: DigestWords = ENGLISH) -> list[Part]:
    return [Part(esc(words.empty))]
