"""Where `check` and `batch` meet a workbook that is no return: read it as a ledger (or a plan table) and check it."""

from __future__ import annotations

import io
from pathlib import Path

from sasac_check.ledger.checks import check_ledger
from sasac_check.ledger.read import NotALedger, grids_of_bytes, read_ledger_grids
from sasac_check.ledger.summary import ledger_summary
from sasac_check.model.finding import Finding
from sasac_check.model.submission import UnreadableWorkbook


def other_kind(path: str | Path, not_return: UnreadableWorkbook, plan: str | Path | None = None, data: bytes | None = None,
               name: str | None = None, use_plans: bool = True):
    """(FileResult, findings) of a workbook the return reader refused for lack of statements.

    A ledger (recognised by its own sheets, never by its file name), else a plan table, else the return reader's
    own reason as unreadable. Only workbooks without statement sheets come here: returns never pay for it.
    """
    from sasac_check.model.result import FileResult

    file = name or str(path)
    try:
        if data is None:
            data = Path(path).read_bytes()
        grids = grids_of_bytes(data, file)
        led = read_ledger_grids(grids, file)
    except NotALedger:
        return _plan_table(file, data, not_return, plan)
    except (UnreadableWorkbook, OSError):
        return FileResult(file, "unreadable", reason=not_return.reason, kind="return"), []
    findings = check_ledger(led, str(plan) if plan else None, use_plans=use_plans)
    summary = ledger_summary(led)
    cover = {k: led.cover_text(k) for k in ("填报单位", "报告期", "截至日期", "监管机构", "改革方案") if led.cover_text(k)}
    return FileResult(file, "ok", cover=cover, kind="ledger", ledger=summary), findings


def _plan_table(file: str, data: bytes | None, not_return: UnreadableWorkbook, plan: str | Path | None):
    from sasac_check.model.result import FileResult

    try:
        from sasac_check.plans.plantable import read_plan_tables
        from sasac_check.plans.tablecheck import check_plan_table

        if data is None or not read_plan_tables(_Named(data, file)):
            raise LookupError
        findings: list[Finding] = check_plan_table(_Named(data, file), plan)
    except Exception:  # no plan table either: the return reader's reason stands
        return FileResult(file, "unreadable", reason=not_return.reason), []
    findings = [_renamed(f, file) for f in findings]
    return FileResult(file, "ok", kind="plan"), findings


class _Named(io.BytesIO):
    """A workbook's bytes that read back as its report name (plan-table messages quote str(path))."""

    def __init__(self, data: bytes, name: str) -> None:
        super().__init__(data)
        self.name = name

    def __str__(self) -> str:
        return self.name


def _renamed(f: Finding, file: str) -> Finding:
    from dataclasses import replace

    return f if f.file == file else replace(f, file=file)
