"""The bundled guide against the seed, and the loader's checks of any guide file."""

from __future__ import annotations

import datetime as dt
import os
import textwrap
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cimsig.errors import AmbiguousIdError, GuideError, UnknownIdError
from cimsig.guide import MAX_GUIDE_BYTES, bundled_guide_path
from cimsig.guide_ids import resolve_id
from cimsig.guide_reader import load_guide
from cimsig.storage.loading import load_guide as cached_guide
from tests.conftest import SEED

D = dt.date

# Written by hand from ../shared/seed/pacing-guide-2024.txt, line by line, not from the YAML:
# (id, start, due, ongoing, repeat, time)
EXPECTED = [
    # Preparation
    ("prep-intro-recordings", None, D(2024, 4, 1), False, None, None),  # Prior to April 2
    ("prep-virtual-meeting", D(2024, 4, 2), D(2024, 4, 2), False, None, "12:00-13:30"),
    ("prep-assurance", None, D(2024, 4, 19), False, None, None),
    ("prep-mou-meeting", None, D(2024, 4, 19), False, None, None),  # By April 19
    ("prep-fmta-meeting", D(2024, 3, 16), D(2024, 4, 30), False, None, None),  # Late March - April
    # Step 1
    ("step1-identify-team", D(2024, 4, 1), D(2024, 4, 30), False, None, None),
    ("step1-team-meetings", D(2024, 4, 1), None, True, None, None),
    ("step1-partner-meetings", D(2024, 4, 1), None, True, None, None),
    ("step1-workshop-a-prework", None, D(2024, 4, 10), False, None, None),  # Prior to April 11
    ("step1-workshop", D(2024, 4, 11), D(2024, 4, 25), False, None, None),
    ("step1-data-drill-down", D(2024, 4, 1), D(2024, 5, 31), False, None, None),
    ("step1-infrastructure-analysis", D(2024, 4, 1), D(2024, 5, 31), False, None, None),
    ("step1-step2-prework", None, D(2024, 6, 10), False, None, None),  # Prior to June 11
    ("step1-step2-workshop", D(2024, 6, 11), D(2024, 6, 11), False, None, "11:00-13:00"),
    ("step1-policies-practices", D(2024, 5, 1), D(2024, 6, 30), False, None, None),
    ("step1-case-study", D(2024, 5, 1), D(2024, 6, 30), False, None, None),
    ("step1-parent-input", D(2024, 5, 1), D(2024, 6, 30), False, None, None),
    ("step1-fmta-checkin", None, D(2024, 7, 9), False, None, None),  # Prior to July 10
    ("step1-submit-stepwell", None, D(2024, 7, 10), False, None, None),  # Due July 10
    # Step 2
    ("step2-root-causes-meeting", D(2024, 7, 1), D(2024, 10, 31), False, None, None),
    ("step2-initiative-inventory", D(2024, 7, 1), D(2024, 10, 31), False, None, None),
    ("step2-theory-of-action", D(2024, 7, 1), D(2024, 10, 31), False, None, None),
    ("step2-target-population", D(2024, 7, 1), D(2024, 10, 31), False, None, None),
    ("step2-submit-stepwell", None, D(2024, 10, 10), False, None, None),  # DUE: October 10
    # Step 3
    ("step3-action-plan", D(2024, 10, 1), D(2024, 10, 31), False, None, None),
    ("step3-budget-forms", D(2024, 10, 1), D(2024, 10, 31), False, None, None),
    ("step3-fmta-checkin-october", None, D(2024, 10, 9), False, None, None),  # Prior to Oct 10
    ("step3-feedback-meeting", D(2024, 10, 1), D(2024, 10, 31), False, None, None),
    ("step3-finalize-plan", D(2024, 10, 1), D(2024, 10, 31), False, None, None),
    ("step3-approvals", D(2024, 11, 1), D(2024, 11, 30), False, None, None),
    ("step3-fmta-checkin-december", None, D(2024, 12, 5), False, None, None),  # Prior to Dec 6
    ("step3-submit-documents", None, D(2024, 12, 6), False, None, None),
    # Step 4
    ("step4-implement", None, None, True, None, None),  # Ongoing, post approval
    ("step4-budget-amendment", D(2025, 3, 1), D(2025, 3, 31), False, None, None),
    ("step4-report-2024jul-2025mar", None, D(2025, 4, 10), False, None, None),
    ("step4-report-2025apr-jun", None, D(2025, 7, 10), False, None, None),
    ("step4-report-2025jul-sep", None, D(2025, 10, 10), False, None, None),
    ("step4-report-2025oct-dec", None, D(2026, 1, 10), False, None, None),
    ("step4-report-2026jan-mar", None, D(2026, 4, 10), False, None, None),
    ("step4-report-2026apr-jun", None, D(2026, 7, 10), False, None, None),
    ("step4-report-2026jul-sep", None, D(2026, 10, 10), False, None, None),
    ("step4-report-2026oct-dec", None, D(2027, 1, 10), False, None, None),
    ("step4-track-students", None, None, True, None, None),
    ("step4-unduplicated-count", None, D(2025, 7, 10), False, "yearly", None),
]


