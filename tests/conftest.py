"""Shared fixtures: no test touches the real home folder, the real state file or the clock."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from cimsig.cli import app

SEED = Path(__file__).parent / "data" / "pacing-guide-2024.txt"


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point every path cimsig could use at a temporary folder."""
    state = tmp_path / "state" / "state.yaml"
    monkeypatch.setenv("CIMSIG_STATE", str(state))
    monkeypatch.delenv("CIMSIG_GUIDE", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("APPDATA", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "home" / ".config"))
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    return state


@pytest.fixture
def state_path(_isolated: Path) -> Path:
    return _isolated


@pytest.fixture
def cli() -> Callable[..., Result]:
    """Run `cimsig ARGS...` in-process; stdout and stderr are kept apart."""
    runner = CliRunner()

    def run(*args: str, input: str | None = None) -> Result:
        return runner.invoke(app, list(args), input=input, catch_exceptions=False)

    return run


@pytest.fixture
def cli_json(cli: Callable[..., Result]) -> Callable[..., Any]:
    def run(*args: str) -> Any:
        result = cli(*args, "--json")
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    return run
