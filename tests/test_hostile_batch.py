"""Many identical returns: each BATCH-DUP message names two others and counts the rest (output linear, not quadratic)."""

from __future__ import annotations

import shutil
from pathlib import Path

import hostile_corpus as hc

from sasac_check.batch.cross import duplicates
from sasac_check.batch.worker import FileRecord


def test_three_thousand_copies_give_linear_messages() -> None:
    cover = {"统一社会信用代码": "91150602MA0N12345X", "报告期": "2024年度"}
    recs = [FileRecord(i, f"/returns/r{i:04d}.xlsx", "ok", cover=cover) for i in range(3000)]
    found = duplicates(recs)
    assert len(found) == 3000
    first = found[0]
    assert "/returns/r0001.xlsx、/returns/r0002.xlsx 等另外 2,997 份" in first.message
    assert first.extra["duplicates"] == ["/returns/r0001.xlsx", "/returns/r0002.xlsx"]
    assert first.extra["duplicates_total"] == 2999
    assert max(len(f.message) for f in found) < 200  # JSON and JUnit grow with the count, not its square


def test_batch_over_copies_names_two_and_counts_the_rest(tmp_path: Path) -> None:
    from sasac_check.batch import BatchOptions, run_batch

    for i in range(40):
        shutil.copy(hc.CLEAN, tmp_path / f"r{i:02d}.xlsx")
    br = run_batch([tmp_path], BatchOptions(progress=False, workers=2))
    dups = [f for f in br.result.findings if f.rule == "BATCH-DUP"]
    assert len(dups) == 40 and all("等另外 37 份" in f.message for f in dups)
