"""Bulk worksheet rows as SpreadsheetML text, spliced into a workbook xlsxwriter saved with only the headers."""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from math import isfinite
from pathlib import Path
from typing import IO, Any

from xlsxwriter.utility import xl_col_to_name

from sasac_check.read.zipread import sheet_parts

# A cell is None (nothing written), a str, a number, or (value, xlsxwriter Format) — the same as xlsxwriter's
# write_string / write_number would write it in constant_memory mode (inline strings, numbers as "{:.16G}").
Cell = Any
STRMAX = 32767  # Excel's limit, in UTF-16 units (xlsxwriter truncates longer strings)
_SPECIAL = re.compile("[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_")
_ESCAPED = re.compile("(_x[0-9a-fA-F]{4}_)")  # a literal _xHHHH_ gets its underscore escaped, as Excel does
_CONTROL = re.compile("([\x00-\x08\x0b-\x1f])")
_DIMENSION = re.compile(r'<dimension ref="A1(?::([A-Z]+)1)?"/>')


def _truncate(s: str) -> str:
    units = 0
    for i, ch in enumerate(s):
        units += 2 if ord(ch) > 0xFFFF else 1
        if units > STRMAX:
            return s[:i]
    return s


def inline_tail(s: str) -> str:
    """What follows `<c r=".." s=".."` for the string `s`: the inline string, escaped as xlsxwriter does."""
    if len(s) > STRMAX // 2:
        s = _truncate(s)
    if _SPECIAL.search(s):
        s = _CONTROL.sub(lambda m: f"_x{ord(m[1]):04X}_", _ESCAPED.sub(r"_x005F\1", s))
        s = s.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
        s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    # xlsxwriter's test, re ^\s or \s$: the same characters as str.isspace, without scanning the whole string
    space = ' xml:space="preserve"' if s[:1].isspace() or s[-1:].isspace() else ""
    return f' t="inlineStr"><is><t{space}>{s}</t></is></c>'


class _Inline(dict):
    def __missing__(self, s: Any) -> str:
        tail = self[s] = inline_tail(s)
        return tail


def register(*formats: Any) -> None:
    """Give xlsxwriter Formats their xf index now (writing a cell with them would), so the saved styles hold them."""
    for fmt in formats:
        fmt._get_xf_index()


class _Style(dict):
    def __missing__(self, fmt: Any) -> str:
        if fmt is not None and fmt.xf_index is None:
            raise ValueError("a Format of the bulk rows was not registered before the workbook was saved")
        attr = self[fmt] = f' s="{fmt.xf_index}"' if fmt is not None else ""
        return attr


def render(rows: Iterable[Sequence[Cell]], first: int = 2, count: int | None = None, batch: int = 2000) -> Iterator[str]:
    """`<row>` elements for `rows` (numbered from `first`), joined `batch` rows at a time; `count`: rows expected."""
    text, style = _Inline(), _Style()
    cols = [xl_col_to_name(i) for i in range(64)]
    out: list[str] = []
    r = first - 1
    for r, cells in enumerate(rows, first):
        if len(cells) > len(cols):
            cols = [xl_col_to_name(i) for i in range(len(cells))]
        rs = f'{r}"'
        row = [f'<row r="{r}">']
        for col, v in zip(cols, cells, strict=False):
            if v.__class__ is str:  # most cells: the shortest path first
                row.append(f'<c r="{col}{rs}{text[v]}')
                continue
            if v is None:
                continue
            s = ""
            if v.__class__ is tuple:
                v, fmt = v
                s = style[fmt]
            if isinstance(v, str):
                row.append(f'<c r="{col}{rs}{s}{text[v]}')
            elif isfinite(v):  # NaN and infinities stay blank
                row.append(f'<c r="{col}{rs}{s}><v>{v:.16G}</v></c>')
        row.append("</row>")
        out.append("".join(row))
        if r % batch == 0:
            yield "".join(out)
            out.clear()
    if count is not None and r - first + 1 != count:
        raise ValueError(f"{count} rows announced, {r - first + 1} given")
    yield "".join(out)


