"""`guide new`: ids that name a year move with the years."""

from __future__ import annotations

import yaml

# -- ids that name a year -----------------------------------------------------------------


def test_guide_new_marks_ids_that_name_a_year(cli, tmp_path) -> None:
    draft = tmp_path / "next.yaml"
    made = cli("guide", "new", str(draft), "--from", "cim-sigdis-2024")
    assert made.exit_code == 0, made.output
    lines = draft.read_text(encoding="utf-8").splitlines()
    at = lines.index("  - id: step4-report-2025apr-jun")
    assert lines[at - 1].startswith("  # REVIEW: the id 'step4-report-2025apr-jun' names a year")
    at = lines.index("  - id: step3-fmta-checkin-october")  # a month stays right
    assert "REVIEW" not in lines[at - 1]
    data = yaml.safe_load(draft.read_text(encoding="utf-8"))
    assert data["guide"]["id"] == "cim-sigdis-2025"
