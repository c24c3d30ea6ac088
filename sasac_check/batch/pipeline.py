"""Runs a batch: discover inputs, read and check chunks in parallel, cross-submission checks, one RunResult."""

from __future__ import annotations

import gc
import math
import os
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sasac_check.batch import cross
from sasac_check.batch.inputs import DEFAULT_MAX_MB, Task, discover
from sasac_check.batch.worker import ChunkResult, FileRecord, Job, rules_for, warm
from sasac_check.check import priors
from sasac_check.check.priors import KINDS
from sasac_check.model.finding import Finding
from sasac_check.model.result import FileResult, RunResult, tally

# A chunk costs ≈ 6 ms beyond its returns (setting up the rules' evaluation, sending the results), ≈ 6 % of a
# MIN_CHUNK of returns; only the last few chunks are that small, so that the workers finish within ≈ 0.05 s of
# each other (the end of the batch waits for the last one). A worker holds ≈ 33 KB per return of its chunk:
# MAX_CHUNK keeps that near 80 MB.
MIN_CHUNK = 100
MAX_CHUNK = 2500


@dataclass
class BatchOptions:
    rules: Sequence[str] = ()
    prior: Sequence[str] = ()
    workers: int | None = None
    cluster: str | object | None = None  # an address, or a distributed.Client
    strict: bool = False
    timeout: float = 60.0
    max_mb: float = DEFAULT_MAX_MB
    memory_mb: float = 1024.0  # what reading one file may add to a worker's memory (0: no limit)
    chunk: int | None = None
    progress: bool | None = None  # None: on a terminal, not in CI
    gx_dir: str | None = None  # also run the Great Expectations suite over the batch
    skip: Sequence[str] = ()  # files folder walks pass over: the run's own outputs


@dataclass
class BatchResult:
    """The run in the `check` contract (`result`), plus what the review needs besides."""

    result: RunResult
    rule_kinds: list[tuple[str, str | None]]  # every rule and the 跨期 kind it needs (report/junit.py)
    seconds: float
    indicator_units: dict[str, str] = field(default_factory=dict)
    pairs: int = 0
    notes: list[str] = field(default_factory=list)  # one-line Chinese notes for stderr (GX, plans)
    regions: list = field(default_factory=list)  # plans.region.RegionSummary of each 监管机构 with a plan
    debt_lines: dict[str, float] | None = None  # 资产负债率 warning line by 行业类型, from the rules run

    def exit_code(self, strict: bool = False) -> int:
        return self.result.exit_code(strict)


def default_workers() -> int:
    try:
        n = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        n = os.cpu_count() or 1
    return max(1, n)


def _chunks(tasks: list[Task], size: int | None, opts: BatchOptions, prior: bool, workers: int = 1) -> Iterator[Job]:
    """Jobs of `size` tasks, or (size None) guided: large while much is left, smaller towards the end.

    Large chunks spread each chunk's fixed cost; the last ones are small so that no core idles while another
    finishes a big final chunk.
    """
    i, n = 0, len(tasks)
    floor = max(1, min(MIN_CHUNK, math.ceil(n / (workers * 2))))  # a small batch still spreads over the workers
    while i < n:
        step = size or max(floor, min(MAX_CHUNK, math.ceil((n - i) / (workers * 2))))
        yield Job(tasks[i:i + step], tuple(map(str, opts.rules)), opts.timeout, prior)
        i += step


def _show_progress(opts: BatchOptions) -> bool:
    if opts.progress is not None:
        return opts.progress
    ci = os.environ.get("CI", "").lower() in ("1", "true", "yes")
    return sys.stderr.isatty() and not ci


def run_batch(paths: Sequence[str | Path], opts: BatchOptions | None = None) -> BatchResult:
    """Check every return found under `paths`; RuleFileError propagates before any workbook is read.

    No lasting effect on the calling process: what warm() freezes for the forked workers is unfrozen after.
    (The console command pauses the cyclic GC around the whole command: speed/gcpause.py.)
    """
    frozen = gc.get_freeze_count()
    try:
        return _run_batch(paths, opts or BatchOptions())
    finally:
        if not frozen:
            gc.unfreeze()


