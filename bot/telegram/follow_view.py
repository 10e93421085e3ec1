"""How a followed story's change reads: "Updated: <headline>", the headline's old → new, the new
facts as bullets and the new verified quotes; and the /following list."""

from __future__ import annotations

from bot import render
from bot.app.follows import Listing
from bot.follow.changes import Change
from bot.follow.service import update_of
from bot.models import Part, Quote
from bot.store.follows import Update
from bot.telegram.catalog import t

MAX_FACTS_SHOWN = 5


def _story(update: Update, language: str) -> list[str]:
    title = update.new_title or update.old_title or update.url
    blocks = [t("UPDATE_HEADER", language, title=render.link(update.url, title))]
    if update.old_title and update.new_title and update.old_title != update.new_title:
        old, new = render.esc(update.old_title), render.esc(update.new_title)
        blocks.append(t("UPDATE_HEADLINE", language, old=old, new=new))
    if update.whats_new:  # the LLM's account of the change stands in for the ranked sentences
        blocks.append(f"{t('UPDATE_FACTS', language)}\n{render.esc(update.whats_new)}")
    elif update.facts:
        bullets = "\n".join(f"• {render.esc(fact)}" for fact in update.facts[:MAX_FACTS_SHOWN])
        blocks.append(f"{t('UPDATE_FACTS', language)}\n{bullets}")
    if update.quotes:
        lines = "\n".join(render.quote_line(Quote.model_validate(q)) for q in update.quotes)
        blocks.append(f"{t('UPDATE_QUOTES', language)}\n{lines}")
    if update.removed and not update.facts:
        blocks.append(t("UPDATE_REMOVED", language, count=update.removed))
    return blocks


def _merged(updates: list[Update]) -> list[Update]:
    """Several versions of one story (held overnight) as one: first old headline, last new one,
    every new fact and quote once."""
    by_story: dict[str, list[Update]] = {}
    for update in updates:
        by_story.setdefault(update.key, []).append(update)
    merged = []
    for versions in by_story.values():
        versions.sort(key=lambda u: u.version)
        first, last = versions[0], versions[-1]
        facts = list(dict.fromkeys(f for u in versions for f in u.facts))
        quotes = list({q["text"]: q for u in versions for q in u.quotes}.values())
        merged.append(Update(key=last.key, version=last.version, url=last.url, old_title=first.old_title,
                             new_title=last.new_title, facts=facts, quotes=quotes,
                             removed=sum(u.removed for u in versions),
                             whats_new=" ".join(u.whats_new for u in versions if u.whats_new)))  # fmt: skip
    return merged


def render_updates(updates: list[Update], language: str) -> Part:
    """One message for all of a chat's pending updates (one story, usually)."""
    stories = ["\n\n".join(_story(update, language)) for update in _merged(updates)]
    parts = render.pack(stories, sep="\n\n———\n\n")
    return Part(parts[0])  # only by many stories at once: what doesn't fit is dropped, not split


def change_view(change: Change, url: str, language: str) -> str:
    """What 🔄 found changed since the user's summary, in the same words as a follower's update."""
    return "\n\n".join(_story(update_of("", 0, url, change), language))


def listing_text(listing: Listing, language: str) -> str:
    if not listing.stories:
        return render.esc(t("FOLLOWING_NONE", language))
    lines = [t("FOLLOWING_HEADER", language, count=len(listing.stories), limit=listing.limit)]
    for number, story in enumerate(listing.stories, 1):
        lines.append(f"{number}. {render.link(story.url, story.title or story.url)}")
    lines.append("")
    lines.append(render.esc(t("FOLLOWING_NIGHT_SENT" if listing.night else "FOLLOWING_NIGHT_HELD", language)))
    return "\n".join(lines)
