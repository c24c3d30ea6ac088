"""The reform-task ledger (改革任务台账): template, reading, checks, completion summary, add-in actions."""

from __future__ import annotations

import sys

from sasac_check.ledger.checks import check_ledger
from sasac_check.ledger.files import find_programme, ledger_rules, programmes
from sasac_check.ledger.model import COLUMNS, KIND, LEDGER_SHEET, STATUSES, Ledger
from sasac_check.ledger.read import NotALedger, read_ledger, read_ledger_grids


def template_command(output: str, programme: str | None) -> int:
    """`sasac-check template --kind ledger [--plan lishan] -o 台账.xlsx`."""
    from sasac_check.errors import UsageError
    from sasac_check.ledger.template import write_ledger_template

    prog = find_programme(programme) if programme else None
    try:
        out = write_ledger_template(output, prog)
    except OSError as e:
        raise UsageError(f"无法写入 {output}：{e.strerror or e}（请检查文件夹是否存在、是否有写权限、文件是否在 Excel 中打开）") from None
    what = f"（{prog.title}：{len(prog.tasks)} 项任务）" if prog else ""
    print(f"已生成改革任务台账模板 {out}{what}", file=sys.stderr)
    return 0


__all__ = ["COLUMNS", "KIND", "LEDGER_SHEET", "STATUSES", "Ledger", "NotALedger", "check_ledger", "find_programme",
           "ledger_rules", "programmes", "read_ledger", "read_ledger_grids", "template_command"]
