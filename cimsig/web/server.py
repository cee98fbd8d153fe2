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
    if open_browser:
        import webbrowser

        webbrowser.open(settings.url)
    try:
        server.run()  # (waitress ends its loop on Ctrl-C and returns)
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
    say("Stopped serving. Your changes are saved.")
