"""A reader that goes away (`| head`, `| more`) does not stop a change, nor change its exit code."""

from __future__ import annotations

import subprocess
import sys


def ok(result) -> str:
    assert result.exit_code == 0, result.output
    return result.stdout


# -- a reader that went away does not stop the change ------------------------------------


def _run_with_reader_gone(args: list[str]) -> subprocess.CompletedProcess[bytes]:
    """Run cimsig with its stdout a pipe whose reader has already gone (`| head -0`)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "cimsig", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # before cimsig has written a word
    err = proc.stderr.read()
    proc.wait(timeout=120)
    return subprocess.CompletedProcess(args, proc.returncode, b"", err)


def test_a_catch_up_piped_to_a_reader_that_stops_early_is_saved(cli, cli_json, tmp_path) -> None:
    plan = tmp_path / "f.yaml"
    ok(cli("init", "--state", str(plan), "--as-of", "2024-03-01"))
    ran = _run_with_reader_gone(
        ["done", "--through", "2024-07-10", "--on", "2024-07-10", "--yes", "--as-of",
         "2024-09-09", "--state", str(plan)]
    )  # fmt: skip
    assert ran.returncode == 0, ran.stderr.decode()
    rows = cli_json("list", "--as-of", "2024-09-09", "--state", str(plan))
    done = {r["id"]: r["done_on"] for r in rows if r["status"] == "done"}
    assert len(done) == 17 and set(done.values()) == {"2024-07-10"}


def test_a_spreadsheet_catch_up_piped_to_head_is_saved(cli, cli_json, tmp_path) -> None:
    plan = tmp_path / "f.yaml"
    ok(cli("init", "--state", str(plan), "--as-of", "2024-03-01"))
    sheet = tmp_path / "f.csv"
    sheet.write_text("id,done_on\nprep-assurance,2024-04-19\nprep-mou-meeting,2024-04-18\n")
    ran = _run_with_reader_gone(
        ["done", "--from", str(sheet), "--yes", "--as-of", "2024-09-09", "--state", str(plan)]
    )
    assert ran.returncode == 0, ran.stderr.decode()
    rows = cli_json("list", "--as-of", "2024-09-09", "--state", str(plan))
    assert {r["id"] for r in rows if r["status"] == "done"} == {
        "prep-assurance", "prep-mou-meeting"
    }  # fmt: skip


def test_a_reader_that_stops_early_leaves_the_exit_code_as_it_would_be(tmp_path) -> None:
    assert _run_with_reader_gone(["status", "--as-of", "2024-09-09"]).returncode == 0
    # overdue work is still overdue: --check says so whoever reads the page
    assert _run_with_reader_gone(["status", "--check", "--as-of", "2024-09-09"]).returncode == 1
