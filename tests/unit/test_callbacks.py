"""The callback-data codec: every button's data round-trips, fits Telegram's 64 bytes, and
anything else decodes to None."""

from __future__ import annotations

import pytest

from bot.callbacks import (
    MAX_BYTES,
    AskAbout,
    AskSuggested,
    CallbackDataError,
    EntrySummary,
    PickFeed,
    Refresh,
    Unsubscribe,
    decode,
)

URL_KEY = "0123456789abcdef"
TEXT_KEY = "text:0123456789abcdef"


@pytest.mark.parametrize("action", [
    Refresh(URL_KEY), AskAbout(URL_KEY), AskAbout(TEXT_KEY), AskSuggested(URL_KEY, 0), AskSuggested(TEXT_KEY, 4),
    EntrySummary(URL_KEY), PickFeed("a1b2c3d4e5f6", 7), Unsubscribe(URL_KEY),
])  # fmt: skip
def test_round_trip(action) -> None:
    data = action.encode()
    assert len(data.encode()) <= MAX_BYTES
    assert decode(data) == action


def test_a_pasted_text_key_keeps_its_colon() -> None:
    assert decode(AskSuggested(TEXT_KEY, 1).encode()) == AskSuggested(TEXT_KEY, 1)


def test_versioned_and_distinct() -> None:
    datas = [Refresh(URL_KEY).encode(), AskAbout(URL_KEY).encode(), EntrySummary(URL_KEY).encode()]
    assert all(d.startswith("v1|") for d in datas)
    assert len(set(datas)) == 3


def test_encode_refuses_over_64_bytes() -> None:
    assert len(Refresh("k" * (MAX_BYTES - len("v1|r|"))).encode()) == MAX_BYTES
    with pytest.raises(CallbackDataError):
        Refresh("k" * (MAX_BYTES - len("v1|r|") + 1)).encode()
    with pytest.raises(CallbackDataError):
        AskAbout("é" * 30).encode()  # 60 characters' worth of bytes: bytes count, not characters


@pytest.mark.parametrize("action", [Refresh(""), Refresh("a|b"), AskSuggested(URL_KEY, -1)])
def test_encode_refuses_fields_it_could_not_read_back(action) -> None:
    with pytest.raises(CallbackDataError):
        action.encode()


@pytest.mark.parametrize("data", [
    None, "", "garbage", "v1", "v1|", "v1|r", "v1|r|", "v1|zz|abc", "v1|r|a|b", "v1|q|abc", "v1|q|abc|x",
    "v1|q|abc|-1", "v1|q|abc|١", "v9|r|abc", "v0|r|abc", "v1|r|" + "k" * 80, b"v1|r|abc", "refresh:", "q:abc",
    "q:abc:x", "dpick:tok", "more:1",
])  # fmt: skip
def test_garbage_and_unknown_formats_decode_to_none(data) -> None:
    assert decode(data) is None


@pytest.mark.parametrize(("data", "action"), [
    (f"refresh:{URL_KEY}", Refresh(URL_KEY)),
    (f"ask:{URL_KEY}", AskAbout(URL_KEY)),
    (f"dask:{URL_KEY}", AskAbout(URL_KEY)),
    (f"q:{URL_KEY}:2", AskSuggested(URL_KEY, 2)),
    (f"q:{TEXT_KEY}:1", AskSuggested(TEXT_KEY, 1)),  # the form that used to lose the key
    (f"dsum:{URL_KEY}", EntrySummary(URL_KEY)),
    ("dpick:a1b2c3d4e5f6:3", PickFeed("a1b2c3d4e5f6", 3)),
    (f"dun:{URL_KEY}", Unsubscribe(URL_KEY)),
])  # fmt: skip
def test_buttons_sent_before_the_codec_still_work(data, action) -> None:
    assert decode(data) == action
