"""主要指标 shows the plan's target and attainment beside each indicator a plan sets a target for."""

from __future__ import annotations

import subprocess
import sys

import openpyxl
import samples


def test_annotated_copy_shows_targets_and_attainment(tmp_path) -> None:
    rows = samples.consistent_values(seed=2, debt_ratio=0.67, 监管机构="益阳市国资委", 报告期="2025年度")
    src = samples.write_return(rows, tmp_path / "yiyang.xlsx")
    out = tmp_path / "yiyang-annotated.xlsx"
    r = subprocess.run(
        [sys.executable, "-m", "sasac_check", "check", str(src), "--annotate", str(out)], capture_output=True, text=True
    )
    assert r.returncode == 0, r.stderr
    ws = openpyxl.load_workbook(out)["主要指标"]
    rows_by_name = {row[0]: row for row in ws.iter_rows(min_row=4, values_only=True) if row[0]}
    debt = rows_by_name["资产负债率"]
    assert "65%" in debt[3] and debt[4] == "未达成"
    assert "5.7%" in rows_by_name["营业收入利润率"][3]  # a 2025 level of the 益阳 plan
    # In 2024 neither is a target: 65% and 5.70% are the plan's 2025 levels, not bounds of every year.
    early = samples.write_return(samples.consistent_values(seed=2, debt_ratio=0.67, 监管机构="益阳市国资委"),
                                 tmp_path / "yiyang-2024.xlsx")
    out0 = tmp_path / "yiyang-2024-annotated.xlsx"
    subprocess.run([sys.executable, "-m", "sasac_check", "check", str(early), "--annotate", str(out0)], check=True,
                   capture_output=True)
    ws0 = openpyxl.load_workbook(out0)["主要指标"]
    by0 = {row[0]: row for row in ws0.iter_rows(min_row=4, values_only=True) if row[0]}
    assert by0["资产负债率"][3] is None and by0["营业收入利润率"][3] is None
    # A return under no plan's supervisor gets no targets.
    other = samples.write_return(samples.consistent_values(seed=2, 监管机构="某县国资委"), tmp_path / "other.xlsx")
    out2 = tmp_path / "other-annotated.xlsx"
    subprocess.run([sys.executable, "-m", "sasac_check", "check", str(other), "--annotate", str(out2)], check=True,
                   capture_output=True)
    ws2 = openpyxl.load_workbook(out2)["主要指标"]
    assert all(row[3] is None and row[4] is None for row in ws2.iter_rows(min_row=4, values_only=True) if row[0])
