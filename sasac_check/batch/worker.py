"""The work of one chunk, in a worker process: read each return, check the chunk, send back compact records."""

from __future__ import annotations

import math
import os
import signal
import threading
import time
import zipfile
from dataclasses import dataclass, field

import numpy as np

from sasac_check.batch.inputs import Task
from sasac_check.model.catalog import catalog
from sasac_check.model.finding import Finding
from sasac_check.model.submission import NotAReturn, Submission, UnreadableWorkbook
from sasac_check.speed.gcpause import freeze_for_forks, paused_gc
from sasac_check.speed.readahead import PREFETCH, close_all, prefetch

# The shared slot the parent watches for hung files: (array, slot) — [start time, task index] per slot.
WATCH: tuple | None = None


@dataclass
class Job:
    """A chunk of inputs and how to check them; `prior` chunks are only read (for 跨期), not reported."""

    tasks: list[Task]
    rule_paths: tuple[str, ...] = ()
    timeout: float = 60.0
    prior: bool = False
    attempts: int = 0


@dataclass
class XPBlock:
    """The 跨期 arrays of one chunk's returns: rows of n × len(keys) matrices, sent and kept as one block."""

    values: np.ndarray
    widths: np.ndarray
    unknown: np.ndarray
    cells: list[tuple]  # per row; returns of one template share one tuple object
    scale: np.ndarray


@dataclass
class XPData:
    """The values 跨期 rules need from one return: one row of its chunk's XPBlock (arrays over `xp_keys`)."""

    block: XPBlock
    row: int

    @property
    def values(self) -> np.ndarray:
        return self.block.values[self.row]

    @property
    def widths(self) -> np.ndarray:
        return self.block.widths[self.row]

    @property
    def unknown(self) -> np.ndarray:
        return self.block.unknown[self.row]

    @property
    def cells(self) -> tuple:
        return self.block.cells[self.row]

    @property
    def scale(self) -> float:
        return float(self.block.scale[self.row])


@dataclass
class FileRecord:
    """One input's outcome, small enough to keep for every file of a large batch."""

    index: int
    path: str
    status: str  # ok | unreadable
    reason: str = ""
    cover: dict[str, str] = field(default_factory=dict)
    indicators: dict[str, float | None] = field(default_factory=dict)
    cells: dict[str, tuple[str, str]] = field(default_factory=dict)  # cover fields and indicators -> (sheet, cell)
    xp: XPData | None = None
    prior: bool = False
    kind: str = "return"  # return | ledger | plan (a workbook without statements, recognised from its sheets)
    ledger: dict | None = None  # a ledger's completion figures and tasks
    found: list[Finding] = field(default_factory=list)  # a ledger's or plan table's findings, moved to the chunk's


@dataclass
class ChunkResult:
    records: list[FileRecord]
    findings: list[Finding]
    seconds: float = 0.0


class FileTimeout(Exception):
    """Raised by the per-file alarm."""


_RULES: dict = {}


def rules_for(paths: tuple[str, ...]):
    """The rule set (cached per process) and the keys 跨期 rules read."""
    got = _RULES.get(paths)
    if got is None:
        from sasac_check.rules.load import load_rules, shipped_rules

        rs = load_rules(list(paths)) if paths else shipped_rules()
        got = _RULES[paths] = (rs, xp_keys(rs))
    return got


def warm() -> None:
    """Import and build, once in the parent, what every worker needs, so forked workers start ready.

    Workers never import pandas: they check the schema constraints with numpy (schemarules).
    """
    from sasac_check.read import shipped_indicators

    shipped_indicators()
    import python_calamine  # noqa: F401

    from sasac_check.plans import shipped_plans

    shipped_plans()
    freeze_for_forks()


def xp_keys(rs) -> tuple[str, ...]:
    """Every item[column] a 跨期 rule reads, on either side, plus every statement line and stated indicator."""
    from sasac_check.model.catalog import catalog
    from sasac_check.rules import expr

    cat = catalog()
    keys = set(cat.keys()) | {f"{name}[本期值]" for name in rs.indicators}
    for r in rs.rules:
        if not r.needs_prior:
            continue
        nodes = [r.check] + ([r.when] if r.when is not None else [])
        for n in nodes:
            keys.update(f"{w.indicator}[本期值]" for w in expr.walk(n) if isinstance(w, expr.Stated))
            for ref in expr.refs(n):
                keys.update(f"{ref.item}[{expr.column_for(cat, ref.item, ref.column, c)}]" for c in r.columns)
    return tuple(sorted(keys))


def _alarm(signum, frame):
    raise FileTimeout


