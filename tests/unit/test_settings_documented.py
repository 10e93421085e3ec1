"""Every setting is documented where an operator looks: README's configuration table and
.env.example (a line ``NAME=`` each, commented or not)."""

from __future__ import annotations

import re
from pathlib import Path

from bot.config import Settings

ROOT = Path(__file__).resolve().parents[2]


def _names() -> list[str]:
    return [(field.alias or name).upper() for name, field in Settings.model_fields.items()]


def test_every_setting_is_in_env_example() -> None:
    example = (ROOT / ".env.example").read_text("utf-8")
    listed = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", example, re.MULTILINE))
    assert not [n for n in _names() if n not in listed]


def test_every_setting_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", readme))
    assert not [n for n in _names() if n not in documented]
