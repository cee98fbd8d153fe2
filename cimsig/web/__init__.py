"""`cimsig serve`: the weekly work in a browser, on the same progress file as the command line.

Routes parse a form, call an operation (cimsig.operations: the functions the command line calls
too) and render a template; none reads or writes the progress file itself. Flask is imported
only here, and this module only by `cimsig serve`.

Who can get in (the server listens on 127.0.0.1 only):
- each start makes a random secret; the address printed (and opened) carries it as `?key=`.
  The first request with it gets a session cookie (HttpOnly, SameSite=Strict, signed with
  another secret of this start) and is sent on to the same address without the key; any
  request without that cookie is refused.
- every form carries the session's token against cross-site requests; a POST without it, or
  from another origin, is refused.
- a request whose Host is not 127.0.0.1:PORT or localhost:PORT is refused (DNS rebinding).
- Content-Security-Policy `default-src 'self'`, no framing; no script at all; every value
  autoescaped, control characters taken out (the HTML report's rule).
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cimsig import environment, operations
from cimsig.errors import CimsigError, StateError, UsageError

if TYPE_CHECKING:
    from flask import Flask

    from cimsig.workspace import Workspace

NAME_FIELD_LIMIT = environment.MAX_NAME_LENGTH
TEXT_LIMIT = 2000  # a note or a title typed into a form

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}

DOWNLOADS = {
    "ics": ("Calendar (.ics)", "text/calendar", "for Outlook, Google Calendar or Apple Calendar"),
    "csv": ("Spreadsheet (.csv)", "text/csv", "one row per activity, opens in Excel"),
    "xlsx": (
        "Excel workbook (.xlsx)",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "every activity with its owner, notes and status, and a summary",
    ),
    "md": ("Checklist (.md)", "text/markdown", "a printable checklist for a meeting"),
    "html": ("Report (.html)", "text/html", "the report page, to share or print"),
}


@dataclass
class ServeSettings:
    """What `cimsig serve` was started with."""

    port: int
    guide: Path | None = None
    state: Path | None = None
    district: str | None = None
    key: str = field(default_factory=lambda: secrets.token_urlsafe(24))

    @property
    def hosts(self) -> set[str]:
        return {f"127.0.0.1:{self.port}", f"localhost:{self.port}"}

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/?key={self.key}"


class FormError(Exception):
    """Bad form input: the form comes back with this message."""


def create_app(settings: ServeSettings) -> Flask:
    from flask import Flask

    app = Flask(
        __name__,
        template_folder=str(Path(__file__).parents[1] / "templates"),
        static_folder=None,
    )
    app.secret_key = secrets.token_bytes(32)
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        # One cookie per port: two cimsig serve on one computer (each its own key) do not log
        # each other out (a browser's cookies are per host, not per port).
        SESSION_COOKIE_NAME=f"cimsig_session_{settings.port}",
        MAX_CONTENT_LENGTH=5 * 1024 * 1024,
    )
    app.jinja_env.autoescape = True
    app.jinja_env.finalize = _shown_safely
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.extensions["cimsig"] = settings
    from cimsig.web import routes

    routes.install(app, settings)
    return app


def _shown_safely(value: Any) -> Any:
    """Every value a page shows without control characters (the HTML report's rule)."""
    from markupsafe import Markup

    from cimsig.render.formatting import export_safe

    if isinstance(value, str) and not isinstance(value, Markup):
        return export_safe(value)
    return value


def same_secret(given: str | None, key: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), key.encode())


def open_workspace(settings: ServeSettings, district: str | None) -> Workspace:
    """The guide and progress file as they stand today (the guide's time zone), for a district
    or the file `serve` was started on. The same choice of file as every command."""
    from cimsig.cli.locating import workspace

    return workspace(settings.guide, settings.state, None, district=district or settings.district)


def several_districts() -> list[str]:
    from cimsig.storage import districts

    root = environment.districts_dir()
    return districts.names(root) if root.is_dir() else []


def form_date(
    text: str | None, label: str, *, today: dt.date, required: bool = True
) -> dt.date | None:
    """A date from a form's date field (YYYY-MM-DD; the command line's forms are taken too).
    `today`: the day it is in the guide's time zone (what 'today' or 'yesterday' means), as on
    the command line; never the computer's own date."""
    from cimsig.dates import parse_user_date
    from cimsig.errors import BadDateError

    text = (text or "").strip()
    if not text:
        if required:
            raise FormError(f"{label}: enter a date.")
        return None
    try:
        return dt.date.fromisoformat(text)  # what a date field sends
    except ValueError:
        pass
    try:
        return parse_user_date(text, today, option=label)
    except BadDateError:
        raise FormError(
            f"{label}: '{text}' is not a date cimsig can read. Use the date picker, or type it "
            "as 2024-10-01."
        ) from None


def safe_back(target: str | None) -> str | None:
    """A page of this server to go back to after a change, or None (then: home).

    Only a path here: control characters and whitespace are taken out first (browsers ignore
    them, so `/<TAB>/evil.example` is `//evil.example`), then the URL is parsed: no scheme, no
    host, no backslash, one leading '/'."""
    from urllib.parse import urlsplit

    if not target:
        return None
    cleaned = "".join(c for c in target if c.isprintable() and not c.isspace())
    if not cleaned.startswith("/") or cleaned.startswith("//") or "\\" in cleaned:
        return None
    try:
        parts = urlsplit(cleaned)
    except ValueError:
        return None
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    if parts.path.startswith("//"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def form_text(
    text: str | None, label: str, *, required: bool = True, limit: int = TEXT_LIMIT
) -> str:
    value = (text or "").strip()
    if required and not value:
        raise FormError(f"{label}: this cannot be empty.")
    if len(value) > limit:
        raise FormError(f"{label}: at most {limit} characters, please.")
    return value


__all__ = [
    "DOWNLOADS",
    "SECURITY_HEADERS",
    "CimsigError",
    "FormError",
    "ServeSettings",
    "StateError",
    "UsageError",
    "create_app",
    "operations",
]
