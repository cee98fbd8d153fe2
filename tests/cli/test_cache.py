"""The cache of the progress file: used only for the exact text it was made from, never trusted.

Reading a half-way progress file as YAML costs more than the rest of a command, so its data is
kept as JSON. What a user must never see is the cache instead of their file.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cimsig import cache as cache_module
from cimsig import loading, state_format, yamlio
from cimsig.errors import StateError
from cimsig.state_format import parse_state
from cimsig.store import StateFile

NOW = dt.datetime(2024, 4, 20, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=-7)))
D = dt.date


def _yaml_is_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(text: str) -> None:
        raise AssertionError("the progress file was parsed as YAML")

    monkeypatch.setattr(yamlio, "load_yaml", refuse)


class Cached:
    """A progress file read as the commands read it: through its cache."""

    def __init__(self, path: Path, cache_dir: Path) -> None:
        self.store = StateFile(path)
        self.path = path
        self.cache_dir = cache_dir

    def read(self):
        return loading.load_state(self.store, self.cache_dir)

    def edit(self):
        return self.store.edit()


def _text(state) -> str:
    return state_format.to_text(state)


def _write_some_progress(store: Cached) -> None:
    with store.edit() as st:
        st.mark_done("prep-assurance", D(2024, 4, 5), NOW, note="signed")
        st.mark_done("step1-case-study", D(2024, 5, 1), NOW)


def test_after_a_change_the_next_read_comes_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Cached(tmp_path / "state.yaml", tmp_path / "cache")
    _write_some_progress(store)
    store.read()  # the first read after a change parses the file and keeps a copy
    _yaml_is_not_read(monkeypatch)
    again = store.read()
    assert sorted(again.done) == ["prep-assurance", "step1-case-study"]
    assert again.done["prep-assurance"].note == "signed"


def test_a_hand_edit_is_seen_even_with_the_same_size_and_time(tmp_path: Path) -> None:
    path = tmp_path / "state.yaml"
    store = Cached(path, tmp_path / "cache")
    _write_some_progress(store)
    store.read()
    stat = path.stat()
    text = path.read_text(encoding="utf-8")
    edited = text.replace("date: '2024-05-01'", "date: '2024-05-09'")
    assert len(edited) == len(text) and edited != text
    path.write_text(edited, encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # as a coarse file system would
    assert store.read().done["step1-case-study"].on == D(2024, 5, 9)


@pytest.mark.parametrize(
    "damage",
    [
        "not json at all",
        "[]",
        '{"key": 1}',
        "BAD-DATA",  # the right key and text, but the data is not a state
    ],
)
def test_a_damaged_cache_is_ignored(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "state.yaml"
    store = Cached(path, tmp_path / "cache")
    _write_some_progress(store)
    store.read()
    (cache_file,) = (tmp_path / "cache").glob("state-*.json")
    if damage == "BAD-DATA":  # the checksum no longer matches
        damage = cache_file.read_text(encoding="utf-8").replace("2024-04-05", "2024-02-30")
    cache_file.write_text(damage, encoding="utf-8")
    assert sorted(store.read().done) == ["prep-assurance", "step1-case-study"]


def test_data_json_would_change_is_not_cached(tmp_path: Path) -> None:
    path = tmp_path / "state.yaml"
    path.write_text("version: 2\ncounts: {1: one, 2: two}\n", encoding="utf-8")
    store = Cached(path, tmp_path / "cache")
    assert store.read().extra == {"counts": {1: "one", 2: "two"}}
    assert not list((tmp_path / "cache").glob("state-*.json"))
    with store.edit() as st:
        st.mark_done("prep-assurance", D(2024, 4, 5), NOW)
    assert store.read().extra == {"counts": {1: "one", 2: "two"}}  # keys still numbers
    assert "1: one" in path.read_text(encoding="utf-8")


def test_a_cache_folder_that_cannot_be_written_changes_nothing(tmp_path: Path) -> None:
    blocked = tmp_path / "cache"
    blocked.write_text("a file where the folder should be", encoding="utf-8")
    store = Cached(tmp_path / "state.yaml", blocked)
    _write_some_progress(store)
    assert sorted(store.read().done) == ["prep-assurance", "step1-case-study"]


def test_a_cached_old_format_file_reads_as_it_did(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "state.yaml"
    path.write_text(
        "version: 1\ndone:\n  prep-assurance: {date: '2024-04-05', recorded: x}\n"
        "history:\n- {seq: 1, action: done, id: prep-assurance, before: null,"
        " after: {date: '2024-04-05', recorded: x}}\n",
        encoding="utf-8",
    )
    store = Cached(path, tmp_path / "cache")
    first = store.read()
    _yaml_is_not_read(monkeypatch)
    second = store.read()
    assert _text(second) == _text(first)
    assert second.history[0]["changes"][0]["field"] == "done"


def test_the_cli_keeps_the_cache_in_its_settings_folder(cli, state_path: Path) -> None:
    assert (
        cli("done", "prep-assurance", "--on", "2024-04-05", "--as-of", "2024-04-20").exit_code == 0
    )
    cache = Path(json.loads(cli("where", "--json").stdout)["cache"])
    assert "prep-assurance" in cli("status", "--json", "--as-of", "2024-04-20").stdout
    assert list(cache.glob("state-*.json"))


_keys = st.sampled_from(["version", "done", "notes", "owners", "history", "x", "date", "id"])
_values = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.text(max_size=6) | st.just("2024-04-01"),
    lambda c: st.lists(c, max_size=3) | st.dictionaries(_keys | st.integers(0, 3), c, max_size=4),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=st.dictionaries(_keys, _values, max_size=6))
def test_any_file_reads_the_same_from_the_cache_as_from_itself(
    tmp_path_factory: pytest.TempPathFactory, document: dict
) -> None:
    folder = tmp_path_factory.mktemp("any")
    document.setdefault("version", 2)
    text = yaml.safe_dump(document)
    path = folder / "state.yaml"
    path.write_text(text, encoding="utf-8")
    store = Cached(path, folder / "cache")
    try:
        expected = _text(parse_state(text, path))
    except StateError:
        return  # a file cimsig refuses; test_bad_input covers those
    assert _text(store.read()) == expected  # the first read fills the cache
    assert _text(store.read()) == expected  # the second one uses it


def _forge(cache_file: Path, change) -> None:
    """Rewrite a copy's data with a checksum that matches, as a deliberate edit would."""
    import zlib

    header, _, payload = cache_file.read_bytes().partition(b"\n")
    body = json.loads(payload)
    change(body["data"])
    payload = json.dumps(body).encode()
    meta = json.loads(header)
    meta["crc"] = zlib.crc32(payload)
    cache_file.write_bytes(json.dumps(meta).encode() + b"\n" + payload)


