"""Everything that knows about Typer: the `cimsig` command's entry and lazy group (entry,
lazy_group), the options (options), the one error handler (errors), which files a run uses
(locating), what the commands print (output), and the commands themselves (commands/).
Public Typer and Click API only."""

from cimsig.cli.entry import app, main

__all__ = ["app", "main"]