def _read(task: Task, zips: dict[str, zipfile.ZipFile], fds: dict[int, int] | None = None) -> Submission:
    if task.member is None:
        from sasac_check.read import read_workbook

        return read_workbook(task.path, compact=True, fd=fds.pop(task.index, None) if fds else None)
    from sasac_check.batch.readbytes import read_bytes

    zf = zips.get(task.path)
    if zf is None:
        zf = zips[task.path] = zipfile.ZipFile(task.path)
    try:
        from sasac_check.read.guard import LIMITS, read_capped

        data = read_capped(zf, zf.getinfo(task.member), task.name, task.member, LIMITS.max_bytes or None)
    except (zipfile.BadZipFile, zlib_error(), OSError, KeyError, RuntimeError, EOFError, NotImplementedError) as e:
        raise UnreadableWorkbook(task.name, f"压缩包中的文件已损坏，无法解压（{type(e).__name__}）") from None
    return read_bytes(data, task.name, compact=True)


def zlib_error() -> type[Exception]:
    import zlib

    return zlib.error


ON_FILE = None  # called with each task as its reading starts (and None when it ends): the forked chunk's progress


def _mark(task: Task | None) -> None:
    if ON_FILE is not None:
        ON_FILE(task)
    if WATCH is not None:
        arr, slot = WATCH
        arr[2 * slot] = time.time() if task is not None else 0.0
        arr[2 * slot + 1] = task.index if task is not None else -1


def read_one(task: Task, timeout: float, zips: dict, armed: bool = False, fds: dict[int, int] | None = None
             ) -> Submission | FileRecord:
    """A Submission, or the unreadable record saying why (never an exception).

    `armed`: the SIGALRM handler is installed already (once per chunk, by the caller); `fds`: files prefetch opened.
    """
    if task.error:
        return FileRecord(task.index, task.name, "unreadable", task.error)
    use_alarm = timeout > 0 and (armed or threading.current_thread() is threading.main_thread())
    _mark(task)
    try:
        if use_alarm:
            if not armed:
                signal.signal(signal.SIGALRM, _alarm)
            signal.setitimer(signal.ITIMER_REAL, timeout)
        try:
            sub = _read(task, zips, fds)
        except NotAReturn as e:  # only workbooks without statement sheets pay for this
            return _other_kind(task, e, zips)
        finally:
            if use_alarm:
                signal.setitimer(signal.ITIMER_REAL, 0)
        sub.file = task.name
        return sub
    except FileTimeout:
        return FileRecord(task.index, task.name, "unreadable", f"读取超时（超过 {timeout:g} 秒），已停止：文件可能损坏或过于复杂")
    except UnreadableWorkbook as e:
        return FileRecord(task.index, task.name, "unreadable", e.reason)
    except MemoryError:
        return FileRecord(task.index, task.name, "unreadable", "读取时内存不足，已停止：文件过大或已损坏")
    except Exception as e:  # a reader bug on a strange file must not stop the batch
        return FileRecord(task.index, task.name, "unreadable", f"读取时出错（{type(e).__name__}: {e}）")
    finally:
        _mark(None)


def _other_kind(task: Task, e: NotAReturn, zips: dict) -> FileRecord:
    """The record of a ledger or plan table (as `check` reads it), or the return reader's reason as unreadable."""
    from sasac_check.ledger.run import other_kind

    if task.member is None:
        data = None
    else:
        data = zips[task.path].read(task.member)
    res, found = other_kind(task.path, e, data=data, name=task.name)
    return FileRecord(task.index, task.name, res.status, res.reason, cover=res.cover, kind=res.kind, ledger=res.ledger,
                      found=found)


def _num(x: float) -> float | None:
    return None if not math.isfinite(x) else round(x, 6)


