"""The commands, one module per group of the help screen; `cimsig.cli` loads only the one run."""
