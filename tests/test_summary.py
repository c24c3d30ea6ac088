"""The one 汇总: duplicates counted once, consolidated subsidiaries left out, the same from a batch and from returns."""

from __future__ import annotations

import samples

from sasac_check.batch import BatchOptions, run_batch
from sasac_check.plans import region_findings
from sasac_check.plans.summary import select
from sasac_check.read import read_workbook


def _c(code: str, name: str, scope: str = "合并", parent: str = "", period: str = "2024年度", sup: str = "东胜区国资委"):
    return {"统一社会信用代码": code, "企业名称": name, "合并范围": scope, "上级单位": parent, "报告期": period, "监管机构": sup}


def test_selection_rules() -> None:
    covers = [
        _c("A" * 18, "甲集团"),                              # 0 top-level 合并: added
        _c("B" * 18, "乙公司", "单户", parent="A" * 18),      # 1 consolidated by 甲 (by code): left out
        _c("C" * 18, "丙公司", "合并", parent="甲集团"),       # 2 a sub-group consolidated by 甲 (by name): left out
        _c("D" * 18, "丁公司", "单户", parent="C" * 18),      # 3 under 丙, which is under 甲: left out
        _c("e" * 18, "戊公司", "单户"),                       # 4 独立: added
        _c("E" * 18, "戊公司", "单户"),                       # 5 the same enterprise again: a duplicate
        _c("F" * 18, "己公司", "单户", parent="庚集团"),       # 6 parent not in the batch: added
        _c("G" * 18, "辛公司", period="2024年6月"),            # 7 a 快报: no 汇总 of months
        _c("H" * 18, "壬公司", sup=""),                        # 8 no 监管机构
    ]
    names = [f"f{i}.xlsx" for i in range(len(covers))]
    (sel,) = select(covers, names)
    assert (sel.supervisor, sel.year, sel.included) == ("东胜区国资委", 2024, [0, 4, 6])
    why = dict(sel.excluded)
    assert set(why) == {1, 2, 3, 5}
    assert "f0.xlsx" in why[1] and "f0.xlsx" in why[2] and "f2.xlsx" in why[3] and "重复" in why[5]  # nearest consolidator


def test_batch_and_returns_give_the_same_summary(tmp_path) -> None:
    parent = samples.consistent_values(seed=21)
    code = next(v for s, i, c, v in parent if i == "统一社会信用代码")
    name = next(v for s, i, c, v in parent if i == "企业名称")
    paths = [samples.write_return(parent, tmp_path / "in" / "group.xlsx"),
             samples.write_return(samples.consistent_values(seed=22, 合并范围="单户", 上级单位=code), tmp_path / "in" / "sub.xlsx"),
             samples.write_return(samples.consistent_values(seed=23, 合并范围="合并", 上级单位=name), tmp_path / "in" / "subgroup.xlsx"),
             samples.write_return(samples.consistent_values(seed=24), tmp_path / "in" / "other.xlsx")]
    paths.append(samples.write_return(samples.consistent_values(seed=24), tmp_path / "in" / "other-again.xlsx"))
    assert all(p.exists() for p in paths)
    br = run_batch([tmp_path / "in"], BatchOptions(workers=1, progress=False))
    (rsum,) = br.regions
    assert sorted(p.rsplit("/", 1)[1] for p in rsum.members[2024]) == ["group.xlsx", "other-again.xlsx"]
    left = {p.rsplit("/", 1)[1]: why for p, why in rsum.excluded[2024]}
    assert set(left) == {"sub.xlsx", "subgroup.xlsx", "other.xlsx"} and "group.xlsx" in left["sub.xlsx"]
    subs = [read_workbook(p) for p in sorted((tmp_path / "in").glob("*.xlsx"))]
    _, (again,) = region_findings(subs)
    expected = sum(read_workbook(tmp_path / "in" / f).values["资产总计[期末余额]"] for f in ("group.xlsx", "other.xlsx"))
    for r in (rsum, again):
        assert abs(r.periods[2024].values["资产总计[期末余额]"] - expected) < 0.01
    assert again.periods[2024].values == rsum.periods[2024].values