def _records(good: list[tuple[Task, Submission]], table, keys: tuple[str, ...], inds: dict, prior: bool) -> list[FileRecord]:
    """The records of a chunk's readable returns; 跨期 arrays are rows of one matrix taken from the table."""
    vals, wids, unk = table.rows(keys)
    cover_cells = [f.name for f in catalog().cover_fields]
    names = list(inds)
    stated = [(n, f"{n}[本期值]") for n in names]
    cells_of: list[tuple] = []  # per return: its 跨期 cells; returns of one template share one tuple
    own_cells: list[dict] = []  # per return: its cover and stated-indicator cells; shared likewise (never modified)
    shared: dict[tuple, tuple] = {}
    last: tuple[dict, tuple, dict] | None = None
    for _, sub in good:  # returns of one template have equal cells: compared in C, built and hashed once
        if last is not None and sub.cells == last[0]:
            cells_of.append(last[1])
            own_cells.append(last[2])
            continue
        t = tuple(map(sub.cells.get, keys))
        t = shared.setdefault(t, t)
        cells = {k: sub.cells[k] for k in cover_cells if k in sub.cells}
        for name, k in stated:
            c = sub.cells.get(k)
            if c:
                cells[name] = c
        cells_of.append(t)
        own_cells.append(cells)
        last = (sub.cells, t, cells)
    block = XPBlock(vals, wids, unk, cells_of, np.array([sub.scale for _, sub in good], dtype=float))
    columns = [[_num(x) for x in mid.tolist()] for mid in inds.values()]  # the chunk's midpoints, column-wise
    texts: dict[str, str] = {}  # one object per distinct cover text: pickled once per chunk, not once per return
    out = []
    for i, (task, sub) in enumerate(good):
        cells = own_cells[i]
        values = dict(zip(names, [col[i] for col in columns], strict=True))
        xp = XPData(block, i)
        cover = {k: texts.setdefault(v, v) for k, v in sub.cover.items()}
        out.append(FileRecord(task.index, task.name, "ok", cover=cover, indicators=values, cells=cells, xp=xp, prior=prior))
    return out


def _check(rs, subs: list[Submission]):
    from sasac_check.check.constraints import validate
    from sasac_check.check.run import check_submissions, compute_indicators, without_restated
    from sasac_check.plans import plan_findings

    # The schema constraints through numpy, not pandera: the same findings (schemarules), without pandas here.
    findings, table = check_submissions(rs, subs, schemas=False)
    findings = without_restated(findings + validate(table, "numpy"))  # numpy: no pandas in a batch
    findings += plan_findings(rs, subs)  # as `check` does: targets binding one enterprise, 提示性
    # Midpoints once per chunk: each record reads one row of them.
    return findings, {n: iv.mid for n, iv in compute_indicators(rs, table).items()}, table


def process_chunk(job: Job) -> ChunkResult:
    """Read every task of the chunk, check the readable ones together, return records and findings.

    The cyclic garbage collector is paused for the chunk (see gcpause).
    """
    with paused_gc():
        return _process_chunk(job)


def _process_chunk(job: Job) -> ChunkResult:
    t0 = time.perf_counter()
    rs, keys = rules_for(job.rule_paths)
    zips: dict[str, zipfile.ZipFile] = {}
    records: list[FileRecord] = []
    good: list[tuple[Task, Submission]] = []
    others: list[Finding] = []  # findings of ledgers and plan tables in the chunk
    armed = job.timeout > 0 and threading.current_thread() is threading.main_thread()
    if armed:
        signal.signal(signal.SIGALRM, _alarm)
    tasks = job.tasks
    fds: dict[int, int] = {}
    try:
        for t in tasks[:PREFETCH]:
            prefetch(t, fds)
        for i, task in enumerate(tasks):
            if i + PREFETCH < len(tasks):
                prefetch(tasks[i + PREFETCH], fds)
            got = read_one(task, job.timeout, zips, armed, fds)
            if isinstance(got, FileRecord):
                got.prior = job.prior
                records.append(got)
                if got.found:
                    others += got.found if not job.prior else []
                    got.found = []
            else:
                good.append((task, got))
    finally:
        close_all(fds)
    for zf in zips.values():
        zf.close()
    findings: list[Finding] = []
    if job.prior:
        if good:
            from sasac_check.check.table import SubmissionTable

            records += _records(good, SubmissionTable.from_submissions([s for _, s in good]), keys, {}, True)
        return ChunkResult(records, [], time.perf_counter() - t0)
    if good:
        subs = [s for _, s in good]
        try:
            findings, inds, table = _check(rs, subs)
            records += _records(good, table, keys, inds, False)
        except Exception:  # isolate the return the engine trips on; the others are still checked together
            findings = []
            for t, s in good:
                try:
                    f, inds, table = _check(rs, [s])
                    findings += f
                    records += _records([(t, s)], table, keys, inds, False)
                except Exception as e:
                    records.append(FileRecord(t.index, t.name, "unreadable", f"校验时出错（{type(e).__name__}: {e}）"))
    records.sort(key=lambda r: r.index)
    return ChunkResult(records, others + findings, time.perf_counter() - t0)


def failed_chunk(job: Job, reason: str) -> ChunkResult:
    """Every task of a chunk as unreadable with `reason` (a worker died on it)."""
    return ChunkResult([FileRecord(t.index, t.name, "unreadable", reason, prior=job.prior) for t in job.tasks], [])


def pid() -> int:
    return os.getpid()
