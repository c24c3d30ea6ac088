"""The one prior-period matcher: 上年末 / 上年同期 pairing, order- and case-independent, the same in check and batch."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
import samples

from sasac_check.batch import BatchOptions, run_batch
from sasac_check.check.priors import Pairing, match, normalize_code, parse_period
from sasac_check.check.run import check_files
from sasac_check.rules.load import load_rules


def test_periods_and_codes() -> None:
    assert parse_period("2024年度") == parse_period("２０２４年度")
    assert parse_period("2024年度").annual and parse_period("2024年度").month == 12
    assert (parse_period("2024年6月").month, parse_period("2024年1-6月").month) == (6, 6)
    assert parse_period("2024年13月") is None and parse_period("去年") is None
    assert normalize_code(" 91150602mA0n1x2y3z ") == normalize_code("９１150602MA0N1X2Y3Z") == "91150602MA0N1X2Y3Z"


def _cover(period: str, code: str = "X1", kind: str = "") -> dict[str, str]:
    return {"报告期": period, "统一社会信用代码": code, "报表类型": kind or ("年报" if period.endswith("年度") else "月度快报")}


def test_a_monthly_return_pairs_with_the_year_end_and_the_same_month() -> None:
    cands = [_cover("2023年12月"), _cover("2023年6月"), _cover("2023年度"), _cover("2023年5月"), _cover("2022年6月")]
    names = [f"f{i}" for i in range(len(cands))]
    for perm in itertools.permutations(range(len(cands))):  # whatever order the files come in
        got = match([_cover("2024年6月", "x1")], [cands[i] for i in perm], [names[i] for i in perm])[0]
        assert (names[perm[got.year_end]], names[perm[got.same_period]]) == ("f2", "f1")  # 年报 before the 12月 快报
    assert match([_cover("2024年度")], cands, names)[0] == Pairing(2, 2)
    assert match([_cover("2024年12月")], cands[:2], names[:2])[0] == Pairing(0, 0)  # no 年报: the 12月 快报
    assert match([_cover("2024年3月")], cands, names)[0] == Pairing(2, None)  # no 2023年3月 快报
    assert match([_cover("2024年度", "OTHER")], cands, names)[0] == Pairing()


def _swap(rows: list, period: str, kind: str, bs_shift: float = 0.0, flow_factor: float = 1.0, cap_shift: float = 0.0):
    """Last year's return as this year's comparative columns state it, optionally made wrong on purpose:
    `bs_shift` moves its 期末 货币资金 and totals, `flow_factor` scales its 本期 flows, `cap_shift` its 期末国有资本."""
    swap = {"期末余额": "年初余额", "本期金额": "上期金额", "本期": "上期"}
    cur = {(s, i, c): v for s, i, c, v in rows}
    moved = {"货币资金", "流动资产合计", "资产总计", "负债和所有者权益总计", "未分配利润", "归属于母公司所有者权益合计",
             "所有者权益合计"}
    out = []
    for s, i, c, v in rows:
        if s == "封面":
            out.append((s, i, c, {"报告期": period, "报表类型": kind}.get(i, v)))
        elif c in swap:
            x = cur.get((s, i, swap[c]))
            if x is not None and s == "资产负债表" and i in moved:
                x = round(x + bs_shift, 2)
            if x is not None and s in ("利润表", "现金流量表"):
                x = round(x * flow_factor, 2)
            if x is not None and i == "期末国有资本及权益":
                x = round(x + cap_shift, 2)
            out.append((s, i, c, x))
        elif s != "主要指标":
            out.append((s, i, c, None))
    return out


@pytest.fixture(scope="module")
def monthly(tmp_path_factory) -> tuple[Path, Path, Path]:
    d = tmp_path_factory.mktemp("monthly")
    rows = samples.consistent_values(seed=11, 报告期="2024年6月", 报表类型="月度快报")
    code = next(v for s, i, c, v in rows if i == "统一社会信用代码")
    cur = samples.write_return(rows, d / "cur" / "2024-06.xlsx")
    # 2023年度: right as the year end, wrong as the same period; 2023年6月: the other way round.
    annual = _swap(rows, "2023年度", "年报", flow_factor=2.0)
    june = [(s, i, c, code.lower() if i == "统一社会信用代码" else v)  # lower case: still the same enterprise
            for s, i, c, v in _swap(rows, "2023年6月", "月度快报", bs_shift=1000.0, cap_shift=500.0)]
    return cur, samples.write_return(annual, d / "prior" / "2023.xlsx"), samples.write_return(june, d / "prior" / "2023-06.xlsx")


def _key(findings) -> list[tuple]:
    return sorted((f.rule, f.sheet, f.cell, f.message) for f in findings)


def test_check_and_batch_pair_a_monthly_return_alike_in_any_order(monthly) -> None:
    cur, annual, june = monthly
    rs = load_rules()
    results = [check_files([cur], rs, prior=order) for order in ([annual, june], [june, annual])]
    assert _key(results[0].findings) == _key(results[1].findings)
    assert not [f for f in results[0].findings if f.rule.startswith("XP-")], _key(results[0].findings)
    assert results[0].files[0].priors == {"上年末": str(annual), "上年同期": str(june)}
    br = run_batch([cur], BatchOptions(prior=[june, annual], workers=1, progress=False))
    assert _key(br.result.findings) == _key(results[0].findings)
    assert br.result.files[0].priors == results[0].files[0].priors


def test_wrong_priors_are_found_where_they_are_wrong(monthly, tmp_path) -> None:
    cur, _, june = monthly
    rs = load_rules()
    # Only last June's 快报 given: the year-end rules have nothing to compare with, the same-period ones pass.
    r = check_files([cur], rs, prior=[june])
    assert r.files[0].priors == {"上年同期": str(june)} and not [f for f in r.findings if f.rule.startswith("XP-")]
    # Last June's 快报 taken as the year end (a 12月 快报 that says so): XP-001 and XP-004 fire, from both commands.
    rows = samples.consistent_values(seed=11, 报告期="2024年6月", 报表类型="月度快报")
    dec = samples.write_return(_swap(rows, "2023年12月", "月度快报", bs_shift=1000.0, cap_shift=500.0), tmp_path / "2023-12.xlsx")
    r = check_files([cur], rs, prior=[june, dec])
    rules = {f.rule for f in r.findings}
    assert {"XP-001", "XP-004"} <= rules and not rules & {"XP-002", "XP-003"}
    br = run_batch([cur], BatchOptions(prior=[dec, june], workers=1, progress=False))
    assert _key(br.result.findings) == _key(r.findings)


def test_an_unused_prior_is_named(monthly) -> None:
    cur, annual, june = monthly
    other = samples.write_return(samples.consistent_values(seed=12, 报告期="2023年度"), june.parent / "other.xlsx")
    r = check_files([cur], load_rules(), prior=[annual, other])
    assert any(str(other) in n and "未用于跨期审核" in n for n in r.notes), r.notes
    br = run_batch([cur], BatchOptions(prior=[annual, other], workers=1, progress=False))
    assert any(str(other) in n and "未用于跨期审核" in n for n in br.notes), br.notes
