"""Everyday slips, through the real command line: each changes exactly what the user meant, or
nothing, with a plain message; nothing ends in a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).parents[2]


def done_ids(cli_json, as_of: str) -> set[str]:
    return {r["id"] for r in cli_json("list", "--as-of", as_of) if r["status"] == "done"}


def test_a_note_without_quotes_changes_nothing(cli, cli_json, state_path: Path) -> None:
    result = cli("done", "assurance", "--note", "Finished", "the", "case", "study",
                 "--as-of", "2024-06-01")  # fmt: skip
    assert result.exit_code == 2
    assert '--note "Finished the case study"' in result.stderr
    assert "nothing was changed" in result.stderr
    assert not state_path.exists()
    one = cli("done", "drill", "--as-of", "2024-06-01")  # one loose id still works
    assert one.exit_code == 0 and "step1-data-drill-down" in one.stdout


def test_a_mistyped_progress_file_is_never_started(cli, tmp_path: Path) -> None:
    typo = tmp_path / "alpah.yaml"
    result = cli("done", "assurance", "--state", str(typo), "--as-of", "2024-06-01")
    assert result.exit_code == 2 and "cimsig init --state" in result.stderr
    assert not typo.exists()
    deep = tmp_path / "no" / "such" / "x.yaml"
    assert cli("done", "assurance", "--state", str(deep)).exit_code == 2
    assert not (tmp_path / "no").exists()
    read = cli("status", "--state", str(typo), "--as-of", "2024-06-01")
    assert read.exit_code == 0 and "no progress file at" in read.stderr
    assert cli("init", "--lea", "Alpha USD", "--state", str(typo)).exit_code == 0
    assert cli("done", "assurance", "--state", str(typo), "--as-of", "2024-06-01").exit_code == 0


def test_the_default_file_is_started_by_the_first_change(cli, state_path: Path) -> None:
    result = cli("done", "assurance", "--as-of", "2024-06-01")
    assert result.exit_code == 0 and "Started a new progress file" in result.stderr
    assert state_path.exists()


def test_a_look_back_moves_the_day_not_the_record(cli, cli_json, monkeypatch) -> None:
    import datetime as dt

    def at(day: str) -> None:
        moment = dt.datetime.fromisoformat(day + "T10:00:00-07:00")
        monkeypatch.setattr("cimsig.environment.now", lambda: moment)

    at("2024-04-20")
    assert cli("done", "assurance", "--on", "2024-04-18", "--as-of", "2024-04-20").exit_code == 0
    at("2026-01-10")  # recorded long after, as a district catching up does
    assert cli("done", "step3-submit-documents", "--on", "2025-01-15").exit_code == 0
    assert cli("assign", "case-study", "Ana Ruiz").exit_code == 0
    then = {r["id"]: r for r in cli_json("list", "--as-of", "2024-06-17")}
    assert then["prep-assurance"]["status"] == "done"
    assert then["step3-submit-documents"]["status"] != "done"
    assert then["step1-case-study"]["owner"] == "Ana Ruiz"  # the owner on record now
    assert cli("init", "--lea", "Alpha USD").exit_code == 0  # who the district is: not dated
    assert "Alpha USD" in cli("status", "--as-of", "2024-06-17").stdout
    later = {r["id"]: r for r in cli_json("list", "--as-of", "2026-02-01")}
    assert later["step3-submit-documents"]["status"] == "done"
    assert later["step1-case-study"]["owner"] == "Ana Ruiz"


def test_an_evening_change_on_a_computer_keeping_utc_belongs_to_that_day(
    cli, cli_json, monkeypatch
) -> None:
    """7:30 p.m. on April 30 in Los Angeles is 02:30 on May 1 in UTC: an owner set and a note
    written then are April 30's, in today's status as in a look back; not April 29's."""
    import datetime as dt

    moment = dt.datetime(2024, 5, 1, 2, 30, tzinfo=dt.timezone.utc)
    monkeypatch.setattr("cimsig.environment.now", lambda: moment)
    assert cli("assign", "case-study", "Ana Ruiz").exit_code == 0
    assert cli("note", "case-study", "Met with the team").exit_code == 0

    def case_study(as_of: str) -> dict:
        return next(r for r in cli_json("list", "--as-of", as_of) if r["id"] == "step1-case-study")

    that_day = case_study("2024-04-30")
    assert that_day["owner"] == "Ana Ruiz"
    assert [n["text"] for n in that_day["notes"]] == ["Met with the team"]
    before = case_study("2024-04-29")
    assert before["owner"] == "Ana Ruiz" and before["notes"] == []  # owners are today's
    # and it is dated April 30 where people read it
    assert (
        "2024-04-30  Met with the team" in cli("show", "case-study", "--as-of", "2024-04-30").stdout
    )
    assert "2024-04-30 Met with the team" in cli("export", "csv", "--as-of", "2024-04-30").stdout


