"""Address policy: which IP addresses the fetcher may connect to.

The bot fetches URLs that strangers send it, so every address it connects to must be a public
unicast address. We normalise first (IPv4-mapped, NAT64 and similar wrappers hide an IPv4 address
inside an IPv6 one) and then deny by explicit tables *and* by ``ipaddress`` flags, because
``is_global`` alone lets through NAT64/6to4 of loopback, multicast, site-local and more (see
notes/security.md §b). Python 3.13 changed how the flags treat wrapped addresses, so we never rely
on them for unwrapping.
"""

from __future__ import annotations

import ipaddress
import re
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network

IPAddress = IPv4Address | IPv6Address

# Every range from notes/security.md §b "IPv4" (Synapse, Mastodon, Discourse, GitLab lists).
BLOCKED_V4: tuple[IPv4Network, ...] = tuple(
    IPv4Network(cidr)
    for cidr in (
        "0.0.0.0/8",  # "this network"; 0.0.0.0 reaches localhost on Linux
        "10.0.0.0/8",  # RFC 1918
        "100.64.0.0/10",  # CGNAT shared space; is_private is False for it
        "127.0.0.0/8",  # loopback
        "169.254.0.0/16",  # link-local, incl. the cloud metadata endpoint 169.254.169.254
        "172.16.0.0/12",  # RFC 1918
        "192.0.0.0/24",  # IETF protocol assignments (is_global says True for 192.0.0.8)
        "192.0.2.0/24",  # TEST-NET-1
        "192.88.99.0/24",  # 6to4 relay anycast
        "192.168.0.0/16",  # RFC 1918
        "192.175.48.0/24",  # AS112
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",  # TEST-NET-2
        "203.0.113.0/24",  # TEST-NET-3
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved (class E)
        "255.255.255.255/32",  # limited broadcast
    )
)

# Every range from notes/security.md §b "IPv6". ::ffff:0:0/96 is absent on purpose: those are
# unwrapped to IPv4 and checked against BLOCKED_V4 instead (never simply allowed or denied).
BLOCKED_V6: tuple[IPv6Network, ...] = tuple(
    IPv6Network(cidr)
    for cidr in (
        "::/128",  # unspecified
        "::1/128",  # loopback
        "::/96",  # IPv4-compatible (deprecated): ::127.0.0.1 has is_global True
        "::ffff:0:0:0/96",  # IPv4-translated (SIIT)
        "64:ff9b:1::/48",  # local-use NAT64 (RFC 8215)
        "100::/64",  # discard (RFC 6666)
        "2001::/23",  # IETF protocol assignments, incl. Teredo 2001::/32 and ORCHIDv2
        "2001:db8::/32",  # documentation
        "3fff::/20",  # documentation (RFC 9637)
        "2002::/16",  # 6to4: embeds an IPv4 address; 2002:7f00:1:: has is_global True
        "5f00::/16",  # SRv6 SIDs (RFC 9602)
        "fc00::/7",  # unique local, incl. AWS IMDS fd00:ec2::254
        "fe80::/10",  # link-local
        "fec0::/10",  # site-local (deprecated); is_global says True
        "ff00::/8",  # multicast
    )
)

# NAT64 well-known prefix (RFC 6052). On an IPv6-only host with DNS64 every IPv4 site resolves
# into it, so instead of refusing it outright we decode the embedded IPv4 address and check that.
NAT64_WKP = IPv6Network("64:ff9b::/96")


def parse_ipv4_number(host: str) -> IPv4Address | None:
    """Parse a host the way ``inet_aton``/getaddrinfo do, or return None if it isn't numeric.

    ``2130706433``, ``0x7f.1``, ``127.1`` and ``0177.0.0.1`` all mean 127.0.0.1 to the system
    resolver, so a string check on "127.0.0.1" would miss them. Unlike glibc ``inet_aton`` we
    accept no trailing garbage ("127.0.0.1 x"), but one trailing dot is fine (as in URLs).
    """
    text = host[:-1] if host.endswith(".") else host
    parts = text.split(".")
    if not text or len(parts) > 4:
        return None
    numbers: list[int] = []
    for part in parts:
        number = _parse_number_part(part)
        if number is None:
            return None
        numbers.append(number)
    # The last part fills all remaining bytes: "127.1" is 127.0.0.1, "2130706433" is one 32-bit int.
    *head, last = numbers
    if any(n > 255 for n in head) or last >= 256 ** (4 - len(head)):
        return None
    value = last
    for index, n in enumerate(head):
        value += n << (8 * (3 - index))
    return IPv4Address(value)


_HEX = re.compile(r"0[xX][0-9a-fA-F]+")
_OCT = re.compile(r"0[0-7]+")
_DEC = re.compile(r"0|[1-9][0-9]*")


def _parse_number_part(part: str) -> int | None:
    # Regexes rather than bare int(): int() also accepts "+1", "-1", " 1" and "1_0".
    if _HEX.fullmatch(part):
        return int(part[2:], 16)
    if _OCT.fullmatch(part):
        return int(part[1:], 8)
    if _DEC.fullmatch(part):
        return int(part)
    return None


def parse_ip(value: str | IPAddress) -> IPAddress | None:
    """An IP address from a literal (``[::1]``, ``::1``, ``127.0.0.1``, ``0x7f.1``), else None."""
    if isinstance(value, IPv4Address | IPv6Address):
        return value
    text = value.strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        pass
    return parse_ipv4_number(text)


def normalize_ip(ip: IPAddress) -> IPAddress:
    """Unwrap IPv6 forms that just carry an IPv4 address we can check directly.

    Only IPv4-mapped (``::ffff:a.b.c.d``) and NAT64 well-known (``64:ff9b::a.b.c.d``) are decoded;
    the other wrappers (IPv4-compatible, 6to4, Teredo, local NAT64) are in BLOCKED_V6 outright,
    which is simpler and stricter than decoding them.
    """
    if isinstance(ip, IPv6Address):
        if ip.scope_id:
            # A zone index ("fe80::1%eth0") only makes sense for link-local: keep it blocked.
            return ip
        if ip.ipv4_mapped is not None:
            return ip.ipv4_mapped
        if ip in NAT64_WKP:
            return IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip


def blocked_reason(value: str | IPAddress) -> str | None:
    """Why an address is refused (for logs), or None when it is a public unicast address."""
    ip = parse_ip(value)
    if ip is None:
        return "not an IP address"
    ip = normalize_ip(ip)
    if isinstance(ip, IPv6Address) and ip.scope_id:
        return "scoped IPv6 address"
    table: tuple[IPv4Network, ...] | tuple[IPv6Network, ...]
    table = BLOCKED_V4 if isinstance(ip, IPv4Address) else BLOCKED_V6
    for network in table:
        if ip in network:
            return f"in {network}"
    # The flags catch whatever the tables miss (new IANA special-purpose ranges in later Pythons).
    for flag in ("is_multicast", "is_reserved", "is_unspecified", "is_loopback", "is_link_local"):
        if getattr(ip, flag):
            return flag.removeprefix("is_")
    if isinstance(ip, IPv6Address) and ip.is_site_local:
        return "site_local"
    if not ip.is_global:
        return "not global"
    return None


def is_public_address(value: str | IPAddress) -> bool:
    """True only for a public unicast address we are willing to connect to."""
    return blocked_reason(value) is None
