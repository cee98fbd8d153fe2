"""The hardening issue, point by point, through the real command line."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from tests.cli.test_faults import cimsig, env_for

AS_OF = "2024-04-20"


def parallel(state: Path, *commands: list[str]) -> list[subprocess.CompletedProcess[str]]:
    """Start every command at once; wait for all."""
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "cimsig", *args],
            env=env_for(state),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for args in commands
    ]
    results = []
    for proc, args in zip(procs, commands, strict=True):
        out, err = proc.communicate(timeout=120)
        results.append(subprocess.CompletedProcess(args, proc.returncode, out, err))
    return results


def load(state: Path) -> dict:
    return yaml.safe_load(state.read_text())


# -- ids resolved under the lock ------------------------------------------------------------


def test_two_parallel_adds_of_the_same_title_are_both_kept(state_path: Path) -> None:
    add = ["add", "Board meeting", "--step", "prep", "--due", "2024-05-01"]
    for result in parallel(state_path, add, add):
        assert result.returncode == 0, result.stderr
    custom = load(state_path)["custom"]
    assert len(custom) == 2
    assert {c["title"] for c in custom.values()} == {"Board meeting"}


def test_parallel_init_of_the_name_and_the_track_are_both_kept(state_path: Path) -> None:
    for result in parallel(state_path, ["init", "--lea", "X"], ["init", "--track", "continuing"]):
        assert result.returncode == 0, result.stderr
    assert load(state_path)["profile"] == {"lea": "X", "track": "continuing"}


# -- history entries are checked when the file is read ---------------------------------------

_WITH_SEQ = """\
version: 2
guide: cim-sigdis-2024
done:
  prep-assurance:
    date: '2024-04-01'
    recorded: '2024-04-01T09:00:00-07:00'
history:
- at: '2024-04-01T09:00:00-07:00'
  action: done
  id: prep-assurance
  seq: {seq}
  changes:
  - field: done
    before: null
    after: {{date: '2024-04-01', recorded: '2024-04-01T09:00:00-07:00', note: null}}
"""


@pytest.mark.parametrize("seq", ["abc", ".inf", "null", "[1, 2]"])
@pytest.mark.parametrize(
    "command",
    [
        ["done", "prep-mou", "--as-of", AS_OF],
        ["note", "prep-mou", "a note"],
        ["undo", "--as-of", AS_OF],
        ["undo", "prep-assurance", "--as-of", AS_OF],
    ],
)
def test_a_history_entry_without_a_whole_number_seq_is_refused(
    cli, state_path: Path, seq: str, command: list[str]
) -> None:
    state_path.parent.mkdir(parents=True, exist_ok=True)
    state_path.write_text(_WITH_SEQ.format(seq=seq))
    before = state_path.read_bytes()
    result = cli(*command)
    assert result.exit_code == 3, result.output
    assert "line 11" in result.stderr and "seq" in result.stderr
    assert "Traceback" not in result.stderr
    assert state_path.read_bytes() == before


# -- only regular files are read ---------------------------------------------------------------


def _quick(state: Path, *args: str) -> subprocess.CompletedProcess[str]:
    started = time.monotonic()
    result = cimsig(state, *args)
    assert time.monotonic() - started < 20, "it hung"
    return result


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_dev_zero_as_progress_file_or_guide_exits_3_at_once(state_path: Path) -> None:
    result = _quick(state_path, "status", "--state", "/dev/zero", "--as-of", AS_OF)
    assert result.returncode == 3 and "not a progress file" in result.stderr
    result = _quick(state_path, "status", "--guide", "/dev/zero", "--as-of", AS_OF)
    assert result.returncode == 3 and "not a guide file" in result.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_as_progress_file_or_guide_exits_3_without_waiting(
    state_path: Path, tmp_path: Path
) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    result = _quick(state_path, "done", "prep-mou", "--state", str(fifo), "--as-of", AS_OF)
    assert result.returncode == 3 and "not a progress file" in result.stderr
    result = _quick(state_path, "status", "--guide", str(fifo), "--as-of", AS_OF)
    assert result.returncode == 3 and "not a guide file" in result.stderr
    assert fifo.exists() and not fifo.is_file()


def test_a_folder_as_progress_file_or_guide_exits_3(cli, tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    for command in (["status"], ["done", "prep-mou"], ["doctor"]):
        result = cli(*command, "--state", str(folder), "--as-of", AS_OF)
        assert result.exit_code == 3, result.output
        assert "not a progress file" in " ".join(result.output.split())
    result = cli("status", "--guide", str(folder), "--as-of", AS_OF)
    assert result.exit_code == 3 and "not a guide file" in result.stderr
    assert folder.is_dir() and list(folder.iterdir()) == []


# -- 5. hand-edited data is never silently dropped -------------------------------------------

_TWO_DONE_BLOCKS = """\
version: 2
done:
  prep-assurance: {date: '2024-04-01', recorded: '2024-04-01T09:00:00-07:00'}