def test_a_done_record_can_be_corrected_and_undone(cli, cli_json) -> None:
    assert cli("done", "prep-mou", "--on", "2024-04-25", "--as-of", "2024-06-01").exit_code == 0
    mou = "prep-mou-meeting"
    fixed = cli("done", "mou", "--on", "2024-04-22", "--note", "correct date",
                "--as-of", "2024-06-01")  # fmt: skip
    assert fixed.exit_code == 0, fixed.output
    assert "Apr 22, 2024 (was Thu Apr 25, 2024)" in fixed.stdout and "correct date" in fixed.stdout
    row = next(r for r in cli_json("list", "--as-of", "2024-06-01") if r["id"] == mou)
    assert row["done_on"] == "2024-04-22" and row["note"] == "correct date"
    again = cli("done", "prep-mou", "--as-of", "2024-06-01")
    assert "already done; nothing changed" in again.stdout
    assert cli("undo", "--as-of", "2024-06-01").exit_code == 0
    row = next(r for r in cli_json("list", "--as-of", "2024-06-01") if r["id"] == mou)
    assert row["done_on"] == "2024-04-25"


def test_several_ids_are_one_change(cli, cli_json) -> None:
    ids = ["prep-assurance", "prep-mou-meeting", "prep-fmta-meeting"]
    assert cli("done", *ids, "--as-of", "2024-06-01").exit_code == 0
    assert done_ids(cli_json, "2024-06-01") == set(ids)
    undo = cli("undo", "--as-of", "2024-06-01")
    assert undo.exit_code == 0 and undo.stdout.count("Undid change") == 3
    assert done_ids(cli_json, "2024-06-01") == set()


def test_relative_words_count_from_the_as_of_date(cli, cli_json) -> None:
    result = cli("done", "assurance", "--as-of", "2024-11-04", "--on", "yesterday")
    assert result.exit_code == 0
    row = next(r for r in cli_json("list", "--as-of", "2024-11-04") if r["id"] == "prep-assurance")
    assert row["done_on"] == "2024-11-03"


def test_the_timeline_of_a_continuing_district(cli) -> None:
    assert cli("init", "--lea", "Beta USD", "--track", "continuing").exit_code == 0
    for args in ((), ("--from", "2024-05-01"), ("--by-step",)):
        result = cli("timeline", "--as-of", "2024-06-01", "--width", "100", *args)
        assert result.exit_code == 0, result.output


HOSTILE = ["Review [/] draft", "[bold]Loud[/bold]", "Ana\x1b]0;PWNED\x07\x1b[2J", "tab\there"]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_is_shown_literally_and_harmlessly(cli, text: str) -> None:
    assert cli("init", "--lea", text).exit_code == 0
    assert cli("assign", "case-study", text).exit_code == 0
    assert cli("note", "case-study", text).exit_code == 0
    assert cli("add", text, "--step", "step1", "--due", "2024-06-10").exit_code == 0
    for args in (("status",), ("next",), ("list",), ("show", "case-study"), ("timeline",)):
        result = cli(*args, "--as-of", "2024-06-01")
        assert result.exit_code == 0, result.output
        assert "\x1b" not in result.stdout and "\x07" not in result.stdout
        if "[" in text and "\x1b" not in text:
            assert text.split()[0] in result.stdout  # the brackets are shown, not obeyed
    for kind in ("md", "csv", "ics"):
        exported = cli("export", kind, "--as-of", "2024-06-01")
        assert exported.exit_code == 0 and "\x1b" not in exported.stdout


def test_a_bug_is_exit_4_with_one_line(cli, monkeypatch) -> None:
    def broken(*args, **kwargs):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr("cimsig.schedule.overdue", broken)
    result = cli("status", "--check", "--as-of", "2024-06-01")
    assert result.exit_code == 4
    assert "CIMSIG_DEBUG=1" in result.stderr and "Traceback" not in result.stderr


def test_an_owner_name_matches_a_part_or_says_who_there_is(cli, cli_json) -> None:
    assert cli("assign", "case-study", "Ana Ruiz").exit_code == 0
    assert cli("assign", "drill", "Ben Ortiz").exit_code == 0
    rows = cli_json("next", "--owner", "ana", "--days", "400", "--as-of", "2024-04-20")
    assert [r["id"] for r in rows] == ["step1-case-study"]
    wrong = cli("next", "--owner", "carla", "--as-of", "2024-04-20")
    assert wrong.exit_code == 2 and "Ana Ruiz" in wrong.stderr and "Ben Ortiz" in wrong.stderr


