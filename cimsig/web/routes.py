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
    safe_back,
    same_secret,
    several_districts,
)

if TYPE_CHECKING:
    from flask import Flask, Response

    from cimsig.history_entry import HistoryEntry
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

    def refuse(status: int, title: str, text: str, *, home: bool = True) -> Response:
        """A plain page saying what is wrong; `home`: with a link to the weekly check-in (not
        on the pages that refuse a browser without the key: home would refuse it too)."""
        page = render_template(
            "web/message.html.j2", title=title, text=text, nav=False, district=None, home=home
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
                home=False,
            )
        key = request.args.get("key")
        if key is not None and request.method == "GET":
            if not same_secret(key, settings.key):
                return refuse(
                    403,
                    "This address is out of date",
                    "Its key is not the one of this cimsig serve: each start makes a new one. "
                    "Use the new address cimsig serve printed in its window.",
                    home=False,
                )
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
                home=False,
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
        from cimsig.errors import FileProblem

        if isinstance(exc, FileProblem):
            return refuse(
                500,
                "The progress file is damaged",
                f"Something in the progress file {exc.where} is not as cimsig writes it, so "
                "cimsig cannot read it and has not changed it. "
                "To fix it, put back a backup copy of the file, or ask whoever looks after "
                "cimsig for your team to run cimsig doctor, which says what is wrong. Then "
                "reload this page.",
            )
        return refuse(500, "The progress file cannot be used", str(exc))

    @app.errorhandler(404)
    def not_found(exc: Exception) -> Response:
        return refuse(
            404, "No such page", "There is no page at this address. The link below goes home."
        )

    @app.errorhandler(405)
    def wrong_method(exc: Any) -> Response:
        response = refuse(
            405,
            "This page cannot be sent a form",
            "This address is a page to open, or a button's action, not both. Go back and use "
            "the page's buttons.",
        )
        allowed = getattr(exc, "valid_methods", None)
        if allowed:
            response.headers["Allow"] = ", ".join(allowed)
        return response

    @app.errorhandler(413)
    def too_large(exc: Exception) -> Response:
        return refuse(
            413,
            "Too much to send",
            "What this form sent is larger than cimsig takes (5 MB). Nothing was changed. "
            "Go back, shorten it and try again.",
        )

    @app.errorhandler(CimsigError)
    def cimsig_error(exc: CimsigError) -> Response:
        from cimsig.errors import UnknownIdError

        chosen = district()
        if isinstance(exc, UsageError) and chosen and chosen not in several_districts():
            return refuse(
                404,
                "No such district",
                f"There is no district named {chosen!r} here. The link below goes to the "
                "districts there are.",
            )
        if isinstance(exc, UnknownIdError):
            return refuse(
                404,
                "No such activity",
                "There is no such activity in this plan (it may have been removed). The weekly "
                "check-in, linked below, lists them all.",
            )
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

    def named(ws: Workspace, activity_id: str) -> str:
        return _title_and_id(ws, activity_id)

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
            typed=request.form if request.method == "POST" else {},
            fmt_date=_fmt,
            **context,
        )

    def link(endpoint: str, **values: Any) -> str:
        from flask import url_for

        chosen = district()
        if chosen and "district" not in values:
            values["district"] = chosen
        if endpoint == "home" and not chosen and settings.state is None and several_districts():
            values.setdefault("main", "1")  # (the main progress file's page, not the list)
        return url_for(endpoint, **values)

    def done_message(flash: str) -> Any:
        """After a change: back to the page it came from, with a line saying what happened.
        The change is saved by now: whatever `back` holds, this goes somewhere (home)."""
        session["said"] = flash
        try:
            back = safe_back(request.form.get("back")) or safe_back(_same_page(request.referrer))
            return redirect(back or link("home"), 303)
        except Exception:  # (a redirect that cannot be made must not say the change failed)
            return redirect("/", 303)

    def said() -> str | None:
        return session.pop("said", None)  # type: ignore[no-any-return]

    def change(form_page: Callable[[str], str], do: Callable[[Workspace], str]) -> Any:
        """Run a change: its message on the next page, or the form back with what is wrong."""
        from flask import g

        ws = workspace()
        try:
            said_now = do(ws)
        except (FormError, UsageError) as exc:
            return make_response(form_page(str(exc)), 400)
        except StateError as exc:
            # The file was read a moment ago: it is the save that failed (a read-only file, a
            # folder, the lock). The form comes back with what was typed.
            g.error_title = "Your change cannot be saved"
            return make_response(form_page(_unsaved_words(ws, exc)), 503)
        return done_message(said_now)

    # -- pages -------------------------------------------------------------------------------

    @app.get("/")
    def home() -> Any:
        names = several_districts()
        if names and not district() and settings.state is None and not request.args.get("main"):
            return page("web/districts.html.j2", None, overview=_overview(settings, names),
                        main=_main_plan(settings), said=said())  # fmt: skip
        ws = workspace()
        return page("web/home.html.j2", ws, r=_weekly(ws), said=said())

    @app.get("/districts")
    def districts_page() -> Any:
        names = several_districts()
        return page("web/districts.html.j2", None, overview=_overview(settings, names),
                    main=_main_plan(settings), said=said())  # fmt: skip

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
            what = named(ws, target)
            if result.changes[target] is None:
                return f"{what} was already done; nothing changed."
            if result.before.get(target) is not None:
                return f"Corrected {what}: done on {_fmt(on)}."
            return f"Marked done: {what}, done on {_fmt(on)}."

        return change(activity_form(activity_id), do)

    @app.post("/activity/<activity_id>/reopen")
    def reopen(activity_id: str) -> Any:
        def do(ws: Workspace) -> str:
            result = operations.reopen(ws, [activity_id], now=environment.now(), author=author())
            if not result.changed:
                return f"{named(ws, activity_id)} was not marked done; nothing changed."
            return f"Reopened: {named(ws, result.changed[0])}. It is no longer marked done."

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
            what = named(ws, target)
            if result.changes[target] is None:
                return f"{what} already has that owner; nothing changed."
            return f"{what} is assigned to {owner}." if owner else f"{what} has no owner now."

        return change(activity_form(activity_id), do)

    @app.post("/activity/<activity_id>/plan")
    def plan(activity_id: str) -> Any:
        def do(ws: Workspace) -> str:
            new_plan = None
            if "clear" not in request.form:
                due = form_date(request.form.get("due"), "Your due date", today=today(ws))
                start = form_date(request.form.get("start"), "Start", today=today(ws),
                                  required=False)  # fmt: skip
                assert due is not None
                checked_dates(ws, due, start, "Your due date")
                new_plan = Plan(due, start)
            result = operations.plan(ws, activity_id, new_plan, now=environment.now(),
                                     author=author())  # fmt: skip
            (target,) = result.changes
            what = named(ws, target)
            if result.changes[target] is None:
                return f"{what}: nothing changed."
            if new_plan is None:
                return f"Cleared your date for {what}: it follows the guide again."
            return f"Planned: {what} due {_fmt(new_plan.due)}."

        return change(activity_form(activity_id), do)

    @app.post("/activity/<activity_id>/note")
    def add_note(activity_id: str) -> Any:
        def do(ws: Workspace) -> str:
            text = form_text(request.form.get("text"), "Note")
            result = operations.add_note(ws, activity_id, text, now=environment.now(),
                                         author=author())  # fmt: skip
            (target,) = result.changes
            return f"Added a note to {named(ws, target)}."

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
            through = form_date(request.form.get("through"), "Due on or before", today=today(ws),
                                required=False)  # fmt: skip
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
            due = form_date(request.form.get("due"), "Due", today=today(ws))
            start = form_date(request.form.get("start"), "Start", today=today(ws), required=False)
            assert due is not None
            checked_dates(ws, due, start, "Due")
            result = operations.add_activity(ws, title, step, due, start=start,
                                             now=environment.now(), author=author())  # fmt: skip
            return f"Added {' '.join(title.split())} ({result.changed[0]}), due {_fmt(due)}."

        return change(own_page, do)

    @app.post("/own/<activity_id>/remove")
    def remove_own(activity_id: str) -> Any:
        def do(ws: Workspace) -> str:
            what = named(ws, activity_id)
            if ws.resolve(activity_id).origin != "district":
                raise FormError(
                    f"{what} is an activity of the guide, not one your district added: it "
                    "cannot be removed. If your district does not need it, add a note saying so "
                    "on its page."
                )
            operations.remove_activity(ws, activity_id, now=environment.now(), author=author())
            return f"Removed {what} from your plan."

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
            changed_meanwhile = FormError(
                "Someone changed the plan since you opened this page, so nothing was undone; "
                "here is what undo would take back now."
            )
            if operations.undo_preview(ws, author()).uids != agreed:
                raise changed_meanwhile
            try:
                result = operations.undo(ws, agreed=agreed, now=environment.now(),
                                         author=author())  # fmt: skip
            except StateError:
                if operations.undo_preview(workspace(), author()).uids != agreed:
                    raise changed_meanwhile from None
                raise
            if not result.undone:
                return operations.nothing_to_undo_words(result.workspace)
            what = ", ".join(
                named(ws, c.activity_id) if c.activity_id else "district profile"
                for c in result.undone
            )
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
        from cimsig.render import report_html

        context = report_html.style_context()
        css = render_template("report.css.j2", **context) + render_template("web/web.css.j2")
        response = make_response(css)
        response.headers["Content-Type"] = "text/css; charset=utf-8"
        return response