def write_cells(ws: Any, rows: Iterable[Sequence[Cell]], first: int = 1) -> None:
    """The same rows cell by cell through xlsxwriter (zero-based `first`): the reference for `render`."""
    for r, cells in enumerate(rows, first):
        for c, v in enumerate(cells):
            fmt = None
            if v.__class__ is tuple:
                v, fmt = v
            if isinstance(v, str):
                ws.write_string(r, c, v, fmt)
            elif v is not None and isfinite(v):
                ws.write_number(r, c, v, fmt)


@dataclass
class Bulk:
    """The data rows of one sheet, below its header row: `count` rows, produced lazily by `rows`.

    `rendered`, when given, holds the rows already rendered and compressed elsewhere (`.result()` → a Deflated of
    the UTF-8 bytes of render()).
    """

    count: int
    rows: Iterable[Sequence[Cell]]
    rendered: Any = None


@dataclass
class Deflated:
    """A piece of a zip member compressed on its own: raw deflate ending in a sync flush (byte-aligned, not
    final), so it can sit between other such pieces; its CRC-32 and length uncompressed."""

    data: bytes
    crc: int
    size: int


def deflated(text: Iterable[str], level: int = 1) -> Deflated:
    """`text` as UTF-8, compressed into a Deflated piece (done in a helper process for a big sheet's rows)."""
    comp = zlib.compressobj(level, zlib.DEFLATED, -15)
    out, crc, size = [], 0, 0
    for chunk in text:
        b = chunk.encode()
        crc, size = zlib.crc32(b, crc), size + len(b)
        out.append(comp.compress(b))
    out.append(comp.flush(zlib.Z_SYNC_FLUSH))
    return Deflated(b"".join(out), crc, size)


def rendered(rows: Iterable[Sequence[Cell]], count: int, level: int = 1) -> Deflated:
    """The `<row>`s of a sheet's bulk rows, rendered and compressed (see Bulk.rendered)."""
    return deflated(render(rows, count=count), level)


def _gf2_times(mat: list[int], vec: int) -> int:
    out, i = 0, 0
    while vec:
        if vec & 1:
            out ^= mat[i]
        vec >>= 1
        i += 1
    return out


def crc32_combine(crc1: int, crc2: int, len2: int) -> int:
    """CRC-32 of A + B from CRC-32 of A, CRC-32 of B and len(B) (zlib's crc32_combine, which Python lacks)."""
    if len2 <= 0:
        return crc1
    odd = [0xEDB88320] + [1 << n for n in range(31)]  # the operator for one zero bit
    even = [_gf2_times(odd, odd[n]) for n in range(32)]  # two zero bits
    odd = [_gf2_times(even, even[n]) for n in range(32)]  # four zero bits
    while True:  # apply len2 zero bytes to crc1, squaring the operator for each bit of len2
        even = [_gf2_times(odd, odd[n]) for n in range(32)]
        if len2 & 1:
            crc1 = _gf2_times(even, crc1)
        len2 >>= 1
        if not len2:
            break
        odd = [_gf2_times(even, even[n]) for n in range(32)]
        if len2 & 1:
            crc1 = _gf2_times(odd, crc1)
        len2 >>= 1
        if not len2:
            break
    return crc1 ^ crc2


class _Member:
    """One zip member built from text and Deflated pieces into a single deflate stream, with its CRC-32."""

    def __init__(self, level: int) -> None:
        self.level = level
        self.comp = zlib.compressobj(level, zlib.DEFLATED, -15)
        self.out: list[bytes] = []
        self.crc = self.size = 0

    def write(self, b: bytes) -> None:
        self.crc, self.size = zlib.crc32(b, self.crc), self.size + len(b)
        self.out.append(self.comp.compress(b))

    def splice(self, piece: Deflated) -> None:
        # byte-align what came before, insert the piece, then a fresh compressor: no back-reference crosses it
        self.out.append(self.comp.flush(zlib.Z_SYNC_FLUSH))
        self.out.append(piece.data)
        self.crc, self.size = crc32_combine(self.crc, piece.crc, piece.size), self.size + piece.size
        self.comp = zlib.compressobj(self.level, zlib.DEFLATED, -15)

    def finish(self) -> bytes:
        self.out.append(self.comp.flush(zlib.Z_FINISH))
        return b"".join(self.out)


