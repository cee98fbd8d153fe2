"""The district's own dates beside the guide's deadline, and what a look back (`--as-of`) shows."""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar

REPORT = "step4-report-2026oct-dec"  # the FINAL report: due Sun Jan 10, 2027


def ok(result) -> str:
    assert result.exit_code == 0, result.output
    return result.stdout


def show_json(cli_json, activity_id: str, as_of: str) -> dict:
    return cli_json("show", activity_id, "--as-of", as_of)


def test_a_later_district_date_never_hides_the_guide_deadline(cli, cli_json) -> None:
    ok(cli("plan", REPORT, "--due", "2027-01-15", "--as-of", "2026-10-01"))
    # After the guide's deadline, before the district's date: overdue, and --check says so.
    check = cli("status", "--as-of", "2027-01-11", "--check")
    assert check.exit_code == 1, check.output
    assert "Nothing is overdue" not in check.stdout
    overdue_part = check.stdout.split("Overdue (")[1]
    assert REPORT in overdue_part and "Sun Jan 10, 2027" in overdue_part
    assert "Your date: Fri Jan 15, 2027" in overdue_part
    # Two weeks before, the guide's deadline is in the 14 days, with the district's date beside.
    soon = ok(cli("status", "--as-of", "2026-12-28"))
    assert "Sun Jan 10, 2027" in soon and "13 days" in soon
    # JSON: which date the status counts from.
    row = show_json(cli_json, REPORT, "2027-01-11")
    assert (row["status"], row["due"], row["own_due"], row["guide_due"]) == (
        "overdue",
        "2027-01-10",
        "2027-01-15",
        "2027-01-10",
    )
    assert row["measured_against"] == "guide" and row["days_left"] == -1
    shown = ok(cli("show", REPORT, "--as-of", "2027-01-11"))
    assert "Your date" in shown and "Fri Jan 15, 2027" in shown
    # The calendar keeps the guide's deadline as the event.
    cal = Calendar.from_ical(cli("export", "ics", "--as-of", "2026-10-01").stdout_bytes)
    event = next(e for e in cal.walk("VEVENT") if str(e["UID"]).startswith(REPORT + "@"))
    assert event.decoded("DTSTART") == dt.date(2027, 1, 10)
    assert "Your district's own date: Fri Jan 15, 2027" in str(event["DESCRIPTION"])


def test_an_earlier_district_date_is_a_target_of_its_own(cli, cli_json) -> None:
    ok(cli("plan", "step1-case-study", "--due", "2024-06-14", "--as-of", "2024-06-01"))
    row = show_json(cli_json, "step1-case-study", "2024-06-20")
    assert (row["status"], row["due"], row["measured_against"]) == (
        "overdue",
        "2024-06-14",
        "district",
    )
    shown = ok(cli("show", "step1-case-study", "--as-of", "2024-06-20"))
    assert "overdue against your own date" in shown
    assert "Sun Jun 30, 2024" in shown  # the guide's deadline, shown beside
    status = ok(cli("status", "--as-of", "2024-06-20"))
    assert "Your own date; the guide's deadline: Sun Jun 30, 2024" in status
    # Before either date: measured against the district's date, not yet overdue.
    assert show_json(cli_json, "step1-case-study", "2024-06-10")["status"] == "open"
    # A guide activity without a district date says so too.
    assert show_json(cli_json, "prep-assurance", "2024-06-10")["measured_against"] == "guide"


