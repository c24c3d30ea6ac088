"""`sasac-check batch`: review many returns (folders, .zip) in parallel into a review workbook, JSON, JUnit, HTML."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sasac_check.report.safetext import clean_text, safe

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
    p.add_argument("--max-memory", type=float, default=1024.0, metavar="MB",
                   help="读取单个文件可用的内存上限，每个工作进程（默认 1024 MB；0 不限）")
    p.add_argument("--gx", metavar="DIR", help="同时运行 Great Expectations 校验，结果与数据文档存放在 DIR")
    p.add_argument("--no-progress", action="store_true", help="不显示进度条")
    p.set_defaults(func=run)


def _check_outputs(args: argparse.Namespace) -> None:
    """Every output refused before any work when it is an input, a folder, a device, or under a file (exit 2)."""
    import os

    from sasac_check.atomicio import OutputError, check_target

    inputs = [p for p in [*args.paths, *args.prior] if os.path.isfile(p)]
    outs = [(f, what) for f, what in ((args.output, "审核工作簿"), (args.json, "JSON 报告"), (args.junit, "JUnit 报告"),
                                      (args.html, "HTML 报告")) if f]
    folders = [os.path.realpath(p) for p in [*args.paths, *args.prior] if os.path.isdir(p)]
    for f, what in outs:
        check_target(f, inputs, what)
        real = os.path.realpath(f)
        if os.path.isfile(real) and any(os.path.commonpath([real, d]) == d for d in folders) and not _own_review(real):
            from sasac_check.batch.inputs import WORKBOOK_SUFFIXES

            if os.path.splitext(real)[1].lower() in {*WORKBOOK_SUFFIXES, ".zip"}:
                raise OutputError(f"{what} {f} 是待审核文件夹中的工作簿，不是以前生成的审核工作簿：不能覆盖输入，请另选文件名")
    spelled = [os.path.abspath(f) for f, _ in outs]
    if len(set(spelled)) < len(spelled):
        raise OutputError("-o、--json、--junit、--html 不能指向同一个文件")


def _own_review(path: str) -> bool:
    """A review workbook an earlier batch wrote (its first sheet is 总览), which a new one may replace."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            head = zf.read("xl/workbook.xml")[:4096]
    except (OSError, KeyError, zipfile.BadZipFile, ValueError, EOFError, NotImplementedError):
        return False
    return '<sheet name="总览"'.encode() in head


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
    from sasac_check.commands.check import apply_budget

    apply_budget(args)
    _check_outputs(args)
    opts = BatchOptions(rules=args.rules, prior=args.prior, workers=args.workers, cluster=args.cluster, strict=args.strict,
                        timeout=args.timeout, max_mb=args.max_size, memory_mb=args.max_memory,
                        progress=False if args.no_progress else None, gx_dir=args.gx,
                        skip=[f for f in (args.output, args.json, args.junit, args.html) if f])
    try:
        br = run_batch(args.paths, opts)
    except Exception as e:
        from sasac_check.batch.cluster import ClusterUnavailable
        from sasac_check.batch.pipeline import EmptyBatch

        if isinstance(e, ClusterUnavailable | EmptyBatch):
            raise UsageError(str(e)) from None
        raise
    result = br.result
    written = []
    from sasac_check.atomicio import deferred

    review = None
    try:
        with deferred():  # every output renamed over its target together at the end, or none of them
            review = _ReviewWriter(args.output, br) if args.output else None
            if args.json:
                from sasac_check.atomicio import write_bytes
                from sasac_check.report.jsonfmt import render_bytes

                written.append(write_bytes(args.json, render_bytes(result), what="JSON 报告"))
            if args.junit:
                from sasac_check.report.junit import write_junit

                written.append(write_junit(args.junit, result, br.rule_kinds, args.strict))
            if args.html:
                from sasac_check.report.html import write_html

                written.append(write_html(args.html, result, br.indicator_units, lines=br.debt_lines))
            if review is not None:
                written.insert(0, review.wait())
    except BaseException:  # a failed output, or Ctrl-C: no other output replaced, the review child gone
        if review is not None:
            review.cancel()
        raise
    if args.format:
        _print(args.format, result, br, args.strict)
    for note in br.notes:
        print(clean_text(note), file=sys.stderr)
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
            print(f"  无法读取 {safe(f.path)}：{safe(f.reason)}", file=sys.stderr)
        if len(unreadable) > UNREADABLE_SHOWN:
            print(f"  ……另有 {len(unreadable) - UNREADABLE_SHOWN} 份无法读取", file=sys.stderr)
        print("未指定输出：用 -o review.xlsx、--html review.html 或 --format text 查看每份报表的问题明细", file=sys.stderr)
    return result.exit_code(args.strict)


class _ReviewWriter:
    """Writes the review workbook in a forked process while the parent writes the other outputs.

    The workbook is the slowest output (≈ 0.05 ms per return); on two cores it costs little wall time this way.
    Without a safe fork (Windows, macOS spawn, threads running) it is written inline. The child fills a temporary
    file beside the target; the parent renames it with the other outputs (atomicio.deferred) or removes it.
    """

    def __init__(self, path: str, br) -> None:
        import multiprocessing as mp
        import os

        from sasac_check.atomicio import reserve
        from sasac_check.report.review import write_review
        from sasac_check.speed.fork import can_fork

        self.path = Path(path)
        self.proc = None
        self.tmp = None
        if not can_fork():
            write_review(path, br.result, br.indicator_units, br.regions, lines=br.debt_lines)
            return
        self.tmp = reserve(path, what="审核工作簿")
        ctx = mp.get_context("fork")
        self.proc = ctx.Process(target=_write_review_child,
                                args=(os.getpid(), str(self.tmp), br.result, br.indicator_units, br.regions, br.debt_lines))
        self.proc.start()

    def cancel(self) -> None:
        from sasac_check.atomicio import discard

        if self.proc is not None and self.proc.is_alive():
            self.proc.kill()
            self.proc.join()
        if self.tmp is not None:
            discard(self.tmp)

    def wait(self) -> Path:
        if self.proc is not None:
            from sasac_check.atomicio import adopt

            self.proc.join()
            if self.proc.exitcode != 0:
                self.cancel()
                raise RuntimeError(f"写审核工作簿 {self.path} 失败（子进程退出码 {self.proc.exitcode}）")
            adopt(self.tmp, self.path, what="审核工作簿")  # type: ignore[arg-type]
        return self.path


def _write_review_child(parent: int, tmp: str, result, units, regions, lines) -> None:
    """The review writer in its forked child: fills `tmp`, dies with the batch (Ctrl-C, SIGKILL)."""
    from sasac_check.atomicio import die_with_parent
    from sasac_check.report.review import write_review

    die_with_parent(parent)
    write_review(tmp, result, units, regions, lines=lines, atomic=False)


def _print(fmt: str, result, br, strict: bool) -> None:
    if fmt == "junit":
        from sasac_check.report import junit

        junit.write(sys.stdout, result, br.rule_kinds, strict)
        return
    from sasac_check.report import REPORTERS

    sys.stdout.write(REPORTERS[fmt](result))