def checked_done_day(ws: Workspace, text: str | None, today: dt.date) -> dt.date:
    """The day work was done, from a form: a date, not after today, not before the guide."""
    day = form_date(text, "Done on", today=today)
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
        due_words = "your due date" if due_label.startswith("Your") else "the due date"
        raise FormError(f"Start: {_fmt(start)} is after {due_words}, {_fmt(due)}.")
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
    from cimsig.render.formatting import fmt_date

    return fmt_date(day)


def _weekly(ws: Workspace) -> dict[str, Any]:
    from cimsig import schedule
    from cimsig.render import report_html

    context = report_html.report_context(ws, environment.now())
    # The check-in looks 14 days ahead, as `cimsig status` does (the report may look further).
    rows = {a["id"]: a for step in context["steps"] for a in step["activities"]}
    soon = schedule.weekly(ws.statuses, ws.as_of, CHECK_IN_DAYS).due_in_window
    context["soon"] = [rows[i.activity.id] for i in soon if i.activity.id in rows]
    context["soon_days"] = CHECK_IN_DAYS
    return context


def _activity(ws: Workspace, activity_id: str) -> dict[str, Any]:
    from cimsig import schedule
    from cimsig.history_entry import HistoryEntry
    from cimsig.render import report_html
    from cimsig.render.history_view import describe, recorded_at

    activity = ws.resolve(activity_id)
    item = ws.status(activity.id)
    original = next((a for a in ws.unplanned if a.id == activity.id), None)
    row = report_html.activity_row(ws, item, original)
    zone = ws.guide.time_zone
    entries = [
        {"when": recorded_at("" if e.at is None else str(e.at), zone), "by": e.by or "",
         "what": describe(e)}
        for e in map(HistoryEntry.read, reversed(ws.state.history)) if e.id == activity.id
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
    from cimsig.history_entry import HistoryEntry
    from cimsig.render.history_view import describe, recorded_at

    zone = ws.guide.time_zone
    full = [HistoryEntry.read(e) for e in ws.state.history]
    seq_of = {e.uid: e.seq for e in full if e.uid}
    preview = operations.undo_preview(ws, me)
    next_undo = {id(e) for e in preview.group}
    group = [HistoryEntry.read(e) for e in preview.group]
    rows = [
        {"seq": e.seq, "when": recorded_at("" if e.at is None else str(e.at), zone),
         "by": e.by or "", "what": _named(ws, e, describe(e, seq_of)),
         "next": id(e.record) in next_undo}
        for e in reversed(full)
    ]  # fmt: skip
    return {
        "rows": rows,
        "undo": [_named(ws, e, describe(e, seq_of)) for e in group],
        "undo_uids": preview.uids,
        "undo_others": preview.others,
        "nothing": operations.nothing_to_undo_words(ws) if not preview.group else "",
    }


def _named(ws: Workspace, entry: HistoryEntry, words: str) -> str:
    """A change in words, with the activity it is about by its title (or the district
    profile)."""
    about = entry.id
    if about and entry.action not in ("merge", "archive"):
        return f"{_title_and_id(ws, str(about))}: {words}"
    return words


def _title_and_id(ws: Workspace, activity_id: str) -> str:
    """An activity as people know it: its title, with the id after it (for the command line);
    the id alone for one no longer in the plan."""
    for activity in ws.activities:
        if activity.id == activity_id:
            return f"{' '.join(activity.title.split())} ({activity.id})"
    return activity_id


def _unsaved_words(ws: Workspace, exc: StateError) -> str:
    """Why a change was not saved, in one sentence a browser's user can act on."""
    path = ws.state_file.path
    if ws.state_file.is_read_only():
        return (
            f"The progress file {path} is read-only, so nothing was changed: ask whoever looks "
            "after this computer to make it writable, then press the button again (what you "
            "typed is still here)."
        )
    return f"{exc} What you typed is still here; press the button again to retry."


def _main_plan(settings: ServeSettings) -> dict[str, Any] | None:
    """The progress file used without --district (as `cimsig status` reaches it), for the list
    of districts: None when there is none yet."""
    from cimsig import schedule

    if settings.state is not None or settings.district:
        return None
    try:
        ws = open_workspace(settings, None)
    except CimsigError as exc:
        return {"lea": None, "problem": str(exc)}
    if not ws.state_file.exists():
        return None
    progress = schedule.progress_by_step(ws.guide.steps, ws.statuses)
    return {"lea": ws.lea, "done": sum(p.done for p in progress),
            "total": sum(p.total for p in progress),
            "overdue": len(schedule.overdue(ws.statuses)), "problem": None}  # fmt: skip


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
             "overdue": len(schedule.weekly(items, ws.as_of).overdue), "problem": None}
        )  # fmt: skip
    return rows