class _ZipOut:
    """A plain zip archive (deflate, no zip64: a review workbook stays far below 4 GB) written member by member.

    The central directory lists members in the order `close` is given, whatever order their data was written in.
    """

    def __init__(self, fh: IO[bytes]) -> None:
        self.fh, self.central, self.offset = fh, {}, 0

    def add(self, name: str, date_time: tuple, member: _Member) -> None:
        data = member.finish()
        if max(member.size, len(data), self.offset) >= 0xFFFFFFFF:  # past Excel's 1,048,576 rows long before
            raise ValueError(f"{name}: over 4 GB, which needs zip64 (not written here)")
        raw = name.encode("utf-8")
        flags = 0 if raw.isascii() else 0x800  # bit 11: the name is UTF-8
        y, mo, d, h, mi, sec = date_time
        dos_time, dos_date = (h << 11) | (mi << 5) | (sec // 2), ((max(y, 1980) - 1980) << 9) | (mo << 5) | d
        common = struct.pack("<HHHHHIII", 20, flags, zipfile.ZIP_DEFLATED, dos_time, dos_date, member.crc, len(data),
                             member.size)
        head = b"PK\x03\x04" + common + struct.pack("<HH", len(raw), 0) + raw
        self.central[name] = (b"PK\x01\x02" + struct.pack("<H", 20) + common
                              + struct.pack("<HHHHHII", len(raw), 0, 0, 0, 0, 0, self.offset) + raw)
        self.fh.write(head)
        self.fh.write(data)
        self.offset += len(head) + len(data)

    def close(self, order: list[str]) -> None:
        cd = b"".join(self.central[name] for name in order)
        self.fh.write(cd)
        n = len(self.central)
        self.fh.write(b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, n, n, len(cd), self.offset, 0))


def _write_part(member: _Member, xml: str, bulk: Bulk) -> None:
    if bulk.count:
        xml, n = _DIMENSION.subn(lambda m: f'<dimension ref="A1:{m[1] or "A"}{bulk.count + 1}"/>', xml, count=1)
        if not n:
            raise ValueError("no <dimension> of a header-only sheet to extend")
    xml = xml.replace("<sheetData/>", "<sheetData></sheetData>")
    end = xml.index("</sheetData>")
    member.write(xml[:end].encode())
    if bulk.rendered is not None:
        member.splice(bulk.rendered.result())
    else:
        for chunk in render(bulk.rows, count=bulk.count):
            member.write(chunk.encode())
    member.write(xml[end:].encode())


def splice(src: str | Path | IO[bytes], out: str | Path, bulk: dict[str, Bulk], level: int = 1) -> None:
    """Copy the workbook `src` to `out`, adding each sheet's `bulk` rows after its header row (deflate `level`).

    Sheets whose rows come ready (Bulk.rendered) are last: their helper has the most time to finish.
    """
    with zipfile.ZipFile(src) as zin, open(out, "wb") as fh:
        parts = {part: bulk[name] for name, part in sheet_parts(zin).items() if name in bulk}
        infos = zin.infolist()
        ready = [i for i in infos if i.filename in parts and parts[i.filename].rendered is not None]
        zout = _ZipOut(fh)
        for info in [i for i in infos if i not in ready] + ready:
            member = _Member(level)
            data = zin.read(info)
            if info.filename in parts:
                _write_part(member, data.decode(), parts[info.filename])
            else:
                member.write(data)
            zout.add(info.filename, info.date_time, member)
        zout.close([i.filename for i in infos])  # listed in the source's order
