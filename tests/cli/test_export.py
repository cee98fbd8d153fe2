"""Exports read back with the libraries people's programs use: icalendar, csv, Markdown text."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from icalendar import Calendar


def ics(cli, *args: str) -> Calendar:
    result = cli("export", "ics", "--as-of", "2024-06-01", *args)
    assert result.exit_code == 0, result.output
    return Calendar.from_ical(result.stdout_bytes)


def components(cal: Calendar, name: str = "VEVENT") -> dict[str, object]:
    return {str(c["UID"]): c for c in cal.walk(name)}


def test_one_all_day_event_per_deadline(cli) -> None:
    cal = ics(cli)
    events = components(cal)
    # 44 activities, 4 ongoing ones have no date: 40 events (the yearly count once, for 2025).
    assert len(events) == 40
    assurance = events["prep-assurance@cim-sigdis-2024.cimsig"]
    assert assurance["DTSTART"].params["VALUE"] == "DATE"
    assert assurance.decoded("DTSTART") == dt.date(2024, 4, 19)
    assert assurance.decoded("DTEND") == dt.date(2024, 4, 20)
    assert str(assurance["SUMMARY"]).startswith("Preparation: Submit Assurance")
    description = str(assurance["DESCRIPTION"])
    assert "Target (pacing guide): April 19, 2024" in description
    assert "Submit to: intensivemonitoring@cde.ca.gov" in description
    window = events["step2-theory-of-action@cim-sigdis-2024.cimsig"]
    assert window.decoded("DTSTART") == dt.date(2024, 10, 31)
    assert "Window: Jul 1 - Oct 31, 2024" in str(window["DESCRIPTION"])


def test_the_two_meetings_are_timed_in_pacific_time(cli) -> None:
    cal = ics(cli)
    events = components(cal)
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["America/Los_Angeles"]
    for uid, start, end in [
        ("prep-virtual-meeting", (2024, 4, 2, 12, 0), (2024, 4, 2, 13, 30)),
        ("step1-step2-workshop", (2024, 6, 11, 11, 0), (2024, 6, 11, 13, 0)),
    ]:
        event = events[f"{uid}@cim-sigdis-2024.cimsig"]
        assert event["DTSTART"].params["TZID"] == "America/Los_Angeles"
        begins, ends = event.decoded("DTSTART"), event.decoded("DTEND")
        assert begins.replace(tzinfo=None) == dt.datetime(*start)
        assert ends.replace(tzinfo=None) == dt.datetime(*end)
        # 12:00 in Los Angeles in April is 19:00 UTC (daylight time).
        if uid == "prep-virtual-meeting":
            assert begins.astimezone(dt.timezone.utc).hour == 19


def test_uids_are_stable_and_done_work_stays_marked_done(cli) -> None:
    first = set(components(ics(cli)))
    assert set(components(ics(cli))) == first
    assert cli("done", "prep-assurance", "--as-of", "2024-06-01").exit_code == 0
    without = components(ics(cli, "--without-done"))
    assert "prep-assurance@cim-sigdis-2024.cimsig" not in without
    with_done = components(ics(cli))
    assert set(with_done) == first
    assert str(with_done["prep-assurance@cim-sigdis-2024.cimsig"]["SUMMARY"]).startswith("[done]")


def test_ongoing_items_are_counted_on_stderr(cli) -> None:
    result = cli("export", "ics", "--as-of", "2024-06-01")
    assert "4 ongoing activities have no date" in result.stderr
    assert "ongoing" not in result.stdout.split("BEGIN:VEVENT")[0]


def test_spans_add_the_windows(cli) -> None:
    events = components(ics(cli, "--spans"))
    window = events["step2-theory-of-action-window@cim-sigdis-2024.cimsig"]
    assert window.decoded("DTSTART") == dt.date(2024, 7, 1)
    assert window.decoded("DTEND") == dt.date(2024, 11, 1)
    # prep 1, step 1: 7, step 2: 4, step 3: 5, step 4: 1 activities have a window of days.
    assert sum(uid.endswith("-window@cim-sigdis-2024.cimsig") for uid in events) == 18


@pytest.mark.parametrize(("remind", "days"), [("7d", 7), ("2w", 14)])
def test_reminders(cli, remind: str, days: int) -> None:
    events = components(ics(cli, "--remind", remind))
    alarms = [a for e in events.values() for a in e.walk("VALARM")]
    assert len(alarms) == 40
    # 9 a.m. on the day: 9 hours after an all-day date's start, 3 and 2 hours before the two
    # meetings (noon and 11 a.m.).
    nine = {dt.timedelta(days=-days, hours=h) for h in (9, -3, -2)}
    assert {a.decoded("TRIGGER") for a in alarms} == nine


def test_a_bad_reminder_exits_2(cli) -> None:
    result = cli("export", "ics", "--remind", "soon")
    assert result.exit_code == 2 and "like 7d or 2w" in result.stderr


def test_todo_items_carry_their_status(cli) -> None:
    assert (
        cli("done", "prep-assurance", "--as-of", "2024-06-01", "--on", "2024-04-18").exit_code == 0
    )
    todos = components(ics(cli, "--todo", "--include-done"), "VTODO")
    assert len(todos) == 40
    done = todos["prep-assurance@cim-sigdis-2024.cimsig"]
    assert str(done["STATUS"]) == "COMPLETED" and "COMPLETED" in done
    assert done.decoded("COMPLETED").date() == dt.date(2024, 4, 18)
    open_one = todos["step1-case-study@cim-sigdis-2024.cimsig"]
    assert str(open_one["STATUS"]) == "NEEDS-ACTION"
    assert open_one.decoded("DUE") == dt.date(2024, 6, 30)


def test_output_file_is_written_whole(cli, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "plan.ics"
    result = cli("export", "ics", "-o", str(target), "--as-of", "2024-06-01")
    assert result.exit_code == 0, result.output
    assert Calendar.from_ical(target.read_bytes())
    assert [p.name for p in folder.iterdir()] == ["plan.ics"]
    missing = cli("export", "csv", "-o", str(tmp_path / "no" / "such" / "x.csv"))
    assert missing.exit_code == 3 and "does not exist" in missing.stderr


def test_csv_has_a_bom_and_every_field(cli) -> None:
    cli("done", "prep-assurance", "--as-of", "2024-06-01", "--note", "Signed – María")
    result = cli("export", "csv", "--as-of", "2024-06-01")
    assert result.exit_code == 0, result.output
    raw = result.stdout_bytes
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 44
    keys = json.loads(cli("list", "--json", "--as-of", "2024-06-01").stdout)[0].keys()
    assert set(keys) <= set(rows[0]) and rows[0]["step_name"] == "Preparation"
    assurance = next(r for r in rows if r["id"] == "prep-assurance")
    assert (assurance["status"], assurance["done_on"], assurance["note"]) == (
        "done",
        "2024-06-01",
        "Signed – María",
    )
    infra = next(r for r in rows if r["id"] == "step1-infrastructure-analysis")
    assert infra["target"] == "April – May 2024"
    policies = next(r for r in rows if r["id"] == "step1-policies-practices")
    assert policies["weekend"] == "yes" and policies["due"] == "2024-06-30"


def test_markdown_checklist(cli) -> None:
    cli("done", "prep-assurance", "prep-mou", "--as-of", "2024-06-01")
    result = cli("export", "md", "--as-of", "2024-06-01")
    assert result.exit_code == 0, result.output
    md = result.stdout
    assert md.startswith("# 2024 CIM for Sig Dis Plan for Improvement Development Pacing Guide")
    assert "- [x] **Submit Assurance of Compliance form" in md
    assert "- [x] **Participate in individual LEA meetings" in md
    assert md.count("- [x]") == 2 and md.count("- [ ]") == 42
    assert "**Progress: 2 of 5 done (40%).**" in md
    assert "**Done Sat Jun 1, 2024, 43 days late**" in md  # compliance evidence shows lateness
    assert "**OVERDUE** (61 days late)" in md  # prep-intro-recordings, due April 1


def test_export_json_document(cli) -> None:
    result = cli("export", "json", "--as-of", "2024-06-01")
    doc = json.loads(result.stdout)
    assert doc["as_of"] == "2024-06-01" and doc["guide"]["id"] == "cim-sigdis-2024"
    assert doc["guide"]["budget_period"] == {
        "start": "2024-07-01",
        "end": "2026-09-30",
        "months": 27,
    }
    # Ongoing work (team meetings, implementing the plan) is beside the count, never in it.
    assert [p["total"] for p in doc["progress"]] == [5, 12, 5, 8, 10]
    # ... counted while it goes on: Step 4's (implementing the plan) begins in December.
    assert [p["ongoing"] for p in doc["progress"]] == [0, 2, 0, 0, 0]
    assert len(doc["activities"]) == 44


# -- the timeline -------------------------------------------------------------------------------

GOLDEN = Path(__file__).parents[1] / "golden"


def _lines(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.splitlines())


@pytest.mark.parametrize(
    ("args", "golden_name"),
    [((), "timeline_2024-06-01.txt"), (("--by-step",), "timeline_by_step_2024-06-01.txt")],
)
def test_timeline_golden_at_100_columns(
    cli, args: tuple[str, ...], golden_name: str, golden
) -> None:
    assert cli("done", "prep-assurance", "prep-mou", "--as-of", "2024-06-01").exit_code == 0
    result = cli("timeline", "--as-of", "2024-06-01", "--width", "100", *args)
    assert result.exit_code == 0, result.output
    golden(golden_name, _lines(result.stdout))
    assert max(len(line) for line in result.stdout.splitlines()) <= 100


def test_timeline_places_deadlines_and_today_on_their_columns() -> None:
    from cimsig import schedule, timeline
    from cimsig.guide import load_guide

    guide = load_guide()
    as_of = dt.date(2024, 6, 1)
    items = schedule.statuses(guide.activities, as_of, {})
    chart = timeline.layout(
        guide,
        items,
        as_of,
        columns=122,
        first=dt.date(2024, 3, 1),
        last=dt.date(2024, 6, 30),
        by_step=False,
    )
    # 122 days from March 1 to June 30 on 122 columns: one column per day.
    assert chart.today_column == (as_of - dt.date(2024, 3, 1)).days
    row = next(r for r in chart.rows if r.label == "prep-assurance")
    assert [i for i, c in enumerate(row.cells) if c.mark == timeline.DEADLINE] == [49]  # Apr 19
    workshop = next(r for r in chart.rows if r.label == "step1-workshop")
    bar = [i for i, c in enumerate(workshop.cells) if c.mark == timeline.BAR]
    assert (bar[0], bar[-1]) == (41, 54)  # April 11 to 24; the 25th is the deadline
    assert workshop.cells[55].mark == timeline.DEADLINE
    assert chart.months.startswith("M") and chart.years.startswith("2024")


def test_timeline_svg(cli, tmp_path: Path) -> None:
    target = tmp_path / "timeline.svg"
    result = cli("timeline", "--as-of", "2024-06-01", "--width", "100", "--svg", str(target))
    assert result.exit_code == 0, result.output
    svg = target.read_text("utf-8")
    assert svg.startswith("<?xml") and "<svg" in svg and "(step1-workshop)" in svg
    bad = cli("timeline", "--from", "2025-01-01", "--to", "2024-01-01")
    assert bad.exit_code == 2 and "is after" in bad.stderr
