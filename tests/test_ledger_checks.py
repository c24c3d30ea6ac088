"""Ledger checks: the sample's planted problems at their cells, the digest's rates by interval, levels, reports."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import jsonschema
import pytest
from ledger_samples import PLANTED, TARGET, write_ledger, write_sample_ledger

from sasac_check.ledger import check_ledger, read_ledger
from sasac_check.ledger.checks import ROW_CHECKS
from sasac_check.ledger.dates import as_of_date, parse_span
from sasac_check.ledger.files import ledger_rules
from sasac_check.ledger.model import Ledger, LedgerRow

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "workbooks" / "sample-ledger.xlsx"
ANHUI = ROOT / "rules" / "plans" / "anhui-2021.yaml"
SCHEMA = json.loads((ROOT / "schemas" / "report.schema.json").read_text(encoding="utf-8"))


def found(findings) -> set[tuple[str, str, str]]:
    return {(f.rule, f.sheet, f.cell) for f in findings}


def one_row(**v) -> Ledger:
    """A ledger of one task built in code (the 1-row layout of the template: columns A–M, row 4)."""
    cols = "序号 任务类别 任务名称 牵头单位 责任单位 时间节点 完成标志 应完成数 已完成数 完成率 完成状态 进展情况 佐证材料".split()
    base = {"序号": 1, "任务名称": "公司制改革", "牵头单位": "区国资局", "时间节点": "2021年底", "完成状态": "推进中"}
    base.update(v)
    row = LedgerRow(4, base, {c: f"{chr(65 + i)}4" for i, c in enumerate(cols)})
    return Ledger("t.xlsx", "改革任务台账", 3, [row], cover={"截至日期": date(2021, 8, 31)}, as_of=date(2021, 8, 31))


def rules_of(led: Ledger) -> list[str]:
    return sorted(f.rule for f in check_ledger(led, use_plans=False))


# --- the sample ledger ------------------------------------------------------------------------------
def test_the_committed_sample_is_the_generated_one(tmp_path: Path) -> None:
    fresh = read_ledger(write_sample_ledger(tmp_path / "s.xlsx"))
    kept = read_ledger(SAMPLE)
    assert [r.values for r in fresh.rows] == [r.values for r in kept.rows]
    assert fresh.cover == kept.cover


def test_every_planted_problem_is_found_at_its_cell_and_nothing_else() -> None:
    led = read_ledger(SAMPLE)
    assert found(check_ledger(led, use_plans=False)) == set(PLANTED)
    with_pace = check_ledger(led, str(ANHUI))
    assert found(with_pace) == {*PLANTED, TARGET}
    (t,) = [f for f in with_pace if f.rule == "LEDGER-TARGET"]
    assert t.severity == "warning" and "今年底完成三年改革任務70%以上" in t.message and "8 项 / 共 23 项 = 34.78%" in t.message


def test_the_sample_through_the_cli_text_json_and_junit(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "sasac_check", "check", str(SAMPLE), "--format", "json"], capture_output=True,
                         text=True, timeout=120, cwd=ROOT)
    assert run.returncode == 1, run.stderr  # 强制性 findings, as for a return
    data = json.loads(run.stdout)
    jsonschema.validate(data, SCHEMA)
    (f,) = data["files"]
    assert f["kind"] == "ledger" and f["status"] == "failed" and f["counts"] == {"error": 4, "warning": 3, "info": 0}
    assert f["ledger"]["tasks"] == 23 and f["ledger"]["completed"] == 8 and f["ledger"]["overdue"] == 2
    assert {(x["rule"], x["cell"]) for x in data["findings"]} == {(r, c) for r, _, c in PLANTED}
    rate = next(x for x in data["findings"] if x["rule"] == "LEDGER-RATE")
    assert rate["expected"] == 67.5 and rate["actual"] == 73.0 and rate["expected_range"] == [72.5, 73.5]
    junit = subprocess.run([sys.executable, "-m", "sasac_check", "check", str(SAMPLE), "--format", "junit"], capture_output=True,
                           text=True, timeout=120, cwd=ROOT)
    assert junit.returncode == 1 and 'name="LEDGER-RATE"' in junit.stdout and 'name="BS-001"' not in junit.stdout
    assert junit.stdout.count("<testcase") == len(ledger_rules())
    text = subprocess.run([sys.executable, "-m", "sasac_check", "check", str(SAMPLE)], capture_output=True, text=True,
                          timeout=120, cwd=ROOT)
    assert "改革任务台账 立山区国资局 2022年1月31日" in text.stdout and "J18  强制性  LEDGER-RATE" in text.stdout


# --- the digest's own figures (seed 003) --------------------------------------------------------------
DIGEST = [  # (已完成数, stated 完成率, 应完成数 that rounds to it, one that does not)
    (27, 0.73, 37, 40),  # 已完成27户…公司制改革，完成率73%
    (9, 0.90, 10, 12),  # "僵尸企业"清理完成9户，完成率90%
    (54, 0.84, 64, 65),  # 清理完成54户，完成率84%
]


@pytest.mark.parametrize(("done", "rate", "good", "bad"), DIGEST)
def test_digest_rates_hold_with_the_count_that_rounds_to_them(tmp_path: Path, done, rate, good, bad) -> None:
    path = write_ledger(tmp_path / "d.xlsx", [
        {"序号": 1, "任务名称": "甲", "牵头单位": "区国资局", "时间节点": "2021年底", "应完成数": good, "已完成数": done,
         "完成率": rate, "完成状态": "推进中"},
        {"序号": 2, "任务名称": "乙", "牵头单位": "区国资局", "时间节点": "2021年底", "应完成数": bad, "已完成数": done,
         "完成率": rate, "完成状态": "推进中"},
    ], cover={"截至日期": date(2021, 8, 31)})
    fs = check_ledger(read_ledger(path), use_plans=False)
    assert found(fs) == {("LEDGER-RATE", "改革任务台账", "J5")}


@pytest.mark.parametrize(("done", "rate"), [(27, 0.73), (9, 0.90), (54, 0.84), (34, 0.829)])
def test_a_stated_rate_holds_exactly_for_the_counts_its_precision_allows(done, rate) -> None:
    """Over every 应完成数, the rate passes iff done / due lies in [rate − ½ulp, rate + ½ulp] of its written decimals."""
    decimals = len(repr(rate).split(".")[1])
    half = 0.5 * 10 ** -decimals
    for due in range(max(done, 1), 400):
        fails = "LEDGER-RATE" in rules_of(one_row(应完成数=due, 已完成数=done, 完成率=rate))
        assert fails == (not rate - half - 1e-12 <= done / due <= rate + half + 1e-12), due


def test_text_percentages_carry_their_written_precision() -> None:
    assert "LEDGER-RATE" not in rules_of(one_row(应完成数=41, 已完成数=34, 完成率="82.9%"))  # 82.93%
    assert "LEDGER-RATE" in rules_of(one_row(应完成数=41, 已完成数=34, 完成率="82.90%"))  # [82.895, 82.905]
    assert "LEDGER-NUMBER" in rules_of(one_row(应完成数=41, 已完成数=34, 完成率="约八成"))


# --- each check, passing and failing ------------------------------------------------------------------
CASES = [  # (row values, the rules that must fire)
    ({"应完成数": 10, "已完成数": 10, "完成率": 1.0, "完成状态": "已完成"}, []),
    ({"应完成数": 10, "已完成数": 8, "完成率": 0.8, "完成状态": "已完成"}, ["LEDGER-DONE-SHORT"]),
    ({"应完成数": 10, "已完成数": 8, "完成率": 0.8, "完成状态": "已销号", "佐证材料": "验收报告"}, ["LEDGER-DONE-SHORT"]),
    ({"应完成数": 10, "已完成数": 12, "完成率": 1.2}, ["LEDGER-COUNT-OVER"]),
    ({"应完成数": 10.5, "已完成数": -1}, ["LEDGER-NUMBER", "LEDGER-NUMBER"]),
    ({"完成状态": "已销号"}, ["LEDGER-EVIDENCE"]),
    ({"完成状态": "已销号", "佐证材料": "销号审批表"}, []),
    ({"牵头单位": None}, ["LEDGER-LEAD"]),
    ({"完成状态": "基本完成"}, ["LEDGER-STATUS"]),
    ({"完成状态": None}, ["LEDGER-STATUS"]),
    ({"时间节点": "2021年6月", "完成状态": "未启动"}, ["LEDGER-OVERDUE"]),  # due 2021-06-30 < 2021-08-31
    ({"时间节点": "2021年三季度", "完成状态": "未启动"}, []),  # due 2021-09-30: not yet
    ({"时间节点": "2021年6月", "完成状态": "推进中"}, []),  # late but started: the summary counts it, no finding
    ({"时间节点": None}, ["LEDGER-NODE-BLANK"]),
    ({"时间节点": None, "完成状态": "已完成"}, []),
    ({"时间节点": "长期坚持"}, ["LEDGER-NODE-FORMAT"]),
    ({"时间节点": "2023年底"}, ["LEDGER-NODE-PERIOD"]),
    ({"时间节点": "2019-2021年"}, ["LEDGER-NODE-PERIOD"]),
    ({"时间节点": "2022年底"}, []),
]


@pytest.mark.parametrize(("values", "rules"), CASES)
def test_each_check(values, rules) -> None:
    led = one_row(**values)
    led.cover["方案期间"] = "2020—2022年"
    assert rules_of(led) == sorted(rules)


def test_no_period_no_period_check_and_missing_date_is_said() -> None:
    led = one_row(时间节点="2030年底", 完成状态="未启动")
    led.cover, led.as_of = {}, None
    assert rules_of(led) == ["LEDGER-AS-OF"]


@pytest.mark.parametrize(("as_of", "done", "fires"), [
    (date(2021, 8, 31), 1, False),  # the year-end pace is not due yet
    (date(2021, 12, 31), 6, True),  # 6 of 10 = 60 % < 70 %
    (date(2021, 12, 31), 7, False),  # 70 % meets "70%以上"
])
def test_the_pace_target_is_judged_at_its_year_end(tmp_path: Path, as_of, done, fires) -> None:
    rows = [{"序号": i + 1, "任务名称": f"任务{i + 1}", "牵头单位": "区国资局", "时间节点": "2022年底",
             "完成状态": "已完成" if i < done else "推进中"} for i in range(10)]
    path = write_ledger(tmp_path / "p.xlsx", rows, cover={"截至日期": as_of, "监管机构": "安徽省国资委"})
    fs = check_ledger(read_ledger(path))  # the plan chosen by 监管机构 and the year of 截至日期
    assert ("LEDGER-TARGET" in {f.rule for f in fs}) is fires
    assert not [f for f in fs if f.rule != "LEDGER-TARGET"]


def test_dates_read_as_ledgers_write_them() -> None:
    assert parse_span("2020-2021年").end == date(2021, 12, 31)
    assert parse_span("2021年第三季度").end == date(2021, 9, 30)
    assert parse_span("2021年上半年").end == date(2021, 6, 30)
    assert parse_span("2021-06-15").end == date(2021, 6, 15)
    assert parse_span(2022).end == date(2022, 12, 31)
    assert parse_span("尽快") is None and parse_span("2021年13月") is None
    assert as_of_date(None, "2021年12月") == date(2021, 12, 31) and as_of_date(None, "2021年度") == date(2021, 12, 31)


def test_the_rule_file_names_known_checks_and_gives_reasons() -> None:
    rules = ledger_rules()
    assert len({r.id for r in rules}) == len(rules)
    ledger_level = {"as_of", "target"}
    for r in rules:
        assert r.check in ROW_CHECKS or r.check in ledger_level, r.id
        assert len(r.why) > 20 and r.source.startswith("rules/ledger/checks.yaml:")
    level = {r.id: r.severity for r in rules}
    # 强制性 only where the ledger contradicts itself or lacks a required field
    assert {k for k, v in level.items() if v == "error"} == {"LEDGER-RATE", "LEDGER-NUMBER", "LEDGER-DONE-SHORT",
                                                              "LEDGER-EVIDENCE", "LEDGER-LEAD", "LEDGER-STATUS"}


def test_a_correct_ledger_has_no_finding(tmp_path: Path) -> None:
    rows = [{"序号": 1, "任务名称": "公司制改革", "牵头单位": "区国资局", "时间节点": "2020-2021年", "应完成数": 37, "已完成数": 27,
             "完成率": 0.73, "完成状态": "推进中"},
            {"序号": 2, "任务名称": "僵尸企业清理", "牵头单位": "区国资局、区工信局", "时间节点": 2021, "应完成数": 10,
             "已完成数": 10, "完成率": "100%", "完成状态": "已销号", "佐证材料": "清理完成确认书"},
            {"序号": 3, "任务名称": "负面清单", "牵头单位": "区国资局", "时间节点": date(2021, 6, 30), "完成状态": "已完成"}]
    path = write_ledger(tmp_path / "ok.xlsx", rows, cover={"截至日期": date(2021, 8, 31), "方案期间": "2020—2022年",
                                                           "监管机构": "立山区国资局"})
    assert check_ledger(read_ledger(path)) == []
    run = subprocess.run([sys.executable, "-m", "sasac_check", "check", str(path)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and "通过" in run.stdout


def test_explain_shows_a_ledger_rule_with_its_reasoning() -> None:
    run = subprocess.run([sys.executable, "-m", "sasac_check", "explain", "LEDGER-EVIDENCE"], capture_output=True, text=True,
                         timeout=120, cwd=ROOT)
    assert run.returncode == 0 and "强制性" in run.stdout and "理由：销号是凭佐证材料" in run.stdout
    assert "rules/ledger/checks.yaml:" in run.stdout


def _own_layout(tmp_path: Path, rate_header: str, rows: list[tuple]) -> Path:
    """A ledger of a unit's own making: another sheet name, header texts of its own, no cover sheet."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["立山区国企改革任务推进表"])
    ws.append(["序号", "改革任务", "牵头部门", "完成时限", "应完成数", "已完成数", rate_header, "进度状态", "佐证资料"])
    for r in rows:
        ws.append(list(r))
    path = tmp_path / "own.xlsx"
    wb.save(path)
    return path


