"""Telegram text rules for the Bot API emulator: HTML parse mode and UTF-16 lengths.

The HTML parser follows tdlib's ``do_parse_html`` (td/telegram/MessageEntity.cpp), which is what the
Bot API server runs: the same accepted tags, the same error texts and the byte offsets in them.
Differences, all on purpose and all only in ``strict`` mode (the fake's default):

* tdlib silently keeps a bare ``&`` or an unknown named entity (``&foo;``) as literal text, and
  accepts ``&amp`` without the ``;``. Strict mode rejects these, because the Bot API docs require
  ``&`` to be escaped and a bot that relies on the leniency is one article title away from a
  mangled message.
* tdlib treats ``<a>`` without ``href`` as a link to its own text (or as plain text). Strict mode
  rejects it.

Every error message starts with ``can't parse entities:`` exactly like the real one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

MAX_TEXT = 4096
MAX_CAPTION = 1024

ALLOWED_TAGS = frozenset(
    {
        "a", "b", "strong", "i", "em", "s", "strike", "del", "u", "ins",
        "tg-spoiler", "tg-emoji", "span", "pre", "code", "blockquote",
    }
)  # fmt: skip
_SPACES = " \t\r\n\v\f\0"


def u16len(text: str) -> int:
    """Length in UTF-16 code units (what Telegram's offsets and lengths count)."""
    return len(text.encode("utf-16-le")) // 2


def u16_slice(text: str, offset: int, length: int) -> str:
    raw = text.encode("utf-16-le")
    return raw[offset * 2 : (offset + length) * 2].decode("utf-16-le")


class HtmlParseError(ValueError):
    """The text after ``Bad Request: can't parse entities: ``."""


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _decode_entity(text: str, pos: int, strict: bool) -> tuple[str, int] | None:
    """tdlib's decode_html_entity. Returns (char, new_pos) or None if not an entity."""
    n = len(text)
    end = pos + 1
    if end < n and text[end] == "#":
        end += 1
        value = 0
        if end < n and text[end] == "x":
            end += 1
            start_digits = end
            while end < n and text[end] in "0123456789abcdefABCDEF":
                value = value * 16 + int(text[end], 16)
                end += 1
        else:
            start_digits = end
            while end < n and text[end].isdigit() and text[end].isascii():
                value = value * 10 + int(text[end])
                end += 1
        if end == start_digits or value == 0 or value >= 0x10FFFF or end - pos >= 10:
            return None
        if 0xD800 <= value <= 0xDFFF:
            return None
        char = chr(value)
    else:
        while end < n and text[end].isascii() and text[end].isalpha():
            end += 1
        name = text[pos + 1 : end]
        char = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}.get(name, "")
        if not char:
            return None
    if end < n and text[end] == ";":
        return char, end + 1
    if strict:
        return None
    return char, end


@dataclass
class _Open:
    tag: str
    argument: str
    u16_offset: int
    out_index: int  # index into the output character list
    begin: int


def parse_html(text: str, *, strict: bool = True) -> tuple[str, list[dict[str, Any]]]:
    """Parse Telegram HTML. Returns (plain text, Bot API entities). Raises HtmlParseError."""
    return _HtmlParser(text, strict).parse()