plans: {}
done:
  prep-mou-meeting: {date: '2024-04-02', recorded: '2024-04-02T09:00:00-07:00'}
"""


def _write(state: Path, text: str) -> bytes:
    state.parent.mkdir(parents=True, exist_ok=True)
    state.write_text(text)
    return state.read_bytes()


@pytest.mark.parametrize(
    "command",
    [["status"], ["done", "step1-identify-team"], ["doctor"], ["undo"], ["list", "--json"]],
)
def test_a_key_given_twice_is_exit_3_naming_the_line(
    cli, state_path: Path, command: list[str]
) -> None:
    before = _write(state_path, _TWO_DONE_BLOCKS)
    result = cli(*command, "--as-of", AS_OF)
    assert result.exit_code == 3, result.output
    said = " ".join(result.output.split())
    assert "line 5" in said and "'done' is given twice" in said
    assert state_path.read_bytes() == before


def test_a_duplicate_id_inside_a_section_is_refused_too(cli, state_path: Path) -> None:
    before = _write(
        state_path,
        "version: 2\nowners:\n  prep-mou-meeting: Ana\n  prep-mou-meeting: Ben\n",
    )
    result = cli("assign", "step1-identify-team", "Cy")
    assert result.exit_code == 3 and "line 4" in result.stderr
    assert state_path.read_bytes() == before


_SIGNED = """\
version: 2
guide: cim-sigdis-2024
profile: {lea: Lakeside USD, track: new, county: Marin}
done:
  prep-assurance:
    date: '2024-04-01'
    recorded: '2024-04-01T09:00:00-07:00'
    note: null
    signed_by: Superintendent
plans:
  prep-mou-meeting: {due: '2024-05-01', start: null, approved: true}
notes:
  prep-mou-meeting:
  - {at: '2024-04-01T09:00:00-07:00', text: first, by: Ana}
