"""`sasac-check check`: check returns headless, report as text / JSON / JUnit."""

from __future__ import annotations

import argparse
import sys

from sasac_check.report import REPORTERS, emit


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
    p.add_argument("--explain-layout", action="store_true",
                   help="说明每张工作表被识别为哪张报表、每个项目读取了哪个单元格、哪些行未识别（JSON 中为 files[].layout）")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from sasac_check.check.run import check_files
    from sasac_check.rules.load import load_rules

    rs = load_rules(args.rules)  # rule-file mistakes surface before any workbook is read
    if args.plan:
        from sasac_check.plans import load_plan

        load_plan(args.plan)  # a broken plan file exits 2 before any workbook is read
    judge = None
    if not args.no_plan:
        from sasac_check.plans import enterprise_judge

        judge = enterprise_judge(rs, args.plan)
    from sasac_check.plans import plan_table_findings

    result = check_files(args.files, rs, strict=args.strict, prior=args.prior, judge=judge,
                         other=lambda path: plan_table_findings(path, args.plan, rs))
    layouts = _explain(result) if args.explain_layout else ""
    if args.format == "junit":
        from sasac_check.report import junit

        text = junit.render(result, junit.rule_kinds(rs), strict=args.strict)
    else:
        text = REPORTERS[args.format](result)
    emit(layouts + text if args.format == "text" else text, args.output)
    for note in result.notes:
        print(note, file=sys.stderr)
    if args.annotate:
        _annotate(args, rs, result)
    return result.exit_code(args.strict)


def _explain(result) -> str:
    """The recognition report of every return read: kept in each file's `layout` (JSON) and rendered as text."""
    from sasac_check.read.explain import explain_layout, render_layout

    out = []
    for res in result.files:
        if res.status == "unreadable" or res.kind:
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
    annotate_copy(args.files[0], args.annotate, rs, result)
