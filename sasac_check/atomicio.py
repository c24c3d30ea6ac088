"""Writes every output atomically: a unique temporary file beside the target, fsync, then a rename over a regular file."""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

TMP_SUFFIX = ".sasac-tmp"


class OutputError(Exception):
    """An output that cannot or must not be written (Chinese message); the command ends with exit 2."""


def _why(e: OSError) -> str:
    return {
        errno.EACCES: "没有写入权限",
        errno.EPERM: "没有写入权限",
        errno.EROFS: "位于只读文件系统",
        errno.ENOSPC: "磁盘空间不足",
        errno.EDQUOT: "磁盘配额不足",
        errno.ENOTDIR: "路径中有一部分是文件而不是文件夹",
        errno.EISDIR: "这是一个文件夹",
        errno.ENAMETOOLONG: "文件名过长",
    }.get(e.errno or 0, e.strerror or str(e))


def same_file(a: str | Path, b: str | Path) -> bool:
    """True when both paths name one existing file (through `..`, links or hard links): compared by identity."""
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return False


def check_target(path: str | Path, inputs: Iterable[str | Path] = (), what: str = "输出文件") -> Path:
    """The target as a Path, or OutputError: not an input, not a folder, device or pipe, its folder a folder."""
    p = Path(path)
    if str(path) in ("", "-"):
        raise OutputError(f"{what}路径为空")
    for src in inputs:
        if same_file(p, src):
            raise OutputError(f"{what} {p} 与输入文件 {src} 是同一个文件，不能覆盖原文件：请另选文件名")
    try:
        st = os.stat(p)
    except FileNotFoundError:
        st = None
    except NotADirectoryError:
        raise OutputError(f"无法写入{what} {p}：路径中有一部分是文件而不是文件夹") from None
    except OSError as e:
        raise OutputError(f"无法写入{what} {p}：{_why(e)}") from None
    if st is not None:
        if stat.S_ISDIR(st.st_mode):
            raise OutputError(f"{what} {p} 是一个文件夹：请指定文件名，如 {p / 'review.xlsx'}")
        if not stat.S_ISREG(st.st_mode):
            raise OutputError(f"{what} {p} 不是普通文件（设备、管道或套接字），不会写入或替换它")
    parent = p.parent
    for anc in (parent, *parent.parents):
        if anc.exists():
            if not anc.is_dir():
                raise OutputError(f"无法写入{what} {p}：{anc} 是文件而不是文件夹")
            break
    return p


def _mode_for(p: Path) -> int:
    try:
        return stat.S_IMODE(os.stat(p).st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


@contextlib.contextmanager
def atomic_path(path: str | Path, inputs: Iterable[str | Path] = (), what: str = "输出文件") -> Iterator[Path]:
    """A fresh temporary path beside `path` to write to; renamed over `path` when the block ends without error.

    On any error or interrupt the temporary file is removed and `path` keeps its previous content.
    """
    inputs = list(inputs)
    t = reserve(path, inputs, what)
    try:
        yield t
        adopt(t, path, inputs, what)
    except BaseException:
        discard(t)
        raise


def reserve(path: str | Path, inputs: Iterable[str | Path] = (), what: str = "输出文件") -> Path:
    """A fresh temporary file beside `path` (checked first) for a writer to fill; then adopt() or discard() it."""
    p = check_target(path, list(inputs), what)
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        _sweep(p)
        fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.{os.getpid()}.", suffix=TMP_SUFFIX, dir=p.parent)
    except OSError as e:
        raise OutputError(f"无法写入{what} {p}：{_why(e)}") from None
    os.close(fd)
    return Path(tmp)


def adopt(t: Path, path: str | Path, inputs: Iterable[str | Path] = (), what: str = "输出文件") -> None:
    """The finished temporary file `t` made durable and renamed over `path` (at the end of deferred(), if open)."""
    p, inputs = Path(path), list(inputs)
    _sync(t, p, what)
    if _DEFERRED and _DEFERRED[-1][0] == os.getpid():
        _DEFERRED[-1][1].append((t, p, inputs, what))
        return
    _commit(t, p, inputs, what)


def discard(t: Path) -> None:
    with contextlib.suppress(OSError):
        t.unlink()


_DEFERRED: list[tuple[int, list[tuple[Path, Path, list, str]]]] = []


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Outputs finished inside the block are renamed over their targets together when it ends without error.

    So a command that writes several outputs (review, JSON, JUnit, HTML) replaces all of them within a moment
    at its very end, or none: killed or interrupted before that, every previous output is left as it was.
    """
    pending: list[tuple[Path, Path, list, str]] = []
    _DEFERRED.append((os.getpid(), pending))
    try:
        yield
    except BaseException:
        _DEFERRED.pop()
        for t, *_ in pending:
            discard(t)
        raise
    _DEFERRED.pop()
    try:
        for _t, p, inputs, what in pending:
            check_target(p, inputs, what)
    except BaseException:
        for t, *_ in pending:
            discard(t)
        raise
    with _no_interrupt():
        for i, (t, p, _inputs, what) in enumerate(pending):
            try:
                os.replace(t, p)
            except OSError as e:
                for rest, *_ in pending[i + 1:]:
                    discard(rest)
                raise OutputError(f"无法写入{what} {p}：{_why(e)}") from None
    for folder in {p.parent for _, p, _, _ in pending}:
        _sync_dir(folder)


def _sweep(p: Path) -> None:
    """Remove temporary files a killed run (SIGKILL, power loss) left beside `p`: those whose writer is gone."""
    try:
        leftovers = list(p.parent.glob(f".{glob_escape(p.name)}.*{TMP_SUFFIX}"))
    except OSError:
        return
    for t in leftovers:
        pid = t.name[len(p.name) + 2:].split(".", 1)[0]
        if not pid.isdigit() or _alive(int(pid)):
            continue
        with contextlib.suppress(OSError):
            t.unlink()


def glob_escape(name: str) -> str:
    import glob

    return glob.escape(name)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _sync(t: Path, p: Path, what: str) -> None:
    try:
        os.chmod(t, _mode_for(p))
        fd = os.open(t, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as e:
        raise OutputError(f"无法写入{what} {p}：{_why(e)}") from None


def _sync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # the rename itself made durable
        dfd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)


def _commit(t: Path, p: Path, inputs: list, what: str) -> None:
    check_target(p, inputs, what)  # nothing replaced the target by a folder or a device meanwhile
    with _no_interrupt():
        try:
            os.replace(t, p)
        except OSError as e:
            raise OutputError(f"无法写入{what} {p}：{_why(e)}") from None
    _sync_dir(p.parent)


@contextlib.contextmanager
def _no_interrupt() -> Iterator[None]:
    """Ctrl-C held back for the instant of the rename (delivered right after), in the main thread only."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    got: list[Any] = []
    old = signal.signal(signal.SIGINT, lambda *a: got.append(a))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)
        if got and callable(old):
            old(*got[0])


