"""Read-ahead for a batch's workers: the kernel starts reading the next files while earlier ones are parsed."""

from __future__ import annotations

import os
import stat
from typing import Protocol


class _Task(Protocol):
    index: int
    path: str
    member: str | None
    error: str


PREFETCH = 32  # files ahead of the one being read whose reading the kernel is asked to start


def prefetch(task: _Task, fds: dict[int, int]) -> None:
    """Ask the kernel to start reading `task`'s file (posix_fadvise WILLNEED) while earlier ones are parsed.

    A reviewer's folder is usually not in the page cache: read one by one, a 20 KB return waited ≈ 0.5 ms for the
    disk here, about half its time; read ahead, the wait overlaps the parsing of the returns before it. The file
    stays open in `fds` (task index → descriptor) for its turn, so a cached file costs one system call more, not
    three. Never blocks (O_NONBLOCK: a FIFO or device named like a workbook is not waited on, nor kept) and never
    raises: the file is read, and any problem reported, when its turn comes.
    """
    if task.member is not None or task.error or not hasattr(os, "posix_fadvise"):
        return
    try:
        fd = os.open(task.path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            return
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_WILLNEED)
    except OSError:
        os.close(fd)
        return
    fds[task.index] = fd


def close_all(fds: dict[int, int]) -> None:
    """Close what prefetch left open (a chunk that ended early)."""
    for fd in fds.values():
        try:
            os.close(fd)
        except OSError:
            pass
    fds.clear()
