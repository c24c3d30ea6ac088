"""Budgets for reading a stranger's file: regular files only, sizes capped, zip inflation bounded, absurd sheets refused."""

from __future__ import annotations

import os
import stat
import struct
import zlib
from dataclasses import dataclass

from sasac_check.model.submission import UnreadableWorkbook

MB = 2**20
DEFLATE_MAX_RATIO = 1032  # deflate never inflates one byte into more than this many


@dataclass
class Limits:
    """What one input may cost; `set_limits` changes them for the process (the CLI options)."""

    max_bytes: int = 64 * MB  # the file itself (--max-size)
    max_part: int = 100 * MB  # one zip member, inflated
    max_total: int = 400 * MB  # every member of one workbook together, inflated (declared sizes)
    max_cells: int = 4_000_000  # the used range of one sheet (rows × columns) a reader may allocate for


LIMITS = Limits()
# True where the process runs under a memory budget (RLIMIT_AS: batch workers, check's reading children). There a
# sheet's grid is not pre-scanned (inflating every part again cost 4–13 % of a batch): an absurd used range makes the
# reader's allocation fail, and the file becomes a row saying so. Elsewhere (the API, in-process reads) the pre-scan
# refuses it first.
BACKSTOP = False


def set_limits(**kw: int) -> Limits:
    for k, v in kw.items():
        if v is not None:
            setattr(LIMITS, k, int(v))
    return LIMITS


def _mb(n: int) -> str:
    return f"{n / MB:.1f} MB" if n < 10 * MB else f"{n / MB:.0f} MB"


# --- opening: regular files only, within the size budget ----------------------------------------------

def not_regular_reason(mode: int) -> str:
    kind = "管道（FIFO）" if stat.S_ISFIFO(mode) else "设备" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else \
        "套接字" if stat.S_ISSOCK(mode) else "文件夹" if stat.S_ISDIR(mode) else "特殊文件"
    return f"不是普通文件（{kind}，或指向它的链接），已拒绝读取"


def too_large_reason(size: int, limit: int) -> str:
    return f"文件过大（{_mb(size)}，超过上限 {_mb(limit)}），已跳过：请确认是否为报表工作簿（上限可用 --max-size 调整）"