@pytest.mark.parametrize("encoding", ["cp1252", "ascii"])
def test_bars_fall_back_to_ascii(tmp_path: Path, encoding: str) -> None:
    env = {**os.environ, "PYTHONIOENCODING": encoding, "XDG_CONFIG_HOME": str(tmp_path),
           "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}  # fmt: skip
    env.pop("CIMSIG_STATE", None)
    result = subprocess.run(
        [sys.executable, "-m", "cimsig", "status", "--as-of", "2024-06-01"],
        env=env, capture_output=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (b"???" not in result.stdout and b"#" in result.stdout) or b"----" in result.stdout


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("done", "assurance", "--on", "1999-01-01", "--as-of", "2024-06-01"), "2000 to 2199"),
        (("done", "assurance", "--on", "2024-01-02", "--as-of", "2024-06-01"), "before this guide"),
        (("done", "assurance", "--on", "4/19"), "has no year"),
        (("status", "--as-of", "9999-12-31"), "2000 to 2199"),
        (("next", "--days", "3000000"), "--days"),
        (("plan", "case-study", "--due", "9999-12-31"), "2000 to 2199"),
    ],
)
def test_dates_out_of_reach_are_exit_2(cli, args: tuple[str, ...], words: str) -> None:
    result = cli(*args)
    assert result.exit_code == 2 and words in result.stderr


def test_late_work_is_flagged(cli, cli_json) -> None:
    assert cli("done", "assurance", "--on", "2024-05-01", "--as-of", "2024-06-01").exit_code == 0
    row = next(r for r in cli_json("list", "--as-of", "2024-06-01") if r["id"] == "prep-assurance")
    assert row["days_late"] == 12 and row["status"] == "done"
    others = [r for r in cli_json("list", "--as-of", "2024-06-01") if r["id"] != "prep-assurance"]
    assert all(r["days_late"] is None for r in others)
    assert "12 days late" in cli("show", "assurance", "--as-of", "2024-06-01").stdout
    assert "12 days late" in cli("list", "--as-of", "2024-06-01").stdout
    assert "12 days late" in cli("export", "md", "--as-of", "2024-06-01").stdout
    assert ",12," in cli("export", "csv", "--as-of", "2024-06-01").stdout


_pieces = st.sampled_from(["[", "]", "[/]", "[bold]", "\x1b[2J", "\u202e", "📅", "שלום", " "])
_text = (
    st.lists(st.characters(blacklist_categories=("Cs",)) | _pieces, min_size=1, max_size=8)
    .map("".join)
    .filter(lambda t: bool(t.strip()))
)


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(owner=_text, note=_text, lea=_text)
def test_any_typed_text_works_in_every_view(cli, owner: str, note: str, lea: str) -> None:
    for args in (
        ("init", "--lea", lea),
        ("assign", "case-study", owner),
        ("note", "case-study", note),
    ):
        result = cli(*args)
        assert result.exit_code in (0, 2), result.output
    for args in (("status",), ("next",), ("list",), ("show", "case-study")):
        result = cli(*args, "--as-of", "2024-06-01")
        assert result.exit_code == 0, result.output
        assert "\x1b" not in result.stdout


def test_a_hand_edited_file_with_markup_in_ids_is_refused_naming_it(cli, state_path: Path) -> None:
    # Ids are cimsig's own (issue 27): one that is not would ride into every export.
    state_path.parent.mkdir(parents=True, exist_ok=True)
    state_path.write_text(yaml.safe_dump({
        "version": 2, "owners": {"old[/]id": "X", "old-id": "Y"},
        "history": [],
    }), encoding="utf-8")  # fmt: skip
    for args in (("status",), ("next",)):
        result = cli(*args, "--as-of", "2024-06-01")
        assert result.exit_code == 3, result.output
        lines = state_path.read_text(encoding="utf-8").splitlines()
        named = next(n for n, text in enumerate(lines, 1) if "old[/]id" in text)
        assert f"line {named} " in result.stderr and "'old[/]id' is not an id" in result.stderr
    state_path.write_text(yaml.safe_dump({
        "version": 2, "owners": {"old-id": "Y"}, "history": [],
    }), encoding="utf-8")  # fmt: skip
    for args in (("status",), ("next",), ("doctor",)):
        result = cli(*args, "--as-of", "2024-06-01")
        assert result.exit_code == 0, result.output
    assert "old-id" in cli("status", "--as-of", "2024-06-01").stdout


def test_json_of_done_several_is_one_document(cli) -> None:
    result = cli("done", "prep-assurance", "prep-mou-meeting", "--json", "--as-of", "2024-06-01")
    assert [r["id"] for r in json.loads(result.stdout)] == ["prep-assurance", "prep-mou-meeting"]
