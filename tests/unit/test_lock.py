"""pyproject.toml, the lock files and the code agree: every package bot/ imports is declared, every
declared package is locked at a version its bounds allow, with hashes, and the dev lock pins the
runtime packages to the same versions (so both installs can share one .venv)."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^\s;\\]+)", re.MULTILINE)


def locked(name: str) -> dict[str, str]:
    text = (ROOT / name).read_text()
    pins = {canonicalize_name(n): v for n, v in PIN.findall(text)}
    blocks = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[-1])
    assert all("--hash=sha256:" in block for block in blocks if PIN.match(block)), f"{name}: a pin without hashes"
    return pins


def declared(extra: str | None = None) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return [Requirement(r) for r in (project["optional-dependencies"][extra] if extra else project["dependencies"])]


def test_every_declared_package_is_locked_within_its_bounds() -> None:
    runtime, dev = locked("requirements.lock"), locked("requirements-dev.lock")
    for lock, requirements in ((runtime, declared()), (dev, declared() + declared("dev"))):
        for req in requirements:
            version = lock.get(canonicalize_name(req.name))
            assert version is not None, f"{req.name} is not locked: run scripts/lock"
            assert req.specifier.contains(version, prereleases=True), f"{req.name}=={version} outside {req}"


def test_dev_lock_pins_the_runtime_packages_to_the_same_versions() -> None:
    runtime, dev = locked("requirements.lock"), locked("requirements-dev.lock")
    assert {name: dev.get(name) for name in runtime} == runtime


def test_runtime_dependencies_have_upper_bounds() -> None:
    unbounded = [str(r) for r in declared() if not any(s.operator in ("<", "<=", "~=", "==") for s in r.specifier)]
    assert not unbounded


def imported_top_level_modules() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "bot").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
    return {n for n in names if n != "bot" and n not in sys.stdlib_module_names}


def test_every_import_in_bot_is_a_declared_dependency() -> None:
    dists = packages_distributions()
    direct = {canonicalize_name(r.name) for r in declared()}
    undeclared = {
        module: dists.get(module) for module in imported_top_level_modules()
        if not {canonicalize_name(d) for d in dists.get(module, [])} & direct
    }  # fmt: skip
    assert not undeclared, f"imported by bot/ but not in pyproject's dependencies: {undeclared}"
