"""`sasac-check convert`: an export becomes the standard template with the same figures; the input is never touched."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from exports import write_export

from sasac_check.check.run import check_files
from sasac_check.read import read_workbook
from sasac_check.rules.load import shipped_rules

ROOT = Path(__file__).resolve().parent.parent


def _convert(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sasac_check", "convert", *args], capture_output=True, text=True, cwd=ROOT)


def test_jiuqi_export_to_template(tmp_path, clean_path, clean_rows):
    src = write_export(clean_rows, tmp_path / "jiuqi.xlsx", "jiuqi")
    before = src.read_bytes()
    out = tmp_path / "out" / "报表.xlsx"
    r = _convert(str(src), "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert "封面已找到" in r.stderr and "“资产负债表”已读取 70 个项目" in r.stderr
    assert src.read_bytes() == before
    sub, base = read_workbook(out), read_workbook(clean_path)
    assert sub.sheets == base.sheets
    assert {k: v for k, v in sub.cover.items() if k in base.cover} == {k: base.cover[k] for k in sub.cover if k in base.cover}
    assert set(base.cover) - set(sub.cover) <= {"填报人", "联系电话"}  # the 久其 cover here has neither
    stated = {k for k in base.values if k.endswith("[本期值]")}
    assert sub.values == pytest.approx({k: v for k, v in base.values.items() if k not in stated}, rel=1e-12)
    result = check_files([out], shipped_rules())
    assert [f for f in result.findings if f.severity in ("error", "warning")] == []


def test_missing_cover_fields_listed_and_same_file_refused(tmp_path, clean_rows):
    src = write_export(clean_rows, tmp_path / "ledger.xlsx", "ledger")
    r = _convert(str(src), "-o", str(tmp_path / "t.xlsx"))
    assert r.returncode == 0 and "封面仍缺少（请在 Excel 中填写）：统一社会信用代码、行业类型、监管机构" in r.stderr
    before = src.read_bytes()
    r = _convert(str(src), "-o", str(src))
    assert r.returncode == 2 and "不会覆盖输入" in r.stderr and src.read_bytes() == before