"""


def test_unknown_fields_in_records_are_kept_through_writes_and_noted(cli, state_path: Path) -> None:
    _write(state_path, _SIGNED)
    for command in (
        ["done", "prep-mou-meeting", "--as-of", AS_OF],
        ["note", "prep-mou-meeting", "second"],
        ["plan", "prep-mou-meeting", "--due", "2024-05-10"],
        ["init", "--track", "continuing"],
        ["undo", "--as-of", AS_OF],  # takes back the init
    ):
        assert cli(*command).exit_code == 0, command
    data = load(state_path)
    assert data["done"]["prep-assurance"]["signed_by"] == "Superintendent"
    assert data["plans"]["prep-mou-meeting"]["approved"] is True
    assert data["plans"]["prep-mou-meeting"]["due"] == "2024-05-10"
    assert data["notes"]["prep-mou-meeting"][0]["by"] == "Ana"
    assert data["profile"] == {"lea": "Lakeside USD", "track": "new", "county": "Marin"}
    doctor = cli("doctor", "--as-of", AS_OF)
    said = " ".join(doctor.stdout.split())
    assert "does not know (kept as they are)" in said
    assert "signed_by in done of prep-assurance" in said and "county in the profile" in said


@pytest.mark.parametrize("key", ["~", "null", "yes", "''"])
def test_an_id_that_is_not_an_id_is_refused(cli, state_path: Path, key: str) -> None:
    before = _write(
        state_path,
        f"version: 2\ndone:\n  {key}: {{date: '2024-04-01', recorded: x}}\n",
    )
    result = cli("done", "prep-mou-meeting", "--as-of", AS_OF)
    assert result.exit_code == 3, result.output
    assert "line 3" in result.stderr and "without an activity id" in result.stderr
    assert state_path.read_bytes() == before


# -- 6. YAML alias bombs -----------------------------------------------------------------------


def _bomb(levels: int) -> str:
    lines = ["version: 2", "x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, levels + 1):
        refs = ", ".join([f"*a{level - 1}"] * 9)
        lines.append(f"x{level}: &a{level} [{refs}]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    "command", [["status"], ["doctor"], ["done", "prep-mou-meeting"], ["list", "--json"]]
)
def test_a_progress_file_with_an_alias_bomb_is_refused_at_once(
    state_path: Path, command: list[str]
) -> None:
    before = _write(state_path, _bomb(9))
    assert len(before) < 600
    result = _quick(state_path, *command, "--as-of", AS_OF)
    assert result.returncode == 3, result.stderr + result.stdout
    said = " ".join((result.stderr + result.stdout).split())
    assert "anchor or alias" in said and "line 2" in said
    assert state_path.read_bytes() == before


def test_a_single_alias_in_a_progress_file_is_refused(cli, state_path: Path) -> None:
    before = _write(
        state_path,
        "version: 2\nplans:\n"
        "  prep-mou-meeting: &p {due: '2024-05-01'}\n"
        "  step1-identify-team: *p\n",
    )
    result = cli("done", "prep-mou-meeting", "--as-of", AS_OF)
    assert result.exit_code == 3 and "anchor or alias" in result.stderr
    assert state_path.read_bytes() == before


def test_notes_with_ampersands_and_stars_are_fine(cli, state_path: Path) -> None:
    for text in ("R&D budget", "*important* & &urgent", "&x", "*x"):
        assert cli("note", "prep-mou-meeting", text).exit_code == 0
    assert [n["text"] for n in load(state_path)["notes"]["prep-mou-meeting"]][-1] == "*x"
    assert cli("status", "--as-of", AS_OF).exit_code == 0


def test_a_guide_may_use_aliases_but_not_expand_without_bound(
    state_path: Path, tmp_path: Path
) -> None:
    guide = tmp_path / "bomb-guide.yaml"
    guide.write_text(_bomb(9))
    result = _quick(state_path, "validate", "--guide", str(guide))
    assert result.returncode == 3
    assert "expand into more than" in result.stderr
    guide.write_text("a: &a [*a]\n")
    result = _quick(state_path, "validate", "--guide", str(guide))
    assert result.returncode == 3 and "inside the part it names" in result.stderr


# -- 7. a symlinked progress file ---------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "symlink") or os.name == "nt", reason="no symlinks here")
def test_a_linked_progress_file_changes_the_shared_file_not_the_link(
    state_path: Path, tmp_path: Path
) -> None:
    shared = tmp_path / "share" / "s.yaml"
    shared.parent.mkdir()
    local = tmp_path / "mine" / "local.yaml"
    local.parent.mkdir()
    local.symlink_to(shared)  # dangling: `init` makes the shared file, not a file in its place
    assert cimsig(state_path, "init", "--state", str(local)).returncode == 0
    assert local.is_symlink() and shared.is_file()
    for activity_id in ("prep-assurance", "prep-mou-meeting"):
        result = cimsig(state_path, "done", activity_id, "--state", str(local), "--as-of", AS_OF)
        assert result.returncode == 0, result.stderr
    assert local.is_symlink() and os.readlink(local) == str(shared)
    assert set(load(shared)["done"]) == {"prep-assurance", "prep-mou-meeting"}
    assert (shared.parent / "s.yaml.lock").exists()
    assert sorted(p.name for p in local.parent.iterdir()) == ["local.yaml"]


# -- 9. a read-only progress file ---------------------------------------------------------------


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_a_read_only_progress_file_is_never_overwritten(state_path: Path) -> None:
    assert cimsig(state_path, "done", "prep-assurance", "--as-of", AS_OF).returncode == 0
    state_path.chmod(0o444)  # root too: the mode bits are checked, not only os.access
    before = state_path.read_bytes()
    for command in (["done", "prep-mou-meeting"], ["note", "prep-mou-meeting", "x"], ["undo"]):
        result = cimsig(state_path, *command)
        assert result.returncode == 3, result.stderr
        assert "is read-only" in result.stderr
    assert state_path.read_bytes() == before
    assert state_path.stat().st_mode & 0o777 == 0o444
    doctor = cimsig(state_path, "doctor", "--as-of", AS_OF)
    assert "is read-only: marking work done will fail" in " ".join(doctor.stdout.split())


# -- 11. cache temp files -----------------------------------------------------------------------


def test_doctor_reports_a_stale_cache_temp_file(cli, tmp_path: Path) -> None:
    assert cli("status", "--as-of", AS_OF).exit_code == 0  # makes the cache folder
    cache = tmp_path / "home" / ".config" / "cimsig" / "cache"
    stale = cache / ".state-0000abcd.json.x1y2.tmp"
    stale.write_text("{}")
    os.utime(stale, (time.time() - 7200, time.time() - 7200))
    compact = "".join(cli("doctor", "--as-of", AS_OF).stdout.split())  # long paths wrap
    assert ".state-0000abcd.json.x1y2.tmpwasleftbyacopywhosesavewasinterrupted" in compact


# -- 12. permissions -----------------------------------------------------------------------------

posix_only = pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")


def _default_place(tmp_path: Path) -> dict[str, str]:
    env = env_for(tmp_path / "unused", XDG_CONFIG_HOME=str(tmp_path / "cfg"))
    env.pop("CIMSIG_STATE", None)
    return env


@posix_only
def test_the_default_folder_and_its_files_are_private(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "cimsig", "done", "prep-assurance", "--as-of", AS_OF],
        env=_default_place(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        umask=0o022,
    )
    assert result.returncode == 0, result.stderr
    subprocess.run(
        [sys.executable, "-m", "cimsig", "status", "--as-of", AS_OF],
        env=_default_place(tmp_path),
        capture_output=True,
        timeout=120,
        check=True,
        umask=0o022,
    )
    folder = tmp_path / "cfg" / "cimsig"
    assert folder.stat().st_mode & 0o777 == 0o700
    assert (folder / "state.yaml").stat().st_mode & 0o777 == 0o600
    assert (folder / "state.yaml.lock").stat().st_mode & 0o777 == 0o600
    cache = folder / "cache"
    assert cache.stat().st_mode & 0o777 == 0o700
    copies = list(cache.iterdir())
    assert copies and all(p.stat().st_mode & 0o777 == 0o600 for p in copies)


@posix_only
def test_a_shared_file_keeps_its_mode_and_owner_and_doctor_warns(
    state_path: Path, tmp_path: Path
) -> None:
    team = tmp_path / "team"
    team.mkdir()
    team.chmod(0o2775)
    shared = team / "s.yaml"
    assert cimsig(state_path, "init", "--state", str(shared)).returncode == 0
    first = cimsig(state_path, "done", "prep-assurance", "--state", str(shared), "--as-of", AS_OF)
    assert first.returncode == 0, first.stderr
    shared.chmod(0o664)
    if os.geteuid() == 0:
        os.chown(shared, 4321, 4321)
    result = cimsig(
        state_path, "done", "prep-mou-meeting", "--state", str(shared), "--as-of", AS_OF
    )
    assert result.returncode == 0, result.stderr
    assert shared.stat().st_mode & 0o777 == 0o664
    if os.geteuid() == 0:
        assert (shared.stat().st_uid, shared.stat().st_gid) == (4321, 4321)
    doctor = cimsig(state_path, "doctor", "--state", str(shared), "--as-of", AS_OF)
    said = " ".join(doctor.stdout.split())
    assert "s.yaml can be changed by the group" in said
    assert "the folder of " in said and "chmod go-w" in said


@posix_only
def test_doctor_warns_about_a_world_writable_folder_and_an_open_lock(
    state_path: Path,
) -> None:
    assert cimsig(state_path, "done", "prep-assurance", "--as-of", AS_OF).returncode == 0
    said = " ".join(cimsig(state_path, "doctor", "--as-of", AS_OF).stdout.split())
    assert "permissions" not in said.split("ok ")[0]
    assert "can be changed by" not in said
    lock = Path(str(state_path) + ".lock")
    lock.chmod(0o644)  # anyone who can read it can hold it
    state_path.parent.chmod(0o777)
    try:
        said = " ".join(cimsig(state_path, "doctor", "--as-of", AS_OF).stdout.split())
    finally:
        state_path.parent.chmod(0o700)
    assert "can be changed by every user of this computer" in said
    assert "can be opened by users who cannot change the progress file" in said


# -- 10. notes: the history holds the note added, not the list twice --------------------------


def test_a_note_entry_holds_only_the_note_and_undo_removes_it(cli, state_path: Path) -> None:
    for text in ("first", "second", "third"):
        assert cli("note", "prep-mou-meeting", text).exit_code == 0
    entry = load(state_path)["history"][-1]
    assert entry["changes"] == [{"field": "notes", "added": entry["changes"][0]["added"]}]
    assert entry["changes"][0]["added"]["text"] == "third"
    assert cli("undo", "--as-of", AS_OF).exit_code == 0
    notes = load(state_path)["notes"]["prep-mou-meeting"]
    assert [n["text"] for n in notes] == ["first", "second"]


def test_an_old_note_entry_with_before_and_after_still_undoes(cli, state_path: Path) -> None:
    note = "{at: '2024-04-01T09:00:00-07:00', text: old}"
    _write(
        state_path,
        "version: 2\nnotes:\n  prep-mou-meeting:\n  - " + note + "\n"
        "history:\n- {seq: 1, at: '2024-04-01T09:00:00-07:00', action: note, "
        "id: prep-mou-meeting, changes: [{field: notes, before: null, after: [" + note + "]}]}\n",
    )
    assert cli("undo", "--as-of", AS_OF).exit_code == 0
    assert "prep-mou-meeting" not in (load(state_path)["notes"] or {})


def test_300_notes_of_200_characters_keep_the_file_small(state_path: Path) -> None:
    import datetime as dt

    from cimsig.state import State
    from cimsig.storage.state_format import to_text

    state = State()
    now = dt.datetime(2024, 4, 1, 9, tzinfo=dt.timezone.utc)
    for index in range(300):
        state.add_note("prep-mou-meeting", f"{index:03} " + "n" * 196, now)
    size = len(to_text(state).encode())
    # (about 700 bytes a note: the note twice, in the notes and in its change; was about 18 MB
    # with the whole list twice in each entry)
    assert size < 210_000, size


def test_a_change_never_takes_the_file_past_the_limit_and_archiving_brings_it_back(
    cli, state_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The limit is lowered to 60 KB so the test is quick; the rules are the real ones."""
    import datetime as dt

    from cimsig.state import State
    from cimsig.storage.state_format import to_text

    state = State(guide="cim-sigdis-2024")
    moment = dt.datetime(2024, 3, 1, 9, tzinfo=dt.timezone(dt.timedelta(hours=-8)))
    for index in range(200):  # a busy history: done, then taken back, again and again
        if index % 2 == 0:
            state.mark_done("prep-assurance", dt.date(2024, 3, 1), moment)
        else:
            state.reopen("prep-assurance", moment)
    state.mark_done("prep-mou-meeting", dt.date(2024, 3, 1), moment)
    state_path.parent.mkdir(parents=True, exist_ok=True)
    state_path.write_text(to_text(state), encoding="utf-8")
    size = state_path.stat().st_size
    monkeypatch.setattr("cimsig.storage.store.MAX_STATE_BYTES", size + 2_000)
    before = state_path.read_bytes()

    result = cli("note", "prep-mou-meeting", "x" * 3_000)
    assert result.exit_code == 3
    assert "would make the progress file" in result.stderr and "--archive" in result.stderr
    assert state_path.read_bytes() == before

    monkeypatch.setattr(
        "cimsig.storage.store.MAX_STATE_BYTES", size - 1_000
    )  # (grown past it by hand)
    result = cli("status", "--as-of", AS_OF)
    assert result.exit_code == 3 and "history --archive" in result.stderr
    assert cli("note", "prep-mou-meeting", "short").exit_code == 3
    assert state_path.read_bytes() == before
    too_early = cli("history", "--archive", "2024-02-01")  # moves nothing: the file stays over
    assert too_early.exit_code == 0 and "Nothing to archive" in too_early.stdout
    assert "is still" in too_early.stderr and "Archive again with a later date" in too_early.stderr
    archived = cli("history", "--archive", "2024-03-02")
    assert archived.exit_code == 0, archived.output
    assert state_path.stat().st_size < size - 1_000 and "is still" not in archived.stderr
    assert "prep-mou-meeting" in cli_done_ids(cli)
    assert cli("note", "prep-mou-meeting", "short").exit_code == 0


