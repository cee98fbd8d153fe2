"""The README's two set-up commands are the ones CI runs: a drift would leave a new user with a
command that was never tried."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).parents[1]
RUN = "python3 -m venv .venv && .venv/bin/pip install . && .venv/bin/cimsig status"
TEST = 'python3 -m venv .venv && .venv/bin/pip install -q -e ".[dev]" && .venv/bin/python -m pytest'


def test_the_readme_gives_both_set_up_commands() -> None:
    lines = [line.strip() for line in (ROOT / "README.md").read_text("utf-8").splitlines()]
    assert RUN in lines
    assert TEST in lines


def test_ci_runs_the_readmes_test_command_verbatim() -> None:
    ci = (ROOT / ".ci" / "run").read_text("utf-8").splitlines()
    start = ci.index("# --- the README's test command, verbatim ---")
    assert ci[start + 1] == TEST.replace("python3", "$python", 1)
    assert ci[start + 2] == "# ---"
