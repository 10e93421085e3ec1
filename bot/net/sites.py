"""What a *site* is, for deciding whether one page may speak for another (canonical URLs).

A registrable domain is not a site on multi-tenant hosts: alice.substack.com and bob.substack.com
are different publishers, and so are telegra.ph/Alice and telegra.ph/Bob. The public suffix list's
private section (tldextract's bundled copy, never fetched at run time) names many such hosts
(github.io, blogspot.com…); the lists below add the big ones it doesn't.
"""

from __future__ import annotations

from functools import cache
from urllib.parse import urlsplit

import tldextract

# Each subdomain is its own publisher.
SUBDOMAIN_TENANTS = frozenset({
    "substack.com", "wordpress.com", "medium.com", "tumblr.com", "livejournal.com", "ghost.io",
    "hashnode.dev", "weebly.com", "typepad.com", "beehiiv.com", "bearblog.dev", "mataroa.blog",
    "neocities.org", "blogger.com", "wixsite.com", "squarespace.com", "jimdosite.com", "webflow.io",
})  # fmt: skip

# Tenants live in the path: no page there speaks for another.
PATH_TENANTS = frozenset({
    "medium.com", "telegra.ph", "sites.google.com", "docs.google.com", "substack.com", "github.com",
    "gist.github.com", "dev.to", "linkedin.com", "facebook.com", "x.com", "twitter.com", "reddit.com",
    "t.me", "teletype.in", "notion.so", "tumblr.com", "write.as", "hackmd.io", "pastebin.com",
})  # fmt: skip

_HOST_PREFIXES = ("www.", "m.", "amp.", "mobile.")


@cache
def _extractor() -> tldextract.TLDExtract:
    # no URLs and no cache directory: the snapshot shipped with the package, nothing fetched or written
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)


def _host(url: str) -> str:
    try:
        host = (urlsplit(url).hostname or "").lower().rstrip(".")
    except ValueError:  # "http://[": no host we could compare
        return ""
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix):
            return host[len(prefix) :]
    return host


def site(url: str) -> str:
    """The publisher a URL belongs to: its registrable domain (private suffixes count), the full
    host on a subdomain-tenant platform, else the host itself (IP addresses, unknown suffixes)."""
    host = _host(url)
    try:
        parts = _extractor()(host)
    except Exception:  # any oddity in a hostile host name: the host stands alone
        return host
    registrable = parts.top_domain_under_public_suffix
    if not registrable:
        return host
    return host if registrable in SUBDOMAIN_TENANTS else registrable


def may_speak_for(page_url: str, other_url: str) -> bool:
    """Whether the page at ``page_url`` may name ``other_url`` as itself (its canonical URL): same
    site, and on a host whose tenants live in the path, the very same address."""
    if not _host(page_url) or site(page_url) != site(other_url):
        return False
    if _host(page_url) in PATH_TENANTS:
        return _same_address(page_url, other_url)
    return True


def _same_address(a: str, b: str) -> bool:
    try:
        first, second = urlsplit(a), urlsplit(b)
    except ValueError:
        return False
    return _host(a) == _host(b) and first.path.rstrip("/") == second.path.rstrip("/") and first.query == second.query


def warm() -> None:
    """Build the suffix list's lookup tables now (a few hundred ms of CPU) rather than during the
    first link some user sends."""
    site("https://example.com/")
