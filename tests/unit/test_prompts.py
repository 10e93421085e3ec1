"""Prompt templates: versions, single-pass rendering, and what sits inside the data fence."""

import pytest

from bot.llm.prompts import Prompt, load_prompt

FENCE = '<article id="'


def test_prompt_version_changes_with_content() -> None:
    a, b = Prompt("x", "hello {{name}}"), Prompt("x", "hello {{name}}!")
    assert a.version != b.version
    assert a.render(name="{braces} {{name}}") == "hello {braces} {{name}}"


def test_values_are_inserted_verbatim_and_never_expanded_again() -> None:
    prompt = Prompt("x", "{{title}}|{{tag}}|{{article}}|{{question}}|{{tag}}")
    out = prompt.render(title="T {{tag}}", tag="SECRET", article="A {{question}} {{title}}", question="Q?")
    assert out == "T {{tag}}|SECRET|A {{question}} {{title}}|Q?|SECRET"


def test_a_missing_value_is_a_programming_error() -> None:
    with pytest.raises(KeyError, match="question"):
        Prompt("x", "{{article}} {{question}}").render(article="text")


@pytest.mark.parametrize("name", ["summary.user", "answer.user"])
def test_page_text_cannot_reach_the_fence_id_or_the_question(name: str) -> None:
    template = load_prompt(name)
    values = {"language": "en", "title": "Breaking {{tag}} {{question}}", "site": "{{tag}}.example",
              "tag": "f3nce1d", "article": "Body says {{question}} and {{tag}}.", "history": "(none)",
              "question": "What happened?"}
    out = template.render(**{k: v for k, v in values.items() if k in template.placeholders})
    assert out.count("f3nce1d") == template.text.count("{{tag}}") == 2
    assert "Breaking {{tag}} {{question}}" in out and "Body says {{question}} and {{tag}}." in out
    assert out.count("What happened?") == template.text.count("{{question}}")


@pytest.mark.parametrize("name", ["summary.user", "answer.user"])
def test_everything_from_the_page_is_inside_the_fence(name: str) -> None:
    template = load_prompt(name)
    opened, closed = template.text.index(FENCE), template.text.index("</article")
    for field in ("title", "site", "article"):
        if field in template.placeholders:
            assert opened < template.text.index("{{" + field + "}}") < closed, field
    assert "{{question}}" not in template.text[opened:closed]