@pytest.fixture(scope="module")
def guide():
    return load_guide()


def test_the_guide_has_all_44_activities_in_the_seed_order(guide) -> None:
    assert [a.id for a in guide.activities] == [row[0] for row in EXPECTED]
    per_step = {s.id: sum(a.step == s.id for a in guide.activities) for s in guide.steps}
    assert per_step == {"prep": 5, "step1": 14, "step2": 5, "step3": 8, "step4": 12}


@pytest.mark.parametrize("row", EXPECTED, ids=[row[0] for row in EXPECTED])
def test_every_activity_has_the_dates_of_the_seed(guide, row) -> None:
    activity_id, start, due, ongoing, repeat, time = row
    activity = next(a for a in guide.activities if a.id == activity_id)
    assert (activity.start, activity.due, activity.ongoing, activity.repeat, activity.time) == (
        start,
        due,
        ongoing,
        repeat,
        time,
    )
    assert activity.step == activity_id.split("-")[0]


def _seed_text() -> str:
    return " ".join(SEED.read_text(encoding="utf-8").split())


def test_every_title_and_target_is_the_guide_s_own_words(guide) -> None:
    seed = _seed_text()
    for activity in guide.activities:
        assert activity.target in seed, activity.id
        assert activity.title in seed, activity.id


def test_quarterly_report_ids_carry_their_period(guide) -> None:
    reports = [a for a in guide.activities if a.id.startswith("step4-report-")]
    assert len(reports) == 8
    for report in reports:
        first, _, _last = report.id.removeprefix("step4-report-").partition("-")
        assert first[:4] in report.title and first[4:7].capitalize() in report.title


def test_weekend_deadlines_are_flagged(guide) -> None:
    weekend = {a.id for a in guide.activities if a.weekend}
    assert weekend == {
        "step1-policies-practices",
        "step1-case-study",
        "step1-parent-input",  # Sun Jun 30, 2024
        "step3-approvals",  # Sat Nov 30, 2024
        "step4-report-2025oct-dec",  # Sat Jan 10, 2026
        "step4-report-2026jul-sep",  # Sat Oct 10, 2026
        "step4-report-2026oct-dec",  # Sun Jan 10, 2027
    }


def test_header_submit_to_and_requirements(guide) -> None:
    assert guide.id == "cim-sigdis-2024"
    assert guide.time_zone == "America/Los_Angeles"
    assert (guide.budget_period.start, guide.budget_period.end) == (D(2024, 7, 1), D(2026, 9, 30))
    assert [s.id for s in guide.steps] == ["prep", "step1", "step2", "step3", "step4"]
    by_id = {a.id: a for a in guide.activities}
    assert by_id["prep-assurance"].submit_to == ("intensivemonitoring@cde.ca.gov",)
    assert by_id["step1-submit-stepwell"].submit_to == ("Stepwell",)
    assert by_id["step3-submit-documents"].submit_to == ("Stepwell", "SigDisp@cde.ca.gov")
    assert by_id["prep-intro-recordings"].required_for == "new"
    assert by_id["prep-virtual-meeting"].required_for == "all"
    assert by_id["step1-step2-workshop"].required_for == "new"
    assert by_id["step1-workshop"].required_for == "all"


# -- a guide of one's own -----------------------------------------------------------------------

