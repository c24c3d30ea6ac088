"""`sasac-check check`: check returns headless, report as text / JSON / JUnit."""

from __future__ import annotations

import argparse
import sys

from sasac_check.report import REPORTERS, emit
from sasac_check.report.safetext import clean_text


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "check",
        help="校验一个或多个报表工作簿",
        description="校验报表工作簿：读取、结构校验（pandera）、表内/表间/跨期审核、指标核对。",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="要校验的 .xlsx 工作簿")
    p.add_argument("--rules", action="append", default=[], metavar="PATH", help="追加规则文件或文件夹（可多次使用），与内置规则一起执行")
    p.add_argument("--format", choices=sorted(REPORTERS), default="text", help="输出格式（默认 text）")
    p.add_argument("-o", "--output", metavar="PATH", help="输出到文件（默认标准输出）")
    p.add_argument("--strict", action="store_true", help="提示性问题也视为不通过（退出码 1）")
    p.add_argument("--prior", action="append", default=[], metavar="PATH", help="上期报表（启用跨期审核，可多次使用）")
    p.add_argument("--plan", metavar="FILE", help="按指定计划文件对标（默认按封面的监管机构和报告期选择 rules/plans/ 中的计划）")
    p.add_argument("--no-plan", action="store_true", help="不对标计划目标")
    p.add_argument("--annotate", metavar="OUT.xlsx", help="另存一份标注了问题的副本（原文件不变）")
    add_budget_options(p)
    p.add_argument("--explain-layout", action="store_true",
                   help="说明每张工作表被识别为哪张报表、每个项目读取了哪个单元格、哪些行未识别（JSON 中为 files[].layout）")
    p.set_defaults(func=run)


def add_budget_options(p: argparse.ArgumentParser) -> None:
    """--timeout, --max-size, --max-memory: what one input file may cost (docs/SECURITY.md)."""
    p.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS", help="单个文件读取时限（默认 60 秒；0 不限）")
    p.add_argument("--max-size", type=float, default=64.0, metavar="MB", help="单个文件大小上限（默认 64 MB；0 不限）")
    p.add_argument("--max-memory", type=float, default=1024.0, metavar="MB",
                   help="读取单个文件可用的内存上限（默认 1024 MB；0 不限）")


def apply_budget(args: argparse.Namespace) -> None:
    """The size options as the process's read limits; a usage error for a negative value."""
    from sasac_check.errors import UsageError
    from sasac_check.read.guard import MB, set_limits

    for name in ("timeout", "max_size", "max_memory"):
        if getattr(args, name, 0) is not None and getattr(args, name, 0) < 0:
            raise UsageError(f"--{name.replace('_', '-')} 不能为负数")
    set_limits(max_bytes=int(args.max_size * MB))


def run(args: argparse.Namespace) -> int:
    from sasac_check.atomicio import check_target
    from sasac_check.check.run import check_files
    from sasac_check.read.isolate import Budget, read_isolated
    from sasac_check.rules.load import load_rules

    apply_budget(args)
    inputs = [*args.files, *args.prior]
    if args.output:  # an output that cannot or must not be written is refused before any work (exit 2)
        check_target(args.output, inputs, "报告文件")
    if args.annotate:
        check_target(args.annotate, inputs, "标注副本")
        if args.output and _same_spelling(args.output, args.annotate):
            from sasac_check.errors import UsageError

            raise UsageError("-o 与 --annotate 不能是同一个文件")
    rs = load_rules(args.rules)  # rule-file mistakes surface before any workbook is read
    if args.plan:
        from sasac_check.plans import load_plan

        load_plan(args.plan)  # a broken plan file exits 2 before any workbook is read
    judge = None
    if not args.no_plan:
        from sasac_check.plans import enterprise_judge

        judge = enterprise_judge(rs, args.plan)
    budget = Budget(args.timeout, args.max_memory)
    from functools import partial

    from sasac_check.ledger.run import other_kind

    other = partial(other_kind, plan=args.plan, use_plans=not args.no_plan)  # ledgers and plan tables among the files
    result = check_files(args.files, rs, strict=args.strict, prior=args.prior, judge=judge,
                         read=lambda path: read_isolated(path, budget), other=other)
    layouts = _explain(result) if args.explain_layout else ""
    if args.format == "junit":
        from sasac_check.report import junit

        text = junit.render(result, junit.rule_kinds(rs), strict=args.strict)
    else:
        text = REPORTERS[args.format](result)
    emit(layouts + text if args.format == "text" else text, args.output, inputs)
    for note in result.notes:
        print(clean_text(note), file=sys.stderr)
    if args.annotate:
        _annotate(args, rs, result)
    return result.exit_code(args.strict)


def _explain(result) -> str:
    """The recognition report of every return read: kept in each file's `layout` (JSON) and rendered as text."""
    from sasac_check.read.explain import explain_layout, render_layout

    out = []
    for res in result.files:
        if res.status == "unreadable" or res.kind != "return":
            continue
        res.layout = explain_layout(res.path)
        out.append(render_layout(res.path, res.layout))
    return "\n".join(out) + ("\n" if out else "")


def _annotate(args: argparse.Namespace, rs, result) -> None:
    try:
        from sasac_check.excel.annotate import annotate_copy
    except ImportError:  # pragma: no cover - arrives with the add-in work
        print("此版本尚不支持 --annotate", file=sys.stderr)
        return
    first = result.files[0]
    if first.status == "unreadable":  # the guards refused it: no other library opens it either
        print(f"未生成标注副本：{first.path} 无法读取（{first.reason}）", file=sys.stderr)
        return
    from sasac_check.model.submission import UnreadableWorkbook
    from sasac_check.read.isolate import Budget, call_isolated, can_fork

    inputs = [*args.files, *args.prior]
    if not can_fork():
        annotate_copy(args.files[0], args.annotate, rs, result, inputs=inputs)
        return
    try:  # the whole workbook is loaded to be copied: under the same time and memory budget as reading it
        call_isolated(annotate_copy, (args.files[0], args.annotate, rs, result, inputs), Budget(args.timeout, args.max_memory),
                      args.files[0])
    except UnreadableWorkbook as e:
        print(f"未生成标注副本：{e.reason}", file=sys.stderr)


def _same_spelling(a: str, b: str) -> bool:
    import os

    from sasac_check.atomicio import same_file

    return same_file(a, b) or os.path.abspath(a) == os.path.abspath(b)
