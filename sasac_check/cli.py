"""The `sasac-check` command line: parses arguments, wires a command, maps failures to exit codes."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from sasac_check import __version__
from sasac_check.atomicio import OutputError
from sasac_check.commands import COMMANDS
from sasac_check.errors import EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, UsageError
from sasac_check.rules.load import RuleFileError

__all__ = ["EXIT_INTERNAL", "EXIT_OK", "EXIT_USAGE", "UsageError", "build_parser", "entry", "main"]


# argparse's own words, in Chinese (it looks each up through its module-level gettext `_` when it runs).
_ARGPARSE_ZH = {
    "usage: ": "用法：",
    "positional arguments": "参数",
    "options": "选项",
    "show this help message and exit": "显示帮助并退出",
    "show program's version number and exit": "显示版本号并退出",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选项 %(value)r（可选：%(choices)s）",
    "expected one argument": "需要一个值",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "invalid %(type)s value: %(value)r": "无效的 %(type)s 值：%(value)r",
}


def _localize_argparse() -> None:
    if getattr(argparse, "_sasac_zh", False):
        return
    english = argparse._  # type: ignore[attr-defined]
    argparse._ = lambda text: _ARGPARSE_ZH.get(text, english(text))  # type: ignore[attr-defined]
    argparse._sasac_zh = True  # type: ignore[attr-defined]


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="sasac-check",
        description="国资委标准报表校验工具：表内 / 表间 / 跨期审核、指标计算、计划对标。",
        epilog="退出码：0 无强制性问题；1 有强制性问题（--strict 时含提示性）；2 用法或规则文件错误；3 有文件无法读取。",
    )
    p.add_argument("--version", action="version", version=f"sasac-check {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMANDS:
        module.register(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    _localize_argparse()
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        return int(args.func(args) or 0)
    except RuleFileError as e:
        print("规则文件有误（尚未读取任何工作簿）：", file=sys.stderr)
        for p in e.problems:
            print(f"  {p}", file=sys.stderr)
        return EXIT_USAGE
    except UsageError as e:
        print(f"用法错误：{e}", file=sys.stderr)
        return EXIT_USAGE
    except OutputError as e:  # an output that cannot or must not be written: nothing was replaced
        print(f"用法错误：{e}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # the reader of our output went away (e.g. `| head`): not an error of ours
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        print("已中断：未完成的输出没有写入，原有输出文件保持不变。", file=sys.stderr)
        return 130
    except Exception as e:
        print(f"内部错误：{type(e).__name__}: {e}\n请把此信息与所用文件报告给维护者（设置 SASAC_CHECK_DEBUG=1 可显示详细信息）。", file=sys.stderr)
        import os

        if os.environ.get("SASAC_CHECK_DEBUG"):
            raise
        return EXIT_INTERNAL


def entry() -> None:
    """The console script (sasac-check): main(), then a fast exit (speed/fastexit.py)."""
    from sasac_check.speed.fastexit import run_and_exit

    run_and_exit(main)


if __name__ == "__main__":
    entry()
