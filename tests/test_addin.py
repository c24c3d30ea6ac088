"""The add-in's real entry points against real xlwings Books built from the shipped sample workbooks."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import xlwings as xw

from sasac_check.excel.actions import MARKS_SHEET, RESULTS_SHEET
from sasac_check.excel.annotate import grids_of_file
from sasac_check.excel.apply_openpyxl import apply_openpyxl
from sasac_check.excel.compose import check_actions, check_grids, clear_actions
from sasac_check.rules.load import load_rules

ROOT = Path(__file__).resolve().parent.parent
CLEAN, MISTAKES = ROOT / "workbooks" / "sample-clean.xlsx", ROOT / "workbooks" / "sample-mistakes.xlsx"
CLIENT_TS = Path(xw.__file__).parent / "js" / "xlwings.ts"
# what the JavaScript/Office.js client shipped with this xlwings implements (read from its source)
CLIENT_FUNCS = set(re.findall(r"registerCallback\((\w+)\)", CLIENT_TS.read_text(encoding="utf-8")))


def payload(grids: dict[str, list]) -> dict:
    """The request body an xlwings client sends: every sheet's values from A1, empty cells as ""."""
    sheets = [
        {"name": n, "values": [["" if v is None else v for v in row] for row in rows] or [[""]], "pictures": [], "tables": []}
        for n, rows in grids.items()
    ]
    return {"client": "Office.js", "version": "0.37.8", "book": {"name": "sample.xlsx", "active_sheet_index": 0,
            "selection": "A1"}, "names": [], "sheets": sheets}


def press(grids: dict[str, list], *names: str, server: bool = False) -> dict[str, list[dict]]:
    """Press buttons in a child process with the remote-engine licence key (tests only)."""
    env = {**os.environ, "XLWINGS_LICENSE_KEY": "noncommercial"}
    if server:
        env["XLWINGS_ON_SERVER"] = "true"
    run = subprocess.run([sys.executable, str(Path(__file__).parent / "addin_driver.py"), *names],
                         input=json.dumps(payload(grids), ensure_ascii=False), capture_output=True, text=True,
                         env=env, timeout=60)
    assert run.returncode == 0, run.stderr[-2000:]
    return json.loads(run.stdout)


def values_of(actions: list[dict], sheet_pos: int) -> dict[tuple[int, int], object]:
    out = {}
    for a in actions:
        if a["func"] == "setValues" and a["sheet_position"] == sheet_pos:
            for i, row in enumerate(a["values"]):
                for j, v in enumerate(row):
                    out[(a["start_row"] + i, a["start_column"] + j)] = v
    return out


def test_ribbon_check_emits_formulas_fills_links_and_results():
    grids = grids_of_file(MISTAKES)
    names = list(grids)
    acts = press(grids, "main")["main"]
    assert {a["func"] for a in acts} <= CLIENT_FUNCS, {a["func"] for a in acts} - CLIENT_FUNCS
    ind = values_of(acts, names.index("主要指标"))
    assert ind[(3, 2)].startswith("=IF(OR(('资产负债表'!C37)=0),\"\",") and "'资产负债表'!C61" in ind[(3, 2)]
    fmts = {(a["sheet_position"], a["start_row"], a["args"][0]) for a in acts if a["func"] == "setNumberFormat"}
    assert (names.index("主要指标"), 3, "0.00%") in fmts
    fills = {(a["sheet_position"], a["start_row"], a["start_column"]): a["args"][0] for a in acts if a["func"] == "setRangeColor"}
    bs = names.index("资产负债表")
    assert fills[(bs, 16, 2)] == "#FFC7CE"  # C17 流动资产合计: 强制性
    assert fills[(bs, 7, 2)] == "#FFEB9C"  # C8 text number: 提示性
    added = [a["args"][1] for a in acts if a["func"] == "addSheet"]
    assert added == [RESULTS_SHEET, MARKS_SHEET]
    res = values_of(acts, len(names))
    rows = sorted({r for r, _ in res})
    table = [[res.get((r, c), "") for c in range(6)] for r in rows]
    assert table[0][0].startswith("校验结果：未通过｜强制性 4 项，提示性 2 项")
    assert table[1] == ["级别", "规则", "说明文字", "位置", "说明", "编号（勿改）"]
    by_rule = {r[1]: r for r in table[2:]}
    assert by_rule["BS-001"][0] == "强制性"
    assert by_rule["BS-001"][3] == "=HYPERLINK(\"#'资产负债表'!C17\",\"资产负债表!C17\")"
    assert "IND-I02" not in by_rule  # settled: 营业收入利润率 now holds its live formula
    assert acts[-1]["func"] == "alert" and "未通过" in acts[-1]["args"][0]


