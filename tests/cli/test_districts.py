"""Several districts through the real command line: adding, choosing, counting them all at
once, their exports kept apart, a district on a second guide file."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

GUIDE = Path(__file__).parents[2] / "data" / "pacing_2024.yaml"


@pytest.fixture
def two(cli) -> None:
    assert cli("district", "add", "Alpha Unified School District", "--track", "new").exit_code == 0
    assert cli("district", "add", "Beta USD", "--track", "Continuing").exit_code == 0


def folder(state_path: Path) -> Path:
    return state_path.parent / "districts"


def test_add_makes_a_complete_progress_file_per_district(cli, state_path: Path, two) -> None:
    alpha = folder(state_path) / "alpha-unified-school-district" / "cim-sigdis-2024.yaml"
    data = yaml.safe_load(alpha.read_text())
    assert data["profile"] == {"lea": "Alpha Unified School District", "track": "new"}
    assert data["guide"] == "cim-sigdis-2024"
    rows = json.loads(cli("district", "list", "--json").stdout)
    assert [(r["district"], r["track"], r["guide"]) for r in rows] == [
        ("Alpha Unified School District", "new", "cim-sigdis-2024"),
        ("Beta USD", "continuing", "cim-sigdis-2024"),
    ]
    again = cli("district", "add", "beta usd")
    assert again.exit_code == 2 and "already follows" in again.stderr


def test_district_names_whole_part_any_case_or_a_clear_error(cli, two) -> None:
    done = cli("done", "prep-assurance", "--district", "ALPHA", "--as-of", "2024-04-01")
    assert done.exit_code == 0, done.stderr
    assert done.stdout.startswith("Alpha Unified School District: Marked done: prep-assurance")
    unknown = cli("status", "--district", "Gamma")
    assert unknown.exit_code == 2
    assert "no district 'Gamma'" in unknown.stderr
    assert "alpha-unified-school-district, beta-usd" in unknown.stderr
    cli("district", "add", "Alpha Beta Charter")
    ambiguous = cli("status", "--district", "alpha")
    assert ambiguous.exit_code == 2 and "matches several districts" in ambiguous.stderr


def test_a_change_without_a_district_asks_which_and_changes_nothing(
    cli, state_path: Path, two
) -> None:
    result = cli("done", "prep-assurance", "--as-of", "2024-04-01")
    assert result.exit_code == 2 and "Which district?" in result.stderr
    assert "beta-usd" in result.stderr
    assert not state_path.exists()
    look = cli("next", "--as-of", "2024-04-01")  # no default file: a look asks too
    assert look.exit_code == 2 and "Which district?" in look.stderr


def test_the_environment_picks_the_district_and_state_with_district_is_refused(
    cli, monkeypatch, tmp_path: Path, two
) -> None:
    monkeypatch.setenv("CIMSIG_DISTRICT", "beta")
    assert cli("done", "prep-assurance", "--as-of", "2024-04-01").exit_code == 0
    rows = {r["name"]: r for r in json.loads(cli("overview", "--json", "--as-of",
                                                  "2024-04-01").stdout)}  # fmt: skip
    assert rows["beta-usd"]["done"] == 1 and rows["alpha-unified-school-district"]["done"] == 0
    both = cli("status", "--state", str(tmp_path / "x.yaml"))
    assert both.exit_code == 2 and "CIMSIG_DISTRICT and --state" in both.stderr


def test_without_districts_nothing_changes(cli, state_path: Path) -> None:
    result = cli("done", "prep-assurance", "--as-of", "2024-04-01")
    assert result.exit_code == 0 and result.stdout.startswith("Marked done")
    assert state_path.exists()
    assert cli("overview").stdout.startswith("No districts yet")


def test_overview_counts_like_status_and_puts_overdue_first(cli, two) -> None:
    for activity in ("prep-assurance", "prep-mou-meeting"):
        cli("done", activity, "--district", "beta", "--as-of", "2024-04-01")
    rows = json.loads(cli("overview", "--json", "--as-of", "2024-10-20").stdout)
    assert {"district", "track", "guide", "done", "total", "overdue", "open", "next_due",
            "next_days_left", "last_change", "progress_file"} <= set(rows[0])  # fmt: skip
    for row in rows:  # the same numbers as the district's own status --json
        own = json.loads(
            cli("status", "--json", "--district", row["name"], "--as-of", "2024-10-20").stdout
        )
        assert row["overdue"] == sum(a["status"] == "overdue" for a in own)
        assert row["open"] == sum(a["status"] == "open" for a in own)
        counted = [a for a in own if a["status"] != "recommended"]
        assert row["done"] == sum(a["status"] == "done" for a in counted)
    assert rows[0]["overdue"] >= rows[1]["overdue"]
    beta = next(r for r in rows if r["name"] == "beta-usd")
    assert beta["track"] == "continuing" and beta["done"] == 2
    assert beta["next_due"] == "2024-10-31" and beta["next_days_left"] == 11
    assert beta["last_change"] == "2024-03-01"  # the (fixed) recording clock of the tests
    check = cli("overview", "--check", "--as-of", "2024-10-20")
    assert check.exit_code == 1
    assert cli("overview", "--check", "--as-of", "2024-03-17").exit_code == 0
    text = cli("overview", "--as-of", "2024-10-20").stdout
    assert "Alpha Unified School District" in text and "Beta USD" in text


def test_import_copies_a_district_file_and_refuses_what_is_not_one(
    cli, tmp_path: Path, state_path: Path
) -> None:
    sent = tmp_path / "from-gamma.yaml"
    assert cli("init", "--state", str(sent), "--lea", "Gamma USD", "--track", "new").exit_code == 0
    assert (
        cli("done", "prep-assurance", "--state", str(sent), "--as-of", "2024-04-01").exit_code == 0
    )
    before = sent.read_bytes()
    result = cli("district", "import", str(sent))
    assert result.exit_code == 0, result.stderr
    copy = folder(state_path) / "gamma-usd" / "cim-sigdis-2024.yaml"
    assert copy.read_bytes() == before and sent.read_bytes() == before
    taken = cli("district", "import", str(sent))
    assert taken.exit_code == 3 and "is taken" in taken.stderr
    junk = tmp_path / "notes.yaml"
    junk.write_text("shopping: [milk]\n")
    assert cli("district", "import", str(junk), "--name", "X").exit_code == 3
    assert junk.read_text() == "shopping: [milk]\n"


def test_remove_asks_and_keeps_a_copy(cli, state_path: Path, two) -> None:
    refused = cli("district", "remove", "beta")
    assert refused.exit_code == 2 and "--yes" in refused.stderr
    assert (folder(state_path) / "beta-usd").is_dir()
    removed = cli("district", "remove", "beta", "--yes")
    assert removed.exit_code == 0
    kept = list((folder(state_path) / ".removed").glob("beta-usd-*/cim-sigdis-2024.yaml"))
    assert len(kept) == 1 and str(kept[0].parent) in " ".join(removed.stdout.split())
    assert [r["name"] for r in json.loads(cli("district", "list", "--json").stdout)] == [
        "alpha-unified-school-district"
    ]


def test_a_district_on_a_second_guide_file(cli, tmp_path: Path, two) -> None:
    second = tmp_path / "guide-2025.yaml"
    text = GUIDE.read_text(encoding="utf-8").replace(
        "id: cim-sigdis-2024", "id: cim-sigdis-2025", 1
    )
    second.write_text(text, encoding="utf-8")
    added = cli("district", "add", "Alpha Unified School District", "--guide", str(second))
    assert added.exit_code == 0, added.stderr
    which = cli("status", "--district", "alpha")
    assert which.exit_code == 2 and "follows 2 guides" in which.stderr
    done = cli("done", "prep-assurance", "--district", "alpha", "--guide", str(second),
               "--as-of", "2024-04-01")  # fmt: skip
    assert done.exit_code == 0, done.stderr
    rows = json.loads(cli("overview", "--json", "--as-of", "2024-04-01").stdout)
    alpha = {r["guide"]: r["done"] for r in rows if r["name"] == "alpha-unified-school-district"}
    assert alpha == {"cim-sigdis-2024": 0, "cim-sigdis-2025": 1}
    second.unlink()  # the guide file is kept with the districts: still found without it
    assert cli("list", "--json", "--district", "beta").exit_code == 0


def test_the_default_progress_file_is_per_guide(cli, tmp_path: Path, state_path: Path) -> None:
    second = tmp_path / "guide-2025.yaml"
    text = GUIDE.read_text(encoding="utf-8").replace(
        "id: cim-sigdis-2024", "id: cim-sigdis-2025", 1
    )
    second.write_text(text, encoding="utf-8")
    assert cli("done", "prep-assurance", "--as-of", "2024-04-01").exit_code == 0
    other = cli("done", "prep-mou-meeting", "--guide", str(second), "--as-of", "2024-04-01")
    assert other.exit_code == 0, other.stderr
    assert set(yaml.safe_load(state_path.read_text())["done"]) == {"prep-assurance"}
    own = state_path.with_name("state-cim-sigdis-2025.yaml")
    assert set(yaml.safe_load(own.read_text())["done"]) == {"prep-mou-meeting"}


def test_exports_keep_districts_apart(cli, tmp_path: Path, two) -> None:
    cli("done", "prep-assurance", "--district", "beta", "--as-of", "2024-04-01")
    out = tmp_path / "out"
    result = cli("export", "csv", "--all-districts", "--folder", str(out), "--as-of", "2024-04-01")
    assert result.exit_code == 0, result.stderr
    files = sorted(p.name for p in out.iterdir())
    assert files == ["alpha-unified-school-district-cim-sigdis-2024.csv",
                     "beta-usd-cim-sigdis-2024.csv"]  # fmt: skip
    beta = list(csv.DictReader(io.StringIO((out / files[1]).read_text(encoding="utf-8-sig"))))
    assert {row["district"] for row in beta} == {"Beta USD"}
    ics = cli("export", "ics", "--district", "beta", "--as-of", "2024-04-01").stdout
    assert "SUMMARY:Beta USD: Step 1:" in ics.replace("\r\n ", "")
    assert "UID:step1-data-drill-down@beta-usd.cim-sigdis-2024.cimsig" in ics
    plain = cli("export", "ics", "--district", "beta", "--no-district-prefix").stdout
    assert "SUMMARY:Step 1:" in plain.replace("\r\n ", "")


@pytest.mark.skipif(shutil.which("khal") is None, reason="khal is not installed")
def test_two_districts_in_one_real_calendar(cli, tmp_path: Path, two) -> None:
    out = tmp_path / "out"
    cli("export", "ics", "--all-districts", "--folder", str(out), "--as-of", "2024-03-17")
    calendar = tmp_path / "calendar"
    calendar.mkdir()
    config = tmp_path / "khal.conf"
    config.write_text(
        f"[calendars]\n[[plans]]\npath = {calendar}\ntype = calendar\n"
        "[locale]\ntimeformat = %H:%M\ndateformat = %Y-%m-%d\nlongdateformat = %Y-%m-%d\n"
        "datetimeformat = %Y-%m-%d %H:%M\nlongdatetimeformat = %Y-%m-%d %H:%M\n"
        "[default]\ndefault_calendar = plans\n"
    )

    def khal(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["khal", "-c", str(config), *args], capture_output=True,
                              text=True, timeout=120, check=False)  # fmt: skip

    events_each = []
    for ics in sorted(out.iterdir()):
        events_each.append(ics.read_text().count("BEGIN:VEVENT"))
        imported = khal("import", "--batch", "-a", "plans", str(ics))
        assert imported.returncode == 0, imported.stderr
    assert len(list(calendar.glob("*.ics"))) == sum(events_each)  # none overwrote another
    # a newer file of one district updates its own events and adds none
    cli("done", "prep-assurance", "--district", "beta", "--as-of", "2024-03-17")
    newer = out.parent / "beta-new.ics"
    cli("export", "ics", "--district", "beta", "--include-done", "--as-of", "2024-03-17",
        "-o", str(newer))  # fmt: skip
    assert khal("import", "--batch", "-a", "plans", str(newer)).returncode == 0
    assert len(list(calendar.glob("*.ics"))) == sum(events_each)
    updated = calendar / "prep-assurance@beta-usd.cim-sigdis-2024.cimsig.ics"
    assert "[done] Beta USD:" in updated.read_text().replace("\r\n ", "")
    listed = khal("list", "2024-03-01", "400d").stdout
    assert "Alpha Unified School District:" in listed and "Beta USD:" in listed


def test_the_time_zone_is_named_from_the_guide(cli, tmp_path: Path) -> None:
    east = tmp_path / "east.yaml"
    text = GUIDE.read_text(encoding="utf-8").replace("id: cim-sigdis-2024", "id: east-2024", 1)
    east.write_text(text.replace("America/Los_Angeles", "America/New_York", 1), encoding="utf-8")
    timed = next(
        r["id"] for r in json.loads(cli("list", "--json", "--as-of", "2024-04-01").stdout)
        if r["time"]
    )  # fmt: skip
    assert "Pacific time" in cli("show", timed, "--as-of", "2024-04-01").stdout
    shown = cli("show", timed, "--guide", str(east), "--as-of", "2024-04-01").stdout
    assert "Eastern time" in shown and "Pacific" not in shown
    md = cli("export", "md", "--guide", str(east), "--as-of", "2024-04-01").stdout
    assert "Eastern time" in md and "Pacific time" not in md
    assert "2024" not in cli("status", "--help").stdout.split("--guide", 1)[1].split("\n")[0]


def test_a_stray_or_broken_file_in_a_district_folder_does_not_hide_the_others(
    cli, state_path: Path, two
) -> None:
    beta = folder(state_path) / "beta-usd"
    (beta / "notes.yaml").write_text("agenda: board\n")  # a file of the user's own
    (beta / "cim-sigdis-2024 (conflicted copy).yaml").write_text(
        (beta / "cim-sigdis-2024.yaml").read_text()
    )  # a sync service's copy
    alpha = folder(state_path) / "alpha-unified-school-district" / "cim-sigdis-2024.yaml"
    # damaged by hand (the first line, which cimsig writes, kept)
    alpha.write_text(alpha.read_text().split("\n", 1)[0] + "\nversion: 3\nguide: [broken\n")
    result = cli("overview", "--json", "--as-of", "2024-04-01")
    assert result.exit_code == 0
    assert [r["name"] for r in json.loads(result.stdout)] == ["beta-usd"]
    assert "alpha-unified-school-district left out" in result.stderr
    listed = cli("district", "list", "--json")
    assert [r["name"] for r in json.loads(listed.stdout)] == ["beta-usd"]
    assert cli("status", "--district", "beta", "--as-of", "2024-04-01").exit_code == 0


def test_removing_twice_in_one_second_keeps_both_copies(cli, state_path: Path) -> None:
    for _ in range(2):
        assert cli("district", "add", "Gamma").exit_code == 0
        assert cli("district", "remove", "gamma", "--yes").exit_code == 0
    assert len(list((folder(state_path) / ".removed").glob("gamma-*"))) == 2


def test_a_name_in_another_script_gets_a_folder(cli, state_path: Path) -> None:
    result = cli("district", "add", "中文学区", "--track", "new")
    assert result.exit_code == 0, result.stderr
    assert (folder(state_path) / "中文学区" / "cim-sigdis-2024.yaml").is_file()
    assert cli("status", "--district", "中文", "--as-of", "2024-04-01").exit_code == 0


def test_all_districts_refuses_options_that_mean_one(cli, tmp_path: Path, two) -> None:
    both = cli("export", "csv", "--all-districts", "--district", "alpha")
    assert both.exit_code == 2 and "leave out --district" in both.stderr
    alone = cli("export", "csv", "--folder", str(tmp_path))
    assert alone.exit_code == 2 and "--all-districts" in alone.stderr


def test_overview_of_two_guides_reads_at_80_columns(cli, tmp_path: Path, monkeypatch, two) -> None:
    second = tmp_path / "guide-2025.yaml"
    text = GUIDE.read_text(encoding="utf-8").replace(
        "id: cim-sigdis-2024", "id: cim-sigdis-2025", 1
    )
    second.write_text(text, encoding="utf-8")
    assert cli("district", "add", "Beta USD", "--guide", str(second)).exit_code == 0
    monkeypatch.setenv("COLUMNS", "80")
    shown = cli("overview", "--as-of", "2024-10-20").stdout
    assert "Alpha Unified School" in shown and "cim-sigdis-2025" in shown
    assert max(len(line) for line in shown.splitlines()) <= 80


def test_an_html_report_for_every_district(cli, tmp_path: Path, two) -> None:
    out = tmp_path / "reports"
    result = cli("export", "html", "--all-districts", "--folder", str(out), "--as-of", "2024-04-01")
    assert result.exit_code == 0, result.stderr
    beta = out / "beta-usd-cim-sigdis-2024.html"
    assert sorted(p.name for p in out.iterdir()) == [
        "alpha-unified-school-district-cim-sigdis-2024.html", beta.name, "index.html"]  # fmt: skip
    assert "Beta USD" in beta.read_text(encoding="utf-8")
    one = cli("export", "html", "--district", "alpha", "--as-of", "2024-04-01")
    assert one.exit_code == 0 and "Alpha Unified School District" in one.stdout
