"""Pandera schemas of each sheet, generated from schemas/catalog.yaml; every failure becomes a Finding."""

from __future__ import annotations

import re
import sys
from functools import lru_cache

import pandas as pd

from .catalog import Catalog, catalog, key
from .cover import uscc_problem
from .model import Finding
from .table import SubmissionTable


def _import_pandera():
    """pandera.pandas, imported without hypothesis.

    Where hypothesis happens to be installed, pandera imports it for data synthesis, which we never use: ≈ 0.15 s
    of every run that validates (a third of pandera's import). Validation itself does not touch it. hypothesis
    stays importable afterwards; only this pandera instance goes without strategies.
    """
    if "pandera.pandas" in sys.modules or "hypothesis" in sys.modules:
        import pandera.pandas

        return pandera.pandas
    sys.modules["hypothesis"] = None  # type: ignore[assignment]  # import hypothesis → ImportError, for pandera
    try:
        import pandera.pandas
    finally:
        if sys.modules.get("hypothesis", 0) is None:
            del sys.modules["hypothesis"]
    return pandera.pandas


pa = _import_pandera()


_CHECK_RULE = {
    "not_nullable": "SCH-REQUIRED",
    "greater_than_or_equal_to": "SCH-SIGN",
    "less_than_or_equal_to": "SCH-SIGN",
    "isin": "SCH-CHOICE",
    "str_matches": "SCH-PERIOD",
    "uscc": "SCH-USCC",
}


@lru_cache(maxsize=1)
def sheet_schemas() -> dict[str, pa.DataFrameSchema]:
    """One schema per sheet: required items (first column), numeric columns, sign rules, cover choices."""
    cat = catalog()
    out: dict[str, pa.DataFrameSchema] = {}
    for sheet in cat.sheets:
        cols: dict[str, pa.Column] = {}
        for item in sheet.items:
            for i, col in enumerate(sheet.columns):
                checks = []
                if item.sign == "nonneg":
                    checks.append(pa.Check.ge(0))
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
    cat = catalog()
    out = []
    for rec in cases.itertuples(index=False):
        if rec.index is None or rec.index != rec.index or rec.column is None:
            continue
        row, col_key = int(rec.index), str(rec.column)
        check = re.sub(r"\(.*", "", str(rec.check))
        rule = _CHECK_RULE.get(check, "SCH-" + check.upper())
        cells = table.cells[row]
        where = cells.get(col_key, (sheet, ""))
        if sheet == cat.cover_sheet:
            msg, item, column = _cover_message(rule, col_key, rec.failure_case), col_key, "值"
        else:
            item, _, column = col_key.partition("[")
            column = column.rstrip("]")
            msg = _item_message(rule, item, column, cat.item(item).sign)
        out.append(
            Finding(
                rule=rule,
                severity="error",
                message=msg,
                file=table.files[row],
                sheet=where[0] or sheet,
                cell=where[1],
                item=item,
                column=column,
                actual=None if rec.failure_case != rec.failure_case else rec.failure_case,
                source="schemas/catalog.yaml",
                title={"SCH-REQUIRED": "必填项目不能为空", "SCH-SIGN": "金额符号符合报表格式"}.get(rule, "封面字段有效"),
            )
        )
    return out


def _item_message(rule: str, item: str, column: str, sign: str) -> str:
    if rule == "SCH-REQUIRED":
        return f"必填项目“{item}”（{column}）为空或缺失"
    if sign == "nonpos":
        return f"“{item}”（{column}）应以负数填列（损失以“－”号填列）"
    return f"“{item}”（{column}）不应为负数"


def _cover_message(rule: str, name: str, value: object) -> str:
    f = catalog().cover_field(name)
    if rule == "SCH-REQUIRED":
        return f"封面“{name}”必须填写"
    if rule == "SCH-CHOICE" and f is not None:
        return f"封面“{name}”为“{value}”，应为以下之一：{'、'.join(f.choices)}"
    if rule == "SCH-PERIOD":
        return f"封面“{name}”为“{value}”，格式应如 2024年度 或 2024年6月"
    if rule == "SCH-USCC":
        return f"统一社会信用代码“{value}”无效：{uscc_problem(str(value))}"
    return f"封面“{name}”的值“{value}”无效"
