"""CAP-002 / CAP-003: a 保值增值率 the equity change (less 客观因素) cannot explain asks why; 国有资本 ≤ 归母权益."""

from __future__ import annotations

from sasac_check.check.evaluate import evaluate
from sasac_check.check.table import SubmissionTable
from sasac_check.model.submission import Submission
from sasac_check.rules.load import load_rules


def _run(equity_end: float = 100.0, capital_end: float = 120.0, rule: str = "CAP-002", **extra: float) -> list:
    rs = load_rules()
    values = {"期初国有资本及权益[本期]": 100.0, "期末国有资本及权益[本期]": capital_end,
              "归属于母公司所有者权益合计[年初余额]": 100.0, "归属于母公司所有者权益合计[期末余额]": equity_end}
    values.update({f"{k}[本期]": v for k, v in extra.items()})
    s = Submission(file="a.xlsx", cover={"报告期": "2024年度", "合并范围": "合并"}, values=values)
    return evaluate(rs, SubmissionTable.from_submissions([s]), [r for r in rs.rules if r.id == rule])


def test_unexplained_rate_without_objective_factors_asks_for_them() -> None:
    (f,) = _run()
    assert f.severity == "warning" and f.source.startswith("rules/capital.yaml:")
    assert "120.00%" in f.message and "100.00%" in f.message and "客观因素增加额" in f.message


def test_reported_objective_factors_silence_it() -> None:
    # 出资人追加投资 20: 归母 100 → 120 and 国有资本 100 → 120; less the injection, a rate of 100% is explained.
    assert _run(equity_end=120.0, 客观因素增加额=20.0) == []


def test_it_runs_when_objective_factors_are_reported_too() -> None:
    # 客观因素 20 reported, but 归母 fell to 90: (90 − 20) / 100 = 70% cannot explain a stated 100%.
    (f,) = _run(equity_end=90.0, capital_end=120.0, 客观因素增加额=20.0)
    assert "70.00%" in f.message and "100.00%" in f.message


def test_state_capital_above_the_parents_equity_is_questioned() -> None:
    (f,) = _run(equity_end=100.0, capital_end=120.0, rule="CAP-003")
    assert f.severity == "warning" and f.item == "期末国有资本及权益" and "120.00" in f.message
    assert _run(equity_end=120.0, capital_end=120.0, rule="CAP-003") == []
