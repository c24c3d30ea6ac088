"""Finds the returns to review: files, folders (recursively) and .zip archives (members read in place)."""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

WORKBOOK_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".et"})
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
    return Path(base).suffix.lower() in WORKBOOK_SUFFIXES


def _zip_tasks(path: Path, start: int, max_bytes: int) -> list[Task]:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = [i for i in zf.infolist() if not i.is_dir() and _wanted(i.filename)]
    except (zipfile.BadZipFile, OSError) as e:
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


def discover(paths: list[str | Path], max_mb: float = DEFAULT_MAX_MB) -> list[Task]:
    """Every input in the given order; folders sorted recursively; a missing path is a task with an error."""
    max_bytes = int(max_mb * 2**20) if max_mb else 0
    files: list[Path] = []
    missing: list[str] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = []
            for root, dirs, names in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                found += [Path(root) / n for n in sorted(names) if _wanted(n) or n.lower().endswith(".zip")]
            files += found
        elif p.exists():
            files.append(p)
        else:
            missing.append(str(p))
            files.append(p)
    tasks: list[Task] = []
    for f in files:
        i = len(tasks)
        if str(f) in missing and not f.exists():
            tasks.append(Task(i, str(f), str(f), error="文件不存在"))
        elif f.suffix.lower() == ".zip" and zipfile.is_zipfile(f):
            tasks += _zip_tasks(f, i, max_bytes)
        else:
            size = f.stat().st_size
            tasks.append(Task(i, str(f), str(f), None, size, _too_large(size, max_bytes)))
    return tasks
