"""Returns as they really arrive (exports.py): each layout gives the sample's figures and indicators, no false alarm."""

from __future__ import annotations

import shutil

import pytest
from exports import LAYOUTS, convert_with_soffice, write_export

from sasac_check.check.run import check_files
from sasac_check.model.catalog import catalog
from sasac_check.read import read_workbook
from sasac_check.rules.load import shipped_rules

STATEMENTS = {s.name for s in catalog().sheets}


def _on_statements(result, sub):
    sheets = set(sub.sheets.values()) | STATEMENTS
    return [f for f in result.findings if f.sheet in sheets and f.severity in ("error", "warning")]


@pytest.fixture(scope="module")
def sample(clean_path):
    return read_workbook(clean_path), check_files([clean_path], shipped_rules())


@pytest.mark.parametrize("layout", LAYOUTS)
def test_layout_reads_the_sample_figures(tmp_path, clean_rows, sample, layout):
    base, base_result = sample
    path = write_export(clean_rows, tmp_path / f"{layout}.xlsx", layout)
    sub = read_workbook(path)
    stated = {k for k in base.values if k.endswith("[本期值]")}  # 主要指标: an export has none, the tool computes them
    assert sub.values == pytest.approx({k: v for k, v in base.values.items() if k not in stated}, rel=1e-12)
    result = check_files([path], shipped_rules())
    if layout != "single":  # the sample is a 合并 return: as 单户 its 少数股东权益 breaks BS-009 (单户), rightly
        assert _on_statements(result, sub) == []
    assert result.files[0].indicators == pytest.approx(base_result.files[0].indicators)
    for field in ("企业名称", "报告期", "金额单位", "合并范围"):
        assert sub.cover[field] == ("单户" if layout == "single" and field == "合并范围" else base.cover[field])


def test_account_layout_cells_and_subline_parents(tmp_path, clean_rows):
    path = write_export(clean_rows, tmp_path / "a.xlsx", "account")
    import openpyxl

    wb = openpyxl.load_workbook(path)
    ws = wb["合并资产负债表"]
    rows = {ws.cell(r, 6).value: r for r in range(6, ws.max_row + 1)}
    ws.cell(rows["应付债券"] + 1, 8, 7.0)  # 其中：优先股 under 应付债券, with a number
    wb.save(path)
    sub = read_workbook(path)
    assert sub.cells["负债合计[期末余额]"] == ("合并资产负债表", f"H{rows['负债合计']}")
    assert sub.cells["货币资金[年初余额]"][1].startswith("D")
    (p,) = [f for f in sub.problems if f.rule == "READ-UNKNOWN-ITEM"]
    assert p.severity == "warning" and "应付债券" in p.message and "优先股" in p.message


def test_cover_not_found_is_one_finding_per_field(tmp_path, clean_rows):
    path = write_export(clean_rows, tmp_path / "r.xlsx", "report")
    result = check_files([path], shipped_rules())
    cover = [f for f in result.findings if f.sheet == "封面"]
    assert sorted(f.item for f in cover) == ["监管机构", "统一社会信用代码", "行业类型"]
    assert all(f.rule == "READ-COVER-FIELD" and "已查找" in f.message for f in cover)


def test_ledger_sheets_and_order(tmp_path, clean_rows):
    from sasac_check.read.sheets import WorkbookLayout
    from sasac_check.read.source import Source, load_bytes, sniff

    path = write_export(clean_rows, tmp_path / "j.xlsx", "jiuqi")
    data = load_bytes(path, str(path))
    src = Source(data, str(path), sniff(data, str(path)))
    lay = WorkbookLayout.from_grids(src.names, src.grid)
    assert src.names.index("Z03 现金流量表(企财03表)") < src.names.index("Z02 利润表(企财02表)")
    assert lay.sheets["现金流量表"] == "Z03 现金流量表(企财03表)"
    assert ("科目余额表", "账簿 / 余额表，不是报表") in lay.ignored


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_xls_and_ods_by_libreoffice(tmp_path, clean_rows, sample, fmt):
    base, base_result = sample
    src = write_export(clean_rows, tmp_path / "jiuqi.xlsx", "jiuqi")
    out = convert_with_soffice(src, fmt, tmp_path / "out")
    renamed = out.with_suffix(".xlsx")  # told by its first bytes, not its name
    out.rename(renamed)
    sub = read_workbook(renamed)
    stated = {k for k in base.values if k.endswith("[本期值]")}
    assert sub.values == pytest.approx({k: v for k, v in base.values.items() if k not in stated}, rel=1e-12)
    result = check_files([renamed], shipped_rules())
    assert _on_statements(result, sub) == []
    assert result.files[0].indicators == pytest.approx(base_result.files[0].indicators)