def _run_batch(paths: Sequence[str | Path], opts: BatchOptions) -> BatchResult:
    t0 = time.perf_counter()
    rs, keys = rules_for(tuple(map(str, opts.rules)))
    warm()
    tasks = discover(list(paths), opts.max_mb, opts.skip)
    if not tasks:
        raise EmptyBatch(nothing_found(paths))
    prior_tasks = [Task(len(tasks) + t.index, t.name, t.path, t.member, t.size, t.error)
                   for t in discover(list(opts.prior), opts.max_mb)] if opts.prior else []
    workers = opts.workers or default_workers()
    jobs = [*_chunks(prior_tasks, opts.chunk, opts, True, workers), *_chunks(tasks, opts.chunk, opts, False, workers)]

    bar = None
    if _show_progress(opts):
        from tqdm import tqdm

        tqdm.monitor_interval = 0
        bar = tqdm(total=len(tasks) + len(prior_tasks), file=sys.stderr, unit="份", desc="校验", dynamic_ncols=True)
    records: list[FileRecord] = []
    prior_records: list[FileRecord] = []
    findings: list[Finding] = []
    try:
        for res in _execute(jobs, opts, workers):
            for r in res.records:
                (prior_records if r.prior else records).append(r)
            findings += res.findings
            if bar is not None:
                bar.update(len(res.records))
    finally:
        if bar is not None:
            bar.close()
    records.sort(key=lambda r: r.index)
    every = records
    records = [r for r in records if r.kind == "return"]  # ledgers and plan tables take no part in the cross checks
    prior_records = [r for r in prior_records if r.kind == "return"]
    findings += cross.duplicates(records)
    pairs = cross.match_priors(records, [*prior_records, *records])
    findings += cross.cross_period(rs, keys, pairs)
    paired = {c.path: {k: p.path for k, p in zip(KINDS, (ye, sp), strict=True) if p is not None} for c, ye, sp in pairs}
    findings += cross.peer_outliers(rs, records)
    from sasac_check.batch.regions import region_findings

    found, regions = region_findings(rs, records, keys)
    findings += found
    n_pairs = len(pairs)
    notes = _prior_notes(prior_records, {p.path for _, *ps in pairs for p in ps if p is not None})
    del prior_records, pairs
    if opts.gx_dir:
        from sasac_check.batch.gxhook import run_gx_hook

        notes.append(run_gx_hook(records, keys, rs, opts.gx_dir))
    result = _result(every, findings, opts.strict, paired)
    from sasac_check.report.junit import rule_kinds

    ids = rule_kinds(rs)
    units = {n: i.unit for n, i in rs.indicators.items()}
    from sasac_check.rules.thresholds import debt_warning_lines

    return BatchResult(result, ids, time.perf_counter() - t0, units, n_pairs, notes, regions, debt_warning_lines(rs))


def _execute(jobs: list[Job], opts: BatchOptions, workers: int) -> Iterator[ChunkResult]:
    """Results of every job as they complete."""
    if not jobs:
        return
    if opts.cluster is not None:
        from sasac_check.batch.cluster import run_on_cluster

        yield from run_on_cluster(opts.cluster, jobs, memory_mb=opts.memory_mb)
        return
    from sasac_check.batch.pool import LocalPool

    with LocalPool(workers, opts.timeout, opts.memory_mb) as pool:
        yield from pool.run(jobs)


PRIOR_NOTES_SHOWN = 10


class EmptyBatch(Exception):
    """No return was found under the paths given (Chinese message saying what was looked for)."""


def nothing_found(paths: Sequence[str | Path]) -> str:
    from sasac_check.batch.inputs import WORKBOOK_SUFFIXES

    kinds = "、".join(sorted(WORKBOOK_SUFFIXES))
    where = "、".join(str(p) for p in paths[:3]) + (f" 等 {len(paths)} 处" if len(paths) > 3 else "")
    return f"在 {where} 中没有找到报表文件：查找的是 {kinds} 工作簿及 .zip 压缩包（文件夹会递归查找，隐藏文件和 ~$ 临时文件除外）"


def _prior_notes(prior_records: list[FileRecord], used: set[str]) -> list[str]:
    """One line per --prior input that could not be read or that no return was compared with, with the reason."""
    bad = sorted((r for r in prior_records if r.status == "unreadable"), key=lambda r: r.index)
    notes = [f"上期报表 {r.path} 无法读取，未用于跨期审核：{r.reason}" for r in bad[:PRIOR_NOTES_SHOWN]]
    if len(bad) > PRIOR_NOTES_SHOWN:
        notes.append(f"……另有 {len(bad) - PRIOR_NOTES_SHOWN} 份上期报表无法读取")
    unused = sorted((r for r in prior_records if r.status == "ok" and r.path not in used), key=lambda r: r.index)
    notes += priors.unused_notes([r.cover for r in unused], [r.path for r in unused], [], PRIOR_NOTES_SHOWN)
    return notes


def _result(records: list[FileRecord], findings: list[Finding], strict: bool,
            paired: dict[str, dict[str, str]]) -> RunResult:
    """The same FileResults, counts and ordering as check.run.check_files (one tally)."""
    files = [FileResult(rec.path, rec.status, reason=rec.reason, cover=rec.cover, indicators=rec.indicators,
                        priors=paired.get(rec.path, {}), kind=rec.kind, ledger=rec.ledger) for rec in records]
    for rec in records:
        rec.xp = None
    return tally(files, findings, strict, {r.path: i for i, r in enumerate(records)})
