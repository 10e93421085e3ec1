from bot.llm.budget import GAP, estimate_tokens, fit_article


def test_short_article_untouched() -> None:
    paragraphs = ["a b c", "d e f"]
    assert fit_article(paragraphs, 1000) == "a b c\n\nd e f"


def test_long_article_keeps_lead_and_quotes_in_order() -> None:
    filler = "filler text " * 60
    paragraphs = ["LEAD one", "LEAD two", "LEAD three"] + [filler] * 20
    paragraphs[15] = 'He said: "QUOTED words here" today.'
    out = fit_article(paragraphs, 120)
    assert estimate_tokens(out) <= 140
    assert out.index("LEAD one") < out.index("LEAD three") < out.index("QUOTED")
    assert GAP in out

