"""Original test pages of a developing story (a dam breach), in versions that change in ways a
follower should and should not hear about."""

from __future__ import annotations

from html import escape

TITLE = "Dam breach floods valley villages as rescuers search for missing"
NEW_TITLE = "Dam breach: rescuers find survivors as floodwaters recede"

BODY = [
    "Floodwater from a breached dam swept through three villages in the Arlen valley early on Tuesday, "
    "forcing hundreds of residents onto rooftops and cutting the only road into the area.",
    "Regional authorities said at least 40 people were missing and that helicopters had begun lifting "
    "families from the worst-hit streets after the water rose by almost two metres within an hour.",
    "The reservoir, built in the 1970s, had been under review after inspectors reported cracks in its "
    "spillway last autumn, according to documents seen by local reporters.",
    "Schools across the district were closed and the regional hospital cancelled planned operations "
    "to free beds for people rescued from the flooded villages.",
]
NEW_FACT = (
    "Engineers opened an emergency channel on Tuesday afternoon to lower the reservoir, and the "
    "water level in the villages began to fall by early evening."
)
NEW_QUOTE = (
    "“We have reached every house on the lower streets and found eleven people alive,” said "
    "Tomas Verhoeven, the head of the regional rescue service."
)


def page(*, title: str = TITLE, updated: str = "Updated 09:40 GMT", comments: int = 12, ad: str = "",
         extra: list[str] | None = None) -> str:  # fmt: skip
    """The article page; ``updated``, ``comments`` and ``ad`` are the parts that change without news."""
    paragraphs = [*BODY, *(extra or [])]
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    advert = f'<div class="advertisement"><p>{escape(ad)}</p></div>' if ad else ""
    related = ("<aside class='related'><h3>Related stories</h3><ul><li><a href='/r1'>Valley braces for more rain"
               "</a></li><li><a href='/r2'>How dams are inspected</a></li></ul></aside>")  # fmt: skip
    return (
        f"<!doctype html><html lang='en'><head><title>{escape(title)}</title></head><body>"
        f"<nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
        f"<article><h1>{escape(title)}</h1><p class='byline'>By Ana Ruiz</p>"
        f"<p class='timestamp'>{escape(updated)}</p>{body}{advert}"
        f"<p class='comments'>{comments} comments</p></article>{related}"
        f"<footer>© Valley Courier</footer></body></html>"
    )
