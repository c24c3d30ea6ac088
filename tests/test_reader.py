"""read_workbook(): locating by label, text numbers, uncached formulas, unreadable files, samples."""

from __future__ import annotations

import shutil
import time
import zipfile

import openpyxl
import pytest
from samples import USCC_CHARS, consistent_values, make_uscc, uscc_check_char, write_return

from sasac_check.model.catalog import catalog, key
from sasac_check.model.submission import UnreadableWorkbook
from sasac_check.read import read_workbook


def _rules(sub, rule):
    return [p for p in sub.problems if p.rule == rule]


def _edit(src, dst, fn):
    wb = openpyxl.load_workbook(src)
    fn(wb)
    wb.save(dst)
    return dst


# --- the clean sample ------------------------------------------------------------------------------


def test_clean_sample_reads_without_problems(clean_path, clean_rows):
    sub = read_workbook(clean_path)
    assert sub.problems == [] and sub.unknown == set()
    assert sub.sheets == {n: n for n in ("封面", "资产负债表", "利润表", "现金流量表", "补充资料", "主要指标")}
    assert sub.cover["监管机构"] == "东胜区国资委"
    assert sub.widths["货币资金[期末余额]"] == pytest.approx(50.0)  # 0.005 万元
    assert sub.widths["从业人员平均人数[本期]"] == 0.5
    assert sub.widths["资产负债率[本期值]"] == pytest.approx(0.00005)
    assert sub.widths["全员劳动生产率[本期值]"] == pytest.approx(0.005)
    assert sub.cells["资产负债率[本期值]"] == ("主要指标", "C4")
    assert sub.cells["统一社会信用代码"] == ("封面", "B5")
    n_values = sum(1 for s, _, _, v in clean_rows if s != "封面" and v is not None)
    assert len(sub.values) == n_values


def test_mistakes_sample(mistakes):
    path, _, expected = mistakes
    sub = read_workbook(path)
    text = _rules(sub, "READ-TEXT-NUMBER")
    exp = next(e for e in expected if e.kind == "READ-TEXT-NUMBER")
    assert [(p.sheet, p.item, p.column) for p in text] == [(exp.sheet, exp.item, exp.column)]
    assert key("营业总成本", "本期金额") not in sub.values
    assert sub.values["资产负债率[本期值]"] == pytest.approx(0.68)
    code = sub.cover["统一社会信用代码"]
    assert uscc_check_char(code[:17]) != code[17]


# --- layout ---------------------------------------------------------------------------------------


def test_inserted_row_and_moved_columns(tmp_path, clean_path):
    def edit(wb):
        ws = wb["资产负债表"]
        ws.protection.sheet = False
        ws.insert_rows(6)
        ws["A6"] = "其中：银行存款"  # a sub-line the catalogue does not know, with a value
        ws["C6"] = 5.0
        ws.insert_rows(4)
        ws["A4"] = "流动资产："  # a heading without values
        ws.move_range("C3:C200", cols=3)  # 期末余额 moves from C to F
        wb["利润表"].title = "利润表(会企02表)"

    path = _edit(clean_path, tmp_path / "moved.xlsx", edit)
    before, after = read_workbook(clean_path), read_workbook(path)
    assert after.values == before.values
    assert after.cells[key("货币资金", "期末余额")] == ("资产负债表", "F5")
    assert after.cells[key("货币资金", "年初余额")] == ("资产负债表", "D5")
    assert after.sheets["利润表"] == "利润表(会企02表)"
    assert after.cells[key("营业收入", "本期金额")][0] == "利润表(会企02表)"
    unknown = _rules(after, "READ-UNKNOWN-ITEM")
    assert [(p.severity, p.cell) for p in unknown] == [("warning", "A7")]  # 提示性: a number not read is never dropped silently


