"""What the tool writes into cells as formulas: only Formula values it composes, every quoted part escaped."""

from __future__ import annotations


class Formula(str):
    """A formula the tool composed itself (from its own cell references, every quoted part escaped).

    The only values an applier writes as formulas: any other text, whatever it starts with ("=", "+", "@" …),
    comes from a workbook or a rule file and is written as text.
    """


def quote(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


def excel_string(text: str) -> str:
    """A string literal inside a formula: quoted, with each double quote doubled."""
    return '"' + text.replace('"', '""') + '"'


def link(sheet: str, cell: str) -> Formula:
    """An in-workbook link every client writes as a value: =HYPERLINK("#'资产负债表'!C9","资产负债表!C9").

    Both the target and the text shown are escaped: a sheet named `x")&HYPERLINK(…` stays a name.
    """
    return Formula(f"=HYPERLINK({excel_string(f'#{quote(sheet)}!{cell}')},{excel_string(f'{sheet}!{cell}')})")
