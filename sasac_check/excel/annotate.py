"""`sasac-check check FILE --annotate OUT.xlsx`: an annotated copy made with the add-in's own action list."""

from __future__ import annotations

import sys
from pathlib import Path

from sasac_check.excel.ledger_actions import workbook_actions
from sasac_check.rules.load import RuleSet


def grids_of_file(path: str | Path) -> dict[str, list]:
    """Every sheet's values as rows from A1 (calamine), the way an open workbook hands them to the add-in."""
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    return {n: wb.get_sheet_by_name(n).to_python(skip_empty_area=False) for n in wb.sheet_names}


def annotate_copy(src: str | Path, out: str | Path, rs: RuleSet, result=None, inputs=()) -> int:
    """Write `out`: `src` with indicator formulas, marks, notes and 审核结果; `src` itself is never written.

    `out` is compared with `src` and every other input by identity (through `..`, links, hard links): the same file
    is an OutputError (exit 2). The copy is written beside `out` and renamed over it only when complete.
    """
    import openpyxl

    from sasac_check.atomicio import check_target, save_with
    from sasac_check.excel.apply_openpyxl import apply_openpyxl

    src_p, out_p = Path(src), Path(out)
    inputs = [src_p, *inputs]
    check_target(out_p, inputs, "标注副本")
    try:
        mine = [f for f in result.findings if f.file == str(src)] if result is not None else None
        plan = workbook_actions(grids_of_file(src_p), rs, str(src), findings=mine)
        wb = openpyxl.load_workbook(src_p)
    except Exception as e:  # unreadable input: the check report already says why
        print(f"无法生成标注副本：{type(e).__name__}：{e}", file=sys.stderr)
        return 3
    apply_openpyxl(wb, plan.actions)
    wb.calculation.fullCalcOnLoad = True  # formulas are written without cached values
    save_with(out_p, wb.save, inputs, "标注副本")
    print(f"已写入标注副本 {out_p}：{plan.summary}", file=sys.stderr)
    return 0
