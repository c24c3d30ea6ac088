"""Pandera schemas of each sheet, generated from schemas/catalog.yaml; every failure becomes a Finding.

A batch evaluates the same constraints without pandas (schemarules.py); both make their findings there.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd
import pandera.pandas as pa

from sasac_check.check import kinds
from sasac_check.check.schemarules import CHECK_RULE, finding
from sasac_check.check.table import SubmissionTable
from sasac_check.model.catalog import Catalog, catalog, key
from sasac_check.model.finding import Finding
from sasac_check.read.cover import uscc_problem


@lru_cache(maxsize=1)
def sheet_schemas() -> dict[str, pa.DataFrameSchema]:
    """One schema per sheet: required items (first column), numeric columns, sign rules, cover choices."""
    cat = catalog()
    out: dict[str, pa.DataFrameSchema] = {}
    for sheet in cat.sheets:
        cols: dict[str, pa.Column] = {}
        for item in sheet.all_items:
            for i, col in enumerate(sheet.columns):
                checks = []
                if item.sign == "nonneg":
                    checks.append(pa.Check.ge(0))
                elif item.sign == "usual":  # 提示性 SCH-NEGATIVE
                    checks.append(pa.Check(lambda s: s >= 0, name="usually_nonneg", ignore_na=True))
                elif item.sign == "nonpos":
                    checks.append(pa.Check.le(0))
                cols[key(item.name, col)] = pa.Column(
                    float, nullable=not (item.required and i == 0), checks=checks, required=False, coerce=False
                )
        out[sheet.name] = pa.DataFrameSchema(cols, name=sheet.name)
    out[cat.cover_sheet] = _cover_schema(cat)
    return out


def _cover_schema(cat: Catalog) -> pa.DataFrameSchema:
    cols: dict[str, pa.Column] = {}
    for f in cat.cover_fields:
        checks = []
        if f.choices:
            checks.append(pa.Check.isin(list(f.choices), ignore_na=True))
        if f.pattern:
            checks.append(pa.Check.str_matches(f.pattern, ignore_na=True))
        if f.check == "uscc":
            checks.append(pa.Check(lambda s: s.map(lambda v: uscc_problem(v) is None), name="uscc", ignore_na=True))
        cols[f.name] = pa.Column(str, nullable=not f.required, checks=checks, required=False)
    return pa.DataFrameSchema(cols, name=cat.cover_sheet)


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