def cli_done_ids(cli) -> set[str]:
    import json

    rows = json.loads(cli("list", "--as-of", AS_OF, "--json").stdout)
    return {r["id"] for r in rows if r["status"] == "done"}


def test_a_damaged_change_is_named_by_status_each_time_and_by_undo(cli, state_path: Path) -> None:
    """A history line whose number and id are right but whose rest is damaged: `done` still
    works (it writes the line back as it was), and `status` says so, from the cache too."""
    assert cli("done", "prep-assurance", "--as-of", AS_OF).exit_code == 0
    assert cli("done", "step1-case-study", "--as-of", AS_OF).exit_code == 0
    text = state_path.read_text(encoding="utf-8")
    first = next(line for line in text.splitlines() if line.startswith('- {"seq": 1,'))
    state_path.write_text(
        text.replace(first, first.replace('"changes": [', '"changes": 5, "x": ['))
    )
    number = (
        state_path.read_text(encoding="utf-8")
        .splitlines()
        .index(first.replace('"changes": [', '"changes": 5, "x": ['))
        + 1
    )
    for _ in range(2):  # the first status makes the copy, the second reads it
        result = cli("status", "--as-of", AS_OF)
        assert result.exit_code == 0
        assert f"is damaged (line {number}: a change in the history has no list" in result.stderr
        assert "cimsig doctor" in result.stderr
    assert cli("done", "step1-identify-team", "--as-of", AS_OF).exit_code == 0
    result = cli("undo", "--as-of", AS_OF)
    assert result.exit_code == 3 and "a change in the history has no list" in result.stderr
    fixed = state_path.read_text(encoding="utf-8").replace('"changes": 5, "x": [', '"changes": [')
    state_path.write_text(fixed)
    assert "damaged" not in cli("status", "--as-of", AS_OF).stderr


