"""Ledgers beside returns and plan tables: batch reports each by its kind; 台账完成情况 and the 完成率 formulas in LibreOffice."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import jsonschema
import openpyxl
import pytest
from ledger_samples import PLANTED, cell, write_sample_ledger

from sasac_check.check.run import check_files as _check_files
from sasac_check.excel.actions import RESULTS_SHEET, SetValues
from sasac_check.excel.annotate import grids_of_file
from sasac_check.excel.apply_openpyxl import apply_openpyxl
from sasac_check.excel.ledger_actions import workbook_actions
from sasac_check.ledger.model import LEDGER_SHEET
from sasac_check.ledger.sheet import SHEET
from sasac_check.rules.load import load_rules

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "workbooks" / "sample-ledger.xlsx"


def check_files(paths, rs, **kw):
    """check.run.check_files as the `check` command wires it: workbooks without statements go to other_kind."""
    from sasac_check.ledger.run import other_kind

    return _check_files(paths, rs, other=kw.pop("other", other_kind), **kw)


SCHEMA = json.loads((ROOT / "schemas" / "report.schema.json").read_text(encoding="utf-8"))


def cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sasac_check", *args], capture_output=True, text=True, timeout=300, cwd=cwd)


def soffice_convert(src: Path, outdir: Path, profile: Path) -> Path:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        pytest.skip("LibreOffice (soffice) is not installed")
    run = subprocess.run([exe, f"-env:UserInstallation=file://{profile}", "--headless", "--calc", "--convert-to", "xlsx",
                          "--outdir", str(outdir), str(src)], capture_output=True, text=True, timeout=180)
    out = outdir / src.name
    assert run.returncode == 0 and out.exists(), run.stderr
    return out


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("mixed")
    shutil.copy(SAMPLE, d / "a-区国资局台账.xlsx")
    write_sample_ledger(d / "b-企业台账.xlsx", as_of=date(2021, 12, 31), unit="立山区某区属企业")
    shutil.copy(ROOT / "workbooks" / "sample-clean.xlsx", d / "c-clean.xlsx")
    shutil.copy(ROOT / "workbooks" / "sample-mistakes.xlsx", d / "d-mistakes.xlsx")
    shutil.copy(ROOT / "workbooks" / "plans" / "dongsheng_2016-2020.xlsx", d / "e-plan.xlsx")
    shutil.copy(SAMPLE, d / "renamed-报表.xlsx")  # a ledger whatever its name says
    return d


@pytest.fixture(scope="module")
def batch(folder: Path, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    run = cli("batch", str(folder), "-o", str(out / "review.xlsx"), "--json", str(out / "r.json"), "--junit",
              str(out / "j.xml"), "--no-progress", "--workers", "2")
    assert run.returncode == 1, run.stderr  # 强制性 findings in a ledger and a return
    return out, json.loads((out / "r.json").read_text(encoding="utf-8"))


def test_batch_reports_each_file_by_its_kind(folder: Path, batch) -> None:
    _, data = batch
    jsonschema.validate(data, SCHEMA)
    kinds = {Path(f["path"]).name: f["kind"] for f in data["files"]}
    assert kinds == {"a-区国资局台账.xlsx": "ledger", "b-企业台账.xlsx": "ledger", "c-clean.xlsx": "return",
                     "d-mistakes.xlsx": "return", "e-plan.xlsx": "plan", "renamed-报表.xlsx": "ledger"}
    status = {Path(f["path"]).name: f["status"] for f in data["files"]}
    assert status["c-clean.xlsx"] == "ok" and status["a-区国资局台账.xlsx"] == "failed"
    # The batch finds on each ledger what `check` finds on it.
    for name in ("a-区国资局台账.xlsx", "b-企业台账.xlsx"):
        p = str(folder / name)
        mine = {(f["rule"], f["cell"]) for f in data["findings"] if f["file"] == p}
        alone = check_files([p], load_rules())
        assert mine == {(f.rule, f.cell) for f in alone.findings}
    a = {(f["rule"], f["sheet"], f["cell"]) for f in data["findings"] if f["file"] == str(folder / "a-区国资局台账.xlsx")}
    assert a == set(PLANTED)
    s = data["ledger_summary"]
    assert s["ledgers"] == 3 and s["tasks"] == 69 and s["overdue_count"] == 4  # b is dated 2021-12-31: nothing overdue yet
    assert [Path(t["file"]).name for t in s["overdue"]] == ["a-区国资局台账.xlsx"] * 2 + ["renamed-报表.xlsx"] * 2
    junit = (batch[0] / "j.xml").read_text(encoding="utf-8")
    assert 'name="LEDGER-RATE"' in junit


def test_check_of_a_mixed_list_matches_the_kinds(folder: Path) -> None:
    run = cli("check", *sorted(map(str, folder.glob("*.xlsx"))), "--format", "json")
    data = json.loads(run.stdout)
    jsonschema.validate(data, SCHEMA)
    assert [f["kind"] for f in data["files"]] == ["ledger", "ledger", "return", "return", "plan", "ledger"]
    assert run.returncode == 1


def _sheet_tables(ws) -> dict[str, list[tuple]]:
    """The completion sheet's tables, by their title, as rows of values (read back after LibreOffice)."""
    tables: dict[str, list[tuple]] = {}
    current = None
    for row in ws.iter_rows(values_only=True):
        first = row[0]
        if isinstance(first, str) and (first.startswith("逾期任务") or first.startswith("按牵头单位") or first.startswith("按任务类别")):
            current = first[:4]
            tables[current] = []
            continue
        if current and any(v is not None for v in row[:10]):
            tables[current].append(row[:10])
    return {k: v[1:] for k, v in tables.items()}  # without the header row


