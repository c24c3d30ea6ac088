"""A batch builds each 监管机构's 汇总, writes it in the plan-table layout and judges it on the plan's amount targets."""

from __future__ import annotations

import json
import subprocess
import sys

import openpyxl
import samples


def test_region_summary_is_judged_and_written(tmp_path) -> None:
    folder = tmp_path / "returns"
    folder.mkdir()
    for seed in (1, 2, 3):
        rows = samples.consistent_values(seed=seed, 监管机构="东胜区国资委", 报告期="2023年度")
        samples.write_return(rows, folder / f"e{seed}-2023.xlsx")
        rows = samples.consistent_values(seed=seed + 10, 监管机构="东胜区国资委", 报告期="2024年度")
        samples.write_return(rows, folder / f"e{seed}-2024.xlsx")
    out, js = tmp_path / "review.xlsx", tmp_path / "review.json"
    r = subprocess.run(
        [sys.executable, "-m", "sasac_check", "batch", str(folder), "-o", str(out), "--json", str(js), "--no-progress"],
        capture_output=True, text=True,
    )
    assert r.returncode in (0, 1), r.stderr
    data = json.loads(js.read_text(encoding="utf-8"))
    region = [f for f in data["findings"] if f.get("scope") == "汇总"]
    assert region, "the 汇总 of 东胜区 misses the 2023/2024 path of 资产总额 (1025.56 亿 in 2024)"
    assets = [f for f in region if f["rule"] == "PLAN-DS-PATH-ASSETS"]
    assert {f["file"] for f in assets} <= {"东胜区国资委2023年度汇总", "东胜区国资委2024年度汇总"} and assets
    assert "《东胜区国有资本布局与结构战略性调整“十四五”规划》" in assets[0]["message"] and "汇总（3户）" in assets[0]["message"]
    # No enterprise is blamed for a region-wide amount target.
    files = {f["path"] for f in data["files"]}
    assert not [f for f in data["findings"] if f["rule"] == "PLAN-DS-PATH-ASSETS" and f["file"] in files]
    ws = openpyxl.load_workbook(out)["汇总-东胜区国资委"]
    header = [c.value for c in ws[1]]
    assert header == ["指标", "单位", "2023年", "2024年", "年均增速"]
    rows = {row[0]: row for row in ws.iter_rows(min_row=2, values_only=True) if row[0]}
    total_2024 = sum(
        float(v) for s in (11, 12, 13) for sh, i, c, v in samples.consistent_values(seed=s) if (i, c) == ("资产总计", "期末余额")
    )  # 万元
    assert abs(rows["资产总额"][3] - total_2024 / 1e4) < 1e-6
    assert rows["资产负债率"][1] == "%" and 0 < rows["资产负债率"][3] < 1