def test_a_change_never_writes_back_what_the_cache_says(tmp_path: Path) -> None:
    store = Cached(tmp_path / "state.yaml", tmp_path / "cache")
    _write_some_progress(store)
    store.read()
    (cache_file,) = (tmp_path / "cache").glob("state-*.json")
    _forge(cache_file, lambda data: data["document"].update(done={}))
    with store.edit() as st:  # as `cimsig note` does
        st.add_note("prep-assurance", "checked", NOW)
    kept = StateFile(store.path).read()
    assert sorted(kept.done) == ["prep-assurance", "step1-case-study"]


def test_a_damaged_copy_is_discarded_and_the_history_is_never_copied(tmp_path: Path) -> None:
    store = Cached(tmp_path / "state.yaml", tmp_path / "cache")
    _write_some_progress(store)
    store.read()
    (cache_file,) = (tmp_path / "cache").glob("state-*.json")
    # the history stays in the file (read from there when needed), so no copy can change it
    kept = json.loads(cache_file.read_bytes().split(b"\n", 1)[1])["data"]
    assert "history" not in kept["document"]
    assert sorted(kept["history"]) == [
        "at",
        "highest",
        "problem",
    ]  # where it starts, its highest number
    _forge(cache_file, lambda data: data["document"]["done"]["prep-assurance"].update(date="abc"))
    assert sorted(store.read().done) == ["prep-assurance", "step1-case-study"]
    with store.edit() as st:
        assert st.reopen("prep-assurance", NOW) is not None


def test_copies_are_private_and_stale_temp_files_go(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    store = Cached(tmp_path / "state.yaml", cache)
    _write_some_progress(store)
    store.read()
    with store.edit() as st:
        st.add_note("prep-assurance", "checked", NOW)
    stale = cache / ".state-0000.json.abc.tmp"
    stale.write_text("a copy of a progress file", encoding="utf-8")
    os.utime(stale, (1, 1))
    cache_module._CLEANED.clear()  # as the next run: it cleans once, at its first write
    store.read()
    (cache_file,) = cache.glob("state-*.json")
    assert cache_file.stat().st_mode & 0o777 == 0o600
    assert cache.stat().st_mode & 0o777 == 0o700
    assert not stale.exists()


def test_a_large_file_keeps_a_digest_not_its_text_and_sees_an_edit_of_the_same_size(
    tmp_path: Path,
) -> None:
    from cimsig import cache

    store = Cached(tmp_path / "state.yaml", tmp_path / "cache")
    with store.edit() as st:
        st.mark_done("prep-assurance", dt.date(2024, 4, 5), NOW)
        for number in range(cache.DIGEST_FROM_BYTES // 200):
            st.add_note("prep-assurance", f"{number:05} " + "n" * 150, NOW)
    text = store.path.read_text(encoding="utf-8")
    assert len(text) > cache.DIGEST_FROM_BYTES
    store.read()
    (cache_file,) = (tmp_path / "cache").glob("state-*.json")
    assert cache_file.stat().st_size < len(text) // 2  # no second copy of the text
    assert store.read().done["prep-assurance"].on == dt.date(2024, 4, 5)  # from the copy
    # the same size, the same modification time, one digit changed
    stat = store.path.stat()
    store.path.write_text(text.replace("2024-04-05", "2024-04-06", 1), encoding="utf-8")
    os.utime(store.path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert store.read().done["prep-assurance"].on == dt.date(2024, 4, 6)


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX permissions")
def test_a_copy_in_a_folder_others_can_change_is_not_used(tmp_path: Path) -> None:
    """A forged copy with a correct check sum shows another plan, if it is read: in a cache
    folder other users can write to, none is, and none is kept there; doctor says why."""
    cache = tmp_path / "cache"
    store = Cached(tmp_path / "state.yaml", cache)
    _write_some_progress(store)
    store.read()
    (cache_file,) = cache.glob("state-*.json")
    _forge(cache_file, lambda data: data["document"].update(done={}))
    assert store.read().done == {}  # (in the user's own folder, a forged copy would be used)
    cache.chmod(0o777)
    try:
        assert sorted(store.read().done) == ["prep-assurance", "step1-case-study"]
        cache_file.unlink()
        store.read()
        assert not list(cache.glob("state-*.json"))  # nothing kept where others can change it
        from cimsig import doctor
        from cimsig.guide import load_guide

        found = doctor.examine(load_guide(), store.store, D(2024, 4, 20), cache)
        said = [f.message for f in found]
        assert any("is not yours alone" in m and "Delete it" in m for m in said)
    finally:
        cache.chmod(0o700)
