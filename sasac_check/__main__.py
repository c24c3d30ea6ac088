"""`python -m sasac_check` runs the command line."""

from sasac_check.cli import entry

entry()
