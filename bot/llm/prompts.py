"""Prompt templates are plain files in prompts/; their content hash is their version.

Editing a prompt changes its version, and the version is part of the summary cache key, so old
summaries made with the old wording are never served again.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path


def prompts_dir() -> Path:
    configured = os.environ.get("NEWSBOT_PROMPTS_DIR")
    if configured:
        return Path(configured)
    # Source checkouts and editable installs keep prompts/ next to the package.
    return Path(__file__).resolve().parents[2] / "prompts"


@dataclass(frozen=True)
class Prompt:
    name: str
    text: str

    @property
    def version(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:12]

    def render(self, **values: str) -> str:
        # Plain placeholder replacement: article text full of braces must pass through untouched.
        out = self.text
        for key, value in values.items():
            out = out.replace("{{" + key + "}}", value)
        return out


@cache
def load_prompt(name: str) -> Prompt:
    return Prompt(name, (prompts_dir() / f"{name}.md").read_text(encoding="utf-8"))


def version_of(*names: str) -> str:
    joined = "".join(load_prompt(n).version for n in names)
    return hashlib.sha256(joined.encode()).hexdigest()[:12]
