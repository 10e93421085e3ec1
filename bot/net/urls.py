"""User-supplied URLs: strict validation, and a normalized form used as the URL's identity.

``parse_user_url`` is the gate every URL passes before the fetcher sees it (user links and every
redirect hop). ``normalize_url``/``url_key`` give one identity to the many spellings of the same
article link (tracking parameters, case, default port, fragment), so caches and dedupe work.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
import unicodedata
from urllib.parse import quote, unquote_plus, urlsplit, urlunsplit

import idna

from bot.errors import FetchError, boundary
from bot.net.addresses import parse_ipv4_number

BAD_URL_REASON = "That doesn't look like a web link."
MAX_URL_CHARS = 4096  # far beyond real article links; keeps hostile input cheap
MAX_HOST_CHARS = 253
DEFAULT_PORTS = {"http": 80, "https": 443}

# Query parameters that only track where a click came from; they never select the article.
TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid",
        "ttclid", "li_fat_id", "rb_clickid", "igshid", "igsh", "mc_cid", "mc_eid", "_ga", "_gl",
        "ref_src", "ref_url", "cmpid", "cmp", "icid", "ocid", "ncid", "s_cid", "sc_cid", "smid",
        "smtyp", "mkt_tok", "_hsenc", "_hsmi", "__hstc", "__hssc", "__hsfp", "hsctatracking",
        "oly_anon_id", "oly_enc_id", "vero_id", "vero_conv", "wt.mc_id", "xtor", "at_medium",
        "at_campaign", "guccounter", "guce_referrer", "guce_referrer_sig", "sr_share",
        "soc_src", "soc_trk", "ito", "spm", "fb_action_ids", "fb_action_types", "fb_ref",
        "fb_source", "action_object_map", "action_type_map", "action_ref_map",
        "__twitter_impression", "ns_source", "ns_mchannel", "ns_campaign", "ns_linkname",
        "ns_fee",
    }
)  # fmt: skip
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_")

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*)://")
_OTHER_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:(?!\d)")  # mailto:, javascript:, data:...
_ASCII_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?")
_PORT = re.compile(r"\d{1,5}")
_STRAY_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_PATH_SAFE = "/:@!$&'()*+,;=-._~%"
_QUERY_SAFE = _PATH_SAFE + "?"


def _bad(detail: str) -> FetchError:
    return FetchError(BAD_URL_REASON, code="bad_url", detail=detail)


@boundary(FetchError, BAD_URL_REASON, code="bad_url")
def parse_user_url(text: str) -> str:
    """Validate a link and return it as a clean absolute http(s) URL (ASCII only).

    Bare links ("example.com/x") get https:// prepended. Raises FetchError(code="bad_url").
    """
    text = text.strip()
    if not text:
        raise _bad("empty")
    if len(text) > MAX_URL_CHARS:
        raise _bad("too long")
    for ch in text:
        # Control and format characters hide things from readers (and some servers split on them);
        # GitLab and advocate refuse them too. Whitespace inside a link means it isn't one link.
        if ch.isspace() or ch == "\\" or unicodedata.category(ch) in {"Cc", "Cf"}:
            raise _bad(f"forbidden character U+{ord(ch):04X}")

    match = _SCHEME.match(text)
    if match is None:
        if text.startswith("//"):
            text = "https:" + text
        elif _OTHER_SCHEME.match(text):
            raise _bad("not an http(s) link")
        else:
            text = "https://" + text
    try:
        parts = urlsplit(text)
    except ValueError as exc:  # e.g. "http://[::1/": urllib refuses unbalanced brackets
        raise _bad(str(exc)) from None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise _bad(f"scheme {scheme!r}")

    host, port = _split_netloc(parts.netloc)
    host = _canonical_host(host)
    netloc = host if port is None or port == DEFAULT_PORTS[scheme] else f"{host}:{port}"
    path = _encode(parts.path, _PATH_SAFE) or "/"
    query = _encode(parts.query, _QUERY_SAFE)
    fragment = _encode(parts.fragment, _QUERY_SAFE)
    return urlunsplit((scheme, netloc, path, query, fragment))


def _split_netloc(netloc: str) -> tuple[str, int | None]:
    if "@" in netloc:
        # user:pass@host is a classic way to disguise the real host ("https://bank.com@evil.io").
        raise _bad("userinfo in URL")
    if netloc.startswith("["):
        end = netloc.find("]")
        if end < 0:
            raise _bad("unclosed IPv6 bracket")
        host, rest = netloc[: end + 1], netloc[end + 1 :]
        if rest and not rest.startswith(":"):
            raise _bad("junk after IPv6 literal")
        port_text = rest[1:] if rest else ""
    else:
        host, _, port_text = netloc.partition(":")
    if not port_text:
        return host, None  # "example.com:" means the default port, as in browsers
    if not _PORT.fullmatch(port_text) or not 0 < int(port_text) < 65536:
        raise _bad(f"bad port {port_text!r}")
    return host, int(port_text)


def _canonical_host(host: str) -> str:
    if not host:
        raise _bad("empty host")
    if "%" in host:
        raise _bad("percent-encoded host")  # also rejects IPv6 zone ids
    if host.startswith("["):
        try:
            return f"[{ipaddress.IPv6Address(host[1:-1]).compressed}]"
        except ValueError:
            raise _bad(f"bad IPv6 literal {host!r}") from None
    if not host.isascii():
        try:
            host = idna.encode(host, uts46=True).decode("ascii")
        except idna.IDNAError as exc:
            raise _bad(f"bad international host name: {exc}") from None
    host = host.lower().removesuffix(".")
    if not host or len(host) > MAX_HOST_CHARS:
        raise _bad("host too long" if host else "empty host")
    labels = host.split(".")
    last = labels[-1]
    if last.isdigit() or (last.startswith("0x") and _is_hex(last[2:])):
        # A host ending in a number is an IPv4 address in some spelling ("0x7f.1", "2130706433").
        # Rewrite it to dotted-quad, as browsers do, so the address check sees the real value.
        ip = parse_ipv4_number(host)
        if ip is None:
            raise _bad(f"bad IPv4 address {host!r}")
        return str(ip)
    for label in labels:
        if not _ASCII_LABEL.fullmatch(label):
            raise _bad(f"bad host label {label!r}")
    return host


def _is_hex(text: str) -> bool:
    return all(ch in "0123456789abcdef" for ch in text)  # "" counts: "0x" alone is a number too


def _encode(component: str, safe: str) -> str:
    # Keep existing %XX escapes, encode stray "%" and anything non-ASCII, so the result is ASCII.
    return quote(_STRAY_PERCENT.sub("%25", component), safe=safe)


def _tidy_escapes(component: str) -> str:
    """Uppercase %xx and decode escapes of unreserved characters: one spelling per URL."""

    def fix(match: re.Match[str]) -> str:
        char = chr(int(match.group(0)[1:], 16))
        return char if char in _UNRESERVED else match.group(0).upper()

    return _ESCAPE.sub(fix, component)


def is_tracking_param(name: str) -> bool:
    name = name.lower()
    return name in TRACKING_PARAMS or name.startswith(TRACKING_PREFIXES)


@boundary(FetchError, BAD_URL_REASON, code="bad_url")
def normalize_url(url: str) -> str:
    """The URL's identity: same article, same string (raises FetchError(code="bad_url"))."""
    parts = urlsplit(parse_user_url(url))
    kept: list[tuple[str, str]] = []
    for piece in parts.query.split("&"):
        if not piece:
            continue
        name = unquote_plus(piece.partition("=")[0])
        if is_tracking_param(name):
            continue
        kept.append((name, _tidy_escapes(piece)))
    # Parameter order never selects a different article; sorting merges "?a=1&b=2" and "?b=2&a=1".
    query = "&".join(piece for _, piece in sorted(kept))
    path = _tidy_escapes(parts.path)
    return urlunsplit((parts.scheme, parts.netloc, path, query, ""))


def host_of(url: str | None, *, fallback: str = "") -> str:
    """The URL's host name (lowercase) without a leading "www.", for showing where a link goes.

    A URL without a host (None, "", a bare word) or one that doesn't parse gives ``fallback``,
    also without "www.".
    """
    try:
        host = urlsplit(url).hostname if url else None
    except ValueError:  # "http://[::1": an unclosed IPv6 bracket
        host = None
    return (host or fallback).removeprefix("www.")


def url_key(url: str) -> str:
    """A short, stable key for cache entries: sha256 of the normalized URL, 16 hex chars."""
    return hashlib.sha256(normalize_url(url).encode("ascii")).hexdigest()[:16]
