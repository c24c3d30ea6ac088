"""The registry of sub-commands: one module per command family, each with register(subparsers)."""

from __future__ import annotations

from . import check, rules, template

COMMANDS = [check, template, rules]
