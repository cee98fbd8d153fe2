"""The service layer (cimsig.operations), called directly as the web page calls it: each
operation records its change through the one writer, with the author and moment it is given."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from cimsig import operations
from cimsig.errors import StateError, UsageError
from cimsig.guide import load_guide
from cimsig.records import Plan
from cimsig.store import StateFile
from cimsig.workspace import Workspace

NOW = dt.datetime(2024, 9, 9, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=-7)))
AS_OF = dt.date(2024, 9, 9)
D = dt.date


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    store = StateFile(tmp_path / "state.yaml")
    return Workspace(load_guide(None), store, store.read(), AS_OF)


def reread(ws: Workspace) -> Workspace:
    return Workspace(ws.guide, ws.state_file, ws.state_file.read(), ws.as_of)


def first_id(ws: Workspace) -> str:
    return next(a.id for a in ws.activities if a.due is not None and a.due <= AS_OF)


def test_mark_done_records_date_note_and_author_in_the_file(ws: Workspace) -> None:
    target = first_id(ws)
    result = operations.mark_done(
        ws, [target], on=D(2024, 9, 3), note="Sent <b>", now=NOW, author="Ana Ruiz"
    )
    assert result.changed == [target] and result.started_file and result.before == {target: None}
    again = reread(ws)
    assert again.state.done[target].on == D(2024, 9, 3)
    assert again.state.done[target].note == "Sent <b>"
    assert again.state.history[-1]["by"] == "Ana Ruiz"


def test_marking_again_changes_nothing_and_correct_changes_the_record(ws: Workspace) -> None:
    target = first_id(ws)
    operations.mark_done(ws, [target], now=NOW, author="a")
    same = operations.mark_done(reread(ws), [target], now=NOW, author="a")
    assert same.changed == [] or reread(ws).state.done[target].on == AS_OF
    fixed = operations.correct_done(reread(ws), target, on=D(2024, 9, 1), now=NOW, author="b")
    assert fixed.changed == [target] and fixed.before[target] is not None
    assert reread(ws).state.done[target].on == D(2024, 9, 1)


def test_correct_refuses_work_not_done(ws: Workspace) -> None:
    with pytest.raises(UsageError, match="not marked done"):
        operations.correct_done(ws, first_id(ws), on=AS_OF, now=NOW, author="a")


def test_done_date_after_today_or_before_the_guide_is_refused(ws: Workspace) -> None:
    with pytest.raises(UsageError, match="after"):
        operations.check_done_date(ws, D(2024, 9, 10), today=AS_OF)
    with pytest.raises(UsageError, match="before this guide begins"):
        operations.check_done_date(ws, D(2001, 1, 1), today=AS_OF)


def test_undo_preview_names_what_it_takes_back_and_undo_takes_it(ws: Workspace) -> None:
    target = first_id(ws)
    operations.mark_done(ws, [target], now=NOW, author="Ana")
    preview = operations.undo_preview(reread(ws), me="Ben")
    assert [e.get("id") for e in preview.group] == [target] and preview.others == ["Ana"]
    result = operations.undo(reread(ws), agreed=preview.uids, now=NOW, author="Ben")
    assert [c.activity_id for c in result.undone] == [target]
    assert target not in reread(ws).state.done


def test_undo_refuses_when_another_change_came_in_between(ws: Workspace) -> None:
    target = first_id(ws)
    operations.mark_done(ws, [target], now=NOW, author="Ana")
    preview = operations.undo_preview(reread(ws), me="Ana")
    operations.assign(reread(ws), target, "Cy", now=NOW, author="Cy")
    with pytest.raises(StateError, match="another change"):
        operations.undo(reread(ws), agreed=preview.uids, now=NOW, author="Ana")
    assert reread(ws).state.owners[target] == "Cy"


def test_nothing_to_undo_says_so(ws: Workspace) -> None:
    assert operations.undo(ws, now=NOW, author="a").undone == []
    assert "no change has been recorded" in operations.nothing_to_undo_words(ws)


def test_reopen(ws: Workspace) -> None:
    target = first_id(ws)
    operations.mark_done(ws, [target], now=NOW, author="a")
    result = operations.reopen(reread(ws), [target], now=NOW, author="a")
    assert result.changed == [target] and target not in reread(ws).state.done


def test_assign_plan_note(ws: Workspace) -> None:
    target = first_id(ws)
    operations.assign(ws, target, "  Ana Ruiz ", now=NOW, author="a")
    operations.plan(reread(ws), target, Plan(D(2024, 9, 20), None), now=NOW, author="a")
    operations.add_note(reread(ws), target, "Called the SELPA", now=NOW, author="a")
    again = reread(ws)
    assert again.state.owners[target] == "Ana Ruiz"
    assert again.details(target).planned
    assert [n.text for n in again.details(target).notes] == ["Called the SELPA"]
    with pytest.raises(UsageError, match="empty"):
        operations.add_note(again, target, "  ", now=NOW, author="a")
    with pytest.raises(UsageError, match="after --due"):
        operations.plan(again, target, Plan(D(2024, 9, 20), D(2024, 9, 21)), now=NOW, author="a")


def test_add_and_remove_own_activity(ws: Workspace) -> None:
    step = ws.guide.steps[0].id
    added = operations.add_activity(
        ws, "Board   meeting", step, D(2024, 10, 1), now=NOW, author="a"
    )
    (made,) = added.changed
    assert any(a.id == made and a.title == "Board meeting" for a in reread(ws).activities)
    with pytest.raises(UsageError, match="part of the pacing guide"):
        operations.remove_activity(reread(ws), first_id(ws), now=NOW, author="a")
    operations.remove_activity(reread(ws), made, now=NOW, author="a")
    assert all(a.id != made for a in reread(ws).activities)
    with pytest.raises(UsageError, match="no step"):
        operations.add_activity(ws, "x", "nope", D(2024, 10, 1), now=NOW, author="a")


def test_catch_up_preview_lists_then_mark_done_records_all_in_one_change(ws: Workspace) -> None:
    preview = operations.catch_up_preview(ws, through=D(2024, 9, 1), step=None, day=AS_OF)
    assert preview.ids and "due on or before" in preview.scope
    assert all(
        i.activity.due is not None and i.activity.due <= D(2024, 9, 1) for i in preview.items
    )
    operations.mark_done(ws, preview.ids, now=NOW, author="a")
    again = reread(ws)
    assert set(preview.ids) <= set(again.state.done)
    undone = operations.undo(again, now=NOW, author="a").undone
    assert {c.activity_id for c in undone} == set(preview.ids)


def test_a_named_file_that_does_not_exist_is_not_created(ws: Workspace) -> None:
    ws.named_file = True
    with pytest.raises(UsageError, match="no progress file"):
        operations.assign(ws, first_id(ws), "Ana", now=NOW, author="a")
    assert not ws.state_file.exists()


def test_archive_moves_old_changes_to_a_side_file_and_keeps_what_is_done(
    ws: Workspace,
) -> None:
    target = first_id(ws)
    operations.mark_done(ws, [target], now=NOW, author="a")
    later = NOW + dt.timedelta(days=3)
    result = operations.archive(reread(ws), D(2024, 9, 12), now=later, author="a")
    assert len(result.moved) == 1 and result.target.exists()
    assert result.target.name.startswith("state") and result.left == 0
    again = reread(ws)
    assert target in again.state.done
    assert [e.get("action") for e in again.state.history] == ["archive"]


def test_merge_takes_the_other_copys_records_in_one_change(ws: Workspace, tmp_path: Path) -> None:
    import shutil

    target = first_id(ws)
    operations.assign(ws, target, "Ana", now=NOW, author="a")
    copy = tmp_path / "copy.yaml"
    shutil.copy(ws.state_file.path, copy)
    other = Workspace(ws.guide, StateFile(copy), StateFile(copy).read(), AS_OF)
    operations.add_note(other, target, "from the copy", now=NOW, author="b")
    theirs = StateFile(copy).read()
    dry = operations.merge_copy(
        reread(ws), theirs, copy, again=False, unrelated=False, dry_run=True, now=NOW,
        author="a",
    )  # fmt: skip
    assert dry.plan.values and not reread(ws).state.notes
    operations.merge_copy(
        reread(ws), theirs, copy, again=False, unrelated=False, dry_run=False, now=NOW,
        author="a",
    )  # fmt: skip
    assert [n.text for n in reread(ws).state.notes[target]] == ["from the copy"]


def test_import_and_rename_a_district(ws: Workspace, tmp_path: Path) -> None:
    from cimsig.records import Profile

    with ws.state_file.edit() as st:
        st.guide = ws.guide.id
        st.set_profile(Profile(lea="Alpha USD"), NOW)
    root = tmp_path / "districts"
    seen: list[str] = []
    done = operations.import_district(
        ws.state_file.path, root, name="Beta USD", check_guide=seen.append, now=NOW, author="z"
    )
    assert seen == [ws.guide.id] and done.renamed_from == "Alpha USD" and done.target.exists()
    copied = StateFile(done.target).read()
    assert copied.profile is not None and copied.profile.lea == "Beta USD"
    assert copied.history[-1]["by"] == "z"
    with pytest.raises(StateError, match="is taken"):
        operations.import_district(
            ws.state_file.path, root, name="Beta USD", check_guide=seen.append, now=NOW,
            author="z",
        )  # fmt: skip
    renamed = operations.rename_district(root, "Beta USD", "Gamma USD", now=NOW, author="z")
    assert (root / renamed.new_folder).is_dir() and not (root / renamed.folder).exists()


def test_export_bytes_makes_every_export(ws: Workspace) -> None:
    starts = {"ics": b"BEGIN:VCALENDAR", "xlsx": b"PK", "html": b"<!DOCTYPE html>"}
    for kind in operations.EXPORT_KINDS:
        data = operations.export_bytes(ws, kind, now=NOW)
        assert data.startswith(starts.get(kind, b"")) and len(data) > 100, kind
    with pytest.raises(UsageError, match="no export"):
        operations.export_bytes(ws, "pdf", now=NOW)