GOOD = """\
format: 1
guide:
  id: test-guide
  title: Test guide
  steps:
    - {id: prep, name: Preparation}
activities:
  - id: first
    step: prep
    title: First thing
    target: May 1, 2025
    due: 2025-05-01
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "guide.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems_of(tmp_path: Path, text: str) -> str:
    with pytest.raises(GuideError) as info:
        load_guide(write(tmp_path, text))
    return str(info.value)


def test_a_small_guide_loads(tmp_path: Path) -> None:
    guide = load_guide(write(tmp_path, GOOD))
    assert [a.id for a in guide.activities] == ["first"]
    assert guide.activities[0].line == 8


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("    due: 2025-05-01", "    due: 2025-05-01\n    dew: 2025-05-02"),
            "line 13, activity 'first': unknown key 'dew'",
        ),
        (("    title: First thing\n", ""), "line 8, activity 'first': 'title' is missing"),
        (("  - id: first\n", "  - id:\n"), "'id' is missing"),
        (("    step: prep", "    step: step9"), "line 9, activity 'first': unknown step 'step9'"),
        (
            ("due: 2025-05-01", "due: 2025-02-30"),
            "line 12, activity 'first': due: '2025-02-30' is not a real calendar date",
        ),
        (("due: 2025-05-01", "due: May 1"), "is not a date (write it as YYYY-MM-DD)"),
        (
            ("    due: 2025-05-01", "    due: 2025-05-01\n    start: 2025-06-01"),
            "line 13, activity 'first': start 2025-06-01 is after the due date 2025-05-01",
        ),
        (("    step: prep\n", ""), "'step' is missing"),
        (("id: first", "id: First Thing"), "must be lowercase letters"),
        (("    due: 2025-05-01\n", ""), "needs a 'due' date, or 'ongoing: true'"),
        (("format: 1", "format: 2"), "'format' must be 1"),
        (
            ("  title: Test guide", "  title: Test guide\n  time_zone: Pacific/Nowhere"),
            "line 5: unknown time zone 'Pacific/Nowhere'",
        ),
    ],
)
def test_each_validation_problem_names_the_line_and_the_activity(
    tmp_path: Path, change: tuple[str, str], expected: str
) -> None:
    text = GOOD.replace(*change)
    assert text != GOOD
    assert expected in problems_of(tmp_path, text)


def test_duplicate_ids_are_refused_with_both_lines(tmp_path: Path) -> None:
    text = GOOD + GOOD[GOOD.index("  - id: first") :]
    message = problems_of(tmp_path, text)
    assert "line 13, activity 'first': the id is used twice (first on line 8)" in message


def test_every_problem_is_listed_at_once(tmp_path: Path) -> None:
    text = GOOD.replace("step: prep", "step: nope").replace("due: 2025-05-01", "due: 2025-13-01")
    message = problems_of(tmp_path, text)
    assert "has 2 problems" in message
    assert (
        "unknown step 'nope'" in message and "'2025-13-01' is not a real calendar date" in message
    )


@pytest.mark.parametrize(
    "payload",
    [
        "!!python/object/apply:os.system ['echo hacked']",
        "!!python/object:builtins.dict {}",
        "!custom 3",
    ],
)
def test_python_and_custom_tags_are_refused_not_executed(tmp_path: Path, payload: str) -> None:
    text = GOOD.replace("title: First thing", f"title: {payload}")
    message = problems_of(tmp_path, text)
    assert "line 10" in message and "is not allowed" in message


def test_malformed_yaml_names_the_line(tmp_path: Path) -> None:
    message = problems_of(tmp_path, GOOD.replace("title: First thing", "title: [First thing"))
    assert "line 11" in message or "line 10" in message


def test_files_that_are_not_guides(tmp_path: Path) -> None:
    binary = tmp_path / "photo.jpg"
    binary.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF" + bytes(range(256)))
    with pytest.raises(GuideError, match="not a text file"):
        load_guide(binary)
    with pytest.raises(GuideError, match="There is no guide file"):
        load_guide(tmp_path / "missing.yaml")
    huge = tmp_path / "huge.yaml"
    with huge.open("wb") as handle:
        handle.truncate(MAX_GUIDE_BYTES + 1)
    with pytest.raises(GuideError, match="larger than 10 MB, the most a guide can be"):
        load_guide(huge)
    with pytest.raises(GuideError, match="must be a mapping"):
        load_guide(write(tmp_path, "- just\n- a list\n"))


def test_the_bundled_guide_path_exists() -> None:
    assert bundled_guide_path().is_file()


# -- ids typed by a user ------------------------------------------------------------------------

IDS = ["step1-workshop", "step1-workshop-a-prework", "step1-data-drill-down", "prep-assurance"]


def test_ids_resolve_exact_then_by_whole_words() -> None:
    assert resolve_id("step1-workshop", IDS) == "step1-workshop"  # exact beats a longer id
    assert resolve_id("prep-assur", IDS) == "prep-assurance"  # the last word cut short
    assert resolve_id("assurance", IDS) == "prep-assurance"
    assert resolve_id("  DRILL ", IDS) == "step1-data-drill-down"
    assert resolve_id("data-drill", IDS) == "step1-data-drill-down"


@pytest.mark.parametrize("stray", ["the", "ill", "dr", "shop", "data-dr", "assurance-x"])
def test_a_stray_word_or_part_of_a_word_is_no_id(stray: str) -> None:
    ids = [*IDS, "step2-theory-of-action"]
    with pytest.raises(UnknownIdError):
        resolve_id(stray, ids)


def test_ambiguous_ids_list_the_candidates() -> None:
    with pytest.raises(AmbiguousIdError) as info:
        resolve_id("step1", IDS)
    assert info.value.exit_code == 2
    assert info.value.problems == [
        "step1-workshop",
        "step1-workshop-a-prework",
        "step1-data-drill-down",
    ]


def test_unknown_ids_suggest_the_closest() -> None:
    with pytest.raises(UnknownIdError, match="Did you mean: prep-assurance"):
        resolve_id("prep-asurance", IDS)
    with pytest.raises(UnknownIdError):
        resolve_id("", IDS)


# -- anything at all --------------------------------------------------------------------------

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.text(max_size=12),
    st.sampled_from(["2024-02-30", "2024-04-01", "prep", "yearly", "12:00-13:00"]),
)
_keys = st.sampled_from(
    [
        "id",
        "step",
        "title",
        "target",
        "due",
        "start",
        "time",
        "ongoing",
        "repeat",
        "until",
        "resources",
        "format",
        "guide",
        "activities",
        "steps",
        "name",
        "x",
    ]
)
_yaml_values = st.recursive(
    _scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(_keys, children, max_size=6),
    max_leaves=25,
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=_yaml_values)
def test_any_yaml_structure_loads_or_raises_our_error(tmp_path: Path, value: object) -> None:
    path = tmp_path / "random.yaml"
    path.write_text(yaml.safe_dump(value), encoding="utf-8")
    try:
        load_guide(path)
    except GuideError as exc:
        assert str(exc)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(alphabet=st.sampled_from(list("abc:-[]{}!&*|>'\"#\n 01\t,?%@`")), max_size=80))
def test_any_text_loads_or_raises_our_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "random.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        load_guide(path)
    except GuideError as exc:
        assert str(exc)


# -- the cache of checked guides ----------------------------------------------------------------


def test_the_cache_gives_the_same_guide_and_notices_changes(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    fresh = load_guide()
    first = cached_guide(None, cache)
    assert list(cache.glob("guide-*.json"))
    cached = cached_guide(None, cache)
    assert cached == fresh == first
    assert [a.line for a in cached.activities] == [a.line for a in fresh.activities]
    path = write(tmp_path, GOOD)
    assert cached_guide(path, cache).activities[0].due == dt.date(2025, 5, 1)
    changed = GOOD.replace("due: 2025-05-01", "due: 2025-05-02")
    path.write_text(changed, encoding="utf-8")
    os.utime(path, ns=(1, 1))  # even a file whose time went back is read again
    assert cached_guide(path, cache).activities[0].due == dt.date(2025, 5, 2)


def test_a_broken_cache_is_ignored(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cached_guide(None, cache)
    for file in cache.glob("guide-*.json"):
        file.write_text("{not json", encoding="utf-8")
    assert cached_guide(None, cache) == load_guide()
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder should be")
    assert cached_guide(None, blocked) == load_guide()


def test_a_bad_guide_is_never_cached(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    path = write(tmp_path, GOOD.replace("step: prep", "step: nope"))
    for _ in range(2):
        with pytest.raises(GuideError):
            cached_guide(path, cache)


def test_an_edit_that_keeps_size_and_time_is_seen(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    path = write(tmp_path, GOOD)
    assert cached_guide(path, cache).activities[0].due == dt.date(2025, 5, 1)
    stat = path.stat()
    path.write_text(GOOD.replace("due: 2025-05-01", "due: 2025-05-09"), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # as `touch -r`, tar or `cp -p` do
    assert cached_guide(path, cache).activities[0].due == dt.date(2025, 5, 9)


def test_the_same_relative_name_in_two_folders_is_two_guides(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    for folder, due in (("a", "2025-05-01"), ("b", "2025-06-01")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "guide.yaml").write_text(
            GOOD.replace("due: 2025-05-01", f"due: {due}"), encoding="utf-8"
        )
    monkeypatch.chdir(tmp_path / "a")
    assert cached_guide(Path("guide.yaml"), cache).activities[0].due == dt.date(2025, 5, 1)
    monkeypatch.chdir(tmp_path / "b")
    assert cached_guide(Path("guide.yaml"), cache).activities[0].due == dt.date(2025, 6, 1)


KNOWN_LINKS = {
    "https://spptap.org/",
    "https://spptap.org/2024-cceis-materials/step-1/",
    "https://www.cde.ca.gov/sp/se/qa/sigdisp.asp",
}


def test_every_activity_states_who_it_is_required_for(guide) -> None:
    assert {a.id: a.required_for for a in guide.activities if a.required_for is None} == {}
    new = sorted(a.id for a in guide.activities if a.required_for == "new")
    assert new == ["prep-intro-recordings", "step1-step2-prework", "step1-step2-workshop"]


def test_links_are_only_the_confirmed_addresses(guide) -> None:
    """The guide's own text has no web addresses: only links known to be right are added."""
    used = {link for a in guide.activities for _, link in a.links} | {
        link for _, link in guide.links
    }
    assert used == KNOWN_LINKS
    for a in guide.activities:
        assert all(name in a.resources for name, _ in a.links)
        assert a.link("SPP-TAP Webpage") in (None, "https://spptap.org/")
        if "Step 1 Materials Page" in a.resources:
            assert (
                a.link("Step 1 Materials Page") == "https://spptap.org/2024-cceis-materials/step-1/"
            )


