"""The exit codes every command shares and the usage error commands raise (the CLI maps them)."""

from __future__ import annotations

EXIT_OK, EXIT_ERRORS, EXIT_USAGE, EXIT_UNREADABLE, EXIT_INTERNAL = 0, 1, 2, 3, 4


class UsageError(Exception):
    """A mistake in how the command was called (exit 2), with a Chinese message."""