def test_a_change_cut_short_is_named_at_its_own_line(cli, state_path: Path) -> None:
    """YAML notices a line cut short only where the next one begins; the line named is the one
    a user has to fix."""
    for activity in ("prep-assurance", "step1-case-study", "step1-identify-team"):
        assert cli("done", activity, "--as-of", AS_OF).exit_code == 0
    lines = state_path.read_text(encoding="utf-8").split("\n")
    number = next(i for i, line in enumerate(lines) if line.startswith('- {"seq": 2,'))
    lines[number] = lines[number][:60] + " BROKEN"
    state_path.write_text("\n".join(lines), encoding="utf-8")
    where = f"line {number + 1}"
    status = cli("status", "--as-of", AS_OF)
    assert status.exit_code == 0 and f"is damaged ({where}: a change" in status.stderr
    for command in (["undo", "--as-of", AS_OF], ["history"]):
        result = cli(*command)
        assert result.exit_code == 3 and f"{where} cannot be used" in result.stderr
    doctor = cli("doctor", "--as-of", AS_OF)
    assert doctor.exit_code == 3 and f"{where} cannot be used" in " ".join(doctor.stdout.split())


def test_a_lock_file_that_is_a_link_is_named_and_doctor_sees_it(
    cli, state_path: Path, tmp_path: Path
) -> None:
    assert cli("done", "prep-assurance", "--as-of", AS_OF).exit_code == 0
    lock = Path(str(state_path) + ".lock")
    lock.unlink(missing_ok=True)
    lock.symlink_to(tmp_path / "elsewhere")
    before = state_path.read_bytes()
    result = cli("done", "step1-case-study", "--as-of", AS_OF)
    assert result.exit_code == 3
    assert "is a link" in result.stderr and "Delete it and try again" in result.stderr
    assert state_path.read_bytes() == before
    doctor = cli("doctor", "--as-of", AS_OF)
    assert doctor.exit_code == 3 and "is a link" in " ".join(doctor.stdout.split())
    lock.unlink()
    assert cli("done", "step1-case-study", "--as-of", AS_OF).exit_code == 0