def test_ribbon_indicators_and_clear_entry_points():
    grids = grids_of_file(CLEAN)
    out = press(grids, "main_indicators", "main_clear")
    acts = out["main_indicators"]
    assert {a["func"] for a in acts} <= CLIENT_FUNCS
    assert not [a for a in acts if a["func"] == "setRangeColor"]  # 写入指标: formulas only
    assert sum(1 for a in acts if a["func"] == "setValues" and str(a["values"][0][0]).startswith("=")) == 18
    assert [a["func"] for a in out["main_clear"]] == ["alert"]  # nothing to clear


def test_scripts_via_custom_scripts_call():
    """The @xw.script functions as xlwings Server calls them (custom_scripts_call, server decorator)."""
    out = press(grids_of_file(MISTAKES), "check_book", "write_indicators", "clear_marks", server=True)
    for name, acts in out.items():
        assert {a["func"] for a in acts} <= CLIENT_FUNCS, name
    assert any(a["func"] == "setRangeColor" and a["args"] == ["#FFC7CE"] for a in out["check_book"])
    assert any(a["func"] == "addSheet" and a["args"][1] == RESULTS_SHEET for a in out["check_book"])
    assert not any(a["func"] == "setRangeColor" for a in out["write_indicators"])


def test_desktop_path_needs_no_licence():
    """Without a key xlwings has no PRO features; the ribbon module still imports and plans from values."""
    code = ("import sys, xlwings; assert not xlwings.__pro__; from sasac_check.excel import addin_entry; "
            "from sasac_check.excel.annotate import grids_of_file; from sasac_check.excel.compose import check_actions; "
            "from sasac_check.rules.load import load_rules; "
            f"sys.exit(0 if check_actions(grids_of_file({str(MISTAKES)!r}), load_rules([])).actions else 1)")
    env = {k: v for k, v in os.environ.items() if k != "XLWINGS_LICENSE_KEY"}
    assert subprocess.run([sys.executable, "-c", code], env=env).returncode == 0


# --- replay into the file, recalculate with LibreOffice -------------------------------------------
def _replay(src: Path, out: Path, plan_actions) -> None:
    wb = openpyxl.load_workbook(src)
    apply_openpyxl(wb, plan_actions)
    wb.save(out)


def _recalc(paths: list[Path], outdir: Path) -> None:
    # A profile of its own: parallel test workers must not share one LibreOffice instance.
    profile = f"-env:UserInstallation=file://{outdir.parent}/lo-profile"
    subprocess.run(["soffice", profile, "--headless", "--calc", "--convert-to", "xlsx", "--outdir", str(outdir), *map(str, paths)],
                   check=True, capture_output=True, timeout=120)


def test_replayed_actions_recalculate_to_engine_values(tmp_path):
    rs = load_rules([])
    src, plans = {}, {}
    for p in (CLEAN, MISTAKES):
        grids = grids_of_file(p)
        plan = check_actions(grids, rs, str(p))
        assert plan.formulas and not plan.skipped
        out = tmp_path / f"replayed-{p.name}"
        _replay(p, out, plan.actions)
        src[p], plans[p] = out, plan
        # second run on the marked book, with an explanation typed for the 提示性 finding, then clear
    calc = tmp_path / "calc"
    _recalc(list(src.values()), calc)
    for p, plan in plans.items():
        wb = openpyxl.load_workbook(calc / src[p].name, data_only=True)
        ws = wb["主要指标"]
        checked = 0
        for row in ws.iter_rows(min_row=4, values_only=True):
            name, value = row[0], row[2]
            if name not in plan.computed:
                continue
            ind = rs.indicators[name]
            want = plan.computed[name]
            if want is None:
                assert value in (None, ""), (p.name, name, value)
                continue
            tol = 10.0 ** -ind.precision / (100 if ind.unit == "%" else 1)
            assert value is not None and abs(value - want) <= tol, (p.name, name, value, want)
            checked += 1
        assert checked >= 15
        assert wb["资产负债表"]["C17"].fill.fgColor.rgb.endswith(("FFC7CE", "FFFFF2"))


