"""`sasac-check check FILE --annotate OUT.xlsx`: a marked copy; the input is never written."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parent.parent
MISTAKES = ROOT / "workbooks" / "sample-mistakes.xlsx"


def test_annotate_copy_opens_in_libreoffice_with_the_marks(tmp_path):
    before = hashlib.sha256(MISTAKES.read_bytes()).hexdigest()
    out = tmp_path / "annotated.xlsx"
    run = subprocess.run([sys.executable, "-m", "sasac_check", "check", str(MISTAKES), "--annotate", str(out)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 1, run.stderr  # the sample has 强制性 findings
    assert "Traceback" not in run.stderr and "已写入标注副本" in run.stderr
    assert hashlib.sha256(MISTAKES.read_bytes()).hexdigest() == before
    conv = subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless", "--calc", "--convert-to", "xlsx", "--outdir", str(tmp_path / "lo"),
                           str(out)], capture_output=True, text=True, timeout=120)
    assert conv.returncode == 0 and (tmp_path / "lo" / "annotated.xlsx").exists(), conv.stderr
    wb = openpyxl.load_workbook(tmp_path / "lo" / "annotated.xlsx", data_only=True)
    assert wb["资产负债表"]["C17"].fill.fgColor.rgb.endswith("FFC7CE")  # 强制性
    assert wb["资产负债表"]["C8"].fill.fgColor.rgb.endswith("FFEB9C")  # 提示性 text number
    assert "BS-001" in wb["资产负债表"]["C17"].comment.text
    assert wb["主要指标"]["C5"].value is not None and abs(wb["主要指标"]["C5"].value - 0.1260) < 0.0001
    rows = list(wb["审核结果"].iter_rows(min_row=3, values_only=True))
    assert {r[1] for r in rows} == {"SCH-USCC", "BS-001", "BS-003", "READ-TEXT-NUMBER", "SCH-REQUIRED", "DEBT-IND-W"}
    assert wb["_sasac_marks"].sheet_state == "hidden"


def test_annotate_refuses_to_overwrite_the_input(tmp_path):
    copy = tmp_path / "in.xlsx"
    copy.write_bytes(MISTAKES.read_bytes())
    run = subprocess.run([sys.executable, "-m", "sasac_check", "check", str(copy), "--annotate", str(copy)],
                         capture_output=True, text=True, timeout=120)
    assert "不能覆盖原文件" in run.stderr and copy.read_bytes() == MISTAKES.read_bytes()
