"""The catalogue's structural constraints, declared once and compiled twice: pandera (check, add-in) or numpy (batch).

schemas/catalog.yaml says which items are required (in their first column) and which sign each item carries,
and what each cover field allows. `statement_constraints()` and `cover_constraints()` are that declaration as
plain records; check/schemas.py compiles them into pandera schemas (a single return, the add-in: lazy validation,
declarative), check/schemarules.py into numpy column checks (a batch: no pandas import, no per-call cost).
`validate(table, engine)` is the one interface; tests/test_schemarules.py holds the two engines to the same
findings, and both make their findings with schemarules.finding.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sasac_check.model.catalog import catalog, key

ENGINES = ("pandera", "numpy")


@dataclass(frozen=True)
class StatementConstraint:
    """One statement column: `required` (the item's first column), `sign` nonneg / nonpos / usual (提示性) / ''."""

    sheet: str
    key: str
    required: bool
    sign: str


@dataclass(frozen=True)
class CoverConstraint:
    """One cover field: required, its choices, its pattern (报告期), a check by name (uscc)."""

    name: str
    required: bool
    choices: tuple[str, ...]
    pattern: str | None
    check: str | None


@lru_cache(maxsize=1)
def statement_constraints() -> tuple[StatementConstraint, ...]:
    cat = catalog()
    return tuple(StatementConstraint(sheet.name, key(item.name, col), bool(item.required and i == 0), item.sign or "")
                 for sheet in cat.sheets for item in sheet.all_items for i, col in enumerate(sheet.columns))


@lru_cache(maxsize=1)
def cover_constraints() -> tuple[CoverConstraint, ...]:
    return tuple(CoverConstraint(f.name, bool(f.required), tuple(f.choices or ()), f.pattern or None, f.check or None)
                 for f in catalog().cover_fields)


def validate(table, engine: str = "numpy") -> list:
    """Every structural failure of every row of `table` as findings, through pandera or numpy (the same findings)."""
    if engine == "pandera":
        from sasac_check.check.schemas import validate as run
    elif engine == "numpy":
        from sasac_check.check.schemarules import validate as run
    else:
        raise ValueError(f"engine must be one of {ENGINES}")
    return run(table)
