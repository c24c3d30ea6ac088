"""One chunk in a forked child under the per-file budget, for hosts that give no worker pool (a Dask worker thread)."""

from __future__ import annotations

import os
import pickle
import select
import struct
import time

from sasac_check.batch import worker
from sasac_check.batch.worker import ChunkResult, FileRecord, Job
from sasac_check.read.isolate import kill_child

GRACE_SECONDS = 5.0  # after the child's own per-file alarm, how long before it is killed from outside
_IDX = struct.Struct("<q")


def run_chunk_guarded(job: Job, memory_mb: float = 0.0) -> ChunkResult:
    """The chunk's result, each file within `job.timeout` and `memory_mb`: a file that blows them is an unreadable
    row (the files after it are read again in a fresh child), the chunk goes on. Inline where fork is missing."""
    if not hasattr(os, "fork"):
        return worker.process_chunk(job)
    tasks = list(job.tasks)
    bad: list[FileRecord] = []
    attempts = 0
    while tasks:
        res, cur, why = _forked(Job(tasks, job.rule_paths, job.timeout, job.prior), memory_mb)
        if res is not None:
            res.records = sorted([*bad, *res.records], key=lambda r: r.index)
            return res
        hit = [t for t in tasks if t.index == cur]
        if not hit:
            attempts += 1
            if attempts > 1:  # died twice outside any file: the chunk is lost, not the batch
                out = worker.failed_chunk(Job(tasks, job.rule_paths, job.timeout, job.prior), "校验时进程异常退出，已跳过")
                out.records = sorted([*bad, *out.records], key=lambda r: r.index)
                return out
            continue
        bad += [FileRecord(t.index, t.name, "unreadable", why, prior=job.prior) for t in hit]
        tasks = [t for t in tasks if t.index != cur]
    return ChunkResult(sorted(bad, key=lambda r: r.index), [])


def _forked(job: Job, memory_mb: float) -> tuple[ChunkResult | None, int, str]:
    from sasac_check.read.isolate import memory_reason, timeout_reason

    parent = os.getpid()
    res_r, res_w = os.pipe()
    prog_r, prog_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            os.close(res_r)
            os.close(prog_r)
            from sasac_check.atomicio import die_with_parent
            from sasac_check.read.isolate import limit_memory

            die_with_parent(parent)
            limit_memory(memory_mb)
            worker.ON_FILE = lambda t: os.write(prog_w, _IDX.pack(-1 if t is None else t.index))
            payload = memoryview(pickle.dumps(worker.process_chunk(job), protocol=pickle.HIGHEST_PROTOCOL))
            while payload:
                payload = payload[os.write(res_w, payload):]
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(res_w)
    os.close(prog_w)
    cur, started, data, progress = -1, time.monotonic(), [], b""
    limit = job.timeout + GRACE_SECONDS if job.timeout > 0 else None
    try:
        open_fds = [res_r, prog_r]
        while res_r in open_fds:
            ready, _, _ = select.select(open_fds, [], [], 0.25)
            for fd in ready:
                chunk = os.read(fd, 1 << 20)
                if fd == prog_r:
                    if not chunk:
                        open_fds.remove(prog_r)
                        continue
                    progress += chunk
                    while len(progress) >= _IDX.size:
                        (cur,), progress = _IDX.unpack(progress[:_IDX.size]), progress[_IDX.size:]
                        started = time.monotonic()
                elif chunk:
                    data.append(chunk)
                else:
                    open_fds.remove(res_r)
            if limit is not None and cur >= 0 and time.monotonic() - started > limit and res_r in open_fds:
                kill_child(pid)
                return None, cur, timeout_reason(job.timeout)
    except BaseException:
        kill_child(pid)
        raise
    finally:
        os.close(res_r)
        os.close(prog_r)
    os.waitpid(pid, 0)
    if not data:
        return None, cur, memory_reason(memory_mb) if memory_mb else "读取时进程异常退出（文件可能已损坏），已跳过"
    return pickle.loads(b"".join(data)), -1, ""
