"""`cimsig serve`: the weekly work in a browser (cimsig.web), on this computer only."""

from typing import Annotated

import typer

from cimsig.cli.options import DistrictOption, GuideOption, PlainCommand, StateOption, whole_number
from cimsig.cli.output import say

commands = typer.Typer()


@commands.command("serve", cls=PlainCommand, rich_help_panel="Sharing")
def serve(
    port: Annotated[
        int,
        typer.Option("--port", parser=whole_number("--port", "", 8765, 0, 65535),
                     metavar="N", help="The port to listen on (0: any free one)."),
    ] = 0,
    no_browser: Annotated[
        bool, typer.Option("--no-browser", help="Print the address; do not open a browser.")
    ] = False,
    guide: GuideOption = None,
    state: StateOption = None,
    district: DistrictOption = None,
) -> None:  # fmt: skip
    """Work on the plan in your web browser: a page on this computer only (127.0.0.1), at an
    address with a key that only this window shows. Ctrl-C stops it."""
    from cimsig.web import server

    server.run(
        port=port, guide=guide, state=state, district=district,
        open_browser=not no_browser, say=say,
    )  # fmt: skip
