"""Prompt templates ship inside the package (``bot/prompts/*.md``); their content hash is their version.

Editing a prompt changes its version, and the version is part of the summary cache key, so old
summaries made with the old wording are never served again.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")


@dataclass(frozen=True)
class Prompt:
    name: str
    text: str

    @property
    def version(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:12]

    @property
    def placeholders(self) -> frozenset[str]:
        return frozenset(_PLACEHOLDER.findall(self.text))

    def render(self, **values: str) -> str:
        """Fill every ``{{name}}`` in one pass over the template.

        Values are inserted verbatim and never expanded again, so a page title containing
        ``{{tag}}`` cannot pick up the fence id, nor article text the reader's question.
        """
        missing = self.placeholders - values.keys()
        if missing:
            raise KeyError(f"prompt {self.name!r} needs values for {sorted(missing)}")
        return _PLACEHOLDER.sub(lambda m: values[m.group(1)], self.text)


@cache
def load_prompt(name: str) -> Prompt:
    template = files("bot") / "prompts" / f"{name}.md"
    return Prompt(name, template.read_text(encoding="utf-8"))


def version_of(*names: str) -> str:
    joined = "".join(load_prompt(n).version for n in names)
    return hashlib.sha256(joined.encode()).hexdigest()[:12]
