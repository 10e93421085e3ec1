"""A wheel install, away from the source tree, summarizes with the LLM engine.

Builds the wheel from the files a release ships (what the Dockerfile copies) and runs
``summarize`` from elsewhere, so the prompts must come from the package itself: once installed
into a bare target directory (dependencies from the running environment), once into a clean
virtualenv with the runtime dependencies from ``requirements.lock`` alone, hash-checked, as the
Dockerfile installs them — a dependency the lock misses fails there.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.e2e.llm_scripts import PUTIN_QUOTE, responder, seed_summary
from tests.fakes.article_server import ArticleServer
from tests.fakes.bot_process import REPO_ROOT, clean_environment
from tests.fakes.openai_api import FakeOpenAI

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

PROMPTS = {"summary.system", "summary.user", "answer.system", "answer.user", "repair"}


PIP = [sys.executable, "-m", "pip", "--disable-pip-version-check"]


def build_wheel(tmp_path: Path) -> Path:
    """The wheel built from a copy of the release files, checked to ship the prompts."""
    src, dist = tmp_path / "src", tmp_path / "dist"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO_ROOT / name, src / name)
    shutil.copytree(REPO_ROOT / "bot", src / "bot", ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run([*PIP, "wheel", "--no-deps", "-q", "-w", str(dist), str(src)], check=True, timeout=300)
    [wheel] = dist.glob("newsbot-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        shipped = {Path(n).name.removesuffix(".md") for n in zf.namelist() if n.startswith("bot/prompts/")}
    assert shipped >= PROMPTS, f"prompts missing from the wheel: {sorted(PROMPTS - shipped)}"
    return wheel


def build_and_install(tmp_path: Path) -> Path:
    """The wheel installed into ``<tmp>/site``."""
    wheel, site = build_wheel(tmp_path), tmp_path / "site"
    subprocess.run([*PIP, "install", "--no-deps", "--no-index", "-q", "--target", str(site), str(wheel)],
                   check=True, timeout=120)
    return site


def test_wheel_install_summarizes_with_the_llm(
    fake_openai: FakeOpenAI, article_server: ArticleServer, redis_url: str, tmp_path: Path
) -> None:
    site = build_and_install(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = clean_environment({
        "NEWSBOT_ENV_FILE": str(tmp_path / "none"), "REDIS_URL": redis_url,
        "OPENAI_BASE_URL": fake_openai.base_url, "OPENAI_API_KEY": "x", "LLM_MODEL": "m",
        "FETCH_ALLOW_PRIVATE_NETWORKS": "true", "FETCH_ALLOWED_PORTS": f"80,443,{article_server.port}",
    })
    env["PYTHONPATH"] = str(site)  # the installed wheel only, not the source tree

    def python(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, *args], env=env, cwd=elsewhere,
                              capture_output=True, text=True, timeout=60)

    where = python("-c", "import bot; print(bot.__file__)")
    assert Path(where.stdout.strip()).is_relative_to(site), where.stdout + where.stderr

    fake_openai.set_responder(responder())
    run = python("-m", "bot", "summarize", article_server.url("/seed.html"), "--json")
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert data["engine"] == "llm" and data["headline"] == seed_summary()["headline"]
    assert {"text": PUTIN_QUOTE, "speaker": "Vladimir Putin"} in data["quotes"]
    assert fake_openai.count == 1
    user = fake_openai.requests[0]["messages"][1]["content"]
    assert '<article id="' in user and "{{" not in user  # the packaged template, fully rendered


@pytest.mark.timeout(900)  # ~35 s with pip's cache; a cold cache downloads every locked wheel
def test_wheel_installs_from_the_lock_in_a_clean_venv_and_summarizes(
    fake_openai: FakeOpenAI, article_server: ArticleServer, tmp_path: Path
) -> None:
    wheel = build_wheel(tmp_path)
    venv = tmp_path / "venv"
    # No system site packages, no pip of its own: this pip installs into it (``--python``), so
    # the venv holds exactly the lock's packages and the wheel.
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=60)
    python = venv / "bin" / "python"
    assert "include-system-site-packages = false" in (venv / "pyvenv.cfg").read_text()
    into_venv = [*PIP, "--python", str(python), "install", "-q"]
    subprocess.run([*into_venv, "--require-hashes", "--only-binary=:all:", "-r", str(REPO_ROOT / "requirements.lock")],
                   check=True, timeout=600)
    subprocess.run([*into_venv, "--no-deps", "--no-index", str(wheel)], check=True, timeout=120)

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = clean_environment({
        "NEWSBOT_ENV_FILE": str(tmp_path / "none"),  # no REDIS_URL: the CLI runs without a cache
        "OPENAI_BASE_URL": fake_openai.base_url, "OPENAI_API_KEY": "x", "LLM_MODEL": "m",
        "FETCH_ALLOW_PRIVATE_NETWORKS": "true", "FETCH_ALLOWED_PORTS": f"80,443,{article_server.port}",
    })
    env.pop("PYTHONPATH")  # nothing from the source tree or the test environment
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(list(args), env=env, cwd=elsewhere, capture_output=True, text=True, timeout=60)

    where = run(str(python), "-c", "import bot, sys; print(bot.__file__); print(sys.prefix)")
    bot_file, prefix = where.stdout.split()
    assert Path(bot_file).is_relative_to(venv) and Path(prefix) == venv, where.stdout + where.stderr

    fake_openai.set_responder(responder())
    summary = run(str(venv / "bin" / "newsbot"), "summarize", article_server.url("/seed.html"), "--json")
    assert summary.returncode == 0, summary.stderr
    data = json.loads(summary.stdout)
    assert data["engine"] == "llm" and data["headline"] == seed_summary()["headline"]
    assert {"text": PUTIN_QUOTE, "speaker": "Vladimir Putin"} in data["quotes"]
    assert fake_openai.count == 1
