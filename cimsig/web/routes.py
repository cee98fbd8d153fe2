"""The pages of `cimsig serve`: each route reads a form, calls one operation, renders a page."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from cimsig import environment, operations
from cimsig.errors import CimsigError, StateError, UsageError
from cimsig.records import Plan
from cimsig.web import (
    DOWNLOADS,
    NAME_FIELD_LIMIT,
    SECURITY_HEADERS,
    FormError,
    ServeSettings,
    form_date,
    form_text,
    open_workspace,
    same_secret,
    several_districts,
)

if TYPE_CHECKING:
    from flask import Flask, Response

    from cimsig.workspace import Workspace

CHECK_IN_DAYS = 14  # how far ahead the weekly check-in looks, as `cimsig status`

REQUIRED_WORDS = {  # (as `cimsig show` says it)
    "all": "all LEAs identified as significantly disproportionate in this cohort",
    "new": "newly identified LEAs (highly recommended for continuing LEAs)",
    "continuing": "LEAs with continuing significant disproportionality",
    "optional": "no one: optional (never overdue, not counted in the progress)",
}

BUG_HELP = (
    "This is a bug in cimsig, not in your files: nothing was half-written. To report it, stop "
    "cimsig serve (Ctrl-C in its window), start it again with CIMSIG_DEBUG=1 set, do the same "
    "again, and send what the window shows to whoever looks after cimsig for your team."
)


def install(app: Flask, settings: ServeSettings) -> None:
    from flask import abort, make_response, redirect, render_template, request, session

    def refuse(status: int, title: str, text: str) -> Response:
        page = render_template(
            "web/message.html.j2", title=title, text=text, nav=False, district=None
        )
        return make_response(page, status)

    @app.before_request
    def guard() -> Any:
        if request.host not in settings.hosts:
            return refuse(
                400,
                "Address refused",
                "This page is only served at the address cimsig serve printed "
                f"(127.0.0.1:{settings.port}).",
            )
        key = request.args.get("key")
        if key is not None and request.method == "GET":
            if not same_secret(key, settings.key):
                return refuse(403, "Wrong key", "This address's key is not this cimsig's.")
            session.clear()
            session["in"] = True
            session["csrf"] = secrets.token_urlsafe(24)
            rest = {k: v for k, v in request.args.items() if k != "key"}
            return redirect(request.path + ("?" + urlencode(rest) if rest else ""), 303)
        if not session.get("in"):
            return refuse(
                403,
                "Open the address cimsig printed",
                "This page needs the address (with its key) that cimsig serve printed when it "
                "started. Copy it from that window into the browser.",
            )
        if request.method == "POST":
            origin = request.headers.get("Origin")
            if origin is not None and origin.removeprefix("http://") not in settings.hosts:
                return refuse(403, "Refused", "A form from another site cannot change your plan.")
            token = request.form.get("csrf")
            if token is None or not same_secret(token, str(session.get("csrf", ""))):
                return refuse(
                    403,
                    "Refused",
                    "This form is out of date or came from another site: nothing was changed. "
                    "Go back, reload the page and try again.",
                )
        return None

    @app.after_request
    def headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers[name] = value
        return response

    @app.errorhandler(StateError)
    def unreadable(exc: StateError) -> Response:
        return refuse(
            500,
            "The progress file cannot be read",
            f"{exc} cimsig has not changed the file. Fix it (cimsig doctor checks it), then "
            "reload this page.",
        )

    @app.errorhandler(404)
    def not_found(exc: Exception) -> Response:
        return refuse(404, "No such page", "There is no such page. Start again from Home.")

    @app.errorhandler(CimsigError)
    def cimsig_error(exc: CimsigError) -> Response:
        return refuse(400, "Cannot do that", str(exc))

    @app.errorhandler(Exception)
    def bug(exc: Exception) -> Response:
        import os

        from werkzeug.exceptions import HTTPException

        if isinstance(exc, HTTPException):
            return refuse(exc.code or 500, exc.name, exc.description or "")
        if os.environ.get("CIMSIG_DEBUG"):
            import traceback

            traceback.print_exc()
        return refuse(
            500,
            "cimsig failed unexpectedly",
            f"({type(exc).__name__}) {BUG_HELP}",
        )

    # -- helpers -----------------------------------------------------------------------------

    def district() -> str | None:
        return request.values.get("district") or settings.district or None

    def workspace() -> Workspace:
        return open_workspace(settings, district())

    def author() -> str:
        return str(session.get("me") or environment.user_name())

    def today(ws: Workspace) -> dt.date:
        return environment.today_in(ws.guide.time_zone)

    def page(template: str, ws: Workspace | None, **context: Any) -> str:
        return render_template(
            template,
            ws=ws,
            district=district(),
            districts=several_districts(),
            csrf=session.get("csrf", ""),
            me=author(),
            link=link,
            nav=True,
            **context,
        )

    def link(endpoint: str, **values: Any) -> str:
        from flask import url_for

        chosen = district()
        if chosen and "district" not in values:
            values["district"] = chosen
        return url_for(endpoint, **values)

    def done_message(flash: str) -> Any:
        """After a change: back to the page it came from, with a line saying what happened."""
        back = request.form.get("back") or _same_page(request.referrer) or link("home")
        if not back.startswith("/") or back.startswith("//"):
            back = link("home")
        session["said"] = flash
        return redirect(back, 303)

    def said() -> str | None:
        return session.pop("said", None)  # type: ignore[no-any-return]

    def change(form_page: Callable[[str], str], do: Callable[[Workspace], str]) -> Any:
        """Run a change: its message on the next page, or the form back with what is wrong."""
        ws = workspace()
        try:
            return done_message(do(ws))
        except (FormError, UsageError) as exc:
            return make_response(form_page(str(exc)), 400)

    # -- pages -------------------------------------------------------------------------------

    @app.get("/")
    def home() -> Any:
        names = several_districts()
        if names and not district():
            return page("web/districts.html.j2", None, overview=_overview(settings, names),
                        said=said())  # fmt: skip
        ws = workspace()
        return page("web/home.html.j2", ws, r=_weekly(ws), said=said())

    @app.get("/districts")
    def districts_page() -> Any:
        names = several_districts()
        return page("web/districts.html.j2", None, overview=_overview(settings, names),
                    said=said())  # fmt: skip

    def activity_page(activity_id: str, error: str | None = None) -> str:
        ws = workspace()
        return page(
            "web/activity.html.j2", ws, a=_activity(ws, activity_id), error=error,
            said=said(), today=today(ws).isoformat(),
        )  # fmt: skip

    @app.get("/activity/<activity_id>")
    def activity(activity_id: str) -> Any:
        return activity_page(activity_id)

    def activity_form(activity_id: str) -> Callable[[str], str]:
        return lambda error: activity_page(activity_id, error)

    @app.post("/activity/<activity_id>/done")
    def mark_done(activity_id: str) -> Any:
        def do(ws: Workspace) -> str:
            on = checked_done_day(ws, request.form.get("on"), today(ws))
            note = form_text(request.form.get("note"), "Note", required=False) or None
            result = operations.mark_done(
                ws, [activity_id], on=on, note=note, now=environment.now(), author=author()
            )
            (target,) = result.changes
            if result.changes[target] is None:
                return f"{target} was already done; nothing changed."
            if result.before.get(target) is not None:
                return f"Corrected {target}: done on {_fmt(on)}."
            return f"Marked done: {target}, done on {_fmt(on)}."

        return change(activity_form(activity_id), do)

    @app.post("/activity/<activity_id>/reopen")
    def reopen(activity_id: str) -> Any:
        def do(ws: Workspace) -> str:
            result = operations.reopen(ws, [activity_id], now=environment.now(), author=author())
            if not result.changed:
                return f"{activity_id} was not marked done; nothing changed."
            return f"Reopened: {result.changed[0]}. It is no longer marked done."

        return change(activity_form(activity_id), do)

    @app.post("/activity/<activity_id>/assign")
    def assign(activity_id: str) -> Any:
        def do(ws: Workspace) -> str:
            clear = "clear" in request.form
            owner = None if clear else form_text(request.form.get("owner"), "Owner",
                                                 limit=NAME_FIELD_LIMIT)  # fmt: skip
            result = operations.assign(ws, activity_id, owner, now=environment.now(),
                                       author=author())  # fmt: skip
            (target,) = result.changes
            if result.changes[target] is None:
                return f"{target} already has that owner; nothing changed."
            return f"{target} is assigned to {owner}." if owner else f"{target} has no owner now."

        return change(activity_form(activity_id), do)

    @app.post("/activity/<activity_id>/plan")
    def plan(activity_id: str) -> Any:
        def do(ws: Workspace) -> str:
            new_plan = None
            if "clear" not in request.form:
                due = form_date(request.form.get("due"), "Your due date")
                start = form_date(request.form.get("start"), "Start", required=False)
                assert due is not None
                checked_dates(ws, due, start, "Your due date")
                new_plan = Plan(due, start)
            result = operations.plan(ws, activity_id, new_plan, now=environment.now(),
                                     author=author())  # fmt: skip
            (target,) = result.changes
            if result.changes[target] is None:
                return f"{target}: nothing changed."
            if new_plan is None:
                return f"Cleared your date for {target}: it follows the guide again."
            return f"Planned: {target} due {_fmt(new_plan.due)}."

        return change(activity_form(activity_id), do)

    @app.post("/activity/<activity_id>/note")
    def add_note(activity_id: str) -> Any:
        def do(ws: Workspace) -> str:
            text = form_text(request.form.get("text"), "Note")
            result = operations.add_note(ws, activity_id, text, now=environment.now(),
                                         author=author())  # fmt: skip
            (target,) = result.changes
            return f"Added a note to {target}."

        return change(activity_form(activity_id), do)

    def catch_up_page(error: str | None = None, preview: Any = None) -> str:
        ws = workspace()
        return page("web/catch_up.html.j2", ws, error=error, preview=preview,
                    today=today(ws).isoformat(), said=said())  # fmt: skip

    @app.get("/catch-up")
    def catch_up() -> Any:
        return catch_up_page()

    @app.post("/catch-up")
    def catch_up_preview() -> Any:
        ws = workspace()
        try:
            through = form_date(request.form.get("through"), "Due on or before", required=False)
            step = request.form.get("step") or None
            on = checked_done_day(ws, request.form.get("on"), today(ws))
            if through is None and step is None:
                raise FormError("Choose a date, a step, or both.")
            preview = operations.catch_up_preview(ws, through=through, step=step, day=on)
        except (FormError, UsageError) as exc:
            return make_response(catch_up_page(str(exc)), 400)
        return catch_up_page(preview=preview)

    @app.post("/catch-up/confirm")
    def catch_up_confirm() -> Any:
        def do(ws: Workspace) -> str:
            ids = request.form.getlist("id")
            on = checked_done_day(ws, request.form.get("on"), today(ws))
            if not ids:
                raise FormError("Nothing to mark.")
            result = operations.mark_done(ws, ids, on=on, now=environment.now(), author=author())
            return (
                f"Marked {len(result.changed)} done on {_fmt(on)}, in one change "
                "(Undo takes it all back)."
            )

        return change(lambda error: catch_up_page(error), do)

    def own_page(error: str | None = None) -> str:
        ws = workspace()
        own = [a for a in ws.activities if a.origin == "district"]
        return page("web/own.html.j2", ws, own=own, error=error, said=said())

    @app.get("/own")
    def own() -> Any:
        return own_page()

    @app.post("/own/add")
    def add_own() -> Any:
        def do(ws: Workspace) -> str:
            title = form_text(request.form.get("title"), "Title")
            step = request.form.get("step") or ""
            due = form_date(request.form.get("due"), "Due")
            start = form_date(request.form.get("start"), "Start", required=False)
            assert due is not None
            checked_dates(ws, due, start, "Due")
            result = operations.add_activity(ws, title, step, due, start=start,
                                             now=environment.now(), author=author())  # fmt: skip
            return f"Added {result.changed[0]}: {' '.join(title.split())}, due {_fmt(due)}."

        return change(own_page, do)

    @app.post("/own/<activity_id>/remove")
    def remove_own(activity_id: str) -> Any:
        def do(ws: Workspace) -> str:
            operations.remove_activity(ws, activity_id, now=environment.now(), author=author())
            return f"Removed {activity_id} from your plan."

        return change(own_page, do)

    def history_page(error: str | None = None) -> str:
        ws = workspace()
        return page("web/history.html.j2", ws, h=_history(ws, author()), error=error,
                    said=said())  # fmt: skip

    @app.get("/history")
    def history() -> Any:
        return history_page()

    @app.post("/undo")
    def undo() -> Any:
        def do(ws: Workspace) -> str:
            agreed = request.form.getlist("uid")
            result = operations.undo(ws, agreed=agreed, now=environment.now(), author=author())
            if not result.undone:
                return operations.nothing_to_undo_words(result.workspace)
            what = ", ".join(c.activity_id or "district profile" for c in result.undone)
            return f"Undid the last change ({what})."

        return change(history_page, do)

    @app.post("/me")
    def set_me() -> Any:
        name = " ".join((request.form.get("me") or "").split())[:NAME_FIELD_LIMIT]
        session["me"] = name or None
        return done_message(
            f"Changes you make in this browser are recorded as made by {name}."
            if name
            else f"Changes you make in this browser are recorded as made by {author()}."
        )

    @app.get("/downloads")
    def downloads() -> Any:
        return page("web/downloads.html.j2", workspace(), kinds=DOWNLOADS, said=said())

    @app.get("/download/<kind>")
    def download(kind: str) -> Any:
        if kind not in DOWNLOADS:
            abort(404)
        ws = workspace()
        data = operations.export_bytes(ws, kind, now=environment.now())
        name = f"{environment.safe_file_name(ws.lea or 'plan')}-{ws.as_of.isoformat()}.{kind}"
        response = make_response(data)
        response.headers["Content-Type"] = DOWNLOADS[kind][1]
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    @app.get("/style.css")
    def style() -> Any:
        from cimsig import report_html

        context = report_html.style_context()
        css = render_template("report.css.j2", **context) + render_template("web/web.css.j2")
        response = make_response(css)
        response.headers["Content-Type"] = "text/css; charset=utf-8"
        return response


def checked_done_day(ws: Workspace, text: str | None, today: dt.date) -> dt.date:
    """The day work was done, from a form: a date, not after today, not before the guide."""
    day = form_date(text, "Done on")
    assert day is not None
    if day > today:
        raise FormError(
            f"Done on: {_fmt(day)} is after today ({_fmt(today)}). cimsig records work that is "
            "done; choose today or an earlier day."
        )
    first = ws.guide.first_date
    if first is not None and day < first:
        raise FormError(
            f"Done on: {_fmt(day)} is before this guide begins ({_fmt(first)}). Is the year right?"
        )
    return day


def checked_dates(ws: Workspace, due: dt.date, start: dt.date | None, due_label: str) -> None:
    """A due date and a start from a form: the start not after the due date, neither before
    the guide begins."""
    if start is not None and start > due:
        raise FormError(f"Start: {_fmt(start)} is after the {due_label.lower()}, {_fmt(due)}.")
    first = ws.guide.first_date
    for label, day in ((due_label, due), ("Start", start)):
        if first is not None and day is not None and day < first:
            raise FormError(
                f"{label}: {_fmt(day)} is before this guide begins ({_fmt(first)}). Is the "
                "year right?"
            )


def _same_page(referrer: str | None) -> str | None:
    """The page a form was sent from (its path and query), to go back to after a change."""
    from urllib.parse import urlsplit

    if not referrer:
        return None
    parts = urlsplit(referrer)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _fmt(day: dt.date | None) -> str:
    from cimsig.formatting import fmt_date

    return fmt_date(day)


def _weekly(ws: Workspace) -> dict[str, Any]:
    from cimsig import report_html, schedule

    context = report_html.report_context(ws, environment.now())
    # The check-in looks 14 days ahead, as `cimsig status` does (the report may look further).
    rows = {a["id"]: a for step in context["steps"] for a in step["activities"]}
    last = ws.as_of + dt.timedelta(days=CHECK_IN_DAYS)
    soon = schedule.due_between(ws.statuses, ws.as_of, last)
    context["soon"] = [rows[i.activity.id] for i in soon if i.activity.id in rows]
    context["soon_days"] = CHECK_IN_DAYS
    return context


def _activity(ws: Workspace, activity_id: str) -> dict[str, Any]:
    from cimsig import report_html, schedule
    from cimsig.commands.history import describe
    from cimsig.views import recorded_at

    activity = ws.resolve(activity_id)
    item = ws.status(activity.id)
    original = next((a for a in ws.unplanned if a.id == activity.id), None)
    row = report_html.activity_row(ws, item, original)
    zone = ws.guide.time_zone
    entries = [
        {"when": recorded_at(str(e.get("at", "")), zone), "by": e.get("by") or "",
         "what": describe(e)}
        for e in reversed(ws.state.history) if e.get("id") == activity.id
    ]  # fmt: skip
    step = next((s for s in ws.guide.steps if s.id == activity.step), None)
    return {
        **row,
        "done": item.status == schedule.DONE or activity.id in ws.state.done,
        "record": ws.state.done.get(activity.id),
        "own": activity.origin == "district",
        "history": entries,
        "details": activity.details or "",
        "target": activity.target,
        "step_words": f"{step.name}: {step.summary}" if step and step.summary else row["step_name"],
        "required_for": REQUIRED_WORDS.get(activity.required_for or ""),
        "measured": item.measured_against,
    }


def _history(ws: Workspace, me: str) -> dict[str, Any]:
    from cimsig.commands.history import describe
    from cimsig.views import recorded_at

    zone = ws.guide.time_zone
    full = ws.state.history
    seq_of = {e.get("uid"): e.get("seq") for e in full if e.get("uid")}
    preview = operations.undo_preview(ws, me)
    next_undo = {id(e) for e in preview.group}
    rows = [
        {"seq": e.get("seq"), "when": recorded_at(str(e.get("at", "")), zone),
         "by": e.get("by") or "", "what": _named(e, describe(e, seq_of)),
         "next": id(e) in next_undo}
        for e in reversed(full)
    ]  # fmt: skip
    return {
        "rows": rows,
        "undo": [_named(e, describe(e, seq_of)) for e in preview.group],
        "undo_uids": preview.uids,
        "undo_others": preview.others,
        "nothing": operations.nothing_to_undo_words(ws) if not preview.group else "",
    }


def _named(entry: dict[str, Any], words: str) -> str:
    """A change in words, with the activity it is about (or the district profile)."""
    about = entry.get("id")
    if about and entry.get("action") not in ("merge", "archive"):
        return f"{about}: {words}"
    return words


def _overview(settings: ServeSettings, names: list[str]) -> list[dict[str, Any]]:
    from cimsig import schedule

    rows: list[dict[str, Any]] = []
    for name in names:
        try:
            ws = open_workspace(settings, name)
        except CimsigError as exc:
            rows.append({"name": name, "problem": str(exc)})
            continue
        items = ws.statuses
        progress = schedule.progress_by_step(ws.guide.steps, items)
        done, total = sum(p.done for p in progress), sum(p.total for p in progress)
        rows.append(
            {"name": name, "lea": ws.lea or name, "done": done, "total": total,
             "overdue": len(schedule.overdue(items)), "problem": None}
        )  # fmt: skip
    return rows
