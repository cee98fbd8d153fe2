"""The calendar as the person who imports it sees it: reminders in the morning, done work marked
done, notes in the description, a calendar per owner, and no control byte anywhere."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from icalendar import Calendar

PACIFIC = ZoneInfo("America/Los_Angeles")
UID = "{}@cim-sigdis-2024.cimsig"


def calendar(cli, *args: str, as_of: str = "2024-03-01") -> Calendar:
    result = cli("export", "ics", "--as-of", as_of, *args)
    assert result.exit_code == 0, result.output
    return Calendar.from_ical(result.stdout_bytes)


def by_uid(cal: Calendar, name: str = "VEVENT") -> dict[str, object]:
    return {str(c["UID"]): c for c in cal.walk(name)}


def test_a_reminder_fires_at_nine_in_the_morning(cli) -> None:
    events = by_uid(calendar(cli, "--remind", "7d"))
    # An all-day deadline (Fri Apr 19, 2024): the reminder is on Fri Apr 12 at 9 a.m.
    assurance = events[UID.format("prep-assurance")]
    (alarm,) = assurance.walk("VALARM")
    start = dt.datetime.combine(assurance.decoded("DTSTART"), dt.time(0))
    assert start + alarm.decoded("TRIGGER") == dt.datetime(2024, 4, 12, 9, 0)
    # The meeting at noon Pacific on Apr 2: the reminder is on Mar 26 at 9 a.m. Pacific.
    meeting = events[UID.format("prep-virtual-meeting")]
    (alarm,) = meeting.walk("VALARM")
    fires = meeting.decoded("DTSTART") + alarm.decoded("TRIGGER")
    assert fires.astimezone(PACIFIC).replace(tzinfo=None) == dt.datetime(2024, 3, 26, 9, 0)


def test_a_task_reminder_counts_from_its_due_date_not_its_window(cli) -> None:
    tasks = by_uid(calendar(cli, "--todo", "--remind", "2w"), "VTODO")
    theory = tasks[UID.format("step2-theory-of-action")]  # window Jul 1 - Oct 31, 2024
    (alarm,) = theory.walk("VALARM")
    assert alarm["TRIGGER"].params["RELATED"] == "END"
    due = dt.datetime.combine(theory.decoded("DUE"), dt.time(0))
    assert due + alarm.decoded("TRIGGER") == dt.datetime(2024, 10, 17, 9, 0)


def test_done_activities_stay_marked_done_without_a_reminder(cli) -> None:
    before = set(by_uid(calendar(cli)))
    assert (
        cli("done", "prep-assurance", "--on", "2024-04-18", "--as-of", "2024-04-18").exit_code == 0
    )
    events = by_uid(calendar(cli, "--remind", "7d", as_of="2024-04-20"))
    assert set(events) == before  # re-importing updates the event: it does not vanish
    assurance = events[UID.format("prep-assurance")]
    assert str(assurance["SUMMARY"]).startswith("[done] ")
    assert "Done on Thu Apr 18, 2024." in str(assurance["DESCRIPTION"])
    assert assurance.walk("VALARM") == []
    without = by_uid(calendar(cli, "--without-done", as_of="2024-04-20"))
    assert UID.format("prep-assurance") not in without
    tasks = by_uid(calendar(cli, "--todo", as_of="2024-04-20"), "VTODO")
    assert str(tasks[UID.format("prep-assurance")]["STATUS"]) == "COMPLETED"


def test_notes_go_into_the_description_with_their_dates(cli) -> None:
    assert cli("note", "prep-assurance", "Signed by the superintendent").exit_code == 0
    assert cli("note", "prep-assurance", "Scanned copy:\n- in the shared folder").exit_code == 0
    description = str(by_uid(calendar(cli))[UID.format("prep-assurance")]["DESCRIPTION"])
    assert "Notes:\n2024-03-01: Signed by the superintendent\n" in description
    assert "2024-03-01: Scanned copy:\n- in the shared folder" in description


def test_a_calendar_for_one_owner(cli) -> None:
    assert cli("assign", "prep-assurance", "Maria Lopez").exit_code == 0
    assert cli("assign", "step2-theory-of-action", "Maria Lopez").exit_code == 0
    assert cli("assign", "prep-virtual-meeting", "Sam Chen").exit_code == 0
    cal = calendar(cli, "--owner", "maria")
    assert set(by_uid(cal)) == {UID.format("prep-assurance"), UID.format("step2-theory-of-action")}
    assert str(cal["X-WR-CALNAME"]).startswith("Maria Lopez: ")
    unknown = cli("export", "ics", "--owner", "Nobody", "--as-of", "2024-03-01")
    assert unknown.exit_code == 2
    assert "No owner is called 'Nobody'" in unknown.stderr
    assert "Maria Lopez" in unknown.stderr


def test_no_control_byte_reaches_any_part_of_the_calendar(cli) -> None:
    added = cli(
        "add", "--step", "step2", "--start", "2024-09-01", "--due", "2024-10-20", "--id",
        "district-board", "--", "Board \x1b[31mreview\x1b[0m\x07",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    assert cli("assign", "district-board", "Ann \x1b]0;owned\x07").exit_code == 0
    assert cli("note", "district-board", "read \x1b[2Jthis").exit_code == 0
    result = cli("export", "ics", "--spans", "--remind", "7d", "--as-of", "2024-09-09")
    assert result.exit_code == 0, result.output
    data = result.stdout_bytes
    controls = {byte for byte in data if byte < 32 and byte not in (9, 10, 13)} | (
        {0x7F} & set(data)
    )
    assert controls == set()
    events = by_uid(Calendar.from_ical(data))
    window = events["district-board-window@cim-sigdis-2024.cimsig"]
    assert "Owner: Ann ]0;owned" in str(window["DESCRIPTION"])
    (alarm,) = events["district-board@cim-sigdis-2024.cimsig"].walk("VALARM")
    assert str(alarm["DESCRIPTION"]) == "Due in 7 days: Board [31mreview[0m"
