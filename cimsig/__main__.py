"""`python -m cimsig` runs the same program as the `cimsig` command."""

from cimsig.cli import main

main()
