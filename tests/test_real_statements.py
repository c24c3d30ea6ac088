"""No false alarm on a correct statement: the corpus of real-format statements and ordinary variants (issue 14).

The statements are built in the layouts real published statements use (figures constructed, see realcorpus),
filled through the standard template (or the full one where they have lines it lacks), written as real .xlsx
files, read back and checked as `check` and `batch` do.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import corpus_statements as cs
import pytest
import realcorpus as rc
import samples

from sasac_check.check.kinds import kinds_of_submissions
from sasac_check.check.run import check_files
from sasac_check.read import read_workbook
from sasac_check.rules.load import shipped_rules

ROOT = Path(__file__).resolve().parents[1]
# name → (builder, full template, rows deleted for the 单户 layout, 提示性 findings allowed (rule, item))
CORPUS = {
    "listed-group-yuan": (cs.listed_group, True, (), set()),
    "listed-parent-single-layout": (cs.listed_parent, False, rc.SINGLE_LAYOUT_DROPS, {("SCH-NEGATIVE", "销售费用")}),
    "listed-parent-blank-totals": (lambda: cs.listed_parent(16), False, (), {("SCH-NEGATIVE", "销售费用")}),
    "finance-company-group": (cs.finance_group, True, (), set()),
    "hedging-group": (cs.hedging_group, True, (), set()),
    "old-standards-group": (cs.old_standards_group, True, (), set()),
    "monthly-flash-net-flows": (cs.monthly_flash, True, (), set()),
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("corpus")
    return {name: rc.write(build(), d / f"{name}.xlsx", full=full, drop=drop)
            for name, (build, full, drop, _) in CORPUS.items()}


def _findings(path: Path, prior: list[Path] | None = None):
    return check_files([path], shipped_rules(), prior=prior or []).findings  # no judge: plans are not under test here


@pytest.mark.parametrize("name", list(CORPUS))
def test_real_format_statement_has_no_false_alarm(corpus, name) -> None:
    found = _findings(corpus[name])
    assert [f for f in found if f.severity == "error"] == [], [(f.rule, f.cell, f.message) for f in found]
    allowed = CORPUS[name][3]
    assert {(f.rule, f.item) for f in found if f.severity == "warning"} == allowed, [(f.rule, f.message) for f in found]


def test_kinds_are_told_from_cover_and_lines(corpus) -> None:
    subs = [read_workbook(corpus[n]) for n in CORPUS]
    kinds = dict(zip(CORPUS, kinds_of_submissions(subs), strict=True))
    assert "单户格式" in kinds["listed-parent-single-layout"] and "单户格式" in kinds["listed-parent-blank-totals"]
    assert "单户格式" not in kinds["listed-group-yuan"] and "含金融业务" not in kinds["listed-group-yuan"]
    assert "含金融业务" in kinds["finance-company-group"]
    assert {"未执行新金融工具准则"} <= set(kinds["old-standards-group"])
    assert "执行新金融工具准则" not in kinds["old-standards-group"] and "执行新收入准则" not in kinds["old-standards-group"]
    assert {"执行新金融工具准则", "执行新收入准则", "执行新租赁准则"} <= set(kinds["listed-group-yuan"])
    assert "月度快报" in kinds["monthly-flash-net-flows"]


def test_the_single_layout_is_read_and_its_own_identity_checked(corpus, tmp_path) -> None:
    sub = read_workbook(corpus["listed-parent-single-layout"])
    assert "营业总收入[本期金额]" not in sub.cells and "营业收入[本期金额]" in sub.cells
    rows = cs.listed_parent()
    bad = [(s, i, c, round(v + 1000, 2) if (i, c) == ("营业利润", "本期金额") else v) for s, i, c, v in rows]
    p = rc.write(bad, tmp_path / "bad.xlsx", drop=rc.SINGLE_LAYOUT_DROPS)
    errors = [(f.rule, f.item) for f in _findings(p) if f.severity == "error"]
    assert ("IS-002S", "营业利润") in errors  # the 单户 identity runs (and can fail) where IS-002 cannot
    assert not any(r == "SCH-REQUIRED" for r, _ in errors)


def test_finance_lines_are_placed_in_their_totals(corpus, tmp_path) -> None:
    sub = read_workbook(corpus["finance-company-group"])
    assert sub.values["金融业务利息收入[本期金额]"] == pytest.approx(12345.67e4)  # 利息收入 under 营业总收入
    assert sub.values["利息收入[本期金额]"] == pytest.approx(12345.67e4)  # and the 财务费用 sub-line, told apart
    assert sub.values["金融业务利息支出[本期金额]"] == pytest.approx(5678.90e4)
    assert sub.values["短期发放贷款和垫款[期末余额]"] == pytest.approx(45678.90e4)  # the label printed twice in 资产负债表
    assert sub.values["发放贷款和垫款[期末余额]"] == pytest.approx(234567.89e4)
    rows = cs.finance_group()
    for item, col, rule in (("营业总收入", "本期金额", "IS-007"), ("发放贷款和垫款", "期末余额", "BS-002"),
                            ("吸收存款及同业存放", "年初余额", "BS-004"), ("一般风险准备", "期末余额", "BS-007")):
        bad = [(s, i, c, round(v + 100, 2) if (i, c) == (item, col) else v) for s, i, c, v in rows]
        p = rc.write(bad, tmp_path / f"{rule}.xlsx", full=True)
        assert rule in {f.rule for f in _findings(p) if f.severity == "error"}, rule


def test_a_flash_with_wrong_subtotals_is_still_caught(tmp_path) -> None:
    rows = cs.monthly_flash()
    rows += [(rc.CF, "经营活动现金流入小计", "本期金额", 500000.0), (rc.CF, "经营活动现金流出小计", "本期金额", 400000.0)]
    p = rc.write(rows, tmp_path / "flash.xlsx", full=True)
    assert ("CF-001", "经营活动产生的现金流量净额") in {(f.rule, f.item) for f in _findings(p) if f.severity == "error"}


# --- ordinary variants of the clean sample -----------------------------------------------------------------


def _shift_profit(rows: list, delta: float, *items: str) -> list:
    """Change 利润表 lines (本期) by `delta` and carry it to 营业利润 … 归母净利润; 主要指标 recomputed."""
    chain = {*items, "营业利润", "利润总额", "净利润", "归属于母公司所有者的净利润"}
    out = [(s, i, c, round(v + delta, 2) if s == rc.IS and c == "本期金额" and i in chain else v)
           for s, i, c, v in rows if s != "主要指标"]
    return out + samples.indicator_rows(out)


def _value(rows: list, sheet: str, item: str, col: str) -> float:
    return next(v for s, i, c, v in rows if (s, i, c) == (sheet, item, col))


def test_clean_sample_variants_raise_nothing(tmp_path) -> None:
    base = samples.consistent_values(4)
    loss = _value(base, rc.IS, "信用减值损失", "本期金额")  # negative: a loss
    reversal = _shift_profit(base, -2 * loss, "信用减值损失")
    assert _value(reversal, rc.IS, "信用减值损失", "本期金额") > 0  # a net reversal, printed positive
    hedge = _shift_profit([*base, (rc.IS, "净敞口套期收益", "本期金额", 0.0)], -123.45, "净敞口套期收益")
    finance = _shift_profit([*base, (rc.IS, "金融业务利息收入", "本期金额", 0.0)], 2345.67, "金融业务利息收入", "营业总收入")
    paths = {
        "reversal": rc.write(reversal, tmp_path / "reversal.xlsx"),
        "hedge": rc.write(hedge, tmp_path / "hedge.xlsx", full=True),
        "finance": rc.write(finance, tmp_path / "finance.xlsx", full=True),
    }
    for name, p in paths.items():
        assert _findings(p) == [], (name, [(f.rule, f.message) for f in _findings(p)])
    assert "含金融业务" in kinds_of_submissions([read_workbook(paths["finance"])])[0]


def test_restated_opening_balances_ask_but_never_fail(tmp_path) -> None:
    """年初 restated for a 会计政策变更 (递延所得税负债 up, 未分配利润 down): 提示性 XP findings, no 强制性 one."""
    restate = 1234567.89
    prior_bs = {k: (b, round(b * 0.93, 2)) for k, (a, b) in cs.GROUP_BS.items()}
    prior_bs["递延所得税负债"] = (round(cs.GROUP_BS["递延所得税负债"][1] - restate, 2), prior_bs["递延所得税负债"][1])
    prior_is = {k: (b, round(b * 0.9, 2)) for k, (a, b) in cs.GROUP_IS.items()}
    prior_cf = {k: (b, round(b * 0.9, 2)) for k, (a, b) in cs.GROUP_CF.items()}
    cur_rows = cs.listed_group()
    begin_cash = _value(cur_rows, rc.CF, "期初现金及现金等价物余额", "本期金额")
    prior_rows = cs.listed_group("2022年度", prior_bs, prior_is, prior_cf, cash_end=begin_cash)
    cur, prior = rc.write(cur_rows, tmp_path / "2023.xlsx", full=True), rc.write(prior_rows, tmp_path / "2022.xlsx", full=True)
    assert [f for f in _findings(prior) if f.severity != "info"] == []
    found = _findings(cur, [prior])
    assert [f for f in found if f.severity == "error"] == []
    xp = {(f.rule, f.item) for f in found}
    assert ("XP-001", "递延所得税负债") in xp and ("XP-001", "未分配利润") in xp
    assert all(f.severity == "warning" and "说明" in f.message for f in found)


def test_batch_gives_the_corpus_the_same_findings_as_check(corpus, tmp_path) -> None:
    folder = corpus["listed-group-yuan"].parent
    run = [sys.executable, "-m", "sasac_check"]
    chk = subprocess.run([*run, "check", *map(str, corpus.values()), "--format", "json", "--no-plan"], cwd=ROOT,
                         capture_output=True, text=True)
    bat = subprocess.run([*run, "batch", str(folder), "-o", str(tmp_path / "review.xlsx"), "--format", "json"],
                         cwd=ROOT, capture_output=True, text=True)
    assert chk.returncode == 0 and bat.returncode == 0, (chk.stderr, bat.stderr)

    def keyed(out: str) -> set:
        return {(Path(f["file"]).name, f["rule"], f["sheet"], f["cell"]) for f in json.loads(out)["findings"]
                if not f["rule"].startswith(("PLAN-", "DUP", "PEER", "XP-"))}

    assert keyed(chk.stdout) == keyed(bat.stdout)
    assert {r for _, r, _, _ in keyed(chk.stdout)} == {"SCH-NEGATIVE"}


def test_full_template_has_every_official_line_and_reads_back(tmp_path) -> None:
    from sasac_check.cli import main
    from sasac_check.model.catalog import catalog

    out = tmp_path / "full.xlsx"
    assert main(["template", "--kind", "full", "-o", str(out)]) == 0
    import openpyxl

    ws = openpyxl.load_workbook(out)[rc.IS]
    labels = [ws.cell(row=r, column=1).value for r in range(4, ws.max_row + 1)]
    assert labels == [i.label for i in catalog().sheet(rc.IS).all_items]
    assert labels.count("利息收入") == 2  # the financial-business line and the 财务费用 sub-line
    std = openpyxl.load_workbook(ROOT / "workbooks" / "standard-return-template.xlsx")[rc.IS]
    assert [std.cell(row=r, column=1).value for r in range(4, std.max_row + 1)] == [
        i.label for i in catalog().sheet(rc.IS).items]  # the standard template keeps its rows
