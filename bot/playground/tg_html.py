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
    out: list[str] = []
    u16 = 0
    stack: list[_Open] = []
    entities: list[dict[str, Any]] = []
    n = len(text)
    i = 0
    while i < n:
        c = text[i]
        if c == "&":
            decoded = _decode_entity(text, i, strict)
            if decoded is not None:
                char, i = decoded
                out.append(char)
                u16 += u16len(char)
                continue
            if strict:
                raise HtmlParseError(
                    f'Unsupported HTML entity or unescaped "&" at byte offset {_byte_offset(text, i)}'
                    " (only &lt; &gt; &amp; &quot; and numeric entities are allowed; fake strict mode)"
                )
        if c != "<":
            out.append(c)
            u16 += u16len(c)
            i += 1
            continue

        begin = i
        i += 1
        if i < n and text[i] == "/":
            # end tag
            if not stack:
                raise HtmlParseError(f"Unexpected end tag at byte offset {_byte_offset(text, begin)}")
            j = i + 1
            while j < n and text[j] not in _SPACES and text[j] != ">":
                j += 1
            end_name = text[i + 1 : j]
            while j < n and text[j] in _SPACES:
                j += 1
            if j >= n or text[j] != ">":
                raise HtmlParseError(f"Unclosed end tag at byte offset {_byte_offset(text, begin)}")
            top = stack[-1]
            if end_name and end_name.lower() != top.tag:
                raise HtmlParseError(
                    f"Unmatched end tag at byte offset {_byte_offset(text, begin)}, "
                    f'expected "</{top.tag}>", found "</{end_name}>"'
                )
            _close(top, u16, out, entities, strict)
            stack.pop()
            i = j + 1
            continue

        # start tag
        j = i
        while j < n and text[j] not in _SPACES and text[j] != ">":
            j += 1
        if j >= n:
            raise HtmlParseError(f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
        tag = text[i:j].lower()
        if tag not in ALLOWED_TAGS:
            raise HtmlParseError(f'Unsupported start tag "{tag}" at byte offset {_byte_offset(text, begin)}')
        argument = ""
        has_href = False
        i = j
        while i < n and text[i] != ">":
            while i < n and text[i] in _SPACES:
                i += 1
            if i >= n:
                break
            if text[i] == ">":
                break
            attr_begin = i
            while i < n and text[i] not in _SPACES and text[i] not in "=>":
                i += 1
            attr = text[attr_begin:i].lower()
            if not attr:
                raise HtmlParseError(
                    f'Empty attribute name in the tag "{tag}" at byte offset {_byte_offset(text, begin)}'
                )
            while i < n and text[i] in _SPACES:
                i += 1
            if i >= n or text[i] != "=":
                if tag == "blockquote" and attr == "expandable":
                    argument = "1"
                    continue
                raise HtmlParseError(
                    f'Expected equal sign in declaration of an attribute of the tag "{tag}" '
                    f"at byte offset {_byte_offset(text, begin)}"
                )
            i += 1
            while i < n and text[i] in _SPACES:
                i += 1
            if i >= n:
                raise HtmlParseError(f'Unclosed start tag "{tag}" at byte offset {_byte_offset(text, begin)}')
            if text[i] not in "'\"":
                tok_begin = i
                while i < n and ((text[i].isascii() and text[i].isalnum()) or text[i] in ".-"):
                    i += 1
                value = text[tok_begin:i].lower()
                if i < n and text[i] not in _SPACES and text[i] != ">":
                    raise HtmlParseError(f"Unexpected end of name token at byte offset {_byte_offset(text, tok_begin)}")
            else:
                quote = text[i]
                i += 1
                chars: list[str] = []
                while i < n and text[i] != quote:
                    if text[i] == "&":
                        decoded = _decode_entity(text, i, strict=False)
                        if decoded is not None:
                            chars.append(decoded[0])
                            i = decoded[1]
                            continue
                    chars.append(text[i])
                    i += 1
                if i >= n:
                    raise HtmlParseError(f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
                i += 1
                value = "".join(chars)
            if tag == "a" and attr == "href":
                argument = value
                has_href = True
            elif tag == "code" and attr == "class" and value.startswith("language-"):
                argument = value[len("language-") :]
            elif tag == "span" and attr == "class" and value.startswith("tg-"):
                argument = value[len("tg-") :]
            elif tag == "tg-emoji" and attr == "emoji-id":
                argument = value
            elif tag == "blockquote" and attr == "expandable":
                argument = "1"
        if i >= n:
            raise HtmlParseError(f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
        if tag == "span" and argument != "spoiler":
            raise HtmlParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {_byte_offset(text, begin)}')
        if tag == "tg-emoji" and not argument.isdigit():
            raise HtmlParseError(
                f'Tag "tg-emoji" must have a numeric "emoji-id" at byte offset {_byte_offset(text, begin)}'
            )
        if strict and tag == "a" and not (has_href and argument.strip()):
            raise HtmlParseError(
                f'Tag "a" without a non-empty "href" at byte offset {_byte_offset(text, begin)} (fake strict mode)'
            )
        stack.append(_Open(tag, argument, u16, len(out), begin))
        i += 1  # skip '>'
    if stack:
        raise HtmlParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    for ent in entities:
        ent.pop("_lang_from_code", None)
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


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