class _HtmlParser:
    """One pass over the text; ``pos`` is the index of the next character to read."""

    def __init__(self, text: str, strict: bool) -> None:
        self.text, self.n, self.strict = text, len(text), strict
        self.pos = 0
        self.out: list[str] = []
        self.u16 = 0
        self.stack: list[_Open] = []
        self.entities: list[dict[str, Any]] = []

    def parse(self) -> tuple[str, list[dict[str, Any]]]:
        text, n = self.text, self.n
        while self.pos < n:
            c = text[self.pos]
            if c == "&" and self._entity():
                continue
            if c != "<":
                self._emit(c)
                self.pos += 1
            elif self.pos + 1 < n and text[self.pos + 1] == "/":
                self._end_tag(self.pos)
            else:
                self._start_tag(self.pos)
        if self.stack:
            raise HtmlParseError(f'Can\'t find end tag corresponding to start tag "{self.stack[-1].tag}"')
        for ent in self.entities:
            ent.pop("_lang_from_code", None)
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.out), self.entities

    def _emit(self, chars: str) -> None:
        self.out.append(chars)
        self.u16 += u16len(chars)

    def _at(self, where: int) -> str:
        return f"at byte offset {_byte_offset(self.text, where)}"

    def _skip_spaces(self) -> None:
        while self.pos < self.n and self.text[self.pos] in _SPACES:
            self.pos += 1

    def _skip_name(self, stop: str) -> None:
        while self.pos < self.n and self.text[self.pos] not in _SPACES and self.text[self.pos] not in stop:
            self.pos += 1

    def _entity(self) -> bool:
        """Decode ``&...;`` at ``pos``; False leaves a bare ``&`` as text (lenient mode only)."""
        decoded = _decode_entity(self.text, self.pos, self.strict)
        if decoded is not None:
            char, self.pos = decoded
            self._emit(char)
            return True
        if self.strict:
            raise HtmlParseError(
                f'Unsupported HTML entity or unescaped "&" {self._at(self.pos)}'
                " (only &lt; &gt; &amp; &quot; and numeric entities are allowed; fake strict mode)"
            )
        return False

    def _end_tag(self, begin: int) -> None:
        if not self.stack:
            raise HtmlParseError(f"Unexpected end tag {self._at(begin)}")
        self.pos = begin + 2
        self._skip_name(">")
        end_name = self.text[begin + 2 : self.pos]
        self._skip_spaces()
        if self.pos >= self.n or self.text[self.pos] != ">":
            raise HtmlParseError(f"Unclosed end tag {self._at(begin)}")
        top = self.stack[-1]
        if end_name and end_name.lower() != top.tag:
            raise HtmlParseError(f'Unmatched end tag {self._at(begin)}, expected "</{top.tag}>", found "</{end_name}>"')
        _close(top, self.u16, self.out, self.entities, self.strict)
        self.stack.pop()
        self.pos += 1

    def _start_tag(self, begin: int) -> None:
        self.pos = begin + 1
        self._skip_name(">")
        if self.pos >= self.n:
            raise HtmlParseError(f"Unclosed start tag {self._at(begin)}")
        tag = self.text[begin + 1 : self.pos].lower()
        if tag not in ALLOWED_TAGS:
            raise HtmlParseError(f'Unsupported start tag "{tag}" {self._at(begin)}')
        argument, has_href = self._attributes(tag, begin)
        if self.pos >= self.n:
            raise HtmlParseError(f"Unclosed start tag {self._at(begin)}")
        self._check_start_tag(tag, argument, has_href, begin)
        self.stack.append(_Open(tag, argument, self.u16, len(self.out), begin))
        self.pos += 1  # skip '>'

    def _attributes(self, tag: str, begin: int) -> tuple[str, bool]:
        """Read the attributes up to ``>``. Returns (the tag's argument, whether it had ``href``)."""
        text, n = self.text, self.n
        argument = ""
        has_href = False
        while self.pos < n and text[self.pos] != ">":
            self._skip_spaces()
            if self.pos >= n or text[self.pos] == ">":
                break
            attr_begin = self.pos
            self._skip_name("=>")
            attr = text[attr_begin : self.pos].lower()
            if not attr:
                raise HtmlParseError(f'Empty attribute name in the tag "{tag}" {self._at(begin)}')
            self._skip_spaces()
            if self.pos >= n or text[self.pos] != "=":
                if tag == "blockquote" and attr == "expandable":
                    argument = "1"
                    continue
                raise HtmlParseError(
                    f'Expected equal sign in declaration of an attribute of the tag "{tag}" {self._at(begin)}'
                )
            self.pos += 1
            self._skip_spaces()
            if self.pos >= n:
                raise HtmlParseError(f'Unclosed start tag "{tag}" {self._at(begin)}')
            value = self._attribute_value(begin)
            has_href = has_href or (tag == "a" and attr == "href")
            argument = _tag_argument(tag, attr, value, argument)
        return argument, has_href

    def _attribute_value(self, begin: int) -> str:
        text, n = self.text, self.n
        if text[self.pos] not in "'\"":
            tok_begin = self.pos
            while self.pos < n and ((text[self.pos].isascii() and text[self.pos].isalnum()) or text[self.pos] in ".-"):
                self.pos += 1
            if self.pos < n and text[self.pos] not in _SPACES and text[self.pos] != ">":
                raise HtmlParseError(f"Unexpected end of name token {self._at(tok_begin)}")
            return text[tok_begin : self.pos].lower()
        quote = text[self.pos]
        self.pos += 1
        chars: list[str] = []
        while self.pos < n and text[self.pos] != quote:
            if text[self.pos] == "&":
                decoded = _decode_entity(text, self.pos, strict=False)
                if decoded is not None:
                    chars.append(decoded[0])
                    self.pos = decoded[1]
                    continue
            chars.append(text[self.pos])
            self.pos += 1
        if self.pos >= n:
            raise HtmlParseError(f"Unclosed start tag {self._at(begin)}")
        self.pos += 1
        return "".join(chars)

    def _check_start_tag(self, tag: str, argument: str, has_href: bool, begin: int) -> None:
        if tag == "span" and argument != "spoiler":
            raise HtmlParseError(f'Tag "span" must have class "tg-spoiler" {self._at(begin)}')
        if tag == "tg-emoji" and not argument.isdigit():
            raise HtmlParseError(f'Tag "tg-emoji" must have a numeric "emoji-id" {self._at(begin)}')
        if self.strict and tag == "a" and not (has_href and argument.strip()):
            raise HtmlParseError(f'Tag "a" without a non-empty "href" {self._at(begin)} (fake strict mode)')


