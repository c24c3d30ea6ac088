"""Plan tables are a workbook kind of their own in check and batch; precision from number formats; mixed folders."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from exports import write_export

from sasac_check.check.run import check_files
from sasac_check.read.numbers import parse_number
from sasac_check.rules.load import shipped_rules

ROOT = Path(__file__).resolve().parent.parent
YIYANG = ROOT / "workbooks" / "plans" / "yiyang_2020-2025.xlsx"


def numbers_typed_as_numbers(src: Path, dst: Path) -> Path:
    """The plan table with every text figure typed as a number, shown with two decimals (0.00 / 0.00%)."""
    wb = openpyxl.load_workbook(src)
    for row in wb.active.iter_rows(min_row=3):
        for c in row[2:]:
            if isinstance(c.value, str):
                try:
                    p = parse_number(c.value)
                except ValueError:
                    continue
                if p.value is not None:
                    c.value, c.number_format = p.value, "0.00%" if p.percent else "0.00"
    wb.save(dst)
    return dst


def test_two_decimal_format_is_plus_minus_0_005(tmp_path):
    path = numbers_typed_as_numbers(YIYANG, tmp_path / "yiyang.xlsx")
    from sasac_check.ledger.run import other_kind

    result = check_files([path], shipped_rules(), other=other_kind)
    (res,) = result.files
    assert (res.status, res.kind) == ("failed", "plan")
    ratio = [f for f in result.findings if f.rule == "PT-RATIO" and f.item == "营业收入利润率"]
    assert len(ratio) == 1 and "5.70%" in ratio[0].message  # 2.00 / 40.00 = 5.00 % ≠ 5.70 %, as with text
    assert result.exit_code() == 1


def test_check_cli_takes_a_plan_table(tmp_path):
    r = subprocess.run([sys.executable, "-m", "sasac_check", "check", str(YIYANG), "--format", "json"],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 1, r.stderr
    doc = json.loads(r.stdout)
    assert doc["files"][0]["kind"] == "plan" and doc["files"][0]["status"] == "failed"


def test_batch_gives_every_file_its_own_row(tmp_path, clean_path, clean_rows):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(clean_path, folder / "template.xlsx")
    write_export(clean_rows, folder / "export.xlsx", "account")
    shutil.copy(YIYANG, folder / "plan.xlsx")
    (folder / "notes.xlsx").write_bytes(b"not a workbook")
    out = tmp_path / "r.json"
    r = subprocess.run([sys.executable, "-m", "sasac_check", "batch", str(folder), "--json", str(out)],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 3, r.stderr  # notes.xlsx is unreadable
    rows = {Path(f["path"]).name: f for f in json.loads(out.read_text(encoding="utf-8"))["files"]}
    assert set(rows) == {"template.xlsx", "export.xlsx", "plan.xlsx", "notes.xlsx"}
    assert rows["plan.xlsx"]["kind"] == "plan" and rows["plan.xlsx"]["status"] == "failed"
    assert rows["notes.xlsx"]["status"] == "unreadable"
    assert rows["export.xlsx"]["status"] in ("ok", "failed") and rows["export.xlsx"]["kind"] == "return"


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_batch_lists_xls_and_ods(tmp_path, clean_rows):
    from exports import convert_with_soffice

    folder = tmp_path / "in"
    src = write_export(clean_rows, tmp_path / "jiuqi.xlsx", "jiuqi")
    convert_with_soffice(src, "ods", folder)
    convert_with_soffice(write_export(clean_rows, tmp_path / "ledger.xlsx", "ledger"), "xls", folder)
    out = tmp_path / "r.json"
    subprocess.run([sys.executable, "-m", "sasac_check", "batch", str(folder), "--json", str(out)],
                   capture_output=True, text=True, cwd=ROOT)
    rows = {Path(f["path"]).name: f for f in json.loads(out.read_text(encoding="utf-8"))["files"]}
    assert set(rows) == {"jiuqi.ods", "ledger.xls"}
    assert all(f["status"] != "unreadable" for f in rows.values())
