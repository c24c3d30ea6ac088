"""`sasac-check addin build|install`: the Excel ribbon add-in (国资校验 tab) for desktop Excel."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("addin", help="构建或安装 Excel 插件（国资校验 选项卡）",
                       description="构建 / 安装 Excel 插件：校验、写入指标、清除标记 三个按钮。")
    s = p.add_subparsers(dest="addin_cmd", required=True)
    b = s.add_parser("build", help="从 xlwings 模板构建 .xlam 文件")
    b.add_argument("--out", default="dist/addin", metavar="DIR", help="输出目录（默认 dist/addin）")
    i = s.add_parser("install", help="把 .xlam、启动模块和设置放到 Excel 启动目录")
    i.add_argument("--dest", metavar="DIR", help="安装到此目录（测试或手工复制用），默认为本机 Excel 的 XLSTART")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from sasac_check.excel.addin_build import BuildError, build, install

    try:
        made = build(args.out) if args.addin_cmd == "build" else install(Path(args.dest) if args.dest else None)
    except (BuildError, OSError) as e:
        print(f"插件{'构建' if args.addin_cmd == 'build' else '安装'}失败：{e}", file=sys.stderr)
        return 2
    for m in made:
        print(m)
    if args.addin_cmd == "install":
        print("已安装。请重新启动 Excel，功能区将出现“国资校验”选项卡。", file=sys.stderr)
    return 0