def test_rerun_keeps_explanations_and_clear_restores(tmp_path):
    rs = load_rules([])
    grids = grids_of_file(MISTAKES)
    first = check_actions(grids, rs)
    wb = openpyxl.load_workbook(MISTAKES)
    before = {(ws.title, c.coordinate): (c.value, c.fill.fgColor.rgb, c.comment)
              for ws in wb.worksheets for row in ws.iter_rows() for c in row}
    apply_openpyxl(wb, first.actions)
    marked = tmp_path / "marked.xlsx"
    wb.save(marked)
    # the accountant explains the 提示性 debt-ratio finding in 审核结果
    ws = wb[RESULTS_SHEET]
    row = next(r for r in ws.iter_rows(min_row=3) if r[1].value == "DEBT-IND-W")
    row[4].value = "已报国资委备案：年末集中还款前的临时借款"
    wb.save(marked)
    _recalc([marked], tmp_path / "calc")  # the add-in sees calculated values, as in Excel
    grids2 = grids_of_file(tmp_path / "calc" / "marked.xlsx")
    second = check_actions(grids2, rs)
    assert "已说明 1 项" in second.summary and "待说明 1 项" in second.summary
    wb2 = openpyxl.load_workbook(marked)
    apply_openpyxl(wb2, second.actions)
    kept = [r for r in wb2[RESULTS_SHEET].iter_rows(min_row=3, values_only=True) if r[1] == "DEBT-IND-W"]
    assert kept[0][4] == "已报国资委备案：年末集中还款前的临时借款"
    assert wb2[RESULTS_SHEET]["A1"].value == second.summary
    wb2.save(tmp_path / "second.xlsx")
    _recalc([tmp_path / "second.xlsx"], tmp_path / "calc2")
    clear = clear_actions(grids_of_file(tmp_path / "calc2" / "second.xlsx"))
    wb3 = openpyxl.load_workbook(tmp_path / "second.xlsx")
    apply_openpyxl(wb3, clear.actions)
    assert MARKS_SHEET not in wb3.sheetnames
    assert RESULTS_SHEET in wb3.sheetnames  # it holds the accountant's 说明: kept
    after = {(ws.title, c.coordinate): (c.value, c.fill.fgColor.rgb, c.comment)
             for ws in wb3.worksheets if ws.title != RESULTS_SHEET for row in ws.iter_rows() for c in row}
    diff = {k: (before.get(k), v) for k, v in after.items() if before.get(k, (None, "00000000", None)) != v}
    assert not diff, list(diff.items())[:5]


def test_engine_sees_same_findings_from_values_as_from_file():
    rs = load_rules([])
    c = check_grids(grids_of_file(MISTAKES), rs, str(MISTAKES))
    from sasac_check.check.run import check_files

    assert {f.fingerprint() for f in c.findings} == {f.fingerprint() for f in check_files([MISTAKES], rs).findings}


def test_build_keeps_vba_and_writes_valid_ribbons(tmp_path):
    import zipfile
    from xml.etree import ElementTree as ET

    from sasac_check.excel.addin_build import ENTRIES, install, template_xlam

    made = install(tmp_path)
    tpl = zipfile.ZipFile(template_xlam())
    xlams = sorted(p for p in made if p.suffix == ".xlam")
    assert [p.stem for p in xlams] == sorted(e.module for e in ENTRIES)
    for p in xlams:
        z = zipfile.ZipFile(p)
        assert z.testzip() is None and z.read("xl/vbaProject.bin") == tpl.read("xl/vbaProject.bin")
        root = ET.fromstring(z.read("customUI/customUI.xml"))
        tab = root.find(".//{http://schemas.microsoft.com/office/2006/01/customui}tab")
        assert tab.get("idQ") == "q:SasacCheckTab" and tab.get("label") == "国资校验"
        shim = (tmp_path / ".sasac_check" / "python" / f"{p.stem}.py").read_text(encoding="utf-8")
        assert "from sasac_check.excel.addin_entry import main" in shim
    assert '"PYTHONPATH"' in (tmp_path / ".myaddin" / "myaddin.conf").read_text(encoding="utf-8")