def test_foreign_layout_with_aliases(tmp_path):
    wb = openpyxl.Workbook()
    cover = wb.active
    cover.title = "封面"
    cover.append(["企业名称：", "某公司"])
    cover.append(["金额单位", "元"])
    cover.append(["统一社会信用代码", 911506021234567890])
    ws = wb.create_sheet("合并利润表")
    ws.append(["编制单位：某公司"])
    ws.append([])
    ws.append(["行次", "上年同期", "项目", "本年累计"])
    ws.append([1, 90, "一、营业总收入", 100])
    ws.append([2, 80, "  营业收入总额", 95])
    ws.append([3, 1, "营业收入", 2])
    wb.save(tmp_path / "f.xlsx")
    sub = read_workbook(tmp_path / "f.xlsx")
    assert sub.values["营业总收入[本期金额]"] == 100 and sub.values["营业总收入[上期金额]"] == 90
    assert sub.values["营业收入[本期金额]"] == 95
    assert sub.cells["营业收入[本期金额]"] == ("合并利润表", "D5")
    assert [p.cell for p in _rules(sub, "READ-DUPLICATE-ITEM")] == ["C6"]
    assert sub.cover["企业名称"] == "某公司" and sub.cover["金额单位"] == "元"
    (p,) = _rules(sub, "READ-COVER-NUMBER")  # 18 digits typed as a number: Excel keeps 15
    assert (p.cell, p.item) == ("B3", "统一社会信用代码")
    missing = {p.sheet: p.severity for p in _rules(sub, "READ-MISSING-SHEET")}
    assert missing == {"资产负债表": "error", "现金流量表": "error", "补充资料": "error", "主要指标": "warning"}


def test_missing_unit(tmp_path, clean_path):
    path = _edit(clean_path, tmp_path / "u.xlsx", lambda wb: wb["封面"].__setitem__("B8", "万美元"))
    sub = read_workbook(path)
    (p,) = _rules(sub, "READ-UNIT")
    assert (p.severity, p.cell, sub.unit, sub.scale) == ("error", "B8", "元", 1.0)
    assert "万美元" in p.message


# --- numbers --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "value", "width"),
    [
        ("1,234.56", 12345600.0, 50.0),
        ("１２３．４", 1234000.0, 500.0),
        ("(123)", -1230000.0, 5000.0),
        ("12.5%", 1250.0, 5.0),
        ("￥1,000.000", 10000000.0, 5.0),
    ],
)
def test_text_numbers(tmp_path, clean_path, raw, value, width):
    path = _edit(clean_path, tmp_path / "t.xlsx", lambda wb: wb["资产负债表"].__setitem__("C12", raw))
    sub = read_workbook(path)
    k = key(catalog().sheet("资产负债表").items[8].name, "期末余额")  # row 12 of the template
    assert k == "存货[期末余额]"
    assert sub.values[k] == pytest.approx(value)
    assert sub.widths[k] == pytest.approx(width)
    (p,) = _rules(sub, "READ-TEXT-NUMBER")
    assert (p.severity, p.sheet, p.cell, p.item, p.column) == ("warning", "资产负债表", "C12", "存货", "期末余额")
    assert raw in p.message


def test_dash_is_empty_and_text_is_not_a_number(tmp_path, clean_path):
    def edit(wb):
        wb["资产负债表"]["C12"] = "—"
        wb["资产负债表"]["D12"] = "见附注"
        wb["主要指标"]["C4"] = "65.4%"

    sub = read_workbook(_edit(clean_path, tmp_path / "t.xlsx", edit))
    assert "存货[期末余额]" not in sub.values and "存货[期末余额]" not in sub.unknown
    assert "存货[年初余额]" in sub.unknown and "存货[年初余额]" not in sub.values
    (p,) = _rules(sub, "READ-NOT-NUMBER")
    assert (p.severity, p.cell, p.item, p.column) == ("error", "D12", "存货", "年初余额")
    assert sub.values["资产负债率[本期值]"] == pytest.approx(0.654)
    assert sub.widths["资产负债率[本期值]"] == pytest.approx(0.0005)


def test_formula_without_cached_value(tmp_path, clean_path):
    def edit(wb):
        ws = wb["资产负债表"]
        ws["C17"] = "=SUM(C4:C16)"  # 流动资产合计
        ws["D17"] = "=D5+D6"

    sub = read_workbook(_edit(clean_path, tmp_path / "f.xlsx", edit))
    assert {"流动资产合计[期末余额]", "流动资产合计[年初余额]"} <= sub.unknown
    assert "流动资产合计[期末余额]" not in sub.values
    found = _rules(sub, "READ-NO-CACHED-VALUE")
    assert sorted(p.cell for p in found) == ["C17", "D17"]
    assert all(p.severity == "error" and "公式未计算" in p.message for p in found)


