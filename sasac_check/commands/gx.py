"""`sasac-check gx export` writes the rules as a GX suite; `sasac-check gx run` validates returns through GX."""

from __future__ import annotations

import argparse
import sys

EXIT_GX = 4
INSTALL = "未安装 Great Expectations。请执行：pip install 'sasac-check[gx]'"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "gx",
        help="Great Expectations：导出期望套件 / 用 GX 校验并生成 Data Docs",
        description="把审核规则导出为 Great Expectations 1.x 期望套件，或用真实的 GX 上下文校验一批报表并生成 Data Docs。",
    )
    gsub = p.add_subparsers(dest="gx_command", metavar="SUBCOMMAND")
    e = gsub.add_parser("export", help="导出期望套件 JSON", description="把内置规则（及 --rules 追加的规则）导出为 GX 期望套件 JSON。")
    e.add_argument("--rules", action="append", default=[], metavar="PATH", help="追加规则文件或文件夹（可多次使用）")
    e.add_argument("-o", "--output", required=True, metavar="suite.json", help="输出的套件文件")
    e.add_argument("--name", default=None, help="套件名称（默认 sasac_check_rules）")
    e.set_defaults(func=run_export)
    r = gsub.add_parser(
        "run", help="用 GX 校验报表并生成 Data Docs", description="读取报表，在 DIR 中建立文件型 GX 上下文，运行期望套件并生成 Data Docs。"
    )
    r.add_argument("files", nargs="+", metavar="FILE", help="要校验的 .xlsx 工作簿")
    r.add_argument("--gx", required=True, metavar="DIR", help="GX 项目目录（不存在则创建）")
    r.add_argument("--rules", action="append", default=[], metavar="PATH", help="追加规则文件或文件夹（可多次使用）")
    r.add_argument("--no-docs", action="store_true", help="不生成 Data Docs")
    r.set_defaults(func=run_run)
    p.set_defaults(func=lambda args: _help(p))


def _help(p: argparse.ArgumentParser) -> int:
    p.print_help()
    return 2


def run_export(args: argparse.Namespace) -> int:
    from sasac_check.rules.load import load_rules

    rs = load_rules(args.rules)
    try:
        from sasac_check.gx import GXError
        from sasac_check.gx.suite import SUITE_NAME, export_suite
    except ImportError:
        print(INSTALL, file=sys.stderr)
        return 2
    try:
        counts = export_suite(rs, args.output, args.name or SUITE_NAME)
    except ImportError:
        print(INSTALL, file=sys.stderr)
        return 2
    except GXError as err:
        print(str(err), file=sys.stderr)
        return EXIT_GX
    except OSError as err:
        print(f"无法写入 {args.output}：{err}", file=sys.stderr)
        return 2
    print(
        f"已写入 {args.output}：{counts['expectations']} 个期望，覆盖 {counts['rules']} 条规则；"
        f"{counts['not_exported']} 条规则未导出（见套件 meta.not_exported：{'、'.join(counts['not_exported_ids'])}）",
        file=sys.stderr,
    )
    return 0


def run_run(args: argparse.Namespace) -> int:
    from sasac_check.model.submission import UnreadableWorkbook
    from sasac_check.read import read_workbook
    from sasac_check.rules.load import load_rules

    rs = load_rules(args.rules)
    subs, unreadable = [], []
    for f in args.files:
        try:
            subs.append(read_workbook(f))
        except UnreadableWorkbook as err:
            unreadable.append(f)
            print(f"无法读取 {f}：{err.reason}", file=sys.stderr)
    if not subs:
        print("没有可校验的报表。", file=sys.stderr)
        return 3
    try:
        from sasac_check.gx import GXError
        from sasac_check.gx.run import run_gx
    except ImportError:
        print(INSTALL, file=sys.stderr)
        return 2
    try:
        res = run_gx(subs, rs, args.gx, build_docs=not args.no_docs)
    except ImportError:
        print(INSTALL, file=sys.stderr)
        return 2
    except GXError as err:
        print(str(err), file=sys.stderr)
        return EXIT_GX
    st = res.statistics
    print(f"GX 校验 {len(subs)} 份报表：{st.get('evaluated_expectations', 0)} 个期望，"
          f"{st.get('unsuccessful_expectations', 0)} 个未通过。")
    for o in res.failures():
        level = o.meta.get("level", "")
        col = o.meta.get("column")
        where = f"（{col}）" if col and not str(o.meta.get("rule", "")).startswith("SCH-") else ""
        files = "、".join(o.failed_files[:5]) + (" …" if len(o.failed_files) > 5 else "")
        msg = o.error or (o.meta.get("message") if str(o.meta.get("rule", "")).startswith("SCH-") else o.meta.get("title", ""))
        print(f"  [{level}] {o.meta.get('rule', '')}{where} {msg}：{files}")
    if res.docs_index:
        print(f"Data Docs：{res.docs_index}")
    if unreadable:
        return 3
    return 1 if any(o.meta.get("severity") == "error" for o in res.failures()) else 0
