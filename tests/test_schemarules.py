"""The batch's numpy schema checks (schemarules) find exactly what the pandera schemas (schemas) find."""

from __future__ import annotations

import numpy as np
import pytest
from bulk import write_returns
from samples import make_uscc

from sasac_check.check import constraints, schemarules
from sasac_check.check.table import SubmissionTable
from sasac_check.model.catalog import catalog, key
from sasac_check.model.submission import Submission
from sasac_check.read import read_workbook


def _fields(f) -> tuple:
    actual = f.actual.item() if isinstance(f.actual, np.generic) else f.actual
    return (f.file, f.sheet, f.cell, f.rule, f.severity, f.message, f.item, f.column, actual, f.expected, f.source,
            f.title, f.extra)


def _same(table: SubmissionTable) -> list:
    by_pandera = sorted(map(_fields, constraints.validate(table, "pandera")), key=repr)
    by_numpy = sorted(map(_fields, constraints.validate(table, "numpy")), key=repr)
    assert by_numpy == by_pandera
    return by_numpy


def _odd_submissions(base: Submission) -> list[Submission]:
    """Copies of a clean return, each breaking the schema another way (or nearly: values that must pass)."""
    cat = catalog()
    cover = [("报告期", "2024年度\n"), ("报告期", "2024年13月"), ("报告期", "2024年6月"), ("报告期", ""),
             ("报表类型", "季报"), ("金额单位", ""), ("企业类别", ""), ("企业类别", "其他类"), ("行业类型", "工业 "),
             ("统一社会信用代码", make_uscc(7)[:-1] + "0"), ("统一社会信用代码", "123"), ("合并范围", "单户"),
             ("统一社会信用代码", "")]
    out = []
    for i, (field, value) in enumerate(cover):
        s = Submission(file=f"cover-{i}.xlsx", cover={**base.cover, field: value}, values=dict(base.values),
                       widths=dict(base.widths), cells=dict(base.cells))
        out.append(s)
    nonneg = next(i for s in cat.sheets for i in s.items if i.sign == "nonneg")
    nonpos = next((i for s in cat.sheets for i in s.items if i.sign == "nonpos"), None)
    usual = next(i for s in cat.sheets for i in s.items if i.sign == "usual")  # negative: a 提示性 question
    required = next(i for s in cat.sheets for i in s.items if i.required)
    changes = [
        {key(nonneg.name, cat.sheet(nonneg.sheet).columns[0]): -1.0},
        {key(usual.name, cat.sheet(usual.sheet).columns[0]): -1.0},
        {key(required.name, cat.sheet(required.sheet).columns[0]): None},  # blank: removed
        {key(required.name, cat.sheet(required.sheet).columns[1]): None},  # not the first column: may be blank
    ]
    if nonpos is not None:
        changes.append({key(nonpos.name, cat.sheet(nonpos.sheet).columns[0]): 5.0})
    for i, change in enumerate(changes):
        values = dict(base.values)
        for k, v in change.items():
            if v is None:
                values.pop(k, None)
            else:
                values[k] = v
        out.append(Submission(file=f"values-{i}.xlsx", cover=dict(base.cover), values=values, widths=dict(base.widths),
                              cells=dict(base.cells)))
    unknown = Submission(file="unknown.xlsx", cover=dict(base.cover), values=dict(base.values), widths=dict(base.widths),
                         cells=dict(base.cells))
    k = key(required.name, cat.sheet(required.sheet).columns[0])
    unknown.values.pop(k, None)
    unknown.unknown.add(k)  # an uncached formula: reported by the reader, not as a blank required item
    out.append(unknown)
    out.append(Submission(file="empty.xlsx"))  # nothing at all: every required item and field missing
    return out


@pytest.fixture(scope="module")
def table(tmp_path_factory, clean_path, mistakes) -> SubmissionTable:
    folder = tmp_path_factory.mktemp("schemarules")
    paths = [clean_path, mistakes[0], *write_returns(folder, 6, faulty_every=2)]
    subs = [read_workbook(p) for p in paths]
    return SubmissionTable.from_submissions([*subs, *_odd_submissions(subs[0])])


def test_numpy_checks_find_what_pandera_finds(table) -> None:
    found = _same(table)
    rules = {f[3] for f in found}
    assert rules == {"SCH-REQUIRED", "SCH-SIGN", "SCH-NEGATIVE", "SCH-CHOICE", "SCH-PERIOD", "SCH-USCC"}  # every kind
    assert len(found) > 30


def test_a_clean_table_and_an_empty_one(clean_path) -> None:
    assert _same(SubmissionTable.from_submissions([read_workbook(clean_path)])) == []
    assert schemarules.validate(SubmissionTable(0, {}, {}, {}, {}, np.zeros(0))) == []
