"""Shared fixtures: no test touches the real home folder, the real state file or the clock."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from cimsig.cli import app

# Some machines (this project's among them) set PYTHONDONTWRITEBYTECODE, so every `python -m cimsig`
# a test starts would compile cimsig again. Let the first one write the bytecode for the rest.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

SEED = Path(__file__).parent / "data" / "pacing-guide-2024.txt"
RECORDED = dt.datetime(2024, 3, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=-8)))


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point every path cimsig could use at a temporary folder.

    The progress file is the default one (in the temporary settings folder), so that the first
    change creates it, as for a user who has not named a file.
    """
    state = tmp_path / "home" / ".config" / "cimsig" / "state.yaml"
    monkeypatch.delenv("CIMSIG_STATE", raising=False)
    monkeypatch.delenv("CIMSIG_GUIDE", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("APPDATA", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "home" / ".config"))
    # Changes are recorded at a fixed moment before the guide's first date, so that a look back
    # (`--as-of`) sees them, whatever the real clock says.
    monkeypatch.setattr("cimsig.environment.now", lambda: RECORDED)
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


_HOLD_LOCK = """
import sys, time
from filelock import FileLock
lock = FileLock(sys.argv[1])  # kept in a name: a lock object that is collected lets go
lock.acquire()
print("locked", flush=True)
time.sleep(120)
"""


@pytest.fixture
def lock_holder(state_path: Path):
    """Start another process that holds the state file's lock; it is killed at the end."""
    started: list[subprocess.Popen[str]] = []

    def start() -> subprocess.Popen[str]:
        state_path.parent.mkdir(parents=True, exist_ok=True)
        proc = subprocess.Popen(
            [sys.executable, "-c", _HOLD_LOCK, str(state_path) + ".lock"],
            stdout=subprocess.PIPE,
            text=True,
        )
        started.append(proc)
        assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
        return proc

    yield start
    for proc in started:
        proc.kill()
        proc.wait()


GOLDEN = Path(__file__).parent / "golden"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="Write the golden files from what cimsig prints now, instead of comparing.",
    )


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Callable[[str, str], None]:
    """Compare text with a golden file in tests/golden (or write it, with --update-golden)."""
    update = request.config.getoption("--update-golden")

    def check(name: str, text: str) -> None:
        path = GOLDEN / name
        if update:
            path.write_text(text + "\n", encoding="utf-8")
        assert text == path.read_text("utf-8").rstrip("\n"), f"{name} differs"

    return check