def test_formula_with_cached_value_is_read(tmp_path, clean_path):
    src = tmp_path / "c.xlsx"
    shutil.copy(clean_path, src)
    with zipfile.ZipFile(src) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    name = next(n for n in parts if n.startswith("xl/worksheets/") and b"<v>" in parts[n])
    # give the first numeric cell a formula with its cached value, as Excel would save it
    parts[name] = parts[name].replace(b"<v>", b"<f>1+1</f><v>", 1)
    with zipfile.ZipFile(src, "w") as zf:
        for n, data in parts.items():
            zf.writestr(n, data)
    sub = read_workbook(src)
    assert not _rules(sub, "READ-NO-CACHED-VALUE")


# --- unreadable -----------------------------------------------------------------------------------


def _unreadable(path) -> str:
    with pytest.raises(UnreadableWorkbook) as e:
        read_workbook(path)
    assert e.value.file == str(path)
    return e.value.reason


def test_empty_file(tmp_path):
    (tmp_path / "e.xlsx").write_bytes(b"")
    assert "为空" in _unreadable(tmp_path / "e.xlsx")


def test_text_file_renamed(tmp_path):
    (tmp_path / "t.xlsx").write_text("企业名称,资产总计\n某公司,1\n", encoding="utf-8")
    assert "不是有效的 Excel 工作簿" in _unreadable(tmp_path / "t.xlsx")


def test_corrupt_zip(tmp_path, clean_path):
    (tmp_path / "c.xlsx").write_bytes(clean_path.read_bytes()[:3000])
    assert "损坏" in _unreadable(tmp_path / "c.xlsx")


def test_encrypted_and_legacy_ole(tmp_path):
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    (tmp_path / "enc.xlsx").write_bytes(header + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 512)
    assert "加密" in _unreadable(tmp_path / "enc.xlsx")
    (tmp_path / "old.xls").write_bytes(header + b"\x00" * 512)
    assert "旧版" in _unreadable(tmp_path / "old.xls")


def test_foreign_workbook(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["姓名", "年龄"])
    wb.save(tmp_path / "foreign.xlsx")
    assert "不是国资委标准报表" in _unreadable(tmp_path / "foreign.xlsx")


def test_missing_file(tmp_path):
    assert "不存在" in _unreadable(tmp_path / "nope.xlsx")


# --- samples and speed ----------------------------------------------------------------------------


def test_uscc():
    assert uscc_check_char("91350100M000100Y4") == "3"  # a published example: 91350100M000100Y43
    for seed in range(20):
        code = make_uscc(seed)
        assert len(code) == 18 and set(code) <= set(USCC_CHARS)
        assert code[-1] == uscc_check_char(code[:17])


