"""Resolve a host once and check every answer against the address policy.

Rules (notes/security.md §c): refuse the whole host if *any* answer is non-public, and hand back
only the checked addresses, so the connection goes to exactly what was checked and DNS rebinding
between check and connect cannot work.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Protocol

from bot.errors import FetchError
from bot.net.addresses import blocked_reason, parse_ip

BLOCKED_REASON = "That address isn't allowed."
NOT_FOUND_REASON = "I couldn't find that site."


class Resolver(Protocol):
    async def resolve(self, host: str, port: int) -> list[str]:
        """All addresses for host, as IP strings."""
        ...


DNS_THREADS = 8


class SystemResolver:
    """getaddrinfo in threads of its own: slow lookups wait for each other (each under the fetch's
    DNS timeout), never for, or in front of, other work in the loop's default executor."""

    _executor = ThreadPoolExecutor(DNS_THREADS, thread_name_prefix="dns")

    async def resolve(self, host: str, port: int) -> list[str]:
        loop = asyncio.get_running_loop()
        lookup = partial(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM)
        infos = await loop.run_in_executor(self._executor, lookup)
        return list(dict.fromkeys(str(info[4][0]) for info in infos))


class AddressGuard:
    """The one place that decides which addresses a fetch may connect to."""

    def __init__(self, resolver: Resolver, *, allow_private: bool) -> None:
        self.resolver = resolver
        self.allow_private = allow_private

    def check(self, host: str, addresses: Iterable[str]) -> list[str]:
        """The addresses to connect to, in order; FetchError if any of them is refused."""
        addresses = list(addresses)
        if not addresses:
            raise FetchError(NOT_FOUND_REASON, code="dns", detail=f"host={host} no addresses")
        if not self.allow_private:
            bad = {a: why for a in addresses if (why := blocked_reason(a))}
            if bad:
                # Synapse's rule: one bad answer refuses the whole host (mixed answers are a trick).
                raise FetchError(BLOCKED_REASON, code="blocked_address", detail=f"host={host} {bad}")
        connectable: list[str] = []
        for ip in (parse_ip(a) for a in addresses):
            if ip is None:
                continue  # only reachable with allow_private (it's "not an IP" to the policy)
            # ::ffff:a.b.c.d is an IPv4 host: connect over IPv4, which works without IPv6 sockets.
            mapped = getattr(ip, "ipv4_mapped", None)
            connectable.append(str(mapped or ip))
        return connectable

    async def resolve(self, host: str, port: int, dns_timeout: float | None) -> list[str]:
        """Look host up (IP literals skip DNS) and return the checked addresses."""
        literal = parse_ip(host)
        if literal is not None:
            return self.check(host, [str(literal)])
        try:
            async with asyncio.timeout(dns_timeout):
                addresses = await self.resolver.resolve(host, port)
        except TimeoutError:
            raise FetchError(
                "I couldn't look up that site in time.", code="dns", detail=f"host={host} dns timeout"
            ) from None
        except (OSError, UnicodeError) as exc:  # gaierror: no such name; UnicodeError: a label idna refuses
            raise FetchError(NOT_FOUND_REASON, code="dns", detail=f"host={host} {exc}") from None
        return self.check(host, addresses)
