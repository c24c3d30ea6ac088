"""Rule files: every shipped rule loads; every kind of mistake is reported as file:line before any workbook."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sasac_check.rules.load import RuleFileError, load_rules

CASES = {
    "syntax": ("rules:\n  - id: A-1\n    level: 强制性\n    check: 资产总计 == (负债合计\n", 4, "语法错误"),
    "unknown_item": ("rules:\n  - id: A-1\n    level: 强制性\n    check: 资产总额x == 负债合计\n", 4, "未知项目"),
    "suggests": ("rules:\n  - id: A-1\n    level: 强制性\n    check: 流动资产合 == 1\n", 4, "是否指"),
    "bad_level": ("rules:\n  - id: A-1\n    level: 严重\n    check: 资产总计 == 负债合计\n", 3, "级别"),
    "bad_column": ("rules:\n  - id: A-1\n    level: 强制性\n    check: 资产总计[本期金额] == 1\n", 4, "没有列"),
    "not_comparison": ("rules:\n  - id: A-1\n    level: 强制性\n    check: 资产总计 + 1\n", 4, "应为比较"),
    "eval_attempt": ("rules:\n  - id: A-1\n    level: 强制性\n    check: __import__('os').system('x') == 1\n", 4, "未知函数"),
    "unknown_key": ("rules:\n  - id: A-1\n    level: 强制性\n    chek: 资产总计 == 1\n", 4, "未知字段"),
    "duplicate_id": (
        "rules:\n  - id: A-1\n    level: 强制性\n    check: 资产总计 == 1\n  - id: A-1\n    level: 强制性\n    check: 资产总计 == 2\n",
        5,
        "重复",
    ),
    "yaml_error": ("rules:\n  - id: A-1\n    level: [强制性\n", 4, "YAML"),
    "bad_for_each": ("rules:\n  - id: A-1\n    level: 强制性\n    for_each: 损益表\n    check: 本项 == 1\n", 4, "for_each"),
}


def test_shipped_rules_load_and_cover_the_domain() -> None:
    rs = load_rules()
    ids = {r.id for r in rs.rules}
    assert {"BS-001", "BS-011", "IS-002", "IS-005", "CF-004", "CF-005", "X-001", "X-002", "XP-001", "XP-004"} <= ids
    assert {"DEBT-IND-W", "DEBT-IND-K", "DEBT-NIND-W", "DEBT-NIND-K", "DEBT-RD-W", "DEBT-RD-K"} <= ids
    assert len(rs.indicators) >= 15
    assert all(r.source.startswith("rules/") for r in rs.rules)


@pytest.mark.parametrize("name", sorted(CASES))
def test_mistake_reported_with_file_and_line(tmp_path: Path, name: str) -> None:
    text, line, words = CASES[name]
    f = tmp_path / f"{name}.yaml"
    f.write_text("family: 表内\n" + text, encoding="utf-8")
    with pytest.raises(RuleFileError) as e:
        load_rules([f])
    first = e.value.problems[0]
    assert first.startswith(f"{f}:{line + 1}:"), first
    assert words in first


def test_broken_rule_file_exits_2_before_reading_workbooks(tmp_path: Path) -> None:
    f = tmp_path / "bad.yaml"
    f.write_text(CASES["unknown_item"][0], encoding="utf-8")
    missing_workbook = tmp_path / "does-not-exist.xlsx"
    r = subprocess.run(
        [sys.executable, "-m", "sasac_check", "check", str(missing_workbook), "--rules", str(f)],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 2
    assert f"{f}:4:" in r.stderr and "未知项目" in r.stderr
    assert "Traceback" not in r.stderr


def test_user_rule_with_precondition_and_alias(tmp_path: Path) -> None:
    f = tmp_path / "mine.yaml"
    f.write_text(
        "family: 阈值\nrules:\n  - id: MY-1\n    level: 提示性\n    when: 行业类型 in [\"工业\", \"科研设计\"]\n"
        "    check: 资产总额[期末余额] >= 负债总额[期末余额]\n    message: 资不抵债：{actual} < {expected}\n",
        encoding="utf-8",
    )
    rs = load_rules([f])
    rule = rs.rule("MY-1")
    assert rule is not None and rule.severity == "warning" and rule.family == "阈值"
