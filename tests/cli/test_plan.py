"""The district's own plan: profile and track, planned dates, owners, notes, added activities."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from icalendar import Calendar


def ok(result) -> str:
    assert result.exit_code == 0, result.output
    return result.stdout


def row(cli_json, activity_id: str, as_of: str = "2024-06-20") -> dict:
    return cli_json("show", activity_id, "--as-of", as_of)


def test_init_writes_the_profile_and_never_clobbers_progress(cli, cli_json, state_path) -> None:
    ok(cli("done", "prep-assurance", "--as-of", "2024-04-20"))
    out = ok(cli("init", "--lea", "Sierra Vista Unified", "--track", "new"))
    assert "Saved the district profile: Sierra Vista Unified (newly identified)" in out
    assert row(cli_json, "prep-assurance")["status"] == "done"  # progress kept
    again = ok(cli("init", "--lea", "Sierra Vista Unified"))
    assert "nothing changed" in again
    status = ok(cli("status", "--as-of", "2024-04-20"))
    assert status.startswith("Sierra Vista Unified: 2024 CIM for Sig Dis")
    md = ok(cli("export", "md", "--as-of", "2024-04-20"))
    assert "Sierra Vista Unified. Checklist as of" in md
    assert cli("init", "--track", "sometimes").exit_code == 2


def test_a_planned_date_changes_the_lateness_and_clear_restores_it(cli, cli_json) -> None:
    # The guide: case study due June 30, 2024. On June 20 it is open, 10 days left.
    assert row(cli_json, "step1-case-study")["status"] == "open"
    out = ok(cli("plan", "case-study", "--due", "2024-06-14", "--as-of", "2024-06-20"))
    assert "due Fri Jun 14, 2024 (the guide: Sun Jun 30, 2024)" in out
    planned = row(cli_json, "step1-case-study")
    assert (planned["status"], planned["days_left"], planned["due"], planned["guide_due"]) == (
        "overdue",
        -6,
        "2024-06-14",
        "2024-06-30",
    )
    assert planned["planned"] is True and planned["start"] == "2024-05-01"
    late = cli("status", "--check", "--as-of", "2024-06-20")
    assert late.exit_code == 1 and "step1-case-study" in late.stdout
    ok(cli("plan", "case-study", "--clear", "--as-of", "2024-06-20"))
    cleared = row(cli_json, "step1-case-study")
    assert (cleared["status"], cleared["due"], cleared["planned"]) == ("open", "2024-06-30", False)


def test_a_date_later_than_the_guide_is_allowed_with_a_warning(cli, cli_json) -> None:
    result = cli("plan", "step1-submit-stepwell", "--due", "2024-07-20", "--as-of", "2024-07-15")
    assert result.exit_code == 0, result.output
    assert "Warning: Sat Jul 20, 2024 is after the guide's deadline" in result.stderr
    assert "The guide's deadline still counts" in result.stderr
    # The guide's deadline (July 10) has passed: overdue, whatever the district planned.
    assert row(cli_json, "step1-submit-stepwell", "2024-07-15")["status"] == "overdue"


def test_plan_input_errors(cli) -> None:
    assert cli("plan", "case-study").exit_code == 2
    assert cli("plan", "case-study", "--due", "2024-06-01", "--clear").exit_code == 2
    bad = cli("plan", "case-study", "--due", "2024-06-01", "--start", "2024-06-05")
    assert bad.exit_code == 2 and "is after --due" in bad.stderr


def test_planned_dates_reach_the_calendar(cli) -> None:
    ok(cli("plan", "case-study", "--due", "2024-06-14", "--as-of", "2024-06-01"))
    cal = Calendar.from_ical(cli("export", "ics", "--as-of", "2024-06-01").stdout_bytes)
    event = next(e for e in cal.walk("VEVENT") if str(e["UID"]).startswith("step1-case-study@"))
    # The event stays on the guide's deadline; the district's earlier date is in its text.
    assert event.decoded("DTSTART") == dt.date(2024, 6, 30)
    assert "Your district's own date: Fri Jun 14, 2024" in str(event["DESCRIPTION"])


def test_the_track_decides_what_counts(cli, cli_json) -> None:
    # The Step 2 workshop (June 11) and its pre-work are required of newly identified LEAs and
    # only recommended for continuing ones.
    as_of = "2024-06-12"
    assert row(cli_json, "step1-step2-workshop", as_of)["status"] == "overdue"  # no profile
    ok(cli("init", "--track", "continuing"))
    assert row(cli_json, "step1-step2-workshop", as_of)["status"] == "recommended"
    status = ok(cli("status", "--as-of", as_of))
    assert "step1-step2-workshop" not in status.split("Overdue")[-1]
    late = [r["id"] for r in cli_json("status", "--as-of", as_of) if r["status"] == "overdue"]
    assert "step1-step2-workshop" not in late and "step1-step2-prework" not in late
    assert "prep-intro-recordings" not in late  # also required of new LEAs only
    ok(cli("init", "--track", "new"))
    late = [r["id"] for r in cli_json("status", "--as-of", as_of) if r["status"] == "overdue"]
    assert {"step1-step2-workshop", "step1-step2-prework", "prep-intro-recordings"} <= set(late)


def test_recommended_work_stays_out_of_status_check(cli) -> None:
    ok(cli("init", "--track", "continuing"))
    ids = [
        "prep-virtual-meeting",
        "prep-assurance",
        "prep-mou",
        "prep-fmta",
        "step1-identify",
        "step1-workshop-a",
        "step1-workshop",
    ]
    ok(cli("done", *ids, "--as-of", "2024-04-30"))
    # Everything due by April 30 is done but the recorded series, which is only recommended.
    assert cli("status", "--check", "--as-of", "2024-04-30").exit_code == 0
    ok(cli("init", "--track", "new"))
    assert cli("status", "--check", "--as-of", "2024-04-30").exit_code == 1


def test_owners_and_the_owner_filter(cli, cli_json) -> None:
    ok(cli("assign", "case-study", "Ana Ruiz"))
    ok(cli("assign", "parent-input", "Ben Ortiz"))
    mine = cli_json("next", "--as-of", "2024-06-01", "--owner", "ana ruiz")
    assert [r["id"] for r in mine] == ["step1-case-study"] and mine[0]["owner"] == "Ana Ruiz"
    assert [r["id"] for r in cli_json("list", "--owner", "Ben Ortiz")] == ["step1-parent-input"]
    table = ok(cli("next", "--as-of", "2024-06-01"))
    assert "Owner: Ana Ruiz" in table and "Owner: Ben Ortiz" in table
    ok(cli("assign", "case-study", "--clear"))
    assert row(cli_json, "step1-case-study")["owner"] is None
    assert cli("assign", "case-study").exit_code == 2


def test_notes_accumulate_with_their_time(cli, cli_json) -> None:
    ok(cli("note", "case-study", "Files pulled for 12 students"))
    out = ok(cli("note", "case-study", "Reviewed with SELPA"))
    assert "(2 in all)" in out
    notes = row(cli_json, "step1-case-study")["notes"]
    assert [n["text"] for n in notes] == ["Files pulled for 12 students", "Reviewed with SELPA"]
    assert all(dt.datetime.fromisoformat(n["at"]) for n in notes)
    shown = ok(cli("show", "case-study", "--as-of", "2024-06-20"))
    assert "Files pulled for 12 students" in shown and "Reviewed with SELPA" in shown


def test_an_added_activity_behaves_like_the_guide_s(cli, cli_json) -> None:
    out = ok(
        cli(
            "add",
            "Board meeting: present the plan",
            "--step",
            "step3",
            "--due",
            "2024-11-19",
            "--as-of",
            "2024-11-01",
        )
    )
    assert "Added district-board-meeting-present" in out  # made from the title, short to type
    new_id = "district-board-meeting-present"
    nxt = cli_json("next", "--as-of", "2024-11-01", "--days", "30")
    assert new_id in [r["id"] for r in nxt]
    added = next(r for r in nxt if r["id"] == new_id)
    assert (added["origin"], added["step"], added["due"], added["guide_due"]) == (
        "district",
        "step3",
        "2024-11-19",
        None,
    )
    assert new_id in ok(cli("list", "--step", "step3", "--as-of", "2024-11-01"))
    cal = Calendar.from_ical(cli("export", "ics", "--as-of", "2024-11-01").stdout_bytes)
    assert f"{new_id}@cim-sigdis-2024.cimsig" in {str(e["UID"]) for e in cal.walk("VEVENT")}
    ok(cli("done", new_id, "--as-of", "2024-11-20", "--on", "2024-11-19"))
    assert row(cli_json, new_id, "2024-11-20")["status"] == "done"
    # Same title again: a new id that does not clash.
    second = ok(
        cli("add", "Board meeting: present the plan", "--step", "step3", "--due", "2024-11-20")
    )
    assert f"{new_id}-2" in second


def test_add_refuses_clashing_or_bad_ids_and_steps(cli) -> None:
    clash = cli("add", "x", "--step", "step1", "--due", "2024-06-01", "--id", "step1-case-study")
    assert clash.exit_code == 2 and "already used" in clash.stderr
    yearly = cli(
        "add",
        "x",
        "--step",
        "step4",
        "--due",
        "2028-07-10",
        "--id",
        "step4-unduplicated-count-2031",
    )
    assert yearly.exit_code == 2
    assert cli("add", "x", "--step", "step9", "--due", "2024-06-01").exit_code == 2
    assert (
        cli("add", "x", "--step", "step1", "--due", "2024-06-01", "--id", "Has Space").exit_code
        == 2
    )


def test_remove_takes_only_district_activities(cli, cli_json) -> None:
    refused = cli("remove", "step1-case-study")
    assert refused.exit_code == 2 and "part of the pacing guide" in refused.stderr
    ok(cli("add", "SELPA review", "--step", "step2", "--due", "2024-09-15", "--id", "selpa-review"))
    ok(cli("assign", "selpa-review", "Ana Ruiz"))
    ok(cli("remove", "selpa-review"))
    assert "selpa-review" not in [r["id"] for r in cli_json("list", "--as-of", "2024-09-01")]
    ok(cli("undo"))  # brings it back with its owner
    back = row(cli_json, "selpa-review", "2024-09-01")
    assert (back["title"], back["owner"]) == ("SELPA review", "Ana Ruiz")


@pytest.mark.parametrize(
    ("setup", "change", "check"),
    [
        ((), ("init", "--lea", "A", "--track", "new"), lambda r, p: "profile: null" in p),
        ((), ("plan", "case-study", "--due", "2024-06-14"), lambda r, p: r["due"] == "2024-06-30"),
        ((), ("assign", "case-study", "Ana"), lambda r, p: r["owner"] is None),
        ((), ("note", "case-study", "hello"), lambda r, p: r["notes"] == []),
        (
            (("assign", "case-study", "Ana"),),
            ("assign", "case-study", "Ben"),
            lambda r, p: r["owner"] == "Ana",
        ),
        ((), ("done", "case-study", "--as-of", "2024-06-20"), lambda r, p: r["status"] == "open"),
    ],
)
def test_undo_reverts_each_kind_of_change(
    cli, cli_json, state_path: Path, setup, change, check
) -> None:
    for step in setup:
        ok(cli(*step))
    ok(cli(*change))
    out = ok(cli("undo"))
    assert out.startswith("Undid change")
    assert check(row(cli_json, "step1-case-study"), state_path.read_text())


VERSION_1 = """\
version: 1
guide: cim-sigdis-2024
done:
  prep-assurance:
    date: '2024-04-18'
    recorded: '2024-04-20T09:30:00-07:00'
    note: Sent by Maria
