"""Scans of one sheet's XML before and beside calamine: its used range bounded, uncached formulas and error values."""

from __future__ import annotations

import re

from sasac_check.model.submission import UnreadableWorkbook
from sasac_check.read.guard import LIMITS

# --- sheets: the used range checked before a reader allocates for it -------------------------------------

_DIM = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?dimension\s+ref="([A-Z]*)(\d*)(?::([A-Z]*)(\d*))?"')
_LAST = re.compile(rb'<(row|c) r="([A-Z]*)(\d+)"[^<>]*>')


def _col(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def check_sheet(xml: bytes, file: str, sheet: str) -> None:
    """Refuse a sheet whose used range (the declared <dimension> or any cell) exceeds LIMITS.max_cells."""
    if b"<!DOCTYPE" in xml[:4096] or b"<!ENTITY" in xml[:4096]:
        raise UnreadableWorkbook(file, f"工作表“{sheet}”含有 DTD 或实体声明（Excel 从不写入），已拒绝读取")
    limit = LIMITS.max_cells
    dim = _DIM.search(xml, 0, 4096)
    if dim and dim.group(3) is not None:
        rows = int(dim.group(4) or 1) - int(dim.group(2) or 1) + 1
        cols = _col(dim.group(3)) - _col(dim.group(1)) + 1
        if rows * cols > limit:
            raise UnreadableWorkbook(file, _absurd(sheet, dim.group(3).decode() + (dim.group(4) or b"").decode(), limit))
    if b":c " in xml or b":row " in xml:  # namespace-prefixed cells: placed exactly, the slow way
        _exact(xml, file, sheet, limit)
        return
    # Rows come in order (OOXML requires it; Excel, WPS, LibreOffice and every library write them so): the last row
    # and its last cell give the extent. A file that breaks the order to hide a far cell meets the process's memory
    # budget instead (the reader's allocation fails, and the file becomes a row of the report).
    i = xml.rfind(b"<row ")
    if i < 0:
        return
    m = _LAST.match(xml, i)
    if m is None:
        _exact(xml, file, sheet, limit)
        return
    row = int(m.group(3))
    j = xml.rfind(b"<c ", i)
    c = _LAST.match(xml, j) if j > i else None
    if j > i and (c is None or not c.group(2)):
        _exact(xml, file, sheet, limit)
        return
    col = _col(c.group(2)) if c is not None else 1
    if row * col > limit or row > 1_048_576 or col > 16384:
        raise UnreadableWorkbook(file, _absurd(sheet, f"{_letters(col)}{row}", limit))


def _exact(xml: bytes, file: str, sheet: str, limit: int) -> None:
    """The used range the way a reader places cells: by their r attributes, else next to the one before."""
    max_row = max_col = 0
    row = 0
    col = 0
    pos = 0
    tag = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?(c|row)(?=[\s/>])([^<>]*)>')
    ref = re.compile(rb'\sr="([A-Z]*)(\d*)"')
    for m in tag.finditer(xml, pos):
        kind, attrs = m.group(1), m.group(2)
        r = ref.search(attrs)
        if kind == b"row":
            row = int(r.group(2)) if r and r.group(2) else row + 1
            col = 0
            max_row = max(max_row, row)
        else:
            if r and r.group(1):
                col = _col(r.group(1))
                if r.group(2):
                    row = int(r.group(2))
                    max_row = max(max_row, row)
            else:
                col += 1
            max_col = max(max_col, col)
        if max_row * max(max_col, 1) > limit or max_col > 16384 or max_row > 1_048_576:
            where = f"{_letters(max_col)}{max_row}"
            raise UnreadableWorkbook(file, _absurd(sheet, where, limit))


def _letters(n: int) -> str:
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s or "A"


def _absurd(sheet: str, where: str, limit: int) -> str:
    return (f"工作表“{sheet}”的使用范围延伸到 {where}，超过 {limit:,} 个单元格的上限，已拒绝读取："
            "文件可能被篡改，或有数据误填在远处的单元格")


# --- formula cells without a cached value, in one linear pass ---------------------------------------------

_TAG = re.compile(rb"<(/?)(?:[A-Za-z_][\w.-]*:)?(c|f|v)(?=[\s/>])([^<>]*)>")
_R = re.compile(rb'\sr="([A-Z]+\d+)"')


class CellSet(set):
    """Cells a reader sees as blank though they are not: uncached formulas, and (`errors`) error values."""

    errors: frozenset[str] = frozenset()


def uncached_refs(xml: bytes) -> CellSet:
    """Cells holding a formula (<f>) and no cached value (<v> with text; an empty text result counts as cached), and
    cells holding an error value (t="e": #DIV/0!, #REF! …, which calamine hands over as blank), also in `.errors`.

    One pass over the tags with patterns that never look past the next < or > (linear in the size of the part,
    whatever it holds: a comment full of "<f <c" costs what its length costs).
    """
    bad = CellSet()
    if b"<f" not in xml and b":f" not in xml and b't="e"' not in xml:
        return bad
    errors: set[str] = set()
    ref: bytes | None = None
    is_str = is_err = has_f = has_v = False
    for m in _TAG.finditer(xml):
        close, name, attrs = m.group(1), m.group(2), m.group(3)
        if name == b"c":
            if close:
                if ref is not None and (is_err or (has_f and not has_v)):
                    bad.add(ref.decode())
                    if is_err:
                        errors.add(ref.decode())
                ref = None
            elif attrs.endswith(b"/"):
                ref = None
            else:
                r = _R.search(attrs)
                ref = r.group(1) if r else None
                is_str, is_err, has_f, has_v = b'"str"' in attrs, b't="e"' in attrs, False, False
        elif ref is None or close:
            continue
        elif name == b"f":
            has_f = True
        elif not attrs.endswith(b"/"):  # <v>: a cached value when it holds text (or is a formula's empty text)
            end = m.end()
            has_v = has_v or is_str or (end < len(xml) and xml[end:end + 1] != b"<")
    bad.errors = frozenset(errors)
    return bad


# --- numbers ------------------------------------------------------------------------------------------------

def finite(x: float) -> bool:
    return x - x == 0  # False for NaN and ±inf


def finite_sum(values: list) -> bool:
    """Every value finite (one sum for the common case; a sum overflowing to inf is checked one by one)."""
    total = sum(values)
    return total - total == 0 or all(finite(x) for x in values)
