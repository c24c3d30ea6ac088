"""`sasac-check template` writes the standard return; `sasac-check fill` fills one from a values table."""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("template", help="生成标准报表模板", description="生成标准报表模板（封面、四张报表、补充资料、主要指标）。")
    p.add_argument("-o", "--output", required=True, metavar="PATH", help="输出的 .xlsx 文件，如 报表.xlsx")
    p.add_argument("--kind", choices=["return", "full", "plan", "ledger"], default="return",
                   help="模板种类：return 标准报表（默认，一般企业合并格式）；full 完整格式（另含金融业务及旧金融工具准则项目）；"
                        "plan 计划表；ledger 改革任务台账")
    p.add_argument("--plan", metavar="PROGRAMME", help="（仅 --kind ledger）按改革方案预填任务，如 lishan（rules/ledger/lishan.yaml）或方案文件路径")
    p.set_defaults(func=run_template)
    f = sub.add_parser(
        "fill",
        help="按数据表填写模板",
        description="按长表（列 sheet,item,column,value；UTF-8 CSV 或 .xlsx）填写模板。封面字段用 sheet=封面、column=值。",
    )
    f.add_argument("template", nargs="?", metavar="TEMPLATE", help="模板文件（省略则使用内置标准模板）")
    f.add_argument("--values", required=True, metavar="values.csv", help="数据文件：sheet,item,column,value")
    f.add_argument("-o", "--output", required=True, metavar="out.xlsx", help="输出的 .xlsx 文件")
    f.set_defaults(func=run_fill)


def run_template(args: argparse.Namespace) -> int:
    if args.kind == "ledger":
        from sasac_check.ledger import template_command

        return template_command(args.output, args.plan)
    if args.plan:
        from sasac_check.errors import UsageError

        raise UsageError("--plan 仅用于 --kind ledger（按改革方案预填台账任务）")
    if args.kind == "plan":
        from sasac_check.plans import write_plan_template

        out = write_plan_template(args.output)
    else:
        from sasac_check.authoring.template import write_template

        out = write_template(args.output, full=args.kind == "full")
    print(f"已生成模板 {out}", file=sys.stderr)
    return 0


def run_fill(args: argparse.Namespace) -> int:
    from sasac_check.authoring.fill import FillError, fill
    from sasac_check.errors import UsageError

    try:
        fill(args.values, args.output, template=args.template)
    except FillError as e:
        raise UsageError(str(e)) from None
    print(f"已填写 {args.output}", file=sys.stderr)
    return 0
