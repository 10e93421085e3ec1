"""A wheel install, away from the source tree, summarizes with the LLM engine.

Builds the wheel from the files a release ships (what the Dockerfile copies), installs it into
a bare target directory and runs ``python -m bot summarize`` from elsewhere, so the prompts must
come from the package itself. Dependencies come from the running environment.
"""

from __future__ import annotations

import json
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


def build_and_install(tmp_path: Path) -> Path:
    """The wheel built from a copy of the release files, installed into ``<tmp>/site``."""
    src, dist, site = tmp_path / "src", tmp_path / "dist", tmp_path / "site"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO_ROOT / name, src / name)
    shutil.copytree(REPO_ROOT / "bot", src / "bot", ignore=shutil.ignore_patterns("__pycache__"))
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    subprocess.run([*pip, "wheel", "--no-deps", "-q", "-w", str(dist), str(src)], check=True, timeout=300)
    [wheel] = dist.glob("newsbot-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        shipped = {Path(n).name.removesuffix(".md") for n in zf.namelist() if n.startswith("bot/prompts/")}
    assert shipped >= PROMPTS, f"prompts missing from the wheel: {sorted(PROMPTS - shipped)}"
    subprocess.run([*pip, "install", "--no-deps", "--no-index", "-q", "--target", str(site), str(wheel)],
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
