"""The JSON contract: what `--json` and the exports give other programs.

Stable: sorted keys, ISO dates, `null` for missing; fields may be added, never renamed or
removed (docs/json.md lists them).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import TYPE_CHECKING, Any

from cimsig.guide import Guide, due_words
from cimsig.schedule import ActivityStatus

if TYPE_CHECKING:
    from cimsig.workspace import PlanDetails

# -- JSON ---------------------------------------------------------------------------------------


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def activity_json(
    guide: Guide, item: ActivityStatus, details: PlanDetails | None = None
) -> dict[str, Any]:
    """One activity with its status, as `--json` and the exports give it.

    `details` is what the district's plan adds (owner, notes, the guide's own dates when the
    district planned others); without it the activity is taken as the guide has it.
    """
    a = item.activity
    from_guide = a.origin == "guide"
    return {
        "id": a.id,
        "step": a.step,
        "step_name": guide.step(a.step).name,
        "title": a.title,
        "details": a.details,
        "target": a.target,
        "start": _iso(a.start),
        "due": _iso(a.due),
        "time": a.time,
        "ongoing": a.ongoing,
        "repeat": a.repeat,
        "series": a.series,
        "weekend": a.weekend,
        "resources": list(a.resources),
        "submit_to": list(a.submit_to),
        "required_for": a.required_for,
        "status": item.status,
        "done_on": _iso(item.done_on),
        "days_left": item.days_left,
        "days_late": item.days_late,
        "note": item.note,
        "origin": a.origin,
        "owner": details.owner if details else None,
        "notes": [{"at": n.at, "text": n.text} for n in details.notes] if details else [],
        "planned": details.planned if details else False,
        "guide_start": _iso(details.guide_start if details else (a.start if from_guide else None)),
        "guide_due": _iso(details.guide_due if details else (a.due if from_guide else None)),
        "period_start": _iso(a.period_start),
        "period_end": _iso(a.period_end),
        "due_rule": due_words(a, details.guide_due if details and details.planned else None),
        # The district's own date (`cimsig plan`), and which date `due`, `status` and
        # `days_left` count from: "guide" or "district" (null for ongoing work).
        "own_due": _iso(
            item.own_due
            if item.own_due is not None
            else (a.due if a.origin == "district" else None)
        ),
        "measured_against": item.measured_against,
    }


def print_json(data: Any) -> None:
    """Stable machine output: sorted keys, ISO dates, ASCII-safe on any console.

    A list prints one item per line: readable and diffable, and written by the C encoder (an
    indented dump goes through the pure-Python one, a second for thousands of activities).
    """
    if isinstance(data, list):
        items = ",\n".join(json.dumps(item, sort_keys=True) for item in data)
        text = f"[\n{items}\n]" if data else "[]"
    else:
        text = json.dumps(data, sort_keys=True, indent=2)
    sys.stdout.write(text + "\n")
