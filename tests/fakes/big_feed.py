"""A valid RSS feed of a given size (thousands of items with HTML descriptions): seconds of parsing."""

from __future__ import annotations

HEAD = '<?xml version="1.0"?><rss version="2.0"><channel><title>Big Feed</title><link>http://example.com/</link>'
FILLER = "words and more words " * 40


def big_feed(size: int = 4_500_000, *, name: str = "big") -> bytes:
    parts, total, i = [HEAD], len(HEAD), 0
    while total < size:
        link = f"http://example.com/{name}/{i}"
        item = (f"<item><title>Story {i} about the budget</title><link>{link}</link><guid>{link}</guid>"
                f"<pubDate>Mon, 02 Mar 2026 06:00:00 GMT</pubDate>"
                f"<description>&lt;p&gt;Paragraph {i} {FILLER}&lt;/p&gt;</description></item>")  # fmt: skip
        parts.append(item)
        total += len(item)
        i += 1
    parts.append("</channel></rss>")
    return "".join(parts).encode()
