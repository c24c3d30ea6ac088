"""Pandera schemas of each sheet, generated from schemas/catalog.yaml; every failure becomes a Finding.

Compiled from the one declaration in constraints.py; a batch compiles the same into numpy (schemarules.py).
"""

from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd
import pandera.pandas as pa

from sasac_check.check import kinds
from sasac_check.check.constraints import cover_constraints, statement_constraints
from sasac_check.check.schemarules import CHECK_RULE, finding
from sasac_check.check.table import SubmissionTable
from sasac_check.model.catalog import catalog
from sasac_check.model.finding import Finding
from sasac_check.read.cover import uscc_problem

_SIGN_CHECKS = {
    "nonneg": lambda: pa.Check.ge(0),
    "nonpos": lambda: pa.Check.le(0),
    "usual": lambda: pa.Check(lambda s: s >= 0, name="usually_nonneg", ignore_na=True),  # 提示性 SCH-NEGATIVE
}


@lru_cache(maxsize=1)
def sheet_schemas() -> dict[str, pa.DataFrameSchema]:
    """One schema per sheet, compiled from constraints.py: required items, numeric columns, signs, cover fields."""
    by_sheet: dict[str, dict[str, pa.Column]] = {}
    for c in statement_constraints():
        checks = [_SIGN_CHECKS[c.sign]()] if c.sign in _SIGN_CHECKS else []
        by_sheet.setdefault(c.sheet, {})[c.key] = pa.Column(float, nullable=not c.required, checks=checks,
                                                           required=False, coerce=False)
    out = {name: pa.DataFrameSchema(cols, name=name) for name, cols in by_sheet.items()}
    out[catalog().cover_sheet] = _cover_schema()
    return out


def _cover_schema() -> pa.DataFrameSchema:
    cols: dict[str, pa.Column] = {}
    for f in cover_constraints():
        checks = []
        if f.choices:
            checks.append(pa.Check.isin(list(f.choices), ignore_na=True))
        if f.pattern:
            checks.append(pa.Check.str_matches(f.pattern, ignore_na=True))
        if f.check == "uscc":
            checks.append(pa.Check(lambda s: s.map(lambda v: uscc_problem(v) is None), name="uscc", ignore_na=True))
        cols[f.name] = pa.Column(str, nullable=not f.required, checks=checks, required=False)
    return pa.DataFrameSchema(cols, name=catalog().cover_sheet)


def validate(table: SubmissionTable) -> list[Finding]:
    """Validate every sheet lazily and turn each failure case into a finding at its cell."""
    cat = catalog()
    findings: list[Finding] = []
    schemas = sheet_schemas()
    for name, schema in schemas.items():
        if name == cat.cover_sheet:
            frame = pd.DataFrame({f: [v if v not in ("", None) else None for v in table.text(f)] for f in schema.columns})
        else:
            frame = pd.DataFrame({k: table.values.get(k, table._nan) for k in schema.columns})
            # An unknown cell (uncached formula, bad text) is reported by the reader already.
            for k, mask in table.unknown.items():
                if k in frame:
                    frame.loc[mask, k] = 0.0
        try:
            schema.validate(frame, lazy=True)
        except pa.errors.SchemaErrors as e:
            findings += _to_findings(e.failure_cases, name, table)
    return findings


def _to_findings(cases: pd.DataFrame, sheet: str, table: SubmissionTable) -> list[Finding]:
    out = []
    for rec in cases.itertuples(index=False):
        if rec.index is None or rec.index != rec.index or rec.column is None:
            continue
        check = re.sub(r"\(.*", "", str(rec.check))
        rule = CHECK_RULE.get(check, "SCH-" + check.upper())
        if rule == "SCH-REQUIRED":
            need = kinds.required_rows(table, str(rec.column).partition("[")[0])
            if need is not None and not need[int(rec.index)]:
                continue  # the return's format has no such line (单户格式: 营业总收入)
        failure = None if rec.failure_case != rec.failure_case else rec.failure_case
        out.append(finding(table, sheet, int(rec.index), str(rec.column), rule, failure))
    return out
