"""Bulk worksheet rows as SpreadsheetML text, spliced into a workbook xlsxwriter saved with only the headers."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from math import isfinite
from pathlib import Path
from typing import IO, Any

from xlsxwriter.utility import xl_col_to_name

from ..reader import sheet_parts

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

    `rendered`, when given, holds the rows already rendered (`.result()` → the UTF-8 bytes of render()).
    """

    count: int
    rows: Iterable[Sequence[Cell]]
    rendered: Any = None


def _write_part(fh: IO[bytes], xml: str, bulk: Bulk) -> None:
    if bulk.count:
        xml, n = _DIMENSION.subn(lambda m: f'<dimension ref="A1:{m[1] or "A"}{bulk.count + 1}"/>', xml, count=1)
        if not n:
            raise ValueError("no <dimension> of a header-only sheet to extend")
    xml = xml.replace("<sheetData/>", "<sheetData></sheetData>")
    end = xml.index("</sheetData>")
    fh.write(xml[:end].encode())
    if bulk.rendered is not None:
        fh.write(bulk.rendered.result())
    else:
        for chunk in render(bulk.rows, count=bulk.count):
            fh.write(chunk.encode())
    fh.write(xml[end:].encode())


def splice(src: str | Path | IO[bytes], out: str | Path, bulk: dict[str, Bulk], level: int = 1) -> None:
    """Copy the workbook `src` to `out`, adding each sheet's `bulk` rows after its header row (deflate `level`)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as zout:
        parts = {part: bulk[name] for name, part in sheet_parts(zin).items() if name in bulk}
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename in parts:
                with zout.open(info.filename, "w") as fh:
                    _write_part(fh, data.decode(), parts[info.filename])
            else:
                zout.writestr(info, data)