@pytest.mark.slow
def test_completion_sheet_opens_in_libreoffice_with_the_numbers_of_the_json(batch, tmp_path: Path) -> None:
    out, data = batch
    with zipfile.ZipFile(out / "review.xlsx") as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        assert sum(SHEET.encode() in z.read(n) for n in charts) == 2  # both charts plot this sheet's tables
    lo = soffice_convert(out / "review.xlsx", tmp_path / "lo", tmp_path / "profile")
    ws = openpyxl.load_workbook(lo, data_only=True)[SHEET]
    tables = _sheet_tables(ws)
    s = data["ledger_summary"]
    assert [(r[0], str(r[1]), r[2]) for r in tables["逾期任务"]] == [(t["file"], t["序号"], t["任务名称"]) for t in s["overdue"]]
    for title, key, groups in (("按牵头单", "牵头单位", s["by_lead"]), ("按任务类", "任务类别", s["by_category"])):
        rows = tables[title]
        assert len(rows) == len(groups)
        for r, g in zip(rows, groups, strict=True):
            assert r[0] == g[key]
            assert (r[1], r[2], r[3], r[4], r[5]) == (g["tasks"], g["completed"], g["in_progress"], g["not_started"], g["overdue"])
            assert r[6] == pytest.approx(g["completion"], abs=1e-9)
    assert "69 项任务" in ws["A1"].value


@pytest.mark.slow
def test_annotated_rates_are_live_formulas_that_recalculate_in_libreoffice(tmp_path: Path) -> None:
    out = tmp_path / "annotated.xlsx"
    before = SAMPLE.read_bytes()
    run = cli("check", str(SAMPLE), "--annotate", str(out))
    assert run.returncode == 1 and "已写入 5 项完成率公式" in run.stderr, run.stderr
    assert SAMPLE.read_bytes() == before
    raw = openpyxl.load_workbook(out)[LEDGER_SHEET]
    assert raw[cell("完成率", 15)].value == f'=IF(H{15 + 3}>0,I{15 + 3}/H{15 + 3},"")'
    lo = soffice_convert(out, tmp_path / "lo", tmp_path / "profile")
    wb = openpyxl.load_workbook(lo, data_only=True)
    ws = wb[LEDGER_SHEET]
    for seq, done, due in ((3, 27, 37), (5, 10, 12), (10, 9, 10), (15, 27, 40), (19, 6, 8)):
        assert ws[cell("完成率", seq)].value == pytest.approx(done / due, abs=1e-12), seq
    assert ws[cell("完成率", 1)].value is None  # a task without counts keeps its (empty) rate
    assert ws[cell("完成状态", 11)].fill.fgColor.rgb.endswith("FFEB9C")  # 提示性 overdue mark
    assert ws[cell("佐证材料", 8)].fill.fgColor.rgb.endswith("FFC7CE")  # 强制性
    rules = {r[1] for r in wb[RESULTS_SHEET].iter_rows(min_row=3, values_only=True)}
    assert rules == {r for r, _, _ in PLANTED} - {"LEDGER-RATE"}  # the wrong rate is now the formula