def test_the_header_keeps_what_the_introduction_points_to(guide) -> None:
    assert guide.link("SPP-TAP Website") == "https://spptap.org/"
    assert any("Guidance Document on the SPP-TAP Materials Webpage" in r for r in guide.resources)
    assert "SPP-TAP Website" in _seed_text() and "Guidance Document" in _seed_text()


def test_post_approval_work_starts_with_the_submitted_plan(guide) -> None:
    starts = {a.id: a.starts_with for a in guide.activities if a.starts_with}
    assert starts == {
        "step4-implement": "step3-submit-documents",
        "step4-track-students": "step3-submit-documents",
    }


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("    due: 2025-05-01\n", "    ongoing: true\n    starts_with: nothing-here\n"),
            "activity 'first': starts_with: no activity has the id 'nothing-here'",
        ),
        (
            ("    due: 2025-05-01\n", "    ongoing: true\n    starts_with: first\n"),
            "starts_with: 'first' must have one due date of its own",
        ),
        (
            (
                "    due: 2025-05-01\n",
                "    due: 2025-05-01\n    resources: [{name: Web, link: x}]\n",
            ),
            "link 'x' must be a web address starting with https://",
        ),
        (
            ("    due: 2025-05-01\n", "    due: 2025-05-01\n    resources: [{link: x}]\n"),
            "'name' is missing",
        ),
        (
            ("    due: 2025-05-01\n", "    due: 2025-05-01\n    resources: Web\n"),
            "'resources' must be a list of names or of {name: ..., link: https://...}",
        ),
    ],
)
def test_starts_with_and_links_are_checked(
    tmp_path: Path, change: tuple[str, str], expected: str
) -> None:
    assert expected in problems_of(tmp_path, GOOD.replace(*change))


def test_a_linked_resource_loads(tmp_path: Path) -> None:
    text = GOOD.replace(
        "    due: 2025-05-01\n",
        '    due: 2025-05-01\n    resources: [Plain, {name: Web, link: "https://example.org/a"}]\n',
    )
    (activity,) = load_guide(write(tmp_path, text)).activities
    assert activity.resources == ("Plain", "Web")
    assert activity.link("Web") == "https://example.org/a" and activity.link("Plain") is None