def test_a_ledger_of_its_own_layout_is_recognised_and_percent_points_are_read(tmp_path: Path) -> None:
    path = _own_layout(tmp_path, "完成率（%）", [(1, "公司制改革", "区国资局", "2021年底", 37, 27, 73, "推进中", None),
                                                   (2, "对标提升", "区国资局", "2021年底", 40, 27, 73, "推进中", None)])
    led = read_ledger(path)
    assert led.sheet == "Sheet1" and led.rate_points and len(led.rows) == 2
    fs = check_ledger(led, use_plans=False)
    assert [(f.rule, f.cell) for f in fs if f.rule != "LEDGER-AS-OF"] == [("LEDGER-RATE", "G4")]
    from sasac_check.excel.ledger_actions import rate_formulas

    assert rate_formulas(led)["G3"] == '=IF(E3>0,F3/E3*100,"")'
    run = subprocess.run([sys.executable, "-m", "sasac_check", "check", str(path), "--format", "json"], capture_output=True,
                         text=True, timeout=120, cwd=ROOT)
    assert json.loads(run.stdout)["files"][0]["kind"] == "ledger"


def test_a_bare_number_above_one_is_read_both_ways_before_it_is_called_wrong() -> None:
    assert "LEDGER-RATE" not in rules_of(one_row(应完成数=37, 已完成数=27, 完成率=73))  # 73 meaning 73 %
    assert "LEDGER-RATE" not in rules_of(one_row(应完成数=10, 已完成数=12, 完成率=1.2))  # 120 %
    assert "LEDGER-RATE" in rules_of(one_row(应完成数=40, 已完成数=27, 完成率=73))  # 67.5 % either way
