"""The expression language: parsing, interval evaluation, growth and 减亏率, Excel translation."""

from __future__ import annotations

import numpy as np
import pytest

from sasac_check.check import evaluator
from sasac_check.check.interval import Iv, violated
from sasac_check.check.table import SubmissionTable
from sasac_check.excel import formulas
from sasac_check.model.catalog import catalog
from sasac_check.model.submission import Submission
from sasac_check.rules import expr
from sasac_check.rules.load import load_rules


@pytest.fixture(scope="module")
def ns() -> expr.Namespace:
    ns = load_rules().ns
    assert ns is not None
    return ns


def _table(**values: float) -> SubmissionTable:
    s = Submission(file="x.xlsx", cover={"行业类型": "工业", "合并范围": "合并"})
    for k, v in values.items():
        s.values[k.replace("__", "[") + "]"] = v
        s.widths[k.replace("__", "[") + "]"] = 0.0
    return SubmissionTable.from_submissions([s])


def test_aliases_columns_and_percent_literals(ns) -> None:
    node = expr.parse("资产总额[期末余额] * 65% >= 负债总额[期末余额]", ns)
    assert isinstance(node, expr.Cmp)
    left, right = node.operands
    assert expr.refs(left)[0] == expr.Ref("资产总计", "期末余额")
    assert expr.refs(right)[0] == expr.Ref("负债合计", "期末余额")
    assert expr.to_text(left) == "(资产总计[期末余额] * (65 / 100))"


@pytest.mark.parametrize(
    "text",
    ["__import__('os')", "资产总计.__class__", "[x for x in 资产总计]", "lambda: 1", "资产总计 if 1 else 2", "f'{资产总计}'"],
)
def test_anything_but_the_whitelist_is_refused(ns, text) -> None:
    with pytest.raises(expr.ExprError):
        expr.parse(text, ns)


def test_growth_and_loss_reduction() -> None:
    up = evaluator.growth(Iv.point(np.array([110.0])), Iv.point(np.array([100.0])))
    assert up.mid[0] == pytest.approx(0.10)
    # 上期亏损 100, 本期亏损 80: 减亏率 = (100 − 80) / 100 = 20%
    less_loss = evaluator.growth(Iv.point(np.array([-80.0])), Iv.point(np.array([-100.0])))
    assert less_loss.mid[0] == pytest.approx(0.20)
    worse = evaluator.growth(Iv.point(np.array([-120.0])), Iv.point(np.array([-100.0])))
    assert worse.mid[0] == pytest.approx(-0.20)


def test_cagr_undefined_for_missing_zero_or_other_sign_base() -> None:
    end = Iv.point(np.array([1.5, 1.5, 1.5]))
    base = Iv.point(np.array([0.0, -0.2, np.nan]))
    r = evaluator.cagr(end, base, Iv.point(np.array([5.0, 5.0, 5.0])))
    assert np.isnan(r.lo).all()


def test_division_by_an_interval_holding_zero_never_fails_a_check() -> None:
    a = Iv.point(np.array([1.0]))
    b = Iv.around(np.array([0.0]), np.array([0.005]))
    q = a / b
    assert q.lo[0] == -np.inf and q.hi[0] == np.inf
    assert not violated("<=", q, Iv.point(np.array([0.65])))[0]


def test_indicator_by_name_and_preconditions(ns) -> None:
    t = _table(负债合计__期末余额=80.0, 资产总计__期末余额=100.0)
    ev = evaluator.Evaluator(t, catalog())
    assert ev.num(expr.parse("资产负债率", ns)).mid[0] == pytest.approx(0.8)
    assert ev.truth(expr.parse('行业类型 == "工业" and 资产负债率 > 70%', ns))[0]
    assert not ev.truth(expr.parse('行业类型 in ["非工业", "科研设计"]', ns))[0]


def test_bare_items_take_the_rules_column_by_position(ns) -> None:
    t = _table(营业收入__上期金额=50.0, 营业收入__本期金额=70.0)
    node = expr.parse("营业收入", ns)
    assert evaluator.Evaluator(t, catalog(), "年初余额").num(node).mid[0] == 50.0  # 2nd column of its own sheet
    assert evaluator.Evaluator(t, catalog(), "本期金额").num(node).mid[0] == 70.0


def test_excel_formula_guards_every_divisor(ns) -> None:
    cells = {("负债合计", "期末余额"): "'资产负债表'!C61", ("资产总计", "期末余额"): "'资产负债表'!C37"}
    f = formulas.to_excel(expr.parse("资产负债率", ns), lambda i, c: cells.get((i, c)), catalog())
    assert f == "IF(OR(('资产负债表'!C37)=0),\"\",('资产负债表'!C61/'资产负债表'!C37))"
    with pytest.raises(expr.ExprError):
        formulas.to_excel(expr.parse("上期.资产总计[期末余额]", ns), lambda i, c: None, catalog())
