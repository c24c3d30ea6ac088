"""Finds the returns to review: files, folders (recursively) and .zip archives (members read in place)."""

from __future__ import annotations

import os
import stat
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sasac_check.read.guard import is_regular, not_regular_reason

WORKBOOK_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".et", ".ods", ".xlsb"})  # every one listed: read, or a row
NOT_REGULAR = -1  # the size _walk gives an entry that is no regular file (a FIFO, device, socket, or a link to one)
DEFAULT_MAX_MB = 64.0


@dataclass(frozen=True)
class Task:
    """One input to read: a file on disk, or a member of a .zip archive (`member` set); `name` is its report name."""

    index: int
    name: str
    path: str
    member: str | None = None
    size: int = 0
    error: str = ""  # set when the input is refused before reading (too large, bad archive)


def _wanted(name: str) -> bool:
    base = name.rsplit("/", 1)[-1]
    if not base or base.startswith(("~$", ".")) or "__MACOSX/" in name:
        return False
    return os.path.splitext(base)[1].lower() in WORKBOOK_SUFFIXES  # Path(base).suffix, without a Path per file


def _zip_tasks(path: Path, start: int, max_bytes: int) -> list[Task]:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = [i for i in zf.infolist() if not i.is_dir() and _wanted(i.filename)]
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as e:
        return [Task(start, str(path), str(path), error=f"压缩包已损坏或无法打开（{type(e).__name__}）")]
    out = []
    for i, info in enumerate(infos):
        name = f"{path}/{info.filename}"
        err = _too_large(info.file_size, max_bytes)
        if info.flag_bits & 0x1:
            err = "压缩包内的文件已加密（设置了解压密码），无法读取：请解压后再校验"
        out.append(Task(start + i, name, str(path), info.filename, info.file_size, err))
    if not out:
        out.append(Task(start, str(path), str(path), error="压缩包中没有 Excel 工作簿（.xlsx）"))
    return out


def _too_large(size: int, max_bytes: int) -> str:
    if max_bytes and size > max_bytes:
        return f"文件过大（{size / 2**20:.1f} MB，超过上限 {max_bytes / 2**20:.0f} MB），已跳过：请确认是否为报表工作簿"
    return ""


def _walk(folder: str) -> list[tuple[str, int]]:
    """(path, size) of every wanted file under `folder`: its files by name, then its folders (hidden ones skipped)."""
    out: list[tuple[str, int]] = []
    subdirs: list[str] = []
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return out
    for e in entries:
        try:
            if e.is_dir(follow_symlinks=False):  # as os.walk: a linked folder is not entered (no loops)
                if not e.name.startswith("."):
                    subdirs.append(e.path)
            elif _wanted(e.name) or e.name.lower().endswith(".zip"):
                regular = e.is_file(follow_symlinks=True) and stat.S_ISREG(e.stat().st_mode)
                out.append((e.path, e.stat().st_size if regular else NOT_REGULAR))
        except OSError:  # vanished or unreadable entry: reported when read
            out.append((e.path, 0))
    for d in subdirs:
        out += _walk(d)
    return out


def _mode(path: str) -> int:
    try:
        return os.stat(path).st_mode
    except OSError:
        return 0


def discover(paths: list[str | Path], max_mb: float = DEFAULT_MAX_MB, skip: Sequence[str | Path] = ()) -> list[Task]:
    """Every input in the given order; folders sorted recursively; a missing path is a task with an error.

    `skip`: files a folder walk passes over (the run's own outputs: a review.xlsx written into the folder it reviews
    is no return the next run should report as unreadable).
    """
    max_bytes = int(max_mb * 2**20) if max_mb else 0
    skipped = {os.path.realpath(s) for s in skip}
    tasks: list[Task] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = _walk(str(p))
            if skipped:
                found = [(f, size) for f, size in found if os.path.realpath(f) not in skipped]
        elif p.exists():
            found = [(str(p), p.stat().st_size if is_regular(p) else NOT_REGULAR)]
        else:
            tasks.append(Task(len(tasks), str(p), str(p), error="文件不存在"))
            continue
        for f, size in found:
            i = len(tasks)
            if size == NOT_REGULAR:  # never opened: a FIFO would block, a device never ends
                tasks.append(Task(i, f, f, None, 0, not_regular_reason(_mode(f))))
            elif f.lower().endswith(".zip") and zipfile.is_zipfile(f):
                tasks += _zip_tasks(Path(f), i, max_bytes)
            else:
                tasks.append(Task(i, f, f, None, size, _too_large(size, max_bytes)))
    return tasks
