"""Reads one file in a forked child with a time and memory budget: a file that blows them is unreadable, not fatal."""

from __future__ import annotations

import os
import pickle
import select
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sasac_check.model.submission import NotAReturn, Submission, UnreadableWorkbook

MB = 2**20


@dataclass(frozen=True)
class Budget:
    """Per-file limits: seconds of wall time and MB of memory above what the process holds already (0: none)."""

    timeout: float = 60.0
    memory_mb: float = 1024.0


def vm_size() -> int:
    """The address space this process holds now (bytes; 0 where /proc is unavailable)."""
    try:
        with open("/proc/self/statm", "rb") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def limit_memory(memory_mb: float) -> None:
    """Cap this process's address space at what it holds now plus `memory_mb` (RLIMIT_AS; a no-op where absent)."""
    if memory_mb <= 0:
        return
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return
    base = vm_size()
    if not base:
        return
    want = base + int(memory_mb * MB)
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        want = min(want, hard)
    resource.setrlimit(resource.RLIMIT_AS, (want, hard))
    from sasac_check.read import guard

    guard.BACKSTOP = True  # the budget now stops an absurd sheet: no second inflation to pre-scan it


def timeout_reason(seconds: float) -> str:
    return f"读取超时（超过 {seconds:g} 秒），已停止：文件可能损坏或过于复杂（时限可用 --timeout 调整）"


def memory_reason(memory_mb: float) -> str:
    return (f"读取时超出内存上限（{memory_mb:g} MB）或读取进程异常退出，已停止：文件可能损坏、被篡改或过于庞大"
            "（上限可用 --max-memory 调整）")


def can_fork() -> bool:
    import threading

    return hasattr(os, "fork") and threading.active_count() == 1


def read_isolated(path: str | Path, budget: Budget, read: Callable[[str | Path], Submission] | None = None) -> Submission:
    """`read(path)` in a forked child under `budget`; the child's Submission, or UnreadableWorkbook saying why.

    The child dies with the parent (Ctrl-C, SIGKILL); inline where fork is unavailable.
    """
    if read is None:
        from sasac_check.read.reader import read_workbook as read
    if not can_fork():
        return read(path)
    _warm()
    return call_isolated(read, (path,), budget, str(path))


def call_isolated(fn: Callable, args: tuple, budget: Budget, file: str):
    """`fn(*args)` in a forked child under `budget`: its value; UnreadableWorkbook (for `file`) when it blows the
    budget or the file cannot be read; an OutputError it raises is raised here too (a refused output stays exit 2)."""
    from sasac_check.atomicio import OutputError

    parent = os.getpid()
    rfd, wfd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(rfd)
        code = 0
        try:
            from sasac_check.atomicio import die_with_parent

            die_with_parent(parent)
            limit_memory(budget.memory_mb)
            try:
                payload = pickle.dumps(("ok", fn(*args)), protocol=pickle.HIGHEST_PROTOCOL)
            except NotAReturn as e:  # another kind of workbook (ledger, plan table): the caller reads it as such
                payload = pickle.dumps(("not-a-return", e.reason))
            except UnreadableWorkbook as e:  # its own class (NotAReturn: another kind of workbook, tried by the caller)
                payload = pickle.dumps(("exc", (type(e), e.file, e.reason, dict(e.__dict__))))
            except OutputError as e:
                payload = pickle.dumps(("output", str(e)))
            except MemoryError:
                payload = pickle.dumps(("unreadable", memory_reason(budget.memory_mb)))
            except Exception as e:  # a reader bug on a strange file: a reason, not a traceback
                payload = pickle.dumps(("unreadable", f"读取时出错（{type(e).__name__}: {e}）"))
            view = memoryview(payload)
            while view:
                view = view[os.write(wfd, view):]
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(wfd)
    try:
        data = _collect(rfd, budget.timeout)
    except TimeoutError:
        kill_child(pid)
        raise UnreadableWorkbook(file, timeout_reason(budget.timeout)) from None
    except BaseException:  # Ctrl-C: the child goes with us
        kill_child(pid)
        raise
    finally:
        os.close(rfd)
    os.waitpid(pid, 0)
    if not data:
        raise UnreadableWorkbook(file, memory_reason(budget.memory_mb))
    kind, value = pickle.loads(data)
    if kind == "exc":
        cls, efile, reason, attrs = value
        err = cls(efile, reason)
        err.__dict__.update(attrs)
        raise err
    if kind == "unreadable":
        raise UnreadableWorkbook(file, value)
    if kind == "not-a-return":
        raise NotAReturn(file, value)
    if kind == "output":
        raise OutputError(value)
    return value


def _warm() -> None:
    """What every read needs, built once in the parent: each forked child starts with it (not 0.5 s of loading)."""
    import python_calamine  # noqa: F401

    from sasac_check.model.catalog import catalog
    from sasac_check.read.sheets import shipped_indicators

    catalog()
    shipped_indicators()


def _collect(fd: int, timeout: float) -> bytes:
    deadline = time.monotonic() + timeout if timeout > 0 else None
    parts: list[bytes] = []
    while True:
        wait = None if deadline is None else deadline - time.monotonic()
        if wait is not None and wait <= 0:
            raise TimeoutError
        ready, _, _ = select.select([fd], [], [], wait)
        if not ready:
            raise TimeoutError
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(parts)
        parts.append(chunk)


def kill_child(pid: int) -> None:
    """SIGKILL a forked child and reap it (gone already: nothing to do)."""
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass
