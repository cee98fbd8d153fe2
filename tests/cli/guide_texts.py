"""Small guides the guide-format tests share: a header to add activities to, and a CCEIS
cohort's schedule as a facilitator would write it."""

from __future__ import annotations

from pathlib import Path

HEAD = """\
format: 1
guide:
  id: trial-2023
  title: Trial guide
  steps:
    - {id: r, name: Reports}
activities:
"""


CCEIS = """\
format: 1
guide:
  id: cceis-2021-cohort
  title: CCEIS 2021 cohort schedule
  cohort: 2021 CCEIS cohort
  budget_period: {start: 2021-07-01, end: 2023-09-30, months: 27}
  steps:
    - {id: plan, name: Plan}
    - {id: report, name: Reports}
activities:
  - id: plan-due
    step: plan
    title: Submit the plan
    target: Prior to December 1, 2021
    due: 2021-11-30
  - id: expenditure-report
    step: report
    title: Quarterly expenditure report
    period: {start: 2021-07-01, end: 2021-09-30}
    due: {days: 30, after: period}
    repeat: quarterly
    until: 2023-10-30
  - id: final-report
    step: report
    title: Final report
    due: {days: 60, after: 2023-10-30}
"""


def write(tmp_path: Path, text: str, name: str = "guide.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path