def test_addin_actions_for_a_ledger_are_those_of_annotate(tmp_path: Path) -> None:
    grids = grids_of_file(SAMPLE)
    plan = workbook_actions(grids, load_rules(), SAMPLE.name)
    formulas = {a.cell: a.rows[0][0] for a in plan.actions if isinstance(a, SetValues) and a.sheet == LEDGER_SHEET}
    assert set(formulas) == {cell("完成率", s) for s in (3, 5, 10, 15, 19)}
    assert {f.rule for f in plan.findings} == {r for r, _, _ in PLANTED} - {"LEDGER-RATE"}
    assert "已写入 5 项完成率公式" in plan.summary and "J18" in plan.summary
    wb = openpyxl.load_workbook(SAMPLE)
    apply_openpyxl(wb, plan.actions)
    assert RESULTS_SHEET in wb.sheetnames and wb["_sasac_marks"].sheet_state == "hidden"
    # Through the real xlwings entry point (a child process: the licence key is read at import).
    from test_addin import payload

    env = {**os.environ, "XLWINGS_LICENSE_KEY": "noncommercial", "PYTHONPATH": str(ROOT)}
    serial = {n: [[(v - date(1899, 12, 30)).days if isinstance(v, date) else v for v in row] for row in g]
              for n, g in grids.items()}  # an Office.js client sends a date cell as its serial number
    run = subprocess.run([sys.executable, str(ROOT / "tests" / "addin_driver.py"), "main"],
                         input=json.dumps(payload(serial), ensure_ascii=False), capture_output=True, text=True, env=env,
                         timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    acts = json.loads(run.stdout)["main"]
    written = [v for a in acts if a["func"] == "setValues" for row in a["values"] for v in row]
    assert formulas[cell("完成率", 15)] in written
    assert any(a["func"] == "addSheet" for a in acts)


def test_returns_never_try_the_ledger_reader(monkeypatch) -> None:
    """Ledger recognition runs only where the return reader found no statements."""
    import sasac_check.ledger.run as lr

    def boom(*a, **k):
        raise AssertionError("a return reached the ledger reader")

    monkeypatch.setattr(lr, "other_kind", boom)
    res = check_files([ROOT / "workbooks" / "sample-clean.xlsx", ROOT / "workbooks" / "sample-mistakes.xlsx"], load_rules(),
                      other=boom)
    assert [f.kind for f in res.files] == ["return", "return"]
    from sasac_check.batch import BatchOptions, run_batch

    br = run_batch([ROOT / "workbooks" / "sample-clean.xlsx"], BatchOptions(workers=1, progress=False))
    assert [f.kind for f in br.result.files] == ["return"] and br.result.files[0].status == "ok"


def test_clear_marks_puts_the_stated_rates_back(tmp_path: Path) -> None:
    from sasac_check.excel.actions import MARKS_SHEET
    from sasac_check.excel.compose import clear_actions

    wb = openpyxl.load_workbook(SAMPLE)
    apply_openpyxl(wb, workbook_actions(grids_of_file(SAMPLE), load_rules(), SAMPLE.name).actions)
    checked = tmp_path / "checked.xlsx"
    wb.save(checked)
    assert openpyxl.load_workbook(checked)[LEDGER_SHEET][cell("完成率", 15)].value.startswith("=IF(")
    grids = {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in openpyxl.load_workbook(checked)}
    plan = clear_actions(grids)
    wb = openpyxl.load_workbook(checked)
    apply_openpyxl(wb, plan.actions)
    ws = wb[LEDGER_SHEET]
    assert ws[cell("完成率", 15)].value == 0.73 and ws[cell("完成率", 3)].value == 0.73
    assert ws[cell("佐证材料", 8)].comment is None and MARKS_SHEET not in wb.sheetnames
