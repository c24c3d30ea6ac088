"""Plans: files load and trace to their seeds; returns and the region's 汇总 judged; seed tables checked."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sasac_check.model.submission import Submission
from sasac_check.plans import check_plan_table, load_plans, region_findings, targets_for
from sasac_check.plans.judge import judge_return
from sasac_check.plans.loader import load_plan, shipped_plan_files
from sasac_check.rules.load import RuleFileError

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "rules" / "plans" / "sources"  # copies of the seed documents the plans quote
SHARED_SEEDS = ROOT.parent / "shared" / "seeds"  # the originals, where this checkout sits beside them
BOOKS = ROOT / "workbooks" / "plans"
YI = 1e8


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


def ret(sup: str, period: str, name: str, **v: float) -> Submission:
    """A return built in code: keyword names are item__column (e.g. 资产总计__期末余额), amounts in 元."""
    s = Submission(file=f"{name}.xlsx", cover={"企业名称": name, "监管机构": sup, "报告期": period, "金额单位": "元"})
    for k, x in v.items():
        item, col = k.split("__")
        s.values[f"{item}[{col}]"] = float(x)
        s.cells[f"{item}[{col}]"] = ("资产负债表", "C9")
    return s


@pytest.mark.parametrize("path", shipped_plan_files(), ids=lambda p: p.name)
def test_plan_file_loads_and_every_quote_is_in_its_seed(path: Path) -> None:
    plan = load_plan(path)
    assert plan.targets or plan.statements
    for t in (*plan.targets, *plan.statements):
        text = _norm((SEEDS / t.seed).read_text(encoding="utf-8"))
        assert _norm(t.quote) in text, f"{t.id}: quote not in {t.seed}"
        assert re.match(r"rules/plans/.+\.yaml:\d+$", t.source)


@pytest.mark.skipif(not SHARED_SEEDS.is_dir(), reason="the shared seed documents are not beside this checkout")
def test_shipped_sources_are_the_seed_documents_byte_for_byte() -> None:
    for copy in SEEDS.glob("*.txt"):
        assert copy.read_bytes() == (SHARED_SEEDS / copy.name).read_bytes(), copy.name


def test_one_plan_per_seed_document() -> None:
    seeds = {p.seed for p in load_plans()}
    # 003 (the digest) gives two regions' 2021 reform pace (anhui-2021, ningbo-2021), judged on ledgers
    assert seeds == {"000_7df9f6d655d1a61f.txt", "001_7ed98efaaadabc7b.txt", "002_d4d9e407d95b196b.txt",
                     "003_5ad8e80663ae9ad9.txt", "004_d5db581ee36b1958.txt"}
    assert seeds == {p.name for p in SEEDS.glob("*.txt")}


def test_plan_file_mistakes_are_reported_with_lines(tmp_path: Path) -> None:
    f = tmp_path / "bad.yaml"
    f.write_text("plan:\n  id: x\n  title: t\n  supervisors: [某区国资委]\n  years: {from: 2021, to: 2025}\n  source: s\n"
                 "targets:\n  - id: A\n    indicator: 资产总额\n    kind: level\n    year: 2025\n    value: 1\n    unit: 亿元\n"
                 "    applies_to: [企业]\n    source: {file: f, quote: abcd}\n  - id: B\n    indicator: 不存在的指标\n"
                 "    kind: bound\n    value: 1\n    unit: '%'\n    colour: red\n    source: {file: f, quote: abcd}\n",
                 encoding="utf-8")
    with pytest.raises(RuleFileError) as e:
        load_plan(f)
    assert any(p.endswith("bad.yaml:21: targets/1/colour：未知字段；可用字段：" + p.split("可用字段：")[-1])
               for p in e.value.problems), e.value.problems
    f.write_text(f.read_text(encoding="utf-8").replace("    colour: red\n", ""), encoding="utf-8")
    with pytest.raises(RuleFileError) as e:
        load_plan(f)
    text = "\n".join(e.value.problems)
    assert "bad.yaml:14:" in text and "金额目标" in text
    assert "bad.yaml:17:" in text and "不存在的指标" in text


def test_yiyang_enterprise_reports_missed_ratio_targets_never_amounts() -> None:
    s = ret("益阳市国资委", "2025年度", "益阳某企业", 资产总计__期末余额=100 * YI, 负债合计__期末余额=70 * YI,
            营业收入__本期金额=10 * YI, 利润总额__本期金额=0.8 * YI, 研发经费投入__本期=0.3 * YI)
    plan = next(p for p in load_plans() if p.id == "yiyang-14th")
    fs = judge_return(s, plan)
    rules = sorted(f.rule for f in fs)
    # 资产负债率 70% ≥ 65%; 营业收入利润率 8% ≥ 5.70% met; 研发投入比重 3% met; 资产总额 100亿 < 1200亿 is not its burden.
    assert rules == ["PLAN-YY-DEBT-RATIO"]
    f = fs[0]
    assert f.severity == "warning" and f.actual == "70.00%" and "< 65%" in f.message
    assert "《益阳市市级国资国企改革发展“十四五”规划》（益阳市国有企业改革领导小组办公室 益企改办〔2022〕4号，2022年）" in f.message
    assert "「资产负债率控制在 65%以下」" in f.message and ".txt" not in f.message  # cited as a user looks it up
    # A 2025 level, not a bound of 2021–2024: a region on its path from 69.08% is not flagged in 2023.
    early = ret("益阳市国资委", "2023年度", "益阳某企业", 资产总计__期末余额=100 * YI, 负债合计__期末余额=67 * YI)
    assert "PLAN-YY-DEBT-RATIO" not in {x.rule for x in judge_return(early, plan)}
    assert f.source.startswith("rules/plans/yiyang.yaml:")


def test_city_enterprise_growth_and_loss_reduction() -> None:
    plan = next(p for p in load_plans() if p.id == "city-workpoints-2022")
    loss = ret("市政府国资委", "2023年度", "亏损企业", 营业收入__本期金额=120, 营业收入__上期金额=100,
               利润总额__本期金额=-95, 利润总额__上期金额=-100)
    fs = judge_return(loss, plan)
    assert sorted(f.rule for f in fs) == ["PLAN-CW-LOSS-REDUCTION"]  # 减亏 5% < 10%; revenue +20% met
    assert fs[0].actual == "5.00%"
    profit = ret("市政府国资委", "2023年度", "盈利企业", 营业收入__本期金额=105, 营业收入__上期金额=100,
                 利润总额__本期金额=120, 利润总额__上期金额=100)
    assert sorted(f.rule for f in judge_return(profit, plan)) == ["PLAN-CW-REVENUE-GROWTH"]


def test_lishan_headcount_against_last_years_retirements() -> None:
    plan = next(p for p in load_plans() if p.id == "lishan-3yr")
    s = ret("立山区国资局", "2021年度", "立山某企业", 新增人数__本期=12, 退休人数__上期=8)
    fs = judge_return(s, plan)
    assert [f.rule for f in fs] == ["PLAN-LS-HEADCOUNT"] and "上一年退休人数" in fs[0].message
    assert judge_return(ret("立山区国资局", "2021年度", "x", 新增人数__本期=8, 退休人数__上期=8), plan) == []


def test_dongsheng_enterprise_is_never_blamed_for_region_amounts() -> None:
    plan = next(p for p in load_plans() if p.id == "dongsheng-14th")
    s = ret("东胜区国资委", "2023年度", "东胜某企业", 资产总计__期末余额=10 * YI, 招商引资额__本期=1 * YI)
    assert judge_return(s, plan) == []
    assert targets_for(s.cover) == []  # no Dongsheng target binds a single enterprise


def test_dongsheng_region_batch_judges_the_summary_on_amount_targets() -> None:
    subs = [ret("东胜区国资委", "2023年度", f"企业{i}", 资产总计__期末余额=300 * YI, 资产总计__年初余额=290 * YI,
                所有者权益合计__期末余额=45 * YI, 营业收入__本期金额=12 * YI, 利润总额__本期金额=-1 * YI,
                上缴税费总额__本期=1 * YI, 招商引资额__本期=15 * YI) for i in range(3)]
    fs, summaries = region_findings(subs, per_enterprise=True)
    assert {f.extra["scope"] for f in fs} == {"汇总"}
    rules = sorted(f.rule for f in fs)
    # 900亿 < 955.79亿 path; 135 ≥ 128.73 met; 36 ≥ 35.46 met; -3 ≥ -3.96 met; 3 ≥ 2.89 met; 招商引资 45 ≥ 40 met;
    # 1100亿 is the 2025 level; 2023 is judged on the plan's own path (955.79亿), not on a growth derived from 2025.
    assert rules == ["PLAN-DS-PATH-ASSETS"]
    path = next(f for f in fs if f.rule == "PLAN-DS-PATH-ASSETS")
    assert path.actual == "900.00亿元" and "955.79亿元" in path.message and "（3户）" in path.message
    assert "《东胜区国有资本布局与结构战略性调整“十四五”规划》（鄂尔多斯市东胜区人民政府" in path.message
    assert "附表" in path.message and "「资产总额 830.17" in path.message and ".txt" not in path.message
    assert summaries[0].periods[2023].values["资产总计[期末余额]"] == 900 * YI


def test_summary_ratios_are_recomputed_from_sums_not_averaged() -> None:
    a = ret("益阳市国资委", "2025年度", "a", 资产总计__期末余额=100, 负债合计__期末余额=90)
    b = ret("益阳市国资委", "2025年度", "b", 资产总计__期末余额=900, 负债合计__期末余额=450)
    fs, (s,) = region_findings([a, b])
    assert s.indicators[2025]["资产负债率"] == pytest.approx(0.54)  # not (90% + 50%) / 2 = 70%
    assert "PLAN-YY-DEBT-RATIO" not in {f.rule for f in fs}


def test_summary_sheet_round_trips_as_a_plan_table(tmp_path: Path) -> None:
    from openpyxl import Workbook

    from sasac_check.plans import write_summary_sheet

    subs = [ret("东胜区国资委", f"{y}年度", "a", 资产总计__期末余额=v * YI, 所有者权益合计__期末余额=v * YI / 5,
                负债合计__期末余额=v * YI * 0.8) for y, v in ((2021, 800), (2022, 880))]
    _, (summary,) = region_findings(subs)
    wb = Workbook()
    write_summary_sheet(wb, summary)
    p = tmp_path / "汇总.xlsx"
    wb.save(p)
    assert [f.rule for f in check_plan_table(p) if f.rule.startswith("PT-RATIO") or f.rule == "PT-CAGR"] == []


def _findings(book: str) -> list[tuple[str, str]]:
    return sorted((f.rule, f.cell) for f in check_plan_table(BOOKS / book))


def test_yiyang_2025_margin_5_70_against_2_00_over_40_00_is_an_error() -> None:
    f = next(f for f in check_plan_table(BOOKS / "yiyang_2020-2025.xlsx") if f.rule == "PT-RATIO")
    assert f.severity == "error" and f.cell == "D7" and f.actual == "5.70%" and f.expected == "5.00%"


def test_yiyang_net_profit_cagr_54_08_is_only_rounding() -> None:
    assert not [f for f in check_plan_table(BOOKS / "yiyang_2020-2025.xlsx") if f.item == "净利润"]


def test_yiyang_table_gives_all_and_only_the_real_inconsistencies() -> None:
    assert _findings("yiyang_2020-2025.xlsx") == [
        ("PT-CAGR", "E8"),  # 资产负债率 -1.12% vs -1.21%
        ("PT-CAGR-BASE", "E9"),  # 研发投入比重 growth over a missing base
        ("PT-RATIO", "D7"),  # 营业收入利润率 5.70% vs 5.00%
        ("PT-TEXT-YY-PER-CAPITA-CAGR", "E10"),  # 8.94% vs 正文 约 10%
    ]


def test_dongsheng_tables_give_all_and_only_the_real_inconsistencies() -> None:
    assert _findings("dongsheng_2016-2020.xlsx") == [
        ("PT-CAPITAL", "D9"), ("PT-CAPITAL", "E9"), ("PT-CAPITAL", "F9"),
        ("PT-TEXT-DS13-ASSETS-CAGR", "G3"), ("PT-TEXT-DS13-EQUITY-CAGR", "G4"), ("PT-TEXT-DS13-REVENUE-CAGR", "G5"),
    ]
    assert all(f.severity == "warning" for f in check_plan_table(BOOKS / "dongsheng_2016-2020.xlsx"))
    assert _findings("dongsheng_2021-2025_plan.xlsx") == []


def main(argv: list[str]) -> int:
    """The plan and template commands through the real command line (in process, output captured)."""
    from sasac_check.cli import main as cli_main

    return cli_main(argv)


def test_cli_plan_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "check", str(BOOKS / "yiyang_2020-2025.xlsx")]) == 1
    assert main(["plan", "check", str(BOOKS / "dongsheng_2016-2020.xlsx")]) == 0
    assert main(["plan", "check", "--strict", str(BOOKS / "dongsheng_2016-2020.xlsx")]) == 1
    assert main(["plan", "check", str(tmp_path / "missing.xlsx")]) == 3
    assert main(["plan", "validate", str(ROOT / "rules/plans/yiyang.yaml")]) == 0
    assert main(["plan", "list"]) == 0
    out = tmp_path / "plan.xlsx"
    assert main(["template", "--kind", "plan", "-o", str(out)]) == 0 and out.exists()
    assert "5.70%" in capsys.readouterr().out


def test_a_region_on_its_planned_path_is_not_flagged() -> None:
    """Levels bind the year they name; paths bind each year (issue 14)."""
    # 益阳 2023: 资产负债率 67% and 实体经济投资比重 30% are on the way from 69.08% / 11.20% (2020) to 65% / 60% (2025).
    yy = [ret("益阳市国资委", "2023年度", f"y{i}", 资产总计__期末余额=100 * YI, 负债合计__期末余额=67 * YI,
              新增投资额__本期=10 * YI, 关键领域新增投资额__本期=3 * YI) for i in range(2)]
    fs, _ = region_findings(yy, per_enterprise=True)
    assert not {"PLAN-YY-DEBT-RATIO", "PLAN-YY-KEY-INVESTMENT"} & {f.rule for f in fs}
    # 东胜 2021 exactly on the 附表 path (资产总额 830.17亿, 营业收入 30.8亿): nothing about 资产总额 or 营业收入.
    ds = [ret("东胜区国资委", "2021年度", "d", 资产总计__期末余额=830.17 * YI, 资产总计__年初余额=816.04 * YI,
              营业收入__本期金额=30.8 * YI, 营业收入__上期金额=20.48 * YI)]
    fs, _ = region_findings(ds, per_enterprise=True)
    assert not {"PLAN-DS-PATH-ASSETS", "PLAN-DS-ASSETS-2025", "PLAN-DS-PATH-REVENUE", "PLAN-DS-REVENUE-2025"} & {
        f.rule for f in fs}
    # … and in 2025 the levels bind: 1000亿 < 1100亿.
    late = [ret("东胜区国资委", "2025年度", "d", 资产总计__期末余额=1000 * YI, 营业收入__本期金额=41 * YI)]
    assert "PLAN-DS-ASSETS-2025" in {f.rule for f in region_findings(late, per_enterprise=True)[0]}
