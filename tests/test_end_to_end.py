"""template → fill → check through the real command line, on real .xlsx files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import jsonschema
import pytest
import samples

from sasac_check.model.catalog import catalog
from sasac_check.model.resources import data_path

KIND_RULE = {"threshold": "DEBT-IND-W", "required": "SCH-REQUIRED", "identity": "BS-001", "uscc": "SCH-USCC"}


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sasac_check", *args], capture_output=True, text=True, cwd=cwd)


def report_schema() -> dict:
    return json.loads((data_path("schemas") / "report.schema.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def clean_and_faulty(tmp_path_factory) -> tuple[Path, Path, list]:
    d = tmp_path_factory.mktemp("e2e")
    template = d / "报表.xlsx"
    assert cli("template", "-o", str(template)).returncode == 0
    rows = samples.consistent_values(seed=7)
    values = samples.write_values_csv(rows, d / "values.csv")
    clean = d / "clean.xlsx"
    r = cli("fill", str(template), "--values", str(values), "-o", str(clean))
    assert r.returncode == 0, r.stderr
    bad_rows, expected = samples.plant_mistakes(rows)
    faulty = d / "faulty.xlsx"
    r = cli("fill", str(template), "--values", str(samples.write_values_csv(bad_rows, d / "bad.csv")), "-o", str(faulty))
    assert r.returncode == 0, r.stderr
    return clean, faulty, expected


def test_consistent_return_exits_0_with_no_finding(clean_and_faulty) -> None:
    clean, _, _ = clean_and_faulty
    r = cli("check", str(clean), "--format", "json")
    assert r.returncode == 0, r.stdout + r.stderr
    data = json.loads(r.stdout)
    jsonschema.validate(data, report_schema())
    assert data["files"][0]["status"] == "ok"
    assert data["findings"] == []
    assert 0 < data["files"][0]["indicators"]["资产负债率"] < 0.65


def test_each_planted_mistake_is_found_at_its_cell(clean_and_faulty) -> None:
    _, faulty, expected = clean_and_faulty
    r = cli("check", str(faulty), "--format", "json")
    assert r.returncode == 1
    data = json.loads(r.stdout)
    jsonschema.validate(data, report_schema())
    found = {(f["rule"], f["sheet"], f["item"], f["column"]): f for f in data["findings"]}
    for exp in expected:
        rule = KIND_RULE.get(exp.kind, exp.kind)
        key = (rule, exp.sheet, exp.item, exp.column)
        assert key in found, f"{exp} not reported; got {sorted(found)}"
        assert found[key]["cell"], f"{exp} has no cell"
    # Nothing else: no cascade of follow-on errors from the blank required item.
    rules = {f["rule"] for f in data["findings"]}
    assert "IS-001" not in rules and "IS-002" not in rules


def test_text_output_groups_by_file_and_sheet_in_chinese(clean_and_faulty) -> None:
    _, faulty, _ = clean_and_faulty
    r = cli("check", str(faulty))
    assert r.returncode == 1
    assert "[资产负债表]" in r.stdout and "强制性" in r.stdout and "未通过" in r.stdout
    assert r.stdout.index("[封面]") < r.stdout.index("[资产负债表]") < r.stdout.index("[主要指标]")


def test_junit_has_a_failing_case_per_failing_rule(clean_and_faulty, tmp_path) -> None:
    clean, faulty, _ = clean_and_faulty
    out = tmp_path / "r.xml"
    r = cli("check", str(clean), str(faulty), "--format", "junit", "-o", str(out))
    assert r.returncode == 1
    root = ET.parse(out).getroot()
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [str(clean), str(faulty)]
    failed = {c.get("name") for c in suites[1].findall("testcase") if c.find("failure") is not None}
    assert {"BS-001", "IND-I02", "SCH-USCC", "SCH-REQUIRED"} <= failed
    assert not [c for c in suites[0].findall("testcase") if c.find("failure") is not None]
    assert len(suites[0].findall("testcase")) > 40


def test_strict_turns_warnings_into_failure(tmp_path) -> None:
    rows = samples.consistent_values(seed=3, debt_ratio=0.67)
    wb = samples.write_return(rows, tmp_path / "high-debt.xlsx")
    assert cli("check", str(wb)).returncode == 0
    r = cli("check", str(wb), "--strict", "--format", "json")
    assert r.returncode == 1
    assert [f["rule"] for f in json.loads(r.stdout)["findings"]] == ["DEBT-IND-W"]


def test_figures_that_differ_only_by_rounding_raise_nothing(tmp_path) -> None:
    """The same return restated in 亿元, every figure rounded on its own to 2 decimals: totals no longer add up
    to the cent, and every stated indicator stays as computed from the exact figures."""
    cat = catalog()
    rows = []
    for sheet, item, column, value in samples.consistent_values(seed=11):
        if sheet == "封面" and item == "金额单位":
            value = "亿元"
        elif sheet in {s.name for s in cat.sheets} and cat.item(item).kind == "amount" and value is not None:
            value = round(float(value) / 10000, 2)
        rows.append((sheet, item, column, value))
    wb = samples.write_return(rows, tmp_path / "yi.xlsx")
    r = cli("check", str(wb), "--format", "json")
    data = json.loads(r.stdout)
    assert r.returncode == 0, [f["message"] for f in data["findings"]]
    assert data["findings"] == []
    # ... while a difference beyond what 14 rounded figures allow (14 × 0.005 = 0.07) is caught.
    rows2 = [
        (s, i, c, round(v + 0.10, 2) if (i, c) == ("流动资产合计", "期末余额") else v) for s, i, c, v in rows
    ]
    wb2 = samples.write_return(rows2, tmp_path / "yi-bad.xlsx")
    r = cli("check", str(wb2), "--format", "json")
    assert r.returncode == 1
    assert {f["rule"] for f in json.loads(r.stdout)["findings"]} >= {"BS-001"}


@pytest.mark.parametrize(
    ("name", "content"),
    [("notes.xlsx", b"just some text, not a workbook"), ("empty.xlsx", b""), ("zip.xlsx", b"PK\x03\x04broken")],
)
def test_unreadable_input_exits_3_with_a_clear_message(tmp_path, name, content) -> None:
    f = tmp_path / name
    f.write_bytes(content)
    r = cli("check", str(f))
    assert r.returncode == 3
    assert "无法读取" in r.stdout and str(f) in r.stdout
    assert "Traceback" not in r.stdout + r.stderr


def test_rules_and_explain() -> None:
    r = cli("rules")
    assert r.returncode == 0 and "BS-001" in r.stdout and "DEBT-IND-K" in r.stdout
    r = cli("explain", "BS-003")
    assert r.returncode == 0 and "rules/intra_sheet.yaml:" in r.stdout and "资产总计" in r.stdout
    r = cli("explain", "BS-00")
    assert r.returncode == 2 and "是否指" in r.stderr


def test_bundled_samples_give_the_documented_result() -> None:
    wb = data_path("workbooks")
    assert cli("check", str(wb / "sample-clean.xlsx")).returncode == 0
    r = cli("check", str(wb / "sample-mistakes.xlsx"))
    assert r.returncode == 1 and "BS-001" in r.stdout


def _prior_of(rows: list) -> list:
    """Last year's return as this year's comparative columns state it."""
    swap = {"期末余额": "年初余额", "本期金额": "上期金额", "本期": "上期"}
    current = {(s, i, c): v for s, i, c, v in rows}
    out = []
    for s, i, c, v in rows:
        if s == "封面":
            out.append((s, i, c, "2023年度" if i == "报告期" else v))
        elif c in swap:
            out.append((s, i, c, current.get((s, i, swap[c]))))
        elif s != "主要指标":
            out.append((s, i, c, None))
    return out


def test_cross_period_rules_run_with_prior(tmp_path) -> None:
    rows = samples.consistent_values(seed=5)
    prior = samples.write_return(_prior_of(rows), tmp_path / "2023.xlsx")
    cur = samples.write_return(rows, tmp_path / "2024.xlsx")
    r = cli("check", str(cur), "--prior", str(prior), "--format", "json")
    assert r.returncode == 0, r.stdout
    assert json.loads(r.stdout)["findings"] == []
    # This year's opening balance no longer equals last year's closing balance.
    moved = [(s, i, c, round(v + 10, 2) if (i, c) == ("存货", "年初余额") else v) for s, i, c, v in rows]
    moved = [(s, i, c, round(v + 10, 2) if (i, c) == ("流动资产合计", "年初余额") else v) for s, i, c, v in moved]
    moved = [(s, i, c, round(v + 10, 2) if (i, c) in {("资产总计", "年初余额"), ("负债和所有者权益总计", "年初余额"),
                                                    ("未分配利润", "年初余额"), ("归属于母公司所有者权益合计", "年初余额"),
                                                    ("所有者权益合计", "年初余额")} else v) for s, i, c, v in moved]
    cur2 = samples.write_return(moved, tmp_path / "2024b.xlsx")
    r = cli("check", str(cur2), "--prior", str(prior), "--format", "json")
    found = {(f["rule"], f["item"]) for f in json.loads(r.stdout)["findings"]}
    assert r.returncode == 0  # a restated 年初 is legitimate (会计政策变更, 差错更正): 提示性, asking for the reason
    assert {f["severity"] for f in json.loads(r.stdout)["findings"]} == {"warning"}
    assert cli("check", str(cur2), "--prior", str(prior), "--strict").returncode == 1
    assert ("XP-001", "存货") in found and ("XP-001", "未分配利润") in found
    assert not {f for f in found if f[0] != "XP-001"}, found  # internally the moved return still adds up
    # Without the prior, the same return passes: 跨期 rules need last period's return.
    assert cli("check", str(cur2)).returncode == 0


def test_a_return_is_judged_on_the_targets_of_its_plan(tmp_path) -> None:
    rows = samples.consistent_values(seed=2, debt_ratio=0.67, 监管机构="益阳市国资委", 报告期="2025年度")
    wb = samples.write_return(rows, tmp_path / "yiyang.xlsx")
    r = cli("check", str(wb), "--format", "json")
    assert r.returncode == 0  # plan targets are 提示性 for one enterprise
    plan = [f for f in json.loads(r.stdout)["findings"] if f["rule"].startswith("PLAN-")]
    debt = next(f for f in plan if f["rule"] == "PLAN-YY-DEBT-RATIO")
    assert debt["severity"] == "warning" and debt["sheet"] == "主要指标" and debt["cell"]
    assert "65%" in debt["message"] and "67.00%" in debt["message"]
    assert "《益阳市市级国资国企改革发展“十四五”规划》" in debt["message"] and ".txt" not in debt["message"]
    assert debt["source"].startswith("rules/plans/yiyang.yaml:")
    # No enterprise is blamed for a region-wide amount target.
    assert not [f for f in plan if f.get("scope") == "汇总"]
    r = cli("check", str(wb), "--no-plan", "--format", "json")
    assert not [f for f in json.loads(r.stdout)["findings"] if f["rule"].startswith("PLAN-")]
    broken = tmp_path / "plan.yaml"
    broken.write_text("plan:\n  id: x\n  targets: 3\n", encoding="utf-8")
    r = cli("check", str(wb), "--plan", str(broken))
    assert r.returncode == 2 and str(broken) in r.stderr


def test_readme_shows_what_the_main_job_prints() -> None:
    """The README's quick start promises this output: keep it true."""
    root = Path(__file__).resolve().parents[1]
    readme = (root / "README.md").read_text(encoding="utf-8")
    start = readme.index("■ workbooks/sample-mistakes.xlsx")
    promised = readme[start : readme.index("\n", readme.index("共检查", start))] + "\n"
    r = cli("check", "workbooks/sample-mistakes.xlsx", cwd=root)
    assert r.returncode == 1
    assert r.stdout == promised


def test_usage_errors_are_in_chinese() -> None:
    r = cli("check", "--format", "xml", "a.xlsx")
    assert r.returncode == 2
    assert "错误" in r.stderr and "无效的选项" in r.stderr and "Traceback" not in r.stderr
    r = cli("check")
    assert r.returncode == 2 and "缺少必需的参数" in r.stderr
