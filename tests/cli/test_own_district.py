"""Typing your own district's name: `--district` and `district add` with the default plan."""

from __future__ import annotations

from pathlib import Path


def ok(result) -> str:
    assert result.exit_code == 0, result.output
    return result.stdout


def test_district_naming_the_default_file_uses_it(cli, state_path: Path) -> None:
    ok(cli("init", "--lea", "Riverbend Unified", "--track", "new"))
    result = cli("done", "prep-assurance", "--district", "Riverbend Unified", "--as-of",
                 "2024-05-01")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Riverbend Unified: Marked done: prep-assurance" in result.stdout
    assert "prep-assurance" in state_path.read_text()
    # a part of the name, in any case, as for any district
    shown = cli("show", "prep-assurance", "--district", "riverbend", "--as-of", "2024-05-01",
                "--json")  # fmt: skip
    assert shown.exit_code == 0 and '"status": "done"' in shown.stdout
    assert not (state_path.parent / "districts").exists()


def test_adding_the_default_files_district_moves_that_file(cli, state_path: Path) -> None:
    ok(cli("init", "--lea", "Riverbend Unified", "--track", "new"))
    ok(cli("done", "prep-assurance", "--as-of", "2024-05-01"))
    before = state_path.read_bytes()
    # No one to ask: nothing changes, and no second, empty plan is started.
    refused = cli("district", "add", "Riverbend Unified")
    assert refused.exit_code == 2 and "already holds Riverbend Unified's plan" in refused.stderr
    assert state_path.read_bytes() == before
    assert not (state_path.parent / "districts").exists()
    moved = cli("district", "add", "Riverbend Unified", "--yes")
    assert moved.exit_code == 0, moved.output
    assert "Moved Riverbend Unified's plan" in moved.stdout
    district_file = state_path.parent / "districts" / "riverbend-unified" / "cim-sigdis-2024.yaml"
    assert district_file.read_bytes() == before and not state_path.exists()
    listed = ok(cli("list", "--district", "riverbend", "--as-of", "2024-05-01"))
    assert "done Apr" in listed or "done May" in listed


def test_two_plans_of_one_name_are_warned_about(cli, state_path: Path) -> None:
    ok(cli("district", "add", "Riverbend Unified"))
    # A default file for the same district, made by hand (say, copied from a colleague).
    ok(cli("init", "--lea", "Riverbend Unified", "--state", str(state_path)))
    overview = cli("overview", "--as-of", "2024-05-01")
    assert overview.exit_code == 0
    assert "two plans share the name Riverbend Unified" in overview.stderr
    doctor = cli("doctor", "--district", "riverbend", "--as-of", "2024-05-01")
    assert "two plans share the name Riverbend Unified" in doctor.stdout
    # The question "which district?" names the default file's plan among the choices.
    which = cli("done", "prep-assurance", "--as-of", "2024-05-01")
    assert which.exit_code == 2 and "holds Riverbend Unified's plan" in which.stderr
