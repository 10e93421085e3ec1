"""The address policy, checked against the tables in notes/security.md §b (copied here on
purpose, so a typo in bot/addresses.py can't hide behind the same typo in the test)."""

from __future__ import annotations

import ipaddress

import pytest

from bot.net.addresses import blocked_reason, is_public_address, normalize_ip, parse_ip, parse_ipv4_number

NOTES_V4 = [
    "0.0.0.0/8",
    "10.0.0.0/8",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "172.16.0.0/12",
    "192.0.0.0/24",
    "192.0.2.0/24",
    "198.51.100.0/24",
    "203.0.113.0/24",
    "192.88.99.0/24",
    "192.168.0.0/16",
    "192.175.48.0/24",
    "198.18.0.0/15",
    "224.0.0.0/4",
    "240.0.0.0/4",
    "255.255.255.255/32",
]
NOTES_V6 = [
    "::/128",
    "::1/128",
    "::/96",
    "64:ff9b:1::/48",
    "100::/64",
    "2001::/23",
    "2001::/32",
    "2001:20::/28",
    "2001:db8::/32",
    "3fff::/20",
    "2002::/16",
    "fc00::/7",
    "fe80::/10",
    "fec0::/10",
    "ff00::/8",
]


def _samples(cidr: str) -> list[str]:
    """First, second, middle and last address of a range."""
    net = ipaddress.ip_network(cidr)
    first = int(net.network_address)
    picks = {first, min(first + 1, first + net.num_addresses - 1), first + net.num_addresses // 2}
    picks.add(first + net.num_addresses - 1)
    kind = type(net.network_address)  # ip_address(int) would turn ::/96 members into IPv4
    return [str(kind(n)) for n in sorted(picks)]


@pytest.mark.parametrize("cidr", NOTES_V4 + NOTES_V6)
def test_every_listed_range_is_blocked(cidr: str) -> None:
    for address in _samples(cidr):
        assert not is_public_address(address), address
        assert blocked_reason(address)


@pytest.mark.parametrize("cidr", NOTES_V4)
def test_ipv4_ranges_blocked_when_wrapped_in_ipv4_mapped_ipv6(cidr: str) -> None:
    for address in _samples(cidr):
        mapped = f"::ffff:{address}"
        assert not is_public_address(mapped), mapped
        assert not is_public_address(f"[{mapped}]")


@pytest.mark.parametrize(
    "address",
    [
        # The notes' "is_global alone is not enough" table
        "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
        "2002:7f00:1::",  # 6to4 of 127.0.0.1
        "::127.0.0.1",  # IPv4-compatible
        "fec0::1",  # site-local
        "224.0.0.1",  # multicast
        "192.88.99.1",  # 6to4 relay anycast
        "192.0.0.8",  # IETF protocol assignments
        "100.64.0.1",  # CGNAT
        "::ffff:127.0.0.1",  # v4-mapped loopback
        # more wrappers
        "::ffff:169.254.169.254",  # Mattermost CVE-2026-2455
        "64:ff9b::a9fe:a9fe",  # NAT64 of the metadata address
        "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
        "64:ff9b:1::808:808",  # local-use NAT64: refused even for a public v4
        "2002:5db8:d822::1",  # 6to4 of a public address: refused outright
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
        "::ffff:0:7f00:1",  # IPv4-translated
        "fe80::1%eth0",  # scoped link-local
        "fd00:ec2::254",  # AWS IMDS over IPv6
        "ff02::1",
        "255.255.255.255",
        "0.0.0.0",
        "::",
        "::1",
    ],
)
def test_wrapped_and_special_addresses_are_blocked(address: str) -> None:
    assert not is_public_address(address)


@pytest.mark.parametrize(
    ("spelling", "value"),
    [
        ("2130706433", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("017700000001", "127.0.0.1"),
        ("127.0.1", "127.0.0.1"),
        ("0x7F.0.0.1", "127.0.0.1"),
        ("127.0.0.1.", "127.0.0.1"),
        ("0xa9.0xfe.0xa9.0xfe", "169.254.169.254"),
        ("2852039166", "169.254.169.254"),
        ("10.1", "10.0.0.1"),
        ("0", "0.0.0.0"),
        ("1.2.3.4", "1.2.3.4"),
    ],
)
def test_numeric_host_spellings_parse_like_inet_aton(spelling: str, value: str) -> None:
    assert str(parse_ipv4_number(spelling)) == value
    assert str(parse_ip(spelling)) == value
    assert is_public_address(spelling) == is_public_address(value)


@pytest.mark.parametrize(
    "text",
    ["example.com", "1.2.3.4.5", "08.1.1.1", "0x", "1_0", "-1", "+1", "256.1.1.1", "4294967296",
     "0x7f.0x1000000", "", ".", "127.0.0.1 x", " 127.0.0.1", "١٢٧.0.0.1"],
)  # fmt: skip
def test_non_numeric_hosts_are_not_parsed_as_ipv4(text: str) -> None:
    assert parse_ipv4_number(text) is None


@pytest.mark.parametrize(
    "address",
    [
        "93.184.216.34",
        "8.8.8.8",
        "1.1.1.1",
        "151.101.1.67",
        "2606:4700:4700::1111",
        "2001:4860:4860::8888",
        "2a00:1450:4001:82a::200e",
        "::ffff:8.8.8.8",  # mapped public: unwrapped, then allowed
        "64:ff9b::808:808",  # NAT64 (DNS64 hosts) of a public address: decoded, then allowed
    ],
)
def test_public_addresses_are_allowed(address: str) -> None:
    assert is_public_address(address), blocked_reason(address)


def test_normalize_unwraps_only_mapped_and_nat64() -> None:
    assert normalize_ip(ipaddress.ip_address("::ffff:10.0.0.1")) == ipaddress.ip_address("10.0.0.1")
    assert normalize_ip(ipaddress.ip_address("64:ff9b::a00:1")) == ipaddress.ip_address("10.0.0.1")
    six_to_four = ipaddress.ip_address("2002:a00:1::")
    assert normalize_ip(six_to_four) == six_to_four  # refused by table instead


def test_garbage_is_not_public() -> None:
    assert not is_public_address("not-an-ip")
    assert not is_public_address("")
