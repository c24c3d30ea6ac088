"""fill(): values table → template → read back; unknown names fail with line numbers and suggestions."""

from __future__ import annotations

import hashlib

import pytest
from samples import write_values_csv

from sasac_check.authoring.fill import FillError, fill
from sasac_check.model.catalog import key
from sasac_check.read import read_workbook


def _csv(path, lines: list[str], bom: bool = False):
    path.write_text("\n".join(["sheet,item,column,value", *lines]) + "\n", encoding="utf-8-sig" if bom else "utf-8")
    return path


def test_round_trip_scales_to_yuan(tmp_path, clean_rows, template_path):
    values = write_values_csv(clean_rows, tmp_path / "v.csv")
    before = hashlib.sha256(template_path.read_bytes()).hexdigest()
    report = fill(values, tmp_path / "out.xlsx", template=template_path)
    assert hashlib.sha256(template_path.read_bytes()).hexdigest() == before
    sub = read_workbook(report.out)
    assert sub.problems == []
    assert (sub.unit, sub.scale) == ("万元", 10000.0)
    for sheet, item, col, v in clean_rows:
        if sheet == "封面":
            assert sub.cover[item] == str(v)
            continue
        k = key(item, col)
        if sheet == "主要指标":
            assert sub.values[k] == pytest.approx(v)
        elif item in ("从业人员平均人数", "新增人数", "退休人数"):
            assert sub.values[k] == v
        else:
            assert sub.values[k] == pytest.approx(v * 10000, abs=1e-3)
        assert sub.cells[k] == report.cells[k]
    assert sub.cells[key("货币资金", "期末余额")] == ("资产负债表", "C4")
    assert sub.cells["企业名称"] == ("封面", "B4")


def test_aliases_text_numbers_bom_and_xlsx_values(tmp_path):
    values = _csv(tmp_path / "v.csv", [
        "封面,金额单位,值,千元",
        "资产负债表,资产总额,期末余额,\"1,234.56\"",
        "利润表,营业收入,本年累计,（12.5）",
        "主要指标,资产负债率,本期值,65.43%",
        "主要指标,研发投入比重,本期值,2.5%",
    ], bom=True)
    sub = read_workbook(fill(values, tmp_path / "a.xlsx").out)
    assert sub.values["资产总计[期末余额]"] == pytest.approx(1234560.0)
    assert sub.values["营业收入[本期金额]"] == pytest.approx(-12500.0)
    assert sub.values["资产负债率[本期值]"] == pytest.approx(0.6543)
    assert sub.values["研发经费投入强度[本期值]"] == pytest.approx(0.025)
    import openpyxl

    wb = openpyxl.Workbook()
    for r in [("sheet", "item", "column", "value"), ("封面", "金额单位", "值", "元"), ("补充资料", "从业人数", "本期", 120)]:
        wb.active.append(r)
    wb.save(tmp_path / "v.xlsx")
    sub = read_workbook(fill(tmp_path / "v.xlsx", tmp_path / "b.xlsx").out)
    assert sub.values["从业人员平均人数[本期]"] == 120


def test_unknown_item_names_line_and_suggestions(tmp_path):
    values = _csv(tmp_path / "v.csv", ["封面,金额单位,值,万元", "资产负债表,货币资产,期末余额,1"])
    with pytest.raises(FillError) as e:
        fill(values, tmp_path / "x.xlsx")
    msg = str(e.value)
    assert "v.csv" in msg and "第 3 行" in msg and "货币资产" in msg and "货币资金" in msg
    assert e.value.line == 3
    assert not (tmp_path / "x.xlsx").exists()


@pytest.mark.parametrize(
    ("line", "needle"),
    [
        ("资产表,货币资金,期末余额,1", "未知工作表"),
        ("资产负债表,货币资金,本期金额,1", "没有列"),
        ("利润表,货币资金,本期金额,1", "属于“资产负债表”"),
        ("封面,企业名字,值,x", "未知封面项目"),
        ("主要指标,资产负债比,本期值,1", "未知指标"),
        ("资产负债表,货币资金,期末余额,abc", "不是数字"),
    ],
)
def test_bad_rows(tmp_path, line, needle):
    with pytest.raises(FillError, match=needle):
        fill(_csv(tmp_path / "v.csv", [line]), tmp_path / "x.xlsx")


def test_user_template_with_inserted_row(tmp_path, template_path):
    import openpyxl

    wb = openpyxl.load_workbook(template_path)
    ws = wb["资产负债表"]
    ws.protection.sheet = False
    ws.insert_rows(5)
    ws["A5"] = "其中：银行存款"
    wb.save(tmp_path / "mine.xlsx")
    values = _csv(tmp_path / "v.csv", ["封面,金额单位,值,元", "资产负债表,交易性金融资产,期末余额,7"])
    report = fill(values, tmp_path / "out.xlsx", template=tmp_path / "mine.xlsx")
    assert report.cells["交易性金融资产[期末余额]"] == ("资产负债表", "C6")
    assert read_workbook(report.out).values["交易性金融资产[期末余额]"] == 7
