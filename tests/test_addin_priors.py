"""The add-in's 跨期 checks: the returns saved beside the open workbook are its prior-period candidates."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import samples

from sasac_check.excel.annotate import grids_of_file
from sasac_check.excel.compose import check_actions
from sasac_check.read import read_workbook
from sasac_check.rules.load import load_rules

ROOT = Path(__file__).resolve().parent.parent


def _pair(folder: Path, shift: float) -> tuple[Path, Path]:
    """This year's return and last year's, last year's 期末 存货 (and its totals) moved by `shift`."""
    rows = samples.consistent_values(seed=31)
    cur = {(s, i, c): v for s, i, c, v in rows}
    moved = {"存货", "流动资产合计", "资产总计", "负债和所有者权益总计", "未分配利润", "归属于母公司所有者权益合计", "所有者权益合计"}
    prior = []
    for s, i, c, v in rows:
        if s == "封面":
            prior.append((s, i, c, "2023年度" if i == "报告期" else v))
        elif c in ("期末余额", "本期金额", "本期"):
            x = cur.get((s, i, {"期末余额": "年初余额", "本期金额": "上期金额", "本期": "上期"}[c]))
            prior.append((s, i, c, round(x + shift, 2) if x is not None and s == "资产负债表" and i in moved else x))
    return samples.write_return(rows, folder / "2024年报.xlsx"), samples.write_return(prior, folder / "2023年报.xlsx")


def test_a_prior_beside_the_workbook_is_compared(tmp_path) -> None:
    cur, prior = _pair(tmp_path, 10.0)
    rs = load_rules()
    acts = check_actions(grids_of_file(cur), rs, str(cur), priors=[read_workbook(prior)])
    assert "跨期审核" in acts.summary and "2023年报.xlsx" in acts.summary
    text = " ".join(str(v) for a in acts.actions if hasattr(a, "rows") for row in a.rows for v in row)
    assert "XP-001" in text  # 存货 年初 no longer equals last year's 期末
    alone = check_actions(grids_of_file(cur), rs, str(cur))
    assert "XP-001" not in " ".join(str(v) for a in alone.actions if hasattr(a, "rows") for row in a.rows for v in row)


def test_neighbour_returns_reads_the_folder_of_a_real_book(tmp_path) -> None:
    cur, _ = _pair(tmp_path, 0.0)
    (tmp_path / "notes.txt").write_text("不是工作簿", encoding="utf-8")
    (tmp_path / "~$2024年报.xlsx").write_bytes(b"lock")
    code = (
        "import json, sys, xlwings as xw\n"
        "from sasac_check.excel.addin_entry import neighbour_returns\n"
        "b = xw.Book(json={'client': 'Office.js', 'version': '0.37.8', 'book': {'name': sys.argv[1],"
        " 'active_sheet_index': 0, 'selection': 'A1'}, 'names': [], 'sheets': [{'name': 'S', 'values': [['a']],"
        " 'pictures': [], 'tables': []}]})\n"
        "print(json.dumps([s.file for s in neighbour_returns(b)]))\n"
    )
    env = {**os.environ, "XLWINGS_LICENSE_KEY": "noncommercial"}  # the remote engine, in tests only
    p = subprocess.run([sys.executable, "-c", code, str(cur)], capture_output=True, text=True, env=env, cwd=ROOT,
                       timeout=120)
    assert p.returncode == 0, p.stderr
    assert [Path(f).name for f in json.loads(p.stdout)] == ["2023年报.xlsx"]  # not itself, no lock file, no text
