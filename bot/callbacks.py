"""What an inline button does when pressed: typed actions and their callback data.

Telegram stores at most 64 bytes of data per button and hands them back verbatim, possibly
days later and from a message sent by an older version of the bot. Every button the bot makes
is one of the actions below, written as ``v1|<code>|<field>|…``; ``decode`` turns data back into
an action, or None for anything it can't read (garbage, a future or retired format), which the
edge answers with a friendly "this button is out of date".

Data from before this format (``refresh:<key>``, ``q:<key>:<n>``, ``dsum:<key>``…) is still
decoded, so buttons under summaries and digests already in users' chats keep working. Article
keys of pasted text contain ``:`` (``text:<hash>``); fields are split on ``|`` here, and the old
forms are split from the right, so such keys come back whole.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import ClassVar

VERSION = "v1"
SEP = "|"
MAX_BYTES = 64  # Telegram's limit for callback_data


class CallbackDataError(ValueError):
    """An action that can't be written as callback data (too long, or a field that can't be)."""


@dataclass(frozen=True)
class Action:
    code: ClassVar[str]

    def encode(self) -> str:
        values = [getattr(self, f.name) for f in fields(self)]
        for value in values:
            _check_field(value)
        data = SEP.join([VERSION, self.code, *map(str, values)])
        if len(data.encode("utf-8")) > MAX_BYTES:
            raise CallbackDataError(f"callback data over {MAX_BYTES} bytes: {data!r}")
        return data


@dataclass(frozen=True)
class Refresh(Action):
    """🔄 under a summary: fetch the article again and redo the summary in place."""

    key: str
    code: ClassVar[str] = "r"


@dataclass(frozen=True)
class AskAbout(Action):
    """💬 under a summary or a digest entry: prompt for a question about the article."""

    key: str
    code: ClassVar[str] = "a"


@dataclass(frozen=True)
class AskSuggested(Action):
    """❓ under a summary: ask the suggested question written on the button."""

    key: str
    index: int
    code: ClassVar[str] = "q"


@dataclass(frozen=True)
class EntrySummary(Action):
    """📄 under a digest entry: the article's full summary, as if its link had been sent."""

    key: str
    code: ClassVar[str] = "s"


@dataclass(frozen=True)
class PickFeed(Action):
    """One of the feeds a site offers, saved under ``token`` when /subscribe asked which."""

    token: str
    index: int
    code: ClassVar[str] = "p"


@dataclass(frozen=True)
class Unsubscribe(Action):
    """✖ in /subscriptions: stop following the feed with this key."""

    feed: str
    code: ClassVar[str] = "u"


@dataclass(frozen=True)
class MoreStories(Action):
    """▶ under a digest that had more stories than it shows: the next page of them."""

    left: int  # how many were left when the button was made
    code: ClassVar[str] = "m"


@dataclass(frozen=True)
class PickLanguage(Action):
    """A language in the /language picker ("auto": back to the Telegram app's language)."""

    language: str
    code: ClassVar[str] = "l"


@dataclass(frozen=True)
class Follow(Action):
    """🔔 under a summary of a link: re-check the article and tell me what changes."""

    key: str
    code: ClassVar[str] = "f"


@dataclass(frozen=True)
class Unfollow(Action):
    """✖ in /following: stop following the story with this key."""

    key: str
    code: ClassVar[str] = "uf"


@dataclass(frozen=True)
class NightUpdates(Action):
    """🌙 in /following: updates at night too (1) or held until morning (0)."""

    on: int
    code: ClassVar[str] = "n"


@dataclass(frozen=True)
class PickZone(Action):
    """A time zone offered when the bot asks where the chat is (an IANA name, e.g. Europe/Berlin)."""

    zone: str
    code: ClassVar[str] = "z"


ACTIONS: dict[str, type[Action]] = {
    kind.code: kind
    for kind in (Refresh, AskAbout, AskSuggested, EntrySummary, PickFeed, Unsubscribe, MoreStories, PickLanguage,
                 Follow, Unfollow, NightUpdates, PickZone)
}  # fmt: skip
LEGACY: dict[str, type[Action]] = {
    "refresh": Refresh, "ask": AskAbout, "dask": AskAbout, "q": AskSuggested, "dsum": EntrySummary,
    "dpick": PickFeed, "dun": Unsubscribe,
}  # fmt: skip


def _check_field(value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise CallbackDataError(f"unsupported callback field: {value!r}")
    if isinstance(value, int) and value < 0:
        raise CallbackDataError(f"negative callback field: {value}")
    if isinstance(value, str) and (not value or SEP in value):
        raise CallbackDataError(f"callback field empty or containing {SEP!r}: {value!r}")


def _build(kind: type[Action], raw: list[str]) -> Action | None:
    specs = fields(kind)
    if len(raw) != len(specs):
        return None
    values: list[int | str] = []
    for spec, text in zip(specs, raw, strict=True):
        if not text or SEP in text:
            return None
        if spec.type in (int, "int"):
            if not (text.isascii() and text.isdigit()):
                return None
            values.append(int(text))
        else:
            values.append(text)
    return kind(*values)


def _legacy(data: str) -> Action | None:
    head, _, rest = data.partition(":")
    kind = LEGACY.get(head)
    if kind is None:
        return None
    if len(fields(kind)) == 2:
        key, _, index = rest.rpartition(":")
        return _build(kind, [key, index])
    return _build(kind, [rest])


def decode(data: object) -> Action | None:
    """The action behind a button's data; None when it isn't one this version understands."""
    if not isinstance(data, str) or len(data.encode("utf-8", "replace")) > MAX_BYTES:
        return None
    version, _, rest = data.partition(SEP)
    if version != VERSION:
        return _legacy(data)
    code, _, tail = rest.partition(SEP)
    kind = ACTIONS.get(code)
    return _build(kind, tail.split(SEP)) if kind is not None else None