def load_file(path: str | os.PathLike, file: str, fd: int | None = None) -> bytes:
    """The bytes of a regular file within LIMITS.max_bytes; UnreadableWorkbook (Chinese reason) otherwise.

    Opened without blocking (a FIFO or device named like a workbook is never waited on), checked with fstat on
    the open descriptor (a link to /dev/zero is a device, whatever its name), read no further than the budget.
    """
    if fd is None:
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0))
        except FileNotFoundError:
            raise UnreadableWorkbook(file, "文件不存在") from None
        except IsADirectoryError:
            raise UnreadableWorkbook(file, "这是一个文件夹，不是工作簿") from None
        except OSError as e:
            raise UnreadableWorkbook(file, f"无法打开文件：{e.strerror or e}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            if stat.S_ISDIR(st.st_mode):
                raise UnreadableWorkbook(file, "这是一个文件夹，不是工作簿")
            raise UnreadableWorkbook(file, not_regular_reason(st.st_mode))
        limit = LIMITS.max_bytes
        if limit and st.st_size > limit:
            raise UnreadableWorkbook(file, too_large_reason(st.st_size, limit))
        want = st.st_size + 1 if not limit else min(st.st_size + 1, limit + 1)
        parts = [os.read(fd, want)]
        total = len(parts[0])
        while parts[-1]:  # a file that grew since fstat: read on, within the budget
            if limit and total > limit:
                raise UnreadableWorkbook(file, too_large_reason(total, limit))
            parts.append(os.read(fd, 1 << 20))
            total += len(parts[-1])
        return parts[0] if len(parts) == 2 else b"".join(parts)
    except IsADirectoryError:
        raise UnreadableWorkbook(file, "这是一个文件夹，不是工作簿") from None
    except OSError as e:
        raise UnreadableWorkbook(file, f"无法读取文件：{e.strerror or e}") from None
    finally:
        os.close(fd)


def is_regular(path: str | os.PathLike) -> bool:
    """A regular file (after links), found without opening it."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


# --- zip members: declared and actual sizes bounded ----------------------------------------------------

_CDIR = struct.Struct("<4sHHHHHHIIIHHHHHII")
_LOCAL = struct.Struct("<HH")  # a local header's name and extra lengths (at offset 26)


@dataclass(frozen=True)
class Member:
    name: str
    method: int
    flags: int
    csize: int
    usize: int
    header: int  # offset of the local header


def members(data: bytes) -> list[Member] | None:
    """The central directory of a zip held in memory; None when it cannot be parsed here (zip64, damage)."""
    eocd = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if eocd < 0 or len(data) < eocd + 22:
        return None
    count, _, offset = struct.unpack_from("<HII", data, eocd + 10)
    if offset == 0xFFFFFFFF or count == 0xFFFF:
        return None
    out: list[Member] = []
    p = offset
    try:
        for _ in range(count):
            sig, _v1, _v2, flags, method, _t, _d, _crc, csize, usize, nlen, elen, clen, _dk, _ia, _ea, lho = \
                _CDIR.unpack_from(data, p)
            if sig != b"PK\x01\x02":
                return None
            out.append(Member(data[p + 46:p + 46 + nlen].decode("utf-8", "replace"), method, flags, csize, usize, lho))
            p += 46 + nlen + elen + clen
    except struct.error:
        return None
    return out


def member_data(data: bytes, m: Member) -> memoryview:
    lnlen, lelen = struct.unpack_from("<HH", data, m.header + 26)
    start = m.header + 30 + lnlen + lelen
    return memoryview(data)[start:start + m.csize]


def inflate(raw: bytes | memoryview, method: int, cap: int, file: str, name: str, declared: int | None = None) -> bytes:
    """A member's bytes, inflated in pieces and never past `cap`; UnreadableWorkbook when it would be."""
    if method == 0:
        if len(raw) > cap:
            raise UnreadableWorkbook(file, _bomb(name, cap))
        return bytes(raw)
    if method != 8:
        raise UnreadableWorkbook(file, f"工作簿中的“{name}”使用了不支持的压缩方式（{method}）")
    if declared is None and len(raw) * DEFLATE_MAX_RATIO <= cap:  # cannot reach the cap: inflated in one call
        try:
            return zlib.decompress(raw, -15)
        except zlib.error:
            raise UnreadableWorkbook(file, f"工作簿中的“{name}”已损坏，无法解压") from None
    d = zlib.decompressobj(-15)
    out: list[bytes] = []
    total = 0
    buf = raw
    try:
        while True:
            piece = d.decompress(buf, min(cap - total + 1, 16 * MB))
            total += len(piece)
            out.append(piece)
            if total > cap:
                raise UnreadableWorkbook(file, _bomb(name, cap))
            buf = d.unconsumed_tail
            if d.eof or (not buf and not piece):
                break
    except zlib.error:
        raise UnreadableWorkbook(file, f"工作簿中的“{name}”已损坏，无法解压") from None
    if declared is not None and total != declared:
        raise UnreadableWorkbook(file, f"工作簿中的“{name}”声明的大小（{declared} 字节）与实际解压大小（{total} 字节）不符：文件已损坏或被篡改")
    return b"".join(out)


def _bomb(name: str, cap: int) -> str:
    return f"工作簿中的“{name}”解压后超过 {_mb(cap)}（压缩炸弹或异常巨大的工作表），已拒绝读取"


def check_archive(data: bytes, file: str) -> dict[str, tuple[int, int, int]] | None:
    """Refuse an xlsx whose members are encrypted, declared too large, or could inflate past the budget unseen; for an
    ordinary one, its member index (name → method, start of data, compressed size: read.zipread's Entry).

    A deflated member inflates to at most 1032 × its compressed size: a member that small is harmless whatever its
    header claims; a larger one is inflated here (in pieces, capped) to learn its true size. Ordinary returns
    (tens of KB) have only members of the first kind, so this reads their central directory and nothing more.
    """
    eocd = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if eocd < 0 or len(data) < eocd + 22:
        return None
    count, _, offset = struct.unpack_from("<HII", data, eocd + 10)
    if offset == 0xFFFFFFFF or count == 0xFFFF:
        return None
    cap, total, p, unpack, local = LIMITS.max_part, 0, offset, _CDIR.unpack_from, _LOCAL.unpack_from
    index: dict[str, tuple[int, int, int]] = {}
    try:
        for _ in range(count):  # the common case: sizes and flags checked, the index built in the same pass
            sig, _v1, _v2, flags, method, _t, _d, _crc, csize, usize, nlen, elen, clen, _dk, _ia, _ea, lho = unpack(data, p)
            if sig != b"PK\x01\x02":
                return None
            total += usize
            if flags & 1 or usize > cap or (LIMITS.max_total and total > LIMITS.max_total) or \
                    (method == 8 and csize * DEFLATE_MAX_RATIO > cap):
                _check_members(data, file)
                return None
            lnlen, lelen = local(data, lho + 26)
            index[data[p + 46:p + 46 + nlen].decode("utf-8")] = (method, lho + 30 + lnlen + lelen, csize)
            p += 46 + nlen + elen + clen
    except (struct.error, UnicodeDecodeError):
        return None
    return index


def _check_members(data: bytes, file: str) -> list[Member] | None:
    ms = members(data)
    if ms is None:
        return None
    cap, total = LIMITS.max_part, 0
    for m in ms:
        if m.flags & 1:
            raise UnreadableWorkbook(file, "工作簿的部件已加密（受密码保护），无法读取：请取消密码后另存为 .xlsx 再校验")
        total += m.usize
        if m.usize > cap or (LIMITS.max_total and total > LIMITS.max_total):
            raise UnreadableWorkbook(file, _bomb(m.name, min(cap, LIMITS.max_total or cap)))
        if m.method == 8 and m.csize * DEFLATE_MAX_RATIO > cap:
            inflate(member_data(data, m), m.method, cap, file, m.name, m.usize)
    return ms


# --- members for the reader: always through the cap -------------------------------------------------------

def part_xml(data: bytes, entry: tuple[int, int, int], file: str, name: str) -> bytes:
    """A member located by the reader's index (method, start, compressed size), inflated within LIMITS.max_part."""
    method, start, csize = entry
    return inflate(memoryview(data)[start:start + csize], method, LIMITS.max_part, file, name)


def member_bytes(raw: bytes, method: int) -> bytes | None:
    """A small member (workbook.xml, its relationships) within the cap; None when it cannot be inflated."""
    try:
        return inflate(raw, method, LIMITS.max_part, "", "")
    except UnreadableWorkbook:
        return None


def read_capped(zf, info, file: str, name: str, cap: int | None = None) -> bytes:
    """A member through zipfile, inflated in pieces and never past `cap` (default LIMITS.max_part), its true size
    equal to the size its header declares (a header claiming 1,000 bytes does not get 2 GB inflated)."""
    cap = cap or LIMITS.max_part
    if info.flag_bits & 1:
        raise UnreadableWorkbook(file, "压缩包内的文件已加密（设置了解压密码），无法读取：请解压后再校验")
    if info.file_size > cap:
        raise UnreadableWorkbook(file, _bomb(name, cap))
    want = min(cap, info.file_size) + 1
    with zf.open(info) as fh:
        out = fh.read(want)
    if len(out) > cap:
        raise UnreadableWorkbook(file, _bomb(name, cap))
    if len(out) != info.file_size:
        raise UnreadableWorkbook(file, f"“{name}”声明的大小（{info.file_size} 字节）与实际解压大小不符：压缩包已损坏或被篡改")
    return out


def sheet_by_zipfile(data: bytes, file: str, sheet: str) -> bytes | None:
    """A sheet's part through zipfile (for archives the fast index cannot parse); None when it is not found."""
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            from sasac_check.read.zipread import sheet_parts

            part = sheet_parts(zf).get(sheet)
            if part is None:
                return None
            return read_capped(zf, zf.getinfo(part), file, part)
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, EOFError, NotImplementedError, zlib.error):
        return None


def refuse_dtd(data: bytes, file: str) -> None:
    """Refuse a workbook any of whose XML parts declares a DTD or entities (never written by Excel): no XXE, no
    billion laughs for the XML parser of the fallback path. Only the head of each part is inflated."""
    ms = members(data)
    if ms is None:
        return
    for m in ms:
        if m.method not in (0, 8) or not m.name.endswith((".xml", ".rels", ".vml")):
            continue
        try:
            raw = member_data(data, m)
            head = bytes(raw[:4096]) if m.method == 0 else zlib.decompressobj(-15).decompress(raw, 4096)
        except (zlib.error, struct.error):
            continue
        if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
            raise UnreadableWorkbook(file, f"工作簿中的“{m.name}”含有 DTD 或实体声明（Excel 从不写入），已拒绝读取")
