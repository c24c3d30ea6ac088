"""`python -m sasac_check` runs the command line."""

from .cli import entry

entry()
