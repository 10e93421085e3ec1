"""Settings errors: one clear line naming the variable, exit code 2, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import SettingsError, load_settings

ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "OPENAI_", "REDIS_", "LOG_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], env={**clean, **(env or {})}, cwd=cwd or ROOT,
        capture_output=True, text=True, timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "name"),
    [
        ({"LOG_LEVEL": "loud"}, "LOG_LEVEL"),
        ({"WEBHOOK_PORT": "eighty"}, "WEBHOOK_PORT"),
        ({"ADMIN_IDS": "12,abc"}, "ADMIN_IDS"),
        ({"TELEGRAM_API_URL": "ftp://x"}, "TELEGRAM_API_URL"),
        ({"FETCH_ALLOW_PRIVATE_NETWORKS": "maybe"}, "FETCH_ALLOW_PRIVATE_NETWORKS"),
        ({"REDIS_URL": "not a url"}, "REDIS_URL"),
        ({"REDIS_URL": "redis://localhost:six/0"}, "REDIS_URL"),
        ({"REDIS_URL": "redis://localhost:6379/zero"}, "REDIS_URL"),
        ({"WEBHOOK_URL": "bot.example.com/hook"}, "WEBHOOK_URL"),
        ({"OPENAI_BASE_URL": "localhost:11434/v1"}, "OPENAI_BASE_URL"),
        ({"LLM_TIMEOUT": "-1"}, "LLM_TIMEOUT"),
    ],
)
def test_invalid_setting_is_one_line_and_exit_2(env: dict[str, str], name: str, tmp_path: Path) -> None:
    result = run_cli("run", env={**env, "TELEGRAM_BOT_TOKEN": "1:x"}, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert name in lines[0]
    assert "Traceback" not in result.stderr


def test_missing_token_explains_botfather(tmp_path: Path) -> None:
    result = run_cli("run", cwd=tmp_path)
    assert result.returncode == 2
    assert "TELEGRAM_BOT_TOKEN" in result.stderr and "@BotFather" in result.stderr
    assert "Traceback" not in result.stderr


def test_help_lists_subcommands() -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    for command in ("run", "worker", "extract", "summarize", "healthcheck"):
        assert command in result.stdout


def test_dotenv_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text("ADMIN_IDS=5, 6\nREDIS_URL=\nLLM_MODEL=llama3\n")
    monkeypatch.chdir(tmp_path)
    for var in ("ADMIN_IDS", "REDIS_URL", "LLM_MODEL"):
        monkeypatch.delenv(var, raising=False)
    settings = load_settings()
    assert settings.admin_ids == [5, 6]
    assert settings.redis_url == "redis://localhost:6379/0"  # empty values fall back to defaults
    assert settings.llm_model == "llama3"


def test_load_settings_names_variable() -> None:
    with pytest.raises(SettingsError, match="FETCH_MAX_BYTES"):
        load_settings(fetch_max_bytes=-1)


def test_extract_command_reads_html_from_stdin(tmp_path: Path) -> None:
    page = (ROOT / "tests" / "data" / "pages" / "seed.html").read_text()
    result = subprocess.run(
        [sys.executable, "-m", "bot", "extract", "-", "--url", "https://www.straitstimes.com/asia/x", "--text"],
        input=page, capture_output=True, text=True, timeout=60, cwd=tmp_path,
        env={k: v for k, v in os.environ.items() if not k.startswith(("REDIS_", "OPENAI_"))},
    )
    assert result.returncode == 0, result.stderr
    assert "Russia is willing to conduct high-level negotiations with Ukraine" in result.stdout
    assert "Join ST's Telegram channel" not in result.stdout
    bad = run_cli("extract", "-", cwd=tmp_path)  # stdin without --url
    assert bad.returncode == 2 and "--url" in bad.stderr


def test_json_logs_carry_fields_as_keys(tmp_path: Path) -> None:
    page = "<html><body><p>Too short to be an article.</p></body></html>"
    result = subprocess.run(
        [sys.executable, "-m", "bot", "extract", "-", "--url", "https://example.com/a"],
        input=page, capture_output=True, text=True, timeout=60, cwd=tmp_path,
        env={**{k: v for k, v in os.environ.items() if not k.startswith(("REDIS_", "OPENAI_", "LOG_"))},
             "LOG_FORMAT": "json", "NEWSBOT_ENV_FILE": str(tmp_path / "none")},
    )
    assert result.returncode == 1
    records = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    [failure] = [r for r in records if r["msg"] == "extract failed"]
    assert failure["url"] == "https://example.com/a" and failure["code"] == "no_text"
    assert failure["level"] == "info" and failure["logger"] == "bot.cli.extract"