history:
- seq: 1
  at: '2024-04-20T09:30:00-07:00'
  action: done
  id: prep-assurance
  before: null
  after:
    date: '2024-04-18'
    recorded: '2024-04-20T09:30:00-07:00'
    note: Sent by Maria
"""


def test_a_format_1_state_file_is_migrated(cli, cli_json, state_path: Path) -> None:
    state_path.parent.mkdir(parents=True)
    state_path.write_text(VERSION_1, encoding="utf-8")
    assert row(cli_json, "prep-assurance")["note"] == "Sent by Maria"
    assert state_path.read_text(encoding="utf-8") == VERSION_1  # reading changes nothing
    ok(cli("assign", "prep-assurance", "Maria"))
    text = state_path.read_text(encoding="utf-8")
    assert "version: 3" in text and "owners:" in text
    ok(cli("undo"))  # the assignment
    ok(cli("undo"))  # the format-1 "done", migrated
    assert row(cli_json, "prep-assurance")["status"] == "overdue"


def test_a_newer_state_file_is_refused_untouched(cli, state_path: Path) -> None:
    state_path.parent.mkdir(parents=True)
    text = "version: 4\nguide: cim-sigdis-2024\nsomething_new: {}\n"
    state_path.write_text(text, encoding="utf-8")
    result = cli("done", "prep-assurance", "--as-of", "2024-04-20")
    assert result.exit_code == 3 and "written by a newer cimsig (format 4" in result.stderr
    assert state_path.read_text(encoding="utf-8") == text


def test_owner_and_notes_reach_the_calendar_and_the_spreadsheet(cli) -> None:
    import csv
    import io

    ok(cli("init", "--lea", "Sierra Vista Unified"))
    ok(cli("assign", "case-study", "Ana Ruiz"))
    ok(cli("note", "case-study", "Files pulled"))
    cal = Calendar.from_ical(cli("export", "ics", "--as-of", "2024-06-01").stdout_bytes)
    assert str(cal["X-WR-CALNAME"]).startswith("Sierra Vista Unified: ")
    event = next(e for e in cal.walk("VEVENT") if str(e["UID"]).startswith("step1-case-study@"))
    assert "Owner: Ana Ruiz" in str(event["DESCRIPTION"])
    raw = cli("export", "csv", "--as-of", "2024-06-01").stdout_bytes.decode("utf-8-sig")
    case = next(r for r in csv.DictReader(io.StringIO(raw)) if r["id"] == "step1-case-study")
    assert case["owner"] == "Ana Ruiz" and case["notes"].endswith(" Files pulled")
    timeline = ok(cli("timeline", "--as-of", "2024-06-01", "--width", "100"))
    assert timeline.startswith("Sierra Vista Unified: 2024 CIM for Sig Dis")


def test_undo_of_the_profile_in_json_is_one_document(cli) -> None:
    import json

    ok(cli("init", "--lea", "Sierra Vista Unified", "--track", "new"))
    ok(cli("init", "--track", "continuing"))
    result = cli("undo", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [
        {"id": None, "changed": True, "profile": {"lea": "Sierra Vista Unified", "track": "new"}}
    ]
