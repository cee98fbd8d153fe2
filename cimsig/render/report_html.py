"""The HTML report (`cimsig export html`): one page for people who do not use a terminal.

`report_context` turns a workspace into plain data (strings, numbers, lists and dicts): the
template never sees a Workspace, so what it shows is what this module chose to give it.
`render_report` fills in `cimsig/templates/report.html.j2` with Jinja2, autoescaping on, so every
piece of guide or district text is shown as text, never read as markup. The page needs nothing
else: its CSS is inline, the timeline is inline SVG, and it has no JavaScript.

jinja2 is imported only inside `render_report`, so no other command pays for it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from cimsig import schedule
from cimsig.guide import DEFAULT_TIME_ZONE, Activity
from cimsig.render import timeline
from cimsig.render.formatting import fmt_date, fmt_days, fmt_period, fmt_time, fmt_window
from cimsig.render.jsonout import activity_json
from cimsig.schedule import ActivityStatus
from cimsig.state import day_recorded

if TYPE_CHECKING:
    from jinja2 import Environment

    from cimsig.workspace import Workspace

SOON_DAYS = 30  # "the next 30 days" of the report

# Status is never shown by color alone: each has a word and a symbol too. The colors are text on
# white and text on the status's own tint, each at least 4.5:1 (WCAG AA; a test checks them).
STATUS_LABEL = {
    schedule.DONE: "Done",
    schedule.OVERDUE: "Overdue",
    schedule.OPEN: "In progress",
    schedule.UPCOMING: "Upcoming",
    schedule.ONGOING: "Ongoing",
    schedule.RECOMMENDED: "Recommended",
    schedule.OPTIONAL: "Optional",
}
STATUS_SYMBOL = {
    schedule.DONE: "✓",
    schedule.OVERDUE: "!",
    schedule.OPEN: "▶",
    schedule.UPCOMING: "○",
    schedule.ONGOING: "↻",
    schedule.RECOMMENDED: "☆",
    schedule.OPTIONAL: "◇",
}
# (text color, tint behind a status label, color of its bar in the timeline)
STATUS_COLORS = {
    schedule.DONE: ("#116329", "#dafbe1", "#2da44e"),
    schedule.OVERDUE: ("#a40e26", "#ffebe9", "#cf222e"),
    schedule.OPEN: ("#7d4e00", "#fff8c5", "#bf8700"),
    schedule.UPCOMING: ("#0550ae", "#ddf4ff", "#218bff"),
    schedule.ONGOING: ("#0a5c63", "#d8f3f5", "#3aa4ad"),
    schedule.RECOMMENDED: ("#57606a", "#f0f2f4", "#8c959f"),
    schedule.OPTIONAL: ("#57606a", "#f0f2f4", "#8c959f"),
}
TEXT_COLOR, MUTED_COLOR, PAGE_COLOR = "#1f2328", "#57606a", "#ffffff"

# The timeline picture: its width in SVG units, split between the labels and the chart.
TIMELINE_COLUMNS = 144
_LABEL_WIDTH, _CHART_WIDTH, _ROW_HEIGHT, _TOP = 292, 720, 16, 44

_LABEL_CHARS = 46  # of a row's title in the timeline picture (the whole title is its tooltip)

_URL = re.compile(r"https?://[^\s<>\"')]+")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.I)


def report_context(ws: Workspace, made_at: dt.datetime) -> dict[str, Any]:
    """Everything the report shows, as plain data, for the workspace's as-of date.

    `made_at` is when the report is made (the CLI passes the clock; tests a fixed moment).
    """
    guide, as_of, items = ws.guide, ws.as_of, ws.statuses
    guide_dates = {a.id: a for a in ws.unplanned}
    step_names = {s.id: s.name for s in guide.steps}
    rows = {i.activity.id: _row(ws, i, guide_dates.get(i.activity.id)) for i in items}

    def brief(found: Sequence[ActivityStatus]) -> list[dict[str, Any]]:
        return [rows[i.activity.id] for i in found]

    in_progress = sorted(
        (i for i in items if i.status == schedule.OPEN),
        key=lambda i: i.activity.due or dt.date.max,
    )
    last = as_of + dt.timedelta(days=SOON_DAYS)
    steps = []
    for progress in schedule.progress_by_step(guide.steps, items):
        step = progress.step
        in_step = [rows[i.activity.id] for i in items if i.activity.step == step.id]
        if not in_step:
            continue
        late = sum(r["status"] == schedule.OVERDUE for r in in_step)
        steps.append(
            {
                "id": step.id,
                "name": step.name,
                "summary": step.summary,
                "done": progress.done,
                "total": progress.total,
                "overdue": late,
                "ongoing": progress.ongoing,
                "percent": round(progress.fraction * 100),
                # The bar's three parts, as shares of the step's counted activities.
                "done_share": _share(progress.done, progress.total),
                "overdue_share": _share(late, progress.total),
                "activities": in_step,
            }
        )
    # A district activity filed under a step this guide lacks still belongs in the checklist.
    strays = [rows[i.activity.id] for i in items if i.activity.step not in step_names]
    if strays:
        steps.append(
            {"id": "other", "name": "Other", "summary": "Steps this guide does not have",
             "done": sum(r["status"] == schedule.DONE for r in strays), "total": len(strays),
             "ongoing": 0, "percent": None, "activities": strays}
        )  # fmt: skip
    palette = {
        s: {"key": s, "label": STATUS_LABEL[s], "symbol": STATUS_SYMBOL[s],
            "color": STATUS_COLORS[s][0], "tint": STATUS_COLORS[s][1], "mark": STATUS_COLORS[s][2]}
        for s in schedule.STATUSES
    }  # fmt: skip
    return {
        "glance": _glance(ws, items, rows),
        "workload": _workload(items, ws.state.owners),
        "title": guide.title,
        "guide": {
            "title": guide.title,
            "source": guide.source,
            "cohort": guide.cohort,
            "resources": [_link(r, guide.link(r)) for r in guide.resources],
        },
        "district": ws.lea,
        "track": _TRACK_WORDS.get(ws.track or ""),
        "as_of": fmt_date(as_of),
        "as_of_iso": as_of.isoformat(),
        "made_at": _fmt_moment(_in_zone(made_at, guide.time_zone)),
        "made_at_iso": made_at.isoformat(timespec="minutes"),
        "page_footer": _css_string(
            f"{ws.lea + ' · ' if ws.lea else ''}As of {fmt_date(as_of)} · {guide.title}"
        ),
        "soon_days": SOON_DAYS,
        "soon_last": fmt_date(last),
        "steps": steps,
        "overdue": brief(schedule.overdue(items)),
        "in_progress": brief(in_progress),
        "soon": brief(schedule.due_between(items, as_of, last)),
        "counts": {s: sum(i.status == s for i in items) for s in schedule.STATUSES},
        "total": len(items),
        "statuses": list(palette.values()),
        "palette": palette,
        "colors": {"text": TEXT_COLOR, "muted": MUTED_COLOR, "page": PAGE_COLOR},
        "timeline": timeline_picture(ws),
    }


def _share(count: int, total: int) -> float:
    return round(100 * count / total, 1) if total else 0.0


def _glance(
    ws: Workspace, items: Sequence[ActivityStatus], rows: Mapping[str, dict[str, Any]]
) -> dict[str, Any]:
    """The first screen: how far along, how much is overdue and whose, the next deadline. The
    totals are the steps' (ongoing and recommended-only work does not count), so they add up."""
    progress = schedule.progress_by_step(ws.guide.steps, items)
    done, total = sum(p.done for p in progress), sum(p.total for p in progress)
    late = schedule.overdue(items)
    ahead = [i for i in items if i.status in (schedule.OPEN, schedule.UPCOMING)]
    following = schedule.first_due_after(ahead, ws.as_of - dt.timedelta(days=1))
    late_owners: dict[str, int] = {}
    for item in late:
        name = ws.state.owners.get(item.activity.id) or ""
        late_owners[name] = late_owners.get(name, 0) + 1
    # The legend above the steps: the counted activities by status (they add up to `total`),
    # and what is not counted, said apart.
    steps = {step.id for step in ws.guide.steps}

    def uncounted(i: ActivityStatus) -> str | None:
        if i.activity.step not in steps:
            return "in steps this guide does not have"
        if schedule.is_ongoing(i):
            return "ongoing"
        if i.status == schedule.RECOMMENDED:
            return "recommended only"
        if i.activity.required_for == schedule.OPTIONAL:
            return "optional"
        return None

    reasons = [uncounted(i) for i in items]
    counted = {
        s: sum(i.status == s and r is None for i, r in zip(items, reasons, strict=True))
        for s in schedule.STATUSES
    }
    left_out = [
        f"{reasons.count(word)} {word}"
        for word in ("ongoing", "recommended only", "optional", "in steps this guide does not have")
        if reasons.count(word)
    ]
    return {
        "done": done,
        "total": total,
        "percent": round(100 * done / total) if total else 100,
        "overdue": len(late),
        "not_counted": len(items) - total,
        "counted": counted,
        "left_out": ", ".join(left_out),
        "next": rows[following.activity.id] if following is not None else None,
        "late_owners": sorted(late_owners.items(), key=lambda kv: (-kv[1], kv[0] == "", kv[0])),
    }