def _tag_argument(tag: str, attr: str, value: str, argument: str) -> str:
    """The tag's argument after one attribute (unknown attributes are ignored, as tdlib does)."""
    if tag == "a" and attr == "href":
        return value
    if tag == "code" and attr == "class" and value.startswith("language-"):
        return value[len("language-") :]
    if tag == "span" and attr == "class" and value.startswith("tg-"):
        return value[len("tg-") :]
    if tag == "tg-emoji" and attr == "emoji-id":
        return value
    if tag == "blockquote" and attr == "expandable":
        return "1"
    return argument


_SIMPLE = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
    "tg-spoiler": "spoiler", "span": "spoiler",
}  # fmt: skip


def _close(top: _Open, u16: int, out: list[str], entities: list[dict[str, Any]], strict: bool) -> None:
    if u16 <= top.u16_offset:
        return
    offset, length = top.u16_offset, u16 - top.u16_offset
    tag = top.tag
    if tag in _SIMPLE:
        entities.append({"type": _SIMPLE[tag], "offset": offset, "length": length})
    elif tag == "a":
        url = top.argument or "".join(out[top.out_index :])
        checked = check_url(url)
        if checked is not None:
            if checked.startswith("tg://user?id="):
                entities.append(
                    {
                        "type": "text_mention",
                        "offset": offset,
                        "length": length,
                        "user": {"id": int(checked.split("=", 1)[1]), "is_bot": False,
                                 "first_name": "User"},
                    }
                )  # fmt: skip
            else:
                entities.append({"type": "text_link", "offset": offset, "length": length, "url": checked})
    elif tag == "pre":
        last = entities[-1] if entities else None
        if (
            last is not None
            and last["type"] == "code"
            and last["offset"] == offset
            and last["length"] == length
            and last.get("_lang_from_code")
        ):
            last["type"] = "pre"
            last["language"] = last.pop("_lang_from_code")
        else:
            entities.append({"type": "pre", "offset": offset, "length": length})
    elif tag == "code":
        last = entities[-1] if entities else None
        if (
            last is not None
            and last["type"] == "pre"
            and last["offset"] == offset
            and last["length"] == length
            and top.argument
        ):
            last["language"] = top.argument
        else:
            ent: dict[str, Any] = {"type": "code", "offset": offset, "length": length}
            if top.argument:
                ent["_lang_from_code"] = top.argument
            entities.append(ent)
    elif tag == "blockquote":
        kind = "expandable_blockquote" if top.argument else "blockquote"
        entities.append({"type": kind, "offset": offset, "length": length})
    elif tag == "tg-emoji":
        entities.append({"type": "custom_emoji", "offset": offset, "length": length, "custom_emoji_id": top.argument})


_URL_SCHEME = re.compile(r"^(https?|ftp|tg|ton)://", re.IGNORECASE)
_USER_LINK = re.compile(r"^tg://user\?id=(\d+)$", re.IGNORECASE)
_DOMAIN = re.compile(r"^[a-z0-9.-]+\.[a-z]{2,}(?::\d+)?(?:[/?#].*)?$", re.IGNORECASE)


def check_url(url: str) -> str | None:
    """Roughly tdlib's check_url: http(s)/ftp/tg/ton URLs, or a bare domain (gets http://)."""
    url = url.strip()
    if not url or any(ch in url for ch in ' \n\t<>"'):
        return None
    m = _USER_LINK.match(url)
    if m:
        return f"tg://user?id={m.group(1)}"
    if _URL_SCHEME.match(url):
        return url
    if ":" in url.split("/", 1)[0] and not re.match(r"^[^:/]+:\d+", url):
        return None  # javascript:, mailto:, data: ...
    if _DOMAIN.match(url):
        return "http://" + url
    return None