def test_explain_layout_text_and_json(tmp_path, clean_rows):
    import json
    import subprocess
    import sys
    from pathlib import Path

    import jsonschema

    root = Path(__file__).resolve().parent.parent
    path = write_export(clean_rows, tmp_path / "a.xlsx", "jiuqi")
    r = subprocess.run([sys.executable, "-m", "sasac_check", "check", str(path), "--explain-layout"],
                       capture_output=True, text=True, cwd=root)
    assert "识别为“资产负债表”" in r.stdout and "科目余额表] 未读取：账簿" in r.stdout
    assert "货币资金：期末余额 C7，年初余额 D7" in r.stdout
    r = subprocess.run([sys.executable, "-m", "sasac_check", "check", str(path), "--explain-layout", "--format", "json"],
                       capture_output=True, text=True, cwd=root)
    doc = json.loads(r.stdout)
    jsonschema.validate(doc, json.loads((root / "schemas" / "report.schema.json").read_text(encoding="utf-8")))
    lay = doc["files"][0]["layout"]
    sheets = {s["sheet"]: s for s in lay["sheets"]}
    assert sheets["Z01 资产负债表(企财01表)"]["cells"]["资产总计[期末余额]"] == "C46"
    assert lay["cover"]["统一社会信用代码"]["sheet"] == "FMDM 封面代码"
    unknown = {u["label"] for u in sheets["Z01 资产负债表(企财01表)"]["unrecognised"]}
    assert "应付债券 其中：优先股" in unknown and "其他权益工具 其中：永续债" in unknown


def test_export_layouts_are_reused_across_companies_never_wrongly(tmp_path):
    from samples import consistent_values

    from sasac_check.read.layoutcache import LAYOUTS
    from sasac_check.read.sheets import WorkbookLayout
    from sasac_check.read.source import Source, load_bytes, sniff

    def layout(path):
        data = load_bytes(path, str(path))
        src = Source(data, str(path), sniff(data, str(path)))
        return WorkbookLayout.from_grids(src.names, src.grid).statements["资产负债表"]

    LAYOUTS.clear()
    a = layout(write_export(consistent_values(1), tmp_path / "a.xlsx", "account"))
    b = layout(write_export(consistent_values(2), tmp_path / "b.xlsx", "account"))  # another company and heading
    assert a is b and a.more
    import openpyxl

    path = write_export(consistent_values(3), tmp_path / "c.xlsx", "account")
    wb = openpyxl.load_workbook(path)
    ws = wb["合并资产负债表"]
    ws["A4"], ws["B4"], ws["C4"], ws["D4"] = "项目", "行次", "期末余额", "年初余额"  # a header-like line above
    wb.save(path)
    c = layout(path)
    assert c is not a


def test_unit_found_nowhere_is_one_finding(tmp_path, clean_rows):
    import openpyxl

    path = write_export(clean_rows, tmp_path / "r.xlsx", "report")
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows(max_row=4):
            for c in row:
                if isinstance(c.value, str) and c.value.startswith("单位："):
                    c.value = None
    wb.save(path)
    result = check_files([path], shipped_rules())
    unit = [f for f in result.findings if f.item == "金额单位"]
    assert [(f.rule, f.severity) for f in unit] == [("READ-COVER-FIELD", "error")]
    assert "已按“元”读取" in unit[0].message and "表头以上各行" in unit[0].message


def test_an_xls_that_is_really_an_xlsx(tmp_path, clean_rows):
    import shutil as sh

    from sasac_check.read.source import format_of

    src = write_export(clean_rows, tmp_path / "a.xlsx", "account")
    fake = tmp_path / "a.xls"
    sh.copy(src, fake)
    assert format_of(fake.read_bytes()) == "xlsx"
    assert read_workbook(fake).values == read_workbook(src).values


def test_financial_lines_told_apart_by_their_parent(tmp_path, clean_rows):
    import openpyxl

    if "金融业务利息收入" not in catalog().items:
        pytest.skip("the catalogue has no financial-business lines")
    path = write_export(clean_rows, tmp_path / "f.xlsx", "report")
    wb = openpyxl.load_workbook(path)
    ws = wb["合并利润表"]
    first = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "利息收入")  # under 营业总收入
    ws.cell(first, 3, 11.0)
    wb.save(path)
    sub = read_workbook(path)
    base = read_workbook(write_export(clean_rows, tmp_path / "g.xlsx", "report"))
    assert sub.values["金融业务利息收入[本期金额]"] == pytest.approx(11.0 * sub.scale)
    assert sub.values["利息收入[本期金额]"] == base.values["利息收入[本期金额]"]  # 财务费用's 利息收入 unchanged