def _workload(items: Sequence[ActivityStatus], owners: Mapping[str, str]) -> dict[str, Any]:
    """Open work (not done, with a date: in progress, upcoming or overdue) per owner."""
    people: dict[str, dict[str, int]] = {}
    unassigned = {"open": 0, "overdue": 0}
    for item in items:
        if item.status not in (schedule.OPEN, schedule.UPCOMING, schedule.OVERDUE):
            continue
        name = owners.get(item.activity.id)
        counts = people.setdefault(name, {"open": 0, "overdue": 0}) if name else unassigned
        counts["open"] += 1
        counts["overdue"] += item.status == schedule.OVERDUE
    ordered = sorted(people.items(), key=lambda kv: (-kv[1]["overdue"], -kv[1]["open"], kv[0]))
    return {"people": [{"name": n, **c} for n, c in ordered], "unassigned": unassigned}


def _in_zone(moment: dt.datetime, zone: str) -> dt.datetime:
    """A moment in the guide's time zone, as `history` shows it ("09:00 PST")."""
    from cimsig.state import time_zone

    return moment.astimezone(time_zone(zone))


def _css_string(text: str) -> str:
    """Text as a CSS string's inside (for the printed page's footer): every character but
    letters, digits and spaces as a CSS escape, so no quote, backslash or `</style>` can end
    it, and no control character is shown."""
    from cimsig.render.formatting import export_safe

    plain = export_safe(text).replace("\n", " ").replace("\t", " ")
    return "".join(
        c if (c.isalnum() and c.isascii()) or c == " " else f"\\{ord(c):x} " for c in plain
    )


