"""One call run in a forked process while the caller goes on (inline where fork is unavailable)."""

from __future__ import annotations

import multiprocessing as mp
import os
import threading
from collections.abc import Callable
from typing import Any


def _child(conn, fn: Callable, args: tuple, parent: int) -> None:
    from sasac_check.atomicio import die_with_parent

    die_with_parent(parent)  # a helper never outlives the command (Ctrl-C, SIGKILL)
    try:
        conn.send((True, fn(*args)))
    except BaseException:  # the parent then runs the call itself (and meets the error, if it is one)
        try:
            conn.send((False, None))
        except Exception:
            pass
    finally:
        conn.close()


def can_fork() -> bool:
    """Fork is available and safe: no other thread (a Dask client's, say) could hold a lock the child needs."""
    return "fork" in mp.get_all_start_methods() and threading.active_count() == 1


class Background:
    """`fn(*args)` in a forked child (inline when fork is unavailable or unsafe); `result()` waits for its value.

    Should the child fail or die, `result()` runs the call in the caller instead: the answer is never lost,
    only the time saved.
    """

    def __init__(self, fn: Callable, *args: Any) -> None:
        self.fn, self.args = fn, args
        self.proc = self.conn = None
        if not can_fork():
            return
        ctx = mp.get_context("fork")
        self.conn, child = ctx.Pipe(duplex=False)
        self.proc = ctx.Process(target=_child, args=(child, fn, args, os.getpid()), daemon=True)
        self.proc.start()
        child.close()

    def result(self) -> Any:
        if self.proc is None:
            return self.fn(*self.args)
        try:
            ok, value = self.conn.recv()  # type: ignore[union-attr]
        except (EOFError, OSError):
            ok, value = False, None  # the child died
        finally:
            self.conn.close()  # type: ignore[union-attr]
            self.proc.join()
        return value if ok else self.fn(*self.args)
