"""A progress file finds its guide: the guide it names, kept or bundled, and a plain message
when it cannot."""

from __future__ import annotations

from pathlib import Path

from tests.cli.guide_texts import CCEIS, write

# -- a progress file finds its guide ------------------------------------------------------


def test_init_with_a_guide_file_keeps_it_for_later_commands(cli, tmp_path) -> None:
    original = write(tmp_path, CCEIS, "cceis-2021.yaml")
    shared = tmp_path / "progress.yaml"
    started = cli("init", "--lea", "Pine Valley Unified", "--track", "new", "--guide",
                  str(original), "--state", str(shared))  # fmt: skip
    assert started.exit_code == 0, started.output
    original.unlink()  # the kept copy is enough
    plain = cli("status", "--state", str(shared), "--as-of", "2021-10-01")
    assert plain.exit_code == 0, plain.output
    assert "Pine Valley Unified: CCEIS 2021 cohort schedule" in plain.stdout
    by_id = cli("status", "--state", str(shared), "--guide", "cceis-2021-cohort", "--as-of",
                "2021-10-01")  # fmt: skip
    assert by_id.exit_code == 0, by_id.output
    listed = cli("guide", "list")
    assert "cceis-2021-cohort  (kept copy)" in listed.stdout


def test_init_with_a_guide_file_and_the_default_progress_file(cli, tmp_path) -> None:
    original = write(tmp_path, CCEIS, "cceis-2021.yaml")
    started = cli("init", "--lea", "Pine Valley Unified", "--guide", str(original))
    assert started.exit_code == 0, started.output
    assert cli("done", "plan-due", "--as-of", "2021-11-15").exit_code == 0
    status = cli("status", "--as-of", "2021-11-15")
    assert status.exit_code == 0, status.output
    assert "CCEIS 2021 cohort schedule" in status.stdout and "1/" in status.stdout
    where = cli("where")
    assert "the progress file's guide, kept by cimsig" in where.stdout


def test_a_progress_file_on_a_guide_cimsig_does_not_keep_says_what_to_type(cli, tmp_path) -> None:
    import json

    shared = tmp_path / "progress.yaml"
    guide = write(tmp_path, CCEIS, "cceis-2021.yaml")
    assert cli("init", "--guide", str(guide), "--state", str(shared)).exit_code == 0
    # As for a file started on another computer: cimsig here keeps no copy of its guide.
    kept = [g for g in json.loads(cli("guide", "list", "--json").stdout) if not g["bundled"]]
    Path(kept[0]["path"]).unlink()
    result = cli("status", "--state", str(shared), "--as-of", "2021-11-15")
    assert result.exit_code == 3
    assert "cimsig keeps no copy of the guide 'cceis-2021-cohort', so add --guide FILE" in (
        result.stderr
    )
    assert f'cimsig init --guide FILE --state "{shared}"' in result.stderr
