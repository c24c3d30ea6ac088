"""CAP-002: a 保值增值率 the equity change cannot explain, with no 客观因素 reported, asks for them."""

from __future__ import annotations

from sasac_check.check.evaluate import evaluate
from sasac_check.check.table import SubmissionTable
from sasac_check.model.submission import Submission
from sasac_check.rules.load import load_rules


def _run(**extra: float) -> list:
    rs = load_rules()
    values = {"期初国有资本及权益[本期]": 100.0, "期末国有资本及权益[本期]": 120.0,
              "归属于母公司所有者权益合计[年初余额]": 100.0, "归属于母公司所有者权益合计[期末余额]": 100.0}
    values.update({f"{k}[本期]": v for k, v in extra.items()})
    s = Submission(file="a.xlsx", cover={"报告期": "2024年度"}, values=values)
    return evaluate(rs, SubmissionTable.from_submissions([s]), [r for r in rs.rules if r.id == "CAP-002"])


def test_unexplained_rate_without_objective_factors_asks_for_them() -> None:
    (f,) = _run()
    assert f.severity == "warning" and f.source == "rules/capital.yaml:7"
    assert "120.00%" in f.message and "100.00%" in f.message and "客观因素增加额" in f.message


def test_reported_objective_factors_silence_it() -> None:
    assert _run(客观因素增加额=20.0) == []