def test_a_change_needs_whole_words_of_one_id_not_a_title_word(cli, cli_json, state_path) -> None:
    ok(cli("init", "--lea", "Riverbend Unified"))
    before = state_path.read_bytes()
    # `final` starts `step3-finalize-plan` and is a word of the FINAL report's title.
    result = cli("note", "final", "Waiting on fiscal")
    assert result.exit_code == 2, result.output
    assert "nothing was changed" in result.stderr
    assert "step3-finalize-plan: Revise & Finalize" in result.stderr
    assert f"{REPORT}: Complete the FINAL Quarterly" in result.stderr
    assert state_path.read_bytes() == before
    # A word that starts an id's word is not enough for a change either.
    cut = cli("done", "prep-assur", "--as-of", "2024-05-01")
    assert cut.exit_code == 2 and "prep-assurance: Submit Assurance" in cut.stderr
    # An id word that is also a word of another title: refused, with both candidates.
    data = cli("assign", "data", "Ana Ruiz")
    assert data.exit_code == 2 and "step2-root-causes-meeting" in data.stderr
    assert state_path.read_bytes() == before
    # Whole words of exactly one id, in no other title: taken.
    assert "step1-data-drill-down" in ok(cli("done", "drill", "--as-of", "2024-06-01"))
    # A read may be looser, and says which activity it shows.
    shown = cli("show", "final", "--as-of", "2024-06-01")
    assert shown.exit_code == 0 and "showing step3-finalize-plan" in shown.stderr


def test_a_look_back_sees_owners_own_dates_and_own_activities_on_record_now(
    cli, cli_json, monkeypatch
) -> None:
    # Everything is typed today (2026), about the school year 2024-25.
    moment = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=-8)))
    monkeypatch.setattr("cimsig.environment.now", lambda: moment)
    ok(
        cli(
            "add", "SELPA review", "--step", "step3", "--due", "2024-11-20", "--as-of", "2024-11-01"
        )
    )
    added = "district-selpa-review"
    done = cli("done", added, "--as-of", "2024-11-22")
    assert done.exit_code == 0, done.output
    assert "done on Fri Nov 22, 2024" in done.stdout
    ok(cli("assign", "case-study", "Ana Ruiz", "--as-of", "2024-06-01"))
    ok(cli("plan", "case-study", "--due", "2024-06-14", "--as-of", "2024-06-01"))
    ok(cli("note", "case-study", "Files pulled", "--as-of", "2024-06-05"))
    then = {r["id"]: r for r in cli_json("list", "--as-of", "2024-06-10")}
    assert then["step1-case-study"]["owner"] == "Ana Ruiz"
    assert then["step1-case-study"]["due"] == "2024-06-14"
    assert then[added]["status"] == "upcoming"
    assert [n["text"] for n in then["step1-case-study"]["notes"]] == ["Files pulled"]
    assert show_json(cli_json, "step1-case-study", "2024-06-04")["notes"] == []  # dated June 5
    on_the_day = show_json(cli_json, "step1-case-study", "2024-06-05")
    assert [n["text"] for n in on_the_day["notes"]] == ["Files pulled"]
    assert on_the_day["notes"][0]["at"].startswith("2024-06-05")
    status = cli("status", "--as-of", "2024-06-10")
    assert "does not have" not in status.stdout  # no "ids this guide does not have"
    board = ok(cli("status", "--as-of", "2024-06-10", "--owner", "Ana"))
    assert "step1-case-study" in board or "Conduct Case Study" in board
    # The history keeps when each change was typed.
    history = ok(cli("history"))
    assert "2026" in history


def test_counts_are_said_the_same_way_in_list_and_status(cli, monkeypatch) -> None:
    import re

    monkeypatch.setenv("COLUMNS", "200")
    ok(
        cli(
            "add", "SELPA review", "--step", "step3", "--due", "2024-11-20", "--as-of", "2024-11-01"
        )
    )
    for as_of in ("2024-06-01", "2026-08-01"):
        listed = " ".join(ok(cli("list", "--as-of", as_of)).split())
        status = " ".join(ok(cli("status", "--as-of", as_of)).split())
        said = re.search(r"the progress counts (.*?)\.", listed)
        assert said is not None and f"Counted: {said[1]}." in status
        guide, own = (int(n) for n in re.findall(r"(\d+) of (?:the guide|your own)", said[1]))
        totals = sum(int(n) for n in re.findall(r"\d+/(\d+) +\d+%", status))
        assert guide + own == totals and own == 1
        assert "ongoing work not counted" in said[1]
        assert "yearly work adds one a year" in said[1]