_TRACK_WORDS = {
    "new": "Newly identified: every activity the guide requires of new LEAs counts.",
    "continuing": "Continuing: activities required only of new LEAs are recommended.",
}


def _fmt_moment(moment: dt.datetime) -> str:
    zone = moment.tzname()
    return f"{fmt_date(moment.date())} at {moment:%H:%M}" + (f" {zone}" if zone else "")


def _row(ws: Workspace, item: ActivityStatus, original: Activity | None) -> dict[str, Any]:
    """One activity as the report shows it: the JSON row, plus its dates and flags in words."""
    row = activity_json(ws.guide, item, ws.details(item.activity.id))
    a = item.activity
    from_guide = a.origin == "guide" and original is not None
    guide_dates = _dates(original) if from_guide and original is not None else ""
    own_dates = _dates(a) if row["planned"] or a.origin == "district" else ""
    late = ""
    if item.status == schedule.OVERDUE:
        late = fmt_days(item.days_left)
    elif item.status == schedule.DONE and item.done_on and a.due and item.done_on > a.due:
        late = f"done {fmt_days((a.due - item.done_on).days)}"
    days = ""
    if item.status != schedule.DONE and item.days_left is not None:
        days = fmt_days(item.days_left)
        days = f"{days} left" if item.days_left > 1 else days
        if item.days_left < 0 and item.status in (schedule.OPTIONAL, schedule.RECOMMENDED):
            days = "its date has passed"  # never late
    return {
        **row,
        "status_label": STATUS_LABEL[item.status],
        "symbol": STATUS_SYMBOL[item.status],
        "guide_dates": guide_dates,
        "own_dates": own_dates,
        "due_text": fmt_date(a.due) if a.due else "ongoing",
        "window": _dates(a),
        "period_text": fmt_period(a),
        "done_text": fmt_date(item.done_on) if item.done_on else "",
        "late": late,
        "days_text": days,
        "notes": [
            {"date": day_recorded(n["at"], ws.guide.time_zone) or "", "text": n["text"]}
            for n in row["notes"]
        ],
        "resources": [_link(r, a.link(r)) for r in a.resources],
        "submit_to": [_link(s) for s in a.submit_to],
    }


