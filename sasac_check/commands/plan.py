"""`sasac-check plan check|list|validate`: plan tables, the plans and their targets, plan files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sasac_check.report import REPORTERS, emit


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("plan", help="计划（规划目标）与计划表", description="校验计划表、列出计划目标、校验计划文件。")
    ps = p.add_subparsers(dest="plan_command", metavar="SUBCOMMAND")
    c = ps.add_parser("check", help="校验计划表（指标 | 单位 | 年份… | 年均增速）")
    c.add_argument("files", nargs="+", metavar="TABLE.xlsx")
    c.add_argument("--plan", metavar="FILE", help="指定计划文件（默认按表名匹配内置计划）")
    c.add_argument("--format", choices=sorted(REPORTERS), default="text")
    c.add_argument("-o", "--output", metavar="PATH")
    c.add_argument("--strict", action="store_true", help="提示性问题也视为不通过（退出码 1）")
    c.set_defaults(func=run_check)
    ls = ps.add_parser("list", help="列出计划及其目标与出处")
    ls.add_argument("--plans", action="append", default=[], metavar="PATH", help="追加计划文件或文件夹")
    ls.set_defaults(func=run_list)
    v = ps.add_parser("validate", help="校验计划文件")
    v.add_argument("files", nargs="+", metavar="FILE")
    v.set_defaults(func=run_validate)
    p.set_defaults(func=lambda a: (p.print_help(), 2)[1])


def run_check(args: argparse.Namespace) -> int:
    from sasac_check.model.result import FileResult, tally
    from sasac_check.plans import check_plan_table

    results, findings = [], []
    for f in args.files:
        if not Path(f).exists():
            results.append(FileResult(f, "unreadable", reason="找不到文件"))
            continue
        try:
            findings += check_plan_table(f, args.plan)
        except (OSError, ValueError, KeyError) as e:
            results.append(FileResult(f, "unreadable", reason=str(e)))
            continue
        results.append(FileResult(f, "ok", kind="plan"))
    result = tally(results, findings, args.strict, order={})
    text = REPORTERS[args.format](result)
    emit(text, args.output)
    return result.exit_code(args.strict)


def run_list(args: argparse.Namespace) -> int:
    from sasac_check.plans import load_plans

    for p in load_plans(args.plans):
        print(f"{p.id}  {p.title}  （{'、'.join(p.supervisors)}，{p.years[0]}–{p.years[1]}年，{p.file}）")
        for t in p.targets:
            print(f"  {t.id:<26} {t.level} [{'+'.join(t.applies_to)}] {t.describe()}")
            print(f"  {'':<26} {t.source}  {t.cite()}")
        for t in p.statements:
            print(f"  {t.id:<26} 正文陈述 {t.describe()}  {t.source}")
    return 0


def run_validate(args: argparse.Namespace) -> int:
    from sasac_check.plans import load_plan
    from sasac_check.rules.load import RuleFileError

    bad = 0
    for f in args.files:
        try:
            p = load_plan(f)
            print(f"{f}: 通过（{len(p.targets)} 个目标，{len(p.statements)} 条正文陈述）")
        except RuleFileError as e:
            bad += 1
            for line in e.problems:
                print(line, file=sys.stderr)
    return 2 if bad else 0
