"""Local worker processes with a watchdog: a chunk whose file hangs in C code is killed and the rest re-run."""

from __future__ import annotations

import multiprocessing as mp
import os
import time
from collections import deque
from collections.abc import Iterable, Iterator
from multiprocessing.connection import Connection, wait

from sasac_check.batch import worker
from sasac_check.batch.worker import ChunkResult, FileRecord, Job
from sasac_check.read.isolate import memory_reason

GRACE_SECONDS = 5.0  # after the in-worker alarm, how long the parent waits before killing the process


def _worker_main(conn: Connection, watch, slot: int, parent: int = 0, memory_mb: float = 0.0) -> None:
    from sasac_check.atomicio import die_with_parent
    from sasac_check.read.isolate import limit_memory

    die_with_parent(parent or None)  # workers never outlive the batch (Ctrl-C, SIGKILL of the parent)
    limit_memory(memory_mb)  # a file that needs more fails (MemoryError, or the worker dies): a row, and the run goes on
    worker.WATCH = (watch, slot)
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        jid, job = msg
        try:
            res = worker.process_chunk(job)
        except BaseException as e:  # never lose a chunk silently
            res = worker.failed_chunk(job, f"处理时出错（{type(e).__name__}: {e}）")
        try:
            conn.send((jid, res))
        except (BrokenPipeError, OSError):
            return


class _Slot:
    def __init__(self, ctx, watch, slot: int, memory_mb: float = 0.0) -> None:
        self.conn, child = ctx.Pipe(duplex=True)
        self.proc = ctx.Process(target=_worker_main, args=(child, watch, slot, os.getpid(), memory_mb), daemon=True,
                                name=f"sasac-batch-{slot}")
        self.proc.start()
        child.close()
        self.job: tuple[int, Job] | None = None


class LocalPool:
    """`workers` processes; `run(jobs)` yields each chunk's result as it completes (order not kept)."""

    def __init__(self, workers: int, timeout: float, memory_mb: float = 0.0, method: str | None = None) -> None:
        # fork: workers start at once with the rules already imported; the parent runs no threads of its own
        self.ctx = mp.get_context(method or ("fork" if "fork" in mp.get_all_start_methods() else "spawn"))
        self.n = max(1, workers)
        self.timeout = timeout
        self.memory_mb = memory_mb
        self.watch = self.ctx.Array("d", [0.0, -1.0] * self.n, lock=False)
        self.slots = [_Slot(self.ctx, self.watch, i, memory_mb) for i in range(self.n)]
        self._jid = 0

    def close(self) -> None:
        for s in self.slots:
            try:
                s.conn.send(None)
            except (BrokenPipeError, OSError):
                pass
        for s in self.slots:
            s.proc.join(timeout=2)
            if s.proc.is_alive():
                s.proc.kill()
                s.proc.join()
            s.conn.close()

    def __enter__(self) -> LocalPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _give(self, i: int, job: Job) -> None:
        self._jid += 1
        self.slots[i].job = (self._jid, job)
        self.slots[i].conn.send((self._jid, job))

    def _restart(self, i: int) -> None:
        old = self.slots[i]
        if old.proc.is_alive():
            old.proc.kill()
        old.proc.join()
        old.conn.close()
        self.watch[2 * i], self.watch[2 * i + 1] = 0.0, -1.0
        self.slots[i] = _Slot(self.ctx, self.watch, i, self.memory_mb)

    def run(self, jobs: Iterable[Job]) -> Iterator[ChunkResult]:
        """Results as chunks complete."""
        todo: deque[Job] = deque()
        source = iter(jobs)

        def next_job() -> Job | None:
            if todo:
                return todo.popleft()
            return next(source, None)

        for i in range(self.n):
            j = next_job()
            if j is not None:
                self._give(i, j)
        while any(s.job for s in self.slots):
            by_conn = {s.conn: i for i, s in enumerate(self.slots) if s.job}
            for conn in wait(list(by_conn), timeout=0.25):
                i = by_conn[conn]  # type: ignore[index]
                slot = self.slots[i]
                try:
                    jid, res = conn.recv()  # type: ignore[union-attr]
                except (EOFError, OSError):
                    continue  # died: handled below
                if slot.job and jid == slot.job[0]:
                    slot.job = None
                    yield res
                    j = next_job()
                    if j is not None:
                        self._give(i, j)
            yield from self._watchdog(todo)
            if not any(s.job for s in self.slots):
                j = next_job()
                if j is not None:
                    self._give(0, j)

    def _watchdog(self, todo: deque[Job]) -> Iterator[ChunkResult]:
        now = time.time()
        for i, slot in enumerate(self.slots):
            if not slot.job:
                continue
            start, cur = self.watch[2 * i], int(self.watch[2 * i + 1])
            dead = not slot.proc.is_alive()
            hung = self.timeout > 0 and start > 0 and now - start > self.timeout + GRACE_SECONDS
            if not (dead or hung):
                continue
            _, job = slot.job
            slot.job = None
            self._restart(i)
            bad = [t for t in job.tasks if t.index == cur]
            if hung:
                why = f"读取超时（超过 {self.timeout:g} 秒），已停止：文件可能损坏或过于复杂"
            else:
                why = memory_reason(self.memory_mb) if self.memory_mb else "读取时进程异常退出（文件可能已损坏），已跳过"
            if bad:
                yield ChunkResult([FileRecord(t.index, t.name, "unreadable", why, prior=job.prior) for t in bad], [])
                rest = [t for t in job.tasks if t.index != cur]
                if rest:
                    todo.appendleft(Job(rest, job.rule_paths, job.timeout, job.prior))
            elif job.attempts:  # died twice outside any file: give up on this chunk, not on the batch
                yield worker.failed_chunk(job, "校验时进程异常退出，已跳过")
            else:  # died between files: run the chunk once more
                todo.appendleft(Job(job.tasks, job.rule_paths, job.timeout, job.prior, job.attempts + 1))
            j = todo.popleft() if todo else None
            if j is not None:
                self._give(i, j)
