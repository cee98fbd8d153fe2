"""`status --json`: every activity as `list --json` gives it, plus the list of the weekly check-in
it is shown in (`check_in`), selected where the table's lists are (schedule.weekly)."""

from __future__ import annotations


def test_status_json_says_which_list_of_the_check_in_each_activity_is_in(cli, cli_json) -> None:
    done = cli("done", "prep-assurance", "--as-of", "2024-09-09")
    assert done.exit_code == 0, done.output
    rows = cli_json("status", "--as-of", "2024-09-09")
    listed = cli_json("list", "--as-of", "2024-09-09")
    assert [r["id"] for r in rows] == [r["id"] for r in listed]
    assert all(set(r) == set(row) | {"check_in"} for r, row in zip(rows, listed, strict=True))
    shown = {r["id"]: r["check_in"] for r in rows}
    table = cli("status", "--as-of", "2024-09-09").stdout
    overdue = [i for i, where in shown.items() if where == "overdue"]
    assert overdue and all(r["status"] == "overdue" for r in rows if r["id"] in overdue)
    assert f"Overdue ({len(overdue)})" in table
    in_progress = [i for i, where in shown.items() if where == "in_progress"]
    assert f"In progress ({len(in_progress)})" in table
    assert shown["prep-assurance"] is None  # done: in none of the lists