def _dates(activity: Activity) -> str:
    """The dates of an activity in words, its meeting time and a weekend due date flagged."""
    text = fmt_window(activity)
    if activity.time and activity.start not in (None, activity.due):
        text += f", {fmt_time(activity.time)} PT"
    return text + (" (weekend)" if activity.weekend else "")


def _link(text: str, link: str | None = None) -> dict[str, str | None]:
    """A resource or an address: a link where the guide gives one (its `link`, a web address in
    the text, or an e-mail address)."""
    if link is not None:
        return {"text": text, "href": link, "address": link}
    if _EMAIL.match(text):
        return {"text": text, "href": f"mailto:{text}", "address": None}
    found = _URL.search(text)
    if found is None:
        return {"text": text, "href": None, "address": None}
    url = found.group(0)
    label = (text[: found.start()] + text[found.end() :]).strip(" :-()") or url
    # Printed, a link shows its address unless the text already is the address.
    return {"text": label, "href": url, "address": url if label != url else None}


# -- the timeline picture -------------------------------------------------------------------------


def timeline_picture(
    ws: Workspace,
    columns: int = TIMELINE_COLUMNS,
    *,
    first: dt.date | None = None,
    last: dt.date | None = None,
    by_step: bool = False,
) -> dict[str, Any]:
    """The Gantt chart `cimsig timeline` draws, laid out as shapes for an SVG template: a row
    per activity labelled with its title, under a heading per step (or a row per step)."""
    whole = timeline.date_range(ws.statuses, ws.as_of)
    chart = timeline.layout(
        ws.guide, ws.statuses, ws.as_of, columns=columns, first=first or whole[0],
        last=last or whole[1], by_step=by_step,
    )  # fmt: skip
    cell = _CHART_WIDTH / chart.columns
    titles = {i.activity.id: i.activity.title for i in ws.statuses}
    steps = {i.activity.id: ws.guide.step(i.activity.step).name for i in ws.statuses
             if i.activity.step in {s.id for s in ws.guide.steps}}  # fmt: skip
    rows: list[dict[str, Any]] = []
    headings: list[dict[str, Any]] = []
    for row in chart.rows:
        step = None if by_step else steps.get(row.label, "Other")
        if step is not None and (not headings or headings[-1]["label"] != step):
            headings.append({"label": step, "y": _TOP + (len(rows) + len(headings)) * _ROW_HEIGHT})
        index = len(rows) + len(headings)
        y = _TOP + index * _ROW_HEIGHT
        shapes: list[dict[str, Any]] = []
        for mark, start, end, status in _runs(row.cells):
            x = _LABEL_WIDTH + start * cell
            width = (end - start + 1) * cell
            if mark == timeline.DEADLINE:
                shapes.append({"kind": "deadline", "x": x + width / 2, "status": status})
            elif mark in (timeline.BAR, timeline.ONGOING):
                kind = "bar" if mark == timeline.BAR else "ongoing"
                shapes.append({"kind": kind, "x": x, "width": width, "status": status})
        title = titles.get(row.label, row.label)
        rows.append(
            {
                "label": _fit(title, _LABEL_CHARS),
                "id": row.label if row.label in titles else "",
                "title": title,
                "status": row.status,
                "status_label": STATUS_LABEL[row.status],
                "symbol": STATUS_SYMBOL[row.status],
                "y": y,
                "shapes": shapes,
            }
        )
    months = [
        {"x": _LABEL_WIDTH + c * cell, "label": letter}
        for c, letter in enumerate(chart.months)
        if letter != " "
    ]
    years = [
        {"x": _LABEL_WIDTH + m.start() * cell, "label": m.group(0)}
        for m in re.finditer(r"\d{4}", chart.years)
    ]
    # Titles that read the same once cut (the quarterly reports) are told apart by their date.
    dues = {i.activity.id: i.activity.due for i in ws.statuses}
    cut = [r["label"] for r in rows]
    for shown in rows:
        due = dues.get(shown["id"])
        if cut.count(shown["label"]) > 1 and due is not None:
            shown["label"] = (
                f"{_fit(shown['title'], _LABEL_CHARS - 15)} · {fmt_date(due, weekday=False)}"
            )
    today = chart.today_column
    lines = len(rows) + len(headings)
    height = _TOP + lines * _ROW_HEIGHT + 40
    return {
        "headings": headings,
        "width": _LABEL_WIDTH + _CHART_WIDTH + 8,
        "height": height,
        "label_width": _LABEL_WIDTH,
        "chart_width": _CHART_WIDTH,
        "row_height": _ROW_HEIGHT,
        "top": _TOP,
        "bottom": _TOP + lines * _ROW_HEIGHT,
        "cell": cell,
        "first": fmt_date(chart.first, weekday=False),
        "last": fmt_date(chart.last, weekday=False),
        "today_x": None if today is None else _LABEL_WIDTH + (today + 0.5) * cell,
        "months": months,
        "years": years,
        "rows": rows,
    }


