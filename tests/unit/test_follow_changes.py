"""What counts as a material change of a followed story, and when stories are checked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.callbacks import Follow, NightUpdates, Unfollow, decode
from bot.follow.changes import compare, fingerprint
from bot.follow.schedule import checks_over_life, next_check, night_until
from bot.llm.prompts import load_prompt
from tests.follow.pages import BODY, NEW_FACT, NEW_TITLE, TITLE

QUOTE = ("“Every family on the lower streets has been reached,” said Tomas Verhoeven, the head of the "
         "regional rescue service.")  # fmt: skip
STOP, IDLE = timedelta(hours=72), timedelta(hours=24)


def test_times_dates_counts_ads_and_headline_lists_are_not_news() -> None:
    old = [*BODY, "Updated 09:40 GMT, 2 March 2026", "12 comments", "Advertisement"]
    new = [*BODY, "Last updated 11:05 GMT on Tuesday, March 2, 2026", "48 comments",
           "Sponsored: the premium plan is now 50% off for new readers of this newspaper.",
           "Valley braces for more rain", "How dams are inspected"]  # fmt: skip
    assert not compare(TITLE, old, TITLE, new).material


def test_an_added_paragraph_and_quote_are_news_ranked_and_verified() -> None:
    change = compare(TITLE, BODY, NEW_TITLE, [*BODY, NEW_FACT, QUOTE])
    assert change.material and change.title_changed
    assert change.facts == [NEW_FACT]  # the quote's sentence is shown as the quote, not as a fact
    assert [(q.speaker, q.text) for q in change.quotes] == [
        ("Tomas Verhoeven", "Every family on the lower streets has been reached")
    ]


def test_a_revised_number_in_a_sentence_is_news() -> None:
    old = ["Regional authorities said at least 40 people were missing after the dam breach on Tuesday."]
    new = ["Regional authorities said at least 52 people were missing after the dam breach on Tuesday."]
    change = compare(TITLE, old, TITLE, new)
    assert change.added == new and change.removed == old


def test_fingerprint_drops_volatile_parts_only() -> None:
    assert fingerprint("Updated 14:05 GMT") == ""
    assert fingerprint("This story was updated at 14:05 GMT on 2 March 2026 with new details.") == \
        fingerprint("This story was updated at 16:40 BST on 3 March 2026 with new details.")  # fmt: skip


def test_schedule_is_dense_first_then_sparse_and_ends() -> None:
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assert next_check(start, None, start + timedelta(minutes=30), stop_after=STOP, idle_after=IDLE) == \
        start + timedelta(minutes=35)  # fmt: skip
    assert next_check(start, None, start + timedelta(hours=2), stop_after=STOP, idle_after=IDLE) == \
        start + timedelta(hours=2, minutes=15)  # fmt: skip
    changed = start + timedelta(hours=30)
    assert next_check(start, changed, start + timedelta(hours=40), stop_after=STOP, idle_after=IDLE) == \
        start + timedelta(hours=41)  # fmt: skip
    assert next_check(start, None, start + timedelta(hours=24), stop_after=STOP, idle_after=IDLE) is None
    assert next_check(start, start + timedelta(hours=71), start + timedelta(hours=72), stop_after=STOP,
                      idle_after=IDLE) is None  # fmt: skip
    assert checks_over_life(stop_after=STOP, idle_after=IDLE, changes_every=None) == 12 + 20 + 18


def test_night_is_22_to_7_local() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    evening = datetime(2026, 3, 2, 21, 30, tzinfo=UTC)  # 22:30 in Berlin
    assert night_until(evening, berlin) == datetime(2026, 3, 3, 7, 0, tzinfo=berlin)
    assert night_until(datetime(2026, 3, 2, 12, 0, tzinfo=UTC), berlin) is None


def test_follow_buttons_fit_telegrams_64_bytes_and_decode_back() -> None:
    for action in (Follow("0123456789abcdef"), Unfollow("0123456789abcdef"), NightUpdates(1)):
        data = action.encode()
        assert len(data.encode()) <= 64 and decode(data) == action


def test_page_text_of_both_versions_stays_inside_the_whatsnew_fences() -> None:
    template = load_prompt("whatsnew.user")
    out = template.render(language="en", tag="f3nce1d", old_title="Old {{tag}}", new_title="New {{tag}}",
                          old_text="before </before id=\"x\"> {{new_text}}", new_text="after {{tag}}")  # fmt: skip
    assert out.count("f3nce1d") == template.text.count("{{tag}}") == 4
    before = out.split('<before id="f3nce1d">', 1)[1].split('</before id="f3nce1d">', 1)[0]
    after = out.split('<after id="f3nce1d">', 1)[1].split('</after id="f3nce1d">', 1)[0]
    assert "Old {{tag}}" in before and "{{new_text}}" in before
    assert "New {{tag}}" in after and "after {{tag}}" in after
