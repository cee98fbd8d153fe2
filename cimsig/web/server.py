"""Run the web page with waitress (a production server that runs on Windows too)."""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path

from cimsig.web import ServeSettings, create_app, open_workspace


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def open_in_browser(url: str) -> Path | None:
    """Open `url` in the default browser without putting its key on a command line (where any
    program on the computer could read it): the browser is given a private file (readable by
    this user only) that sends it on to the address, as Jupyter does. The file is removed when
    serving stops; None when it could not be made (then the browser is not opened)."""
    import html
    import os
    import tempfile
    import webbrowser

    try:
        handle, name = tempfile.mkstemp(prefix="cimsig-open-", suffix=".html")
        with os.fdopen(handle, "w", encoding="utf-8") as page:
            address = html.escape(url, quote=True)
            page.write(
                f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
                f'<meta http-equiv="refresh" content="0;url={address}"><title>cimsig</title>'
                f'</head><body><p><a href="{address}">Open cimsig</a></p></body></html>'
            )
    except OSError:
        return None
    opener = Path(name)
    webbrowser.open(opener.as_uri())
    return opener


def run(
    *,
    port: int,
    guide: Path | None,
    state: Path | None,
    district: str | None,
    open_browser: bool,
    say: Callable[..., None],
) -> None:
    """Serve until Ctrl-C: print the address (with its key) on a line of its own, open it."""
    import waitress  # type: ignore[import-untyped]

    from cimsig.errors import UsageError

    settings = ServeSettings(port or free_port(), guide, state, district)
    if district or state is not None:
        open_workspace(settings, district)  # a wrong --district or --state is said here
    try:
        server = waitress.create_server(
            create_app(settings), host="127.0.0.1", port=settings.port, threads=4,
            ident="cimsig",
        )  # fmt: skip
    except OSError as exc:
        raise UsageError(
            f"Port {settings.port} cannot be used ({exc.strerror or exc}): another program has "
            "it. Leave out --port, or choose another."
        ) from None
    say("cimsig is serving your plan on this computer. Open this address in a browser:")
    say(settings.url)
    say("Keep this window open while you work; press Ctrl-C here to stop.")
    opener = open_in_browser(settings.url) if open_browser else None
    try:
        server.run()  # (waitress ends its loop on Ctrl-C and returns)
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        if opener is not None:
            opener.unlink(missing_ok=True)
    say("Stopped serving. Your changes are saved.")
