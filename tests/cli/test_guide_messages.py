"""A guide's mistakes in plain words: one mistake, one message; YAML errors in the parser's
words made plain; small things (a folder, a missing guide, negative years, singular counts)."""

from __future__ import annotations

from tests.cli.guide_texts import CCEIS, HEAD, write

# -- one mistake, one message -------------------------------------------------------------


def problems(cli, tmp_path, text: str) -> list[str]:
    result = cli("validate", str(write(tmp_path, text, "mistake.yaml")))
    assert result.exit_code == 3, result.output
    return [line for line in result.stderr.splitlines() if line.startswith("  - ")]


def test_one_mistake_gives_one_message(cli, tmp_path) -> None:
    typo_repeat = problems(cli, tmp_path, CCEIS.replace("repeat: quarterly", "repeat: quartely"))
    assert len(typo_repeat) == 1 and "'repeat' must be one of" in typo_repeat[0]
    for period in ("{start: 2021-09-30, end: 2021-07-01}", "{start: 2021-07-01, end: 2021-09-31}",
                   "{start: 2021-07-01, ending: 2021-09-30}"):  # fmt: skip
        found = problems(cli, tmp_path, CCEIS.replace(
            "{start: 2021-07-01, end: 2021-09-30}", period))  # fmt: skip
        assert len(found) == 1, found
        assert "'after: period' needs" not in found[0]
    assert "unknown key 'ending': did you mean 'end'?" in found[0]
    missing = problems(cli, tmp_path, CCEIS.replace("activities:", "activites:"))
    assert missing == [
        "  - line 10: unknown key 'activites': did you mean 'activities'? ('activities' is missing)"
    ]
    title = problems(cli, tmp_path, CCEIS.replace("title: Final report", "tilte: Final report"))
    assert len(title) == 1 and "did you mean 'title'?" in title[0]


def test_a_misspelt_period_key_is_one_message(cli, tmp_path) -> None:
    found = problems(cli, tmp_path, CCEIS.replace("    period: {", "    periode: {"))
    assert found == [
        "  - line 19, activity 'expenditure-report': unknown key 'periode': did you mean "
        "'period'? ('period' is missing)"
    ]


def test_a_meeting_time_without_its_end_is_refused_in_words(cli, tmp_path) -> None:
    meeting = CCEIS.replace(
        "    target: Prior to December 1, 2021\n    due: 2021-11-30\n",
        "    target: November 30, 2021 10 a.m.\n    start: 2021-11-30\n    due: 2021-11-30\n"
        '    time: "10:00-11:00"\n',
    )
    assert cli("validate", str(write(tmp_path, meeting, "meeting.yaml"))).exit_code == 0
    for written in ('"10:00"', "10:00"):  # unquoted, YAML reads 10:00 as the number 600
        found = problems(cli, tmp_path, meeting.replace('"10:00-11:00"', written))
        assert found == [
            "  - line 17, activity 'plan-due': 'time' needs the meeting's end too, in quotes, "
            'like "10:00-11:00" (24-hour clock)'
        ]


def test_until_without_repeat_says_it_is_for_any_repeat(cli, tmp_path) -> None:
    found = problems(cli, tmp_path, CCEIS.replace("    repeat: quarterly\n", ""))
    assert any("'until' is only for a repeating activity (one with 'repeat')" in p for p in found)


# -- YAML in plain words ------------------------------------------------------------------


def test_a_colon_in_a_title_says_to_use_quotes(cli, tmp_path) -> None:
    guide = write(tmp_path, CCEIS.replace("title: Final report", "title: Final report: budget"))
    result = cli("validate", str(guide))
    assert result.exit_code == 3
    assert "line 25: mapping values are not allowed in this context" in result.stderr
    assert "put the text in quotes" in result.stderr


def test_an_empty_guide_file_says_it_is_empty(cli, tmp_path) -> None:
    result = cli("validate", str(write(tmp_path, "# nothing yet\n")))
    assert result.exit_code == 3
    assert "is empty. A guide file starts with 'format: 1'" in result.stderr


# -- small things -------------------------------------------------------------------------


def test_validate_of_a_folder_is_one_plain_line(cli, tmp_path) -> None:
    result = cli("validate", str(tmp_path))
    assert result.exit_code == 3
    assert result.stderr.strip() == f"Error: {tmp_path} is not a guide file: it is a folder or a " \
        "device."  # fmt: skip


def test_a_missing_guide_is_exit_3_by_path_or_by_id(cli, tmp_path) -> None:
    for command in (["validate"], ["guide", "new", str(tmp_path / "x.yaml"), "--from"]):
        by_path = cli(*command, str(tmp_path / "nothere.yaml"))
        by_id = cli(*command, "nothere")
        assert by_path.exit_code == by_id.exit_code == 3, (by_path.output, by_id.output)
        assert "There is no guide file" in by_path.stderr and "There is no guide file" in (
            by_id.stderr
        )


def test_negative_years_say_the_allowed_range(cli, tmp_path) -> None:
    result = cli("guide", "new", str(tmp_path / "x.yaml"), "--from", "cim-sigdis-2024",
                 "--years", "-1")  # fmt: skip
    assert result.exit_code == 2
    assert "--years must be from 1 to 50 years, not -1" in result.output


def test_one_activity_in_one_step_is_singular(cli, tmp_path) -> None:
    guide = write(tmp_path, HEAD + """\
  - id: a
    step: r
    title: A
    target: By March 1, 2024
    due: 2024-03-01
""")  # fmt: skip
    result = cli("validate", str(guide))
    assert result.exit_code == 0, result.output
    assert "'trial-2023', 1 activity in 1 step." in result.stdout