@contextlib.contextmanager
def atomic_open(path: str | Path, mode: str = "wb", inputs: Iterable[str | Path] = (), what: str = "输出文件",
                **kw: Any) -> Iterator[IO]:
    """An open file to write `path` through (see atomic_path); flushed and fsynced before the rename."""
    with atomic_path(path, inputs, what) as t:
        try:
            fh = open(t, mode, **kw)
        except OSError as e:
            raise OutputError(f"无法写入{what} {path}：{_why(e)}") from None
        with fh:
            try:
                yield fh
                fh.flush()
            except OSError as e:
                raise OutputError(f"无法写入{what} {path}：{_why(e)}") from None


def write_bytes(path: str | Path, data: bytes, inputs: Iterable[str | Path] = (), what: str = "输出文件") -> Path:
    with atomic_open(path, "wb", inputs, what) as fh:
        fh.write(data)
    return Path(path)


def write_text(path: str | Path, text: str, inputs: Iterable[str | Path] = (), what: str = "输出文件") -> Path:
    return write_bytes(path, text.encode("utf-8"), inputs, what)


def save_with(path: str | Path, save: Callable[[Path], Any], inputs: Iterable[str | Path] = (), what: str = "输出文件") -> Path:
    """`save(tmp_path)` (a library that writes to a path: openpyxl, xlsxwriter), then the rename over `path`."""
    with atomic_path(path, inputs, what) as t:
        try:
            save(t)
        except OSError as e:
            raise OutputError(f"无法写入{what} {path}：{_why(e)}") from None
    return Path(path)


# --- helpers die with their parent -------------------------------------------------------------------

def die_with_parent(parent: int | None = None) -> None:
    """In a forked helper: killed when the parent dies (Linux PR_SET_PDEATHSIG), and deaf to Ctrl-C (the parent
    handles it and takes its helpers down). Where prctl is unavailable, a thread watches the parent instead."""
    with contextlib.suppress(ValueError, OSError):
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = parent if parent is not None else os.getppid()
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(1, int(signal.SIGKILL), 0, 0, 0) == 0:  # PR_SET_PDEATHSIG
                if os.getppid() != parent:  # the parent died before the call
                    os._exit(1)
                return
        except (OSError, AttributeError):
            pass
    _watch_parent(parent)


def _watch_parent(parent: int) -> None:
    import threading
    import time

    def watch() -> None:
        while True:
            if os.getppid() != parent:
                os._exit(1)
            time.sleep(0.5)

    threading.Thread(target=watch, daemon=True, name="sasac-parent-watch").start()
