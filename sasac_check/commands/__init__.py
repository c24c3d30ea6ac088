"""The registry of sub-commands: one module per command family, each with register(subparsers)."""

from __future__ import annotations

from sasac_check.commands import check, rules, template

COMMANDS = [check, template, rules]
COMMANDS.append(__import__(f"{__name__}.gx", fromlist=["register"]))  # sasac-check gx export / run
COMMANDS.append(__import__(f"{__name__}.plan", fromlist=["register"]))  # sasac-check plan check / list / validate
COMMANDS.append(__import__(f"{__name__}.batch", fromlist=["register"]))  # sasac-check batch
COMMANDS.append(__import__(f"{__name__}.addin", fromlist=["register"]))  # sasac-check addin build / install
COMMANDS.append(__import__(f"{__name__}.convert", fromlist=["register"]))  # sasac-check convert EXPORT -o 报表.xlsx
