"""The catalog's schema constraints evaluated with numpy: the findings of the pandera schemas, without pandas.

constraints.py declares the catalogue's constraints once (required items, signs, cover choices, the 报告期
pattern, the 统一社会信用代码 check); schemas.py compiles them into pandera schemas, this module into numpy column
checks. A single return or the add-in validates through pandera. A batch of thousands would spend more on importing pandas and pandera (≈ 0.5 s) and on pandera's
fixed cost per column (≈ 0.15 s a call) than on all its other checks, so it evaluates the same constraints
here, column by column over the whole table. tests/test_schemarules.py holds the two to the same findings.
"""

from __future__ import annotations

import re

import numpy as np

from sasac_check.check import kinds
from sasac_check.check.constraints import cover_constraints, statement_constraints
from sasac_check.check.table import SubmissionTable
from sasac_check.model.catalog import catalog
from sasac_check.model.finding import Finding
from sasac_check.read.cover import uscc_problem

CHECK_RULE = {  # pandera's check name → our rule
    "not_nullable": "SCH-REQUIRED",
    "greater_than_or_equal_to": "SCH-SIGN",
    "less_than_or_equal_to": "SCH-SIGN",
    "isin": "SCH-CHOICE",
    "str_matches": "SCH-PERIOD",
    "uscc": "SCH-USCC",
    "usually_nonneg": "SCH-NEGATIVE",
}
TITLES = {"SCH-REQUIRED": "必填项目不能为空", "SCH-SIGN": "金额符号符合报表格式", "SCH-NEGATIVE": "通常为正数的项目出现负数"}
SEVERITY = {"SCH-NEGATIVE": "warning"}  # every other schema finding is 强制性
COVER_TITLE = "封面字段有效"
SOURCE = "schemas/catalog.yaml"


def item_message(rule: str, item: str, column: str, sign: str) -> str:
    if rule == "SCH-REQUIRED":
        return f"必填项目“{item}”（{column}）为空或缺失"
    if rule == "SCH-NEGATIVE":
        return (f"“{item}”（{column}）为负数，该项目通常不为负；如系重分类、冲回或退回所致属正常，请在说明中注明原因")
    if sign == "nonpos":
        return f"“{item}”（{column}）应以负数填列（损失以“－”号填列）"
    return f"“{item}”（{column}）不应为负数"


def cover_message(rule: str, name: str, value: object) -> str:
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


def finding(table: SubmissionTable, sheet: str, row: int, col_key: str, rule: str, failure: object) -> Finding:
    """The finding of one failed schema check at one row, where the pandera path makes it too."""
    cat = catalog()
    where = table.cells[row].get(col_key, (sheet, ""))
    if sheet == cat.cover_sheet:
        msg, item, column = cover_message(rule, col_key, failure), col_key, "值"
    else:
        item, _, column = col_key.partition("[")
        column = column.rstrip("]")
        msg = item_message(rule, item, column, cat.item(item).sign)
    return Finding(rule=rule, severity=SEVERITY.get(rule, "error"), message=msg, file=table.files[row], sheet=where[0] or sheet,
                   cell=where[1], item=item, column=column, actual=failure, source=SOURCE,
                   title=TITLES.get(rule, COVER_TITLE))


def validate(table: SubmissionTable) -> list[Finding]:
    """Every schema failure of every row of `table`, as findings (the same as schemas.validate)."""
    out: list[Finding] = []
    for c in statement_constraints():
        sheet, k, required, sign = c.sheet, c.key, c.required, c.sign
        v = table.values.get(k, table._nan)
        unk = table.unknown.get(k)
        if unk is not None:  # an unknown cell (uncached formula, bad text) is reported by the reader already
            v = np.where(unk, 0.0, v)
        if required:
            blank = np.isnan(v)
            need = kinds.required_rows(table, k.partition("[")[0])  # not where the return's format has no such line
            if need is not None:
                blank &= need
            out += [finding(table, sheet, int(r), k, "SCH-REQUIRED", None) for r in np.flatnonzero(blank)]
        if sign in ("nonneg", "nonpos", "usual"):
            with np.errstate(invalid="ignore"):
                bad = v > 0 if sign == "nonpos" else v < 0
            rule = "SCH-NEGATIVE" if sign == "usual" else "SCH-SIGN"
            out += [finding(table, sheet, int(r), k, rule, float(v[r])) for r in np.flatnonzero(bad)]
    cat = catalog()
    for f in cover_constraints():
        texts = table.text(f.name)
        match = re.compile(f.pattern).match if f.pattern else None
        for r, t in enumerate(texts):
            v = t if t not in ("", None) else None
            if v is None:
                if f.required:
                    out.append(finding(table, cat.cover_sheet, r, f.name, "SCH-REQUIRED", None))
                continue
            if f.choices and v not in f.choices:
                out.append(finding(table, cat.cover_sheet, r, f.name, "SCH-CHOICE", v))
            if match is not None and not (isinstance(v, str) and match(v)):
                out.append(finding(table, cat.cover_sheet, r, f.name, "SCH-PERIOD", v))
            if f.check == "uscc" and uscc_problem(v) is not None:
                out.append(finding(table, cat.cover_sheet, r, f.name, "SCH-USCC", v))
    return out
