"""The rounding examples of domain.md, as named cases, through the real rule engine."""

from __future__ import annotations

import numpy as np

from sasac_check.check import evaluator
from sasac_check.check.evaluate import evaluate
from sasac_check.check.interval import Iv, violated
from sasac_check.check.table import SubmissionTable
from sasac_check.model.catalog import catalog
from sasac_check.model.submission import Submission
from sasac_check.rules import expr
from sasac_check.rules.load import load_rules

YI = 1e8  # amounts stated in 亿元 to two decimals


def _sub(values: dict[str, float], stated: dict[str, float], scale: float = YI, decimals: int = 2) -> Submission:
    s = Submission(file="益阳.xlsx", cover={"金额单位": "亿元", "合并范围": "合并", "行业类型": "工业"}, scale=scale)
    for k, v in values.items():
        s.values[k] = v * scale
        s.widths[k] = 0.5 * 10**-decimals * scale
        s.cells[k] = ("利润表", "C5")
    for k, v in stated.items():
        s.values[k] = v
        s.widths[k] = 0.00005  # 2 decimals of a percent
        s.cells[k] = ("主要指标", "C3")
    return s


def test_cagr_54_08_percent_is_only_rounded() -> None:
    """净利润 0.17 → 1.50 over 5 years allows a CAGR in about [53.6%, 55.6%]: a stated 54.08% is fine."""
    table = SubmissionTable.from_submissions([_sub({"净利润[本期金额]": 1.50, "净利润[上期金额]": 0.17}, {})])
    ev = evaluator.Evaluator(table, catalog())
    node = expr.parse("cagr(净利润[本期金额], 净利润[上期金额], 5)", load_rules().ns)
    computed = ev.num(node)
    assert 0.535 < computed.lo[0] < 0.537 and 0.555 < computed.hi[0] < 0.557
    stated = Iv.around(np.array([0.5408]), np.array([0.00005]))
    assert not violated("==", stated, computed)[0]
    # The point value is 54.57%: a fixed ±0.01 tolerance would have flagged 54.08%.
    assert abs(computed.mid[0] - 0.5457) < 0.002
    # A real difference is still caught.
    assert violated("==", Iv.around(np.array([0.60]), np.array([0.00005])), computed)[0]


def test_profit_margin_5_70_percent_is_a_real_error() -> None:
    """利润总额 2.00 / 营业收入 40.00 allows only about [4.99%, 5.01%]: a stated 5.70% fails (rule IND-I02)."""
    rs = load_rules()
    sub = _sub({"利润总额[本期金额]": 2.00, "营业收入[本期金额]": 40.00}, {"营业收入利润率[本期值]": 0.0570})
    findings = [f for f in evaluate(rs, SubmissionTable.from_submissions([sub])) if f.rule == "IND-I02"]
    assert len(findings) == 1
    f = findings[0]
    assert (f.sheet, f.cell, f.severity) == ("主要指标", "C3", "error")
    assert f.actual == 5.70 and abs(f.expected - 5.00) < 1e-9
    lo, hi = f.extra["expected_range"]
    assert 4.98 < lo < 4.99 and 5.01 < hi < 5.02
    assert "5.70%" in f.message and "5.00%" in f.message


def test_profit_margin_rounded_statement_passes() -> None:
    rs = load_rules()
    sub = _sub({"利润总额[本期金额]": 2.00, "营业收入[本期金额]": 40.00}, {"营业收入利润率[本期值]": 0.0501})
    assert not [f for f in evaluate(rs, SubmissionTable.from_submissions([sub])) if f.rule == "IND-I02"]


def test_total_off_by_rounding_of_parts_passes_but_real_gap_fails() -> None:
    """Totals of rounded parts may differ by the parts' half-widths, never by more."""
    rs = load_rules()
    parts = {"货币资金[期末余额]": 1.00, "存货[期末余额]": 2.00, "应收账款[期末余额]": 3.00}
    ok = _sub({**parts, "流动资产合计[期末余额]": 6.01}, {})  # 3 parts ± 0.005 and the total ± 0.005 allow 0.02
    bad = _sub({**parts, "流动资产合计[期末余额]": 6.03}, {})
    found = evaluate(rs, SubmissionTable.from_submissions([ok, bad]), [rs.rule("BS-001")])
    assert [(f.file, f.rule, f.column) for f in found] == [("益阳.xlsx", "BS-001", "期末余额")]
    assert found[0].actual == 6.03 and found[0].expected == 6.00


def test_fixed_tolerance_from_rule_widens_the_interval(tmp_path) -> None:
    rule_file = tmp_path / "tol.yaml"
    rule_file.write_text(
        "family: 表内\nrules:\n  - id: T-1\n    level: 提示性\n    tolerance: {abs: 5000000}\n"
        "    check: 流动资产合计[期末余额] == 货币资金[期末余额]\n",
        encoding="utf-8",
    )
    rs = load_rules([rule_file])
    near = _sub({"货币资金[期末余额]": 1.00, "流动资产合计[期末余额]": 1.04}, {})
    far = _sub({"货币资金[期末余额]": 1.00, "流动资产合计[期末余额]": 1.10}, {})
    found = evaluate(rs, SubmissionTable.from_submissions([near, far]), [rs.rule("T-1")])
    assert [f.actual for f in found] == [1.10]