def test_a_temp_file_left_by_a_killed_save_goes_at_the_next_save(cli, state_path: Path) -> None:
    assert cli("done", "prep-assurance", "--as-of", AS_OF).exit_code == 0
    stale = state_path.with_name(f".{state_path.name}.k1ll3d.tmp")
    fresh = state_path.with_name(f".{state_path.name}.sav1ng.tmp")  # a save going on, say
    for left in (stale, fresh):
        left.write_text(state_path.read_text(encoding="utf-8"), encoding="utf-8")
    os.utime(stale, (time.time() - 7200, time.time() - 7200))
    precious = state_path.with_name("precious.txt")
    precious.write_text("not cimsig's", encoding="utf-8")
    link = state_path.with_name(f".{state_path.name}.l1nk.tmp")  # cimsig never makes a link
    link.symlink_to(precious)
    os.utime(link, (time.time() - 7200, time.time() - 7200), follow_symlinks=False)
    assert "was left by a save" in " ".join(cli("doctor", "--as-of", AS_OF).stdout.split())
    assert cli("note", "prep-assurance", "signed").exit_code == 0
    assert not stale.exists() and fresh.exists()
    assert link.is_symlink() and precious.read_text(encoding="utf-8") == "not cimsig's"


@pytest.mark.parametrize(
    ("damage", "works"),
    [
        ("the last change cut short", True),  # its number and id intact: status and done work
        ("a line that is only a number", False),
        ("broken JSON after the number", False),
    ],
)
def test_a_damaged_history_line_is_named_at_its_line(
    cli, state_path: Path, damage: str, works: bool
) -> None:
    for activity in ("prep-assurance", "step1-case-study", "step1-identify-team"):
        assert cli("done", activity, "--as-of", AS_OF).exit_code == 0
    lines = state_path.read_text(encoding="utf-8").rstrip("\n").split("\n")
    number = len(lines) - 1 if damage == "the last change cut short" else len(lines) - 2
    if damage == "the last change cut short":
        lines[number] = lines[number][:70]
    elif damage == "a line that is only a number":
        lines[number] = "- 42"
    else:
        lines[number] = lines[number].replace('"uid": ', '"uid":: ', 1)
    state_path.write_text("\n".join(lines), encoding="utf-8")
    before = state_path.read_bytes()
    where = f"line {number + 1}"
    status = cli("status", "--as-of", AS_OF)
    if works:
        assert status.exit_code == 0 and f"is damaged ({where}:" in status.stderr
        assert cli("done", "step1-data-drill-down", "--as-of", AS_OF).exit_code == 0
        now = state_path.read_text(encoding="utf-8").split("\n")
        where = f"line {now.index(lines[number]) + 1}"  # (the done: part grew above it)
    else:
        assert status.exit_code == 3 and f"{where} cannot be used" in status.stderr
        assert "a change in the history" in status.stderr
        assert state_path.read_bytes() == before
    undo = cli("undo", "--as-of", AS_OF)
    assert undo.exit_code == 3 and f"{where} cannot be used" in undo.stderr
