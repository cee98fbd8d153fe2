"""Merging copies of one progress file (cimsig.merging): the properties the issue asks for, on
random histories split across copies, and the cases a person would notice."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cimsig import merging
from cimsig.records import Plan, Profile
from cimsig.state import State
from cimsig.storage import state_format

T0 = dt.datetime(2024, 9, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=-7)))
IDS = ["prep-assurance", "ir-1", "ir-2", "rca-1"]
OWNERS = ["Maria", "Jo", "Sam"]
KINDS = ["done", "reopen", "assign", "unassign", "plan", "note", "undo"]


def at(second: int) -> dt.datetime:
    return T0 + dt.timedelta(seconds=second)


def apply(state: State, op: tuple[str, int, int], second: int) -> None:
    kind, which, value = op
    activity_id, now = IDS[which], at(second)
    if kind == "done":
        state.mark_done(activity_id, dt.date(2024, 9, 1 + value), now)
    elif kind == "reopen":
        state.reopen(activity_id, now)
    elif kind == "assign":
        state.assign(activity_id, OWNERS[value], now)
    elif kind == "unassign":
        state.assign(activity_id, None, now)
    elif kind == "plan":
        state.set_plan(activity_id, Plan(dt.date(2024, 10, 1 + value)), now)
    elif kind == "note":
        state.add_note(activity_id, f"note {value}", now)
    else:
        state.revert_last(now)


def plan_of(state: State) -> dict[str, Any]:
    """What a person sees of a plan (not its history)."""
    return {
        "profile": state.profile,
        "done": state.done,
        "plans": state.plans,
        "owners": state.owners,
        "notes": state.notes,
        "custom": state.custom,
    }


def uids(state: State) -> set[str]:
    return {e["uid"] for e in state.history}


def merge(ours: State, theirs: State) -> State:
    return merging.merged(ours, theirs, at(10_000), "merger")[0]


def base_state() -> State:
    state = State("cim-sigdis-2024")
    state.set_profile(Profile("Sunnyvale USD", "new"), at(0))
    return state


op_strategy = st.tuples(
    st.sampled_from(KINDS), st.integers(0, len(IDS) - 1), st.integers(0, len(OWNERS) - 1)
)


def split(shared: list[Any], ops: list[tuple[int, Any]], copies: int) -> list[State]:
    """Copies of one file that shared `shared` changes, then each made its own."""
    base = base_state()
    for second, op in enumerate(shared, 1):
        apply(base, op, second)
    states = [merging.copy_state(base) for _ in range(copies)]
    for second, (copy, op) in enumerate(ops, 1000):
        apply(states[copy % copies], op, second)
    return states


histories = st.tuples(
    st.lists(op_strategy, max_size=8),
    st.lists(st.tuples(st.integers(0, 2), op_strategy), max_size=25),
)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(histories)
def test_merge_is_commutative_and_loses_no_entry(history: Any) -> None:
    a, b = split(*history, copies=2)
    ab, ba = merge(a, b), merge(b, a)
    assert plan_of(ab) == plan_of(ba)
    assert uids(a) | uids(b) <= uids(ab) and uids(a) | uids(b) <= uids(ba)


@SETTINGS
@given(histories)
def test_merge_is_associative(history: Any) -> None:
    a, b, c = split(*history, copies=3)
    assert plan_of(merge(merge(a, b), c)) == plan_of(merge(a, merge(b, c)))
    assert plan_of(merge(merge(a, b), c)) == plan_of(merge(merge(c, a), b))


@SETTINGS
@given(histories)
def test_merge_is_idempotent(history: Any) -> None:
    a, b = split(*history, copies=2)
    assert not merging.plan_merge(a, a).changes_anything
    ab = merge(a, b)
    for again in (merge(ab, a), merge(ab, b), merge(ab, ab)):
        assert plan_of(again) == plan_of(ab)
        assert not merging.plan_merge(ab, a).changes_anything
        assert not merging.plan_merge(ab, b).changes_anything


no_undo_ops = st.tuples(
    st.sampled_from([k for k in KINDS if k != "undo"]),
    st.integers(0, len(IDS) - 1),
    st.integers(0, len(OWNERS) - 1),
)


@SETTINGS
@given(st.lists(no_undo_ops, max_size=8), st.lists(no_undo_ops, max_size=30))
def test_without_conflicting_edits_the_merge_is_the_plan_of_one_file(
    shared: list[Any], ops: list[Any]
) -> None:
    """Each activity changed on one computer only (its own copy): merging the copies gives the
    plan of one file that received every change, in the order they were made."""
    single = base_state()
    for second, op in enumerate(shared, 1):
        apply(single, op, second)
    per_copy = [(op[1] % 3, op) for op in ops]  # an activity belongs to one copy
    for second, (_, op) in enumerate(per_copy, 1000):
        apply(single, op, second)
    a, b, c = split(shared, per_copy, copies=3)
    merged = merge(merge(a, b), c)
    assert plan_of(merged) == plan_of(single)
    made = [e for e in merged.history if e["action"] != "merge"]
    assert len(made) == len(single.history)  # every change, once
    assert merging.plan_merge(a, b).conflicts == []


def test_both_copies_changed_one_thing_one_rule_wins_and_it_is_listed() -> None:
    """Made without knowing of each other: the change made after more changes wins (not the
    one whose computer's clock says later), in both directions, and it is listed."""
    a, b = split([("done", 0, 0)], [], copies=2)
    a.assign("ir-1", "Maria", at(2002))
    b.add_note("ir-2", "first", at(2000))
    b.assign("ir-1", "Jo", at(2001))
    plan = merging.plan_merge(a, b)
    [conflict] = plan.conflicts
    assert (conflict.ours, conflict.theirs, conflict.kept) == ("Maria", "Jo", "theirs")
    assert plan_of(merge(a, b))["owners"] == plan_of(merge(b, a))["owners"] == {"ir-1": "Jo"}


def test_notes_from_both_copies_are_kept_and_an_undone_note_stays_undone() -> None:
    a, b = split([("note", 1, 0)], [], copies=2)
    a.add_note("ir-1", "from a", at(2000))
    b.add_note("ir-1", "from b", at(2001))
    texts = [n.text for n in merge(a, b).notes["ir-1"]]
    assert texts == ["note 0", "from a", "from b"]
    b.revert_last(at(2002))  # b takes its note back
    assert [n.text for n in merge(a, b).notes["ir-1"]] == ["note 0", "from a"]


def test_a_merge_is_one_change_that_one_undo_takes_back() -> None:
    a, b = split([], [], copies=2)
    b.mark_done("ir-1", dt.date(2024, 9, 2), at(2000))
    b.assign("ir-2", "Jo", at(2001))
    ab = merge(a, b)
    assert "ir-1" in ab.done and ab.owners == {"ir-2": "Jo"}
    ab.revert_last(at(20_000))
    assert plan_of(ab) == plan_of(a)
    assert uids(b) <= uids(ab)  # the other copy's changes stay in the history
    assert not merging.plan_merge(ab, b).values  # merging it again does not bring them back


def test_other_district_or_guide_is_refused() -> None:
    a = base_state()
    other = State("cim-sigdis-2024")
    other.set_profile(Profile("Other USD", "new"), at(1))
    assert "Other USD" in (merging.same_plan(a, other) or "")
    assert "guide" in (merging.same_plan(a, State("another-guide")) or "")


FORMAT_2 = """\
version: 2
guide: cim-sigdis-2024
done:
  ir-1: {date: '2024-09-02', recorded: '2024-09-02T09:00:00-07:00'}
history:
- {seq: 1, at: '2024-09-02T09:00:00-07:00', action: done, id: ir-1, batch: 1,
  changes: [{field: done,
    before: null, after: {date: '2024-09-02', recorded: '2024-09-02T09:00:00-07:00'}}]}
- {seq: 2, at: '2024-09-02T09:00:00-07:00', action: done, id: ir-2, batch: 1,
  changes: [{field: done,
    before: null, after: {date: '2024-09-02', recorded: '2024-09-02T09:00:00-07:00'}}]}
- {seq: 3, at: '2024-09-03T09:00:00-07:00', action: revert, id: ir-2, reverts: 2, batch: 3,
  changes: [{field: done, before: {date: '2024-09-02', recorded: '2024-09-02T09:00:00-07:00'},
  after: null}]}
"""


def test_a_format_2_file_is_migrated_with_ids_the_same_in_every_copy() -> None:
    one = state_format.parse_state(FORMAT_2, Path("a.yaml"))
    two = state_format.parse_state(FORMAT_2, Path("b.yaml"))
    assert [e["uid"] for e in one.history] == [e["uid"] for e in two.history]
    assert len(uids(one)) == 3
    first, second, revert = one.history
    assert first["batch"] == second["batch"] == first["uid"]
    assert revert["reverts"] == second["uid"] and revert["batch"] == revert["uid"]
    # undo goes on from where it stood: the revert of ir-2 is done; next comes ir-1's batch.
    one.revert_last(at(5000))
    assert one.done == {}
    again = state_format.parse_state(state_format.to_text(one), Path("a.yaml"))
    assert "version: 3" in state_format.to_text(one) and again.history == one.history
    assert not merging.plan_merge(two, state_format.parse_state(FORMAT_2, Path("c"))).values
