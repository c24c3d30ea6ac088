"""`sasac-check batch`: review many returns (folders, .zip) in parallel into a review workbook, JSON, JUnit, HTML."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

FORMATS = ("text", "json", "junit", "github")
UNREADABLE_SHOWN = 10  # with no output asked for, the first unreadable files are named on stderr


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "batch",
        help="批量审核：文件夹或 .zip 中的全部报表",
        description="批量审核报表：递归查找文件夹、直接读取 .zip 压缩包，多进程（或 Dask 集群）并行校验，"
        "并检查重复报送、跨期一致性与同行业异常值。",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="报表文件、文件夹（递归）或 .zip 压缩包")
    p.add_argument("-o", "--output", metavar="review.xlsx", help="审核工作簿（总览、问题清单、统计、图表）")
    p.add_argument("--json", metavar="FILE", help="另存 JSON 报告（与 check --format json 相同的格式）")
    p.add_argument("--junit", metavar="FILE", help="另存 JUnit XML（每份报表 × 每条规则一个测试用例）")
    p.add_argument("--html", metavar="FILE", help="另存 HTML 报告（单个文件，无需联网，可筛选）")
    p.add_argument("--format", choices=FORMATS, help="在标准输出打印报告：text、json、junit 或 github（GitHub Actions 注释）")
    p.add_argument("--prior", action="append", default=[], metavar="PATH", help="上期报表（文件、文件夹或 .zip，可多次使用），启用跨期审核")
    p.add_argument("--rules", action="append", default=[], metavar="PATH", help="追加规则文件或文件夹（可多次使用）")
    p.add_argument("--strict", action="store_true", help="提示性问题也视为不通过（退出码 1）")
    p.add_argument("--workers", type=int, metavar="N", help="本机工作进程数（默认：CPU 核数）")
    p.add_argument("--cluster", metavar="ADDRESS", help="在 Dask 集群上运行（如 tcp://10.0.0.5:8786）；各节点须能访问输入文件")
    p.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS", help="单个文件读取时限（默认 60 秒）")
    p.add_argument("--max-size", type=float, default=64.0, metavar="MB", help="单个文件大小上限（默认 64 MB）")
    p.add_argument("--gx", metavar="DIR", help="同时运行 Great Expectations 校验，结果与数据文档存放在 DIR")
    p.add_argument("--no-progress", action="store_true", help="不显示进度条")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from sasac_check.speed.fastexit import exits_after_main
    from sasac_check.speed.gcpause import paused_gc

    with paused_gc(restore=not exits_after_main()):  # the outputs, too, are many small acyclic objects
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    from sasac_check.batch import BatchOptions, run_batch
    from sasac_check.errors import UsageError

    if args.workers is not None and args.workers < 1:
        raise UsageError("--workers 必须为正整数")
    opts = BatchOptions(rules=args.rules, prior=args.prior, workers=args.workers, cluster=args.cluster, strict=args.strict,
                        timeout=args.timeout, max_mb=args.max_size, progress=False if args.no_progress else None, gx_dir=args.gx,
                        skip=[f for f in (args.output, args.json, args.junit, args.html) if f])
    try:
        br = run_batch(args.paths, opts)
    except Exception as e:
        from sasac_check.batch.cluster import ClusterUnavailable

        if isinstance(e, ClusterUnavailable):
            raise UsageError(str(e)) from None
        raise
    result = br.result
    written = []
    review = _ReviewWriter(args.output, br) if args.output else None
    if args.json:
        from sasac_check.report.jsonfmt import render_bytes

        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_bytes(render_bytes(result))
        written.append(Path(args.json))
    if args.junit:
        from sasac_check.report.junit import write_junit

        written.append(write_junit(args.junit, result, br.rule_kinds, args.strict))
    if args.html:
        from sasac_check.report.html import write_html

        written.append(write_html(args.html, result, br.indicator_units))
    if review is not None:
        written.insert(0, review.wait())
    if args.format:
        _print(args.format, result, br, args.strict)
    for note in br.notes:
        print(note, file=sys.stderr)
    files = result.files
    bad = sum(1 for f in files if f.status == "failed")
    unread = sum(1 for f in files if f.status == "unreadable")
    rate = len(files) / br.seconds if br.seconds else 0.0
    print(f"共 {len(files)} 份：通过 {len(files) - bad - unread}，未通过 {bad}，无法读取 {unread}；"
          f"问题 {len(result.findings)} 条；跨期配对 {br.pairs} 对；用时 {br.seconds:.1f} 秒（{rate:.0f} 份/秒）", file=sys.stderr)
    for w in written:
        print(f"已写入 {w}", file=sys.stderr)
    if not written and not args.format:
        unreadable = [f for f in files if f.status == "unreadable"]
        for f in unreadable[:UNREADABLE_SHOWN]:
            print(f"  无法读取 {f.path}：{f.reason}", file=sys.stderr)
        if len(unreadable) > UNREADABLE_SHOWN:
            print(f"  ……另有 {len(unreadable) - UNREADABLE_SHOWN} 份无法读取", file=sys.stderr)
        print("未指定输出：用 -o review.xlsx、--html review.html 或 --format text 查看每份报表的问题明细", file=sys.stderr)
    return result.exit_code(args.strict)


class _ReviewWriter:
    """Writes the review workbook in a forked process while the parent writes the other outputs.

    The workbook is the slowest output (≈ 0.05 ms per return); on two cores it costs little wall time this way.
    Without a safe fork (Windows, macOS spawn, threads running) it is written inline.
    """

    def __init__(self, path: str, br) -> None:
        import multiprocessing as mp

        from sasac_check.report.review import write_review
        from sasac_check.speed.fork import can_fork

        self.path = Path(path)
        self.proc = None
        if not can_fork():
            write_review(path, br.result, br.indicator_units, br.regions)
            return
        ctx = mp.get_context("fork")
        self.proc = ctx.Process(target=write_review, args=(path, br.result, br.indicator_units, br.regions))
        self.proc.start()

    def wait(self) -> Path:
        if self.proc is not None:
            self.proc.join()
            if self.proc.exitcode != 0:
                raise RuntimeError(f"写审核工作簿 {self.path} 失败（子进程退出码 {self.proc.exitcode}）")
        return self.path


def _print(fmt: str, result, br, strict: bool) -> None:
    if fmt == "junit":
        from sasac_check.report import junit

        junit.write(sys.stdout, result, br.rule_kinds, strict)
        return
    from sasac_check.report import REPORTERS

    sys.stdout.write(REPORTERS[fmt](result))