@pytest.mark.parametrize("seed", [0, 1, 7])
def test_samples_satisfy_every_identity(seed):
    rows = consistent_values(seed)
    v = {(i, c): round(x * 100) for s, i, c, x in rows if s not in ("封面", "主要指标")}  # cents, exact
    cat = catalog()
    bs = [i.name for i in cat.sheet("资产负债表").items]

    def s(names, c):
        return sum(v[(n, c)] for n in names)

    for c in ("期末余额", "年初余额"):
        ca = bs[: bs.index("流动资产合计")]
        nca = bs[bs.index("流动资产合计") + 1 : bs.index("非流动资产合计")]
        cl = bs[bs.index("资产总计") + 1 : bs.index("流动负债合计")]
        ncl = bs[bs.index("流动负债合计") + 1 : bs.index("非流动负债合计")]
        assert v[("流动资产合计", c)] == s(ca, c)
        assert v[("非流动资产合计", c)] == s(nca, c)
        assert v[("资产总计", c)] == v[("流动资产合计", c)] + v[("非流动资产合计", c)]
        assert v[("流动负债合计", c)] == s(cl, c) and v[("非流动负债合计", c)] == s(ncl, c)
        assert v[("负债合计", c)] == v[("流动负债合计", c)] + v[("非流动负债合计", c)]
        eq = ["实收资本", "其他权益工具", "资本公积", "其他综合收益", "专项储备", "盈余公积", "未分配利润"]
        assert v[("归属于母公司所有者权益合计", c)] == s(eq, c) - v[("库存股", c)]
        assert v[("所有者权益合计", c)] == v[("归属于母公司所有者权益合计", c)] + v[("少数股东权益", c)]
        assert v[("负债和所有者权益总计", c)] == v[("负债合计", c)] + v[("所有者权益合计", c)] == v[("资产总计", c)]
        assert v[("负债合计", c)] / v[("资产总计", c)] < 0.65
    for c in ("本期金额", "上期金额"):
        costs = ["营业成本", "税金及附加", "销售费用", "管理费用", "研发费用", "财务费用"]
        assert v[("营业总成本", c)] == s(costs, c)
        adds = ["其他收益", "投资收益", "公允价值变动收益", "信用减值损失", "资产减值损失", "资产处置收益"]
        assert v[("营业利润", c)] == v[("营业总收入", c)] - v[("营业总成本", c)] + s(adds, c)
        assert v[("利润总额", c)] == v[("营业利润", c)] + v[("营业外收入", c)] - v[("营业外支出", c)]
        assert v[("净利润", c)] == v[("利润总额", c)] - v[("所得税费用", c)]
        assert v[("净利润", c)] == v[("归属于母公司所有者的净利润", c)] + v[("少数股东损益", c)]
        nets = ["经营活动产生的现金流量净额", "投资活动产生的现金流量净额", "筹资活动产生的现金流量净额"]
        assert v[("现金及现金等价物净增加额", c)] == s(nets, c) + v[("汇率变动对现金及现金等价物的影响", c)]
        assert v[("期末现金及现金等价物余额", c)] == v[("期初现金及现金等价物余额", c)] + v[("现金及现金等价物净增加额", c)]
        for kind in ("经营", "投资", "筹资"):
            assert v[(f"{kind}活动产生的现金流量净额", c)] == v[(f"{kind}活动现金流入小计", c)] - v[(f"{kind}活动现金流出小计", c)]
    assert v[("期末现金及现金等价物余额", "本期金额")] <= v[("货币资金", "期末余额")]
    assert v[("期末现金及现金等价物余额", "上期金额")] <= v[("货币资金", "年初余额")]
    assert v[("期初现金及现金等价物余额", "本期金额")] == v[("期末现金及现金等价物余额", "上期金额")]
    assert v[("期初国有资本及权益", "本期")] == v[("期末国有资本及权益", "上期")]
    for c in ("本期", "上期"):
        assert v[("研发经费投入", c)] >= v[("研发费用", "本期金额" if c == "本期" else "上期金额")]
        assert v[("关键领域新增投资额", c)] <= v[("新增投资额", c)]
    stated = {i: x for sh, i, _, x in rows if sh == "主要指标"}
    ratio = v[("负债合计", "期末余额")] / v[("资产总计", "期末余额")]
    assert stated["资产负债率"] == round(ratio, 4)
    assert stated["营业收入利润率"] == round(v[("利润总额", "本期金额")] / v[("营业收入", "本期金额")], 4)
    assert stated["利润总额"] == v[("利润总额", "本期金额")] / 100


def test_reader_speed(clean_path):
    read_workbook(clean_path)
    n = 30
    t = time.perf_counter()
    for _ in range(n):
        read_workbook(clean_path)
    ms = (time.perf_counter() - t) / n * 1000
    assert ms < 25, f"{ms:.1f} ms per return"  # ≈ 3 ms measured; generous for a noisy CI machine


def test_write_return_from_other_seed(tmp_path):
    rows = consistent_values(3, 行业类型="非工业", 金额单位="元")
    sub = read_workbook(write_return(rows, tmp_path / "s3.xlsx"))
    assert sub.cover["行业类型"] == "非工业" and sub.scale == 1.0 and not sub.problems


def test_planted_mistakes_are_listed_at_their_cells(mistakes):
    _, rows, expected = mistakes
    kinds = {e.kind for e in expected}
    assert {"READ-TEXT-NUMBER", "IND-I02", "BS-001", "SCH-USCC", "SCH-REQUIRED", "DEBT-IND-W"} == kinds
    values = {(s, i, c): v for s, i, c, v in rows}
    assert values[("利润表", "营业总成本", "本期金额")] is None
    assert str(values[("资产负债表", "应收账款", "期末余额")]).startswith("'")
