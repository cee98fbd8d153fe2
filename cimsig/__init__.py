"""cimsig: the CIM for Sig Dis pacing guide as a checklist a district team can trust."""

# Kept here (not read from package metadata) so `cimsig --version` costs no import of
# importlib.metadata; pyproject.toml reads it from this line.
__version__ = "0.1.0"