def _fit(text: str, chars: int) -> str:
    """A label cut to `chars` at a word where it can, with an ellipsis."""
    if len(text) <= chars:
        return text
    cut = text[: chars - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut[chars // 2 :] else cut).rstrip(" ,:;-") + "…"


def timeline_svg(
    ws: Workspace, *, first: dt.date | None, last: dt.date | None, by_step: bool
) -> str:
    """`cimsig timeline --svg`: the report's timeline picture as a file of its own, with a title
    and a description, light, and nothing fetched from anywhere."""
    context = report_context(ws, dt.datetime.now(dt.timezone.utc))
    context["timeline"] = timeline_picture(ws, first=first, last=last, by_step=by_step)
    return _environment().get_template("timeline_file.svg.j2").render(context)


def _runs(cells: Sequence[timeline.Cell]) -> list[tuple[str, int, int, str | None]]:
    """Runs of equal cells: (mark, first column, last column, status); a deadline is alone."""
    runs: list[tuple[str, int, int, str | None]] = []
    for column, cell in enumerate(cells):
        mark = cell.mark
        if mark == timeline.TODAY:
            # The as-of line is drawn across the whole chart; ongoing work runs on under it.
            ongoing = runs and runs[-1][0] == timeline.ONGOING and runs[-1][2] == column - 1
            mark = timeline.ONGOING if ongoing else timeline.EMPTY
            cell = timeline.Cell(mark, runs[-1][3] if ongoing else None)
        same = bool(runs) and runs[-1][0] == mark and runs[-1][3] == cell.status
        if same and mark != timeline.DEADLINE:
            runs[-1] = (mark, runs[-1][1], column, cell.status)
        else:
            runs.append((mark, column, column, cell.status))
    return [r for r in runs if r[0] != timeline.EMPTY]


# -- the page -------------------------------------------------------------------------------------


def build_index(
    rows: Sequence[Mapping[str, Any]],
    as_of: dt.date,
    made_at: dt.datetime,
    zone: str = DEFAULT_TIME_ZONE,
) -> str:
    """The page that lists every district's report (`export html --all-districts`): the rows
    of `overview_rows`, each with the `file` of its report in the same folder (or None). The
    moment it is made is told in `zone`, the guide's time zone, as the reports tell theirs."""
    shown = []
    for row in rows:
        total, done = int(row["total"]), int(row["done"])
        due = row.get("next_due")
        left = row.get("next_days_left")
        shown.append({
            **row,
            "percent": round(100 * done / total) if total else 100,
            "next_due": fmt_date(dt.date.fromisoformat(due)) if due else None,
            "next_left": _days_left(left) if due else "",
            "last_change": fmt_date(dt.date.fromisoformat(row["last_change"]))
            if row.get("last_change") else None,
        })  # fmt: skip
    return (
        _environment()
        .get_template("index.html.j2")
        .render(
            rows=shown,
            late_count=sum(1 for r in rows if r["overdue"]),
            as_of=fmt_date(as_of),
            as_of_iso=as_of.isoformat(),
            made_at=_fmt_moment(_in_zone(made_at, zone)),
        )
    )


def render_report(context: Mapping[str, Any]) -> str:
    """The report as one HTML document, from `report_context`'s data."""
    return _environment().get_template("report.html.j2").render(context)


def _days_left(left: int | None) -> str:
    return f"{left} days left" if left is not None and left > 1 else fmt_days(left)


def _environment() -> Environment:
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(
        loader=PackageLoader("cimsig", "templates"),
        autoescape=True,  # every value is text unless a template says otherwise (none does)
        undefined=StrictUndefined,  # a misspelt field fails the tests instead of showing nothing
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_shown_safely,
    )
    env.filters["num"] = _number
    return env


def _shown_safely(value: Any) -> Any:
    """Every value a template shows, with control characters (an ESC in a note, a bell) taken
    out of text: they mean nothing on a page and a browser may show them as boxes."""
    from markupsafe import Markup

    from cimsig.render.formatting import export_safe

    if isinstance(value, str) and not isinstance(value, Markup):
        return export_safe(value)
    return value


def _number(value: float) -> str:
    """A coordinate for SVG: short, and never in exponent notation."""
    return f"{value:.1f}".removesuffix(".0")


def build_report(ws: Workspace, made_at: dt.datetime) -> str:
    return render_report(report_context(ws, made_at))


def style_context() -> dict[str, Any]:
    """What the style sheet (report.css.j2) needs, for `cimsig serve`'s pages."""
    palette = {
        s: {"key": s, "label": STATUS_LABEL[s], "symbol": STATUS_SYMBOL[s],
            "color": STATUS_COLORS[s][0], "tint": STATUS_COLORS[s][1], "mark": STATUS_COLORS[s][2]}
        for s in schedule.STATUSES
    }  # fmt: skip
    return {
        "statuses": list(palette.values()),
        "palette": palette,
        "colors": {"text": TEXT_COLOR, "muted": MUTED_COLOR, "page": PAGE_COLOR},
        "page_footer": '""',
    }


def activity_row(ws: Workspace, item: ActivityStatus, original: Activity | None) -> dict[str, Any]:
    """One activity as the report (and `cimsig serve`'s activity page) shows it."""
    return _row(ws, item, original)
