"""Scans of one sheet's XML before and beside calamine: its used range bounded, uncached formulas and error values."""

from __future__ import annotations

import re

from sasac_check.model.submission import UnreadableWorkbook
from sasac_check.read.grid import col_letter
from sasac_check.read.guard import LIMITS

# --- sheets: the used range checked before a reader allocates for it -------------------------------------

_DIM = re.compile(rb'([A-Z]*)(\d*)(?::([A-Z]*)(\d*))?"')  # the value of <dimension ref="…">
_LAST = re.compile(rb'<(row|c) r="([A-Z]*)(\d+)"[^<>]*>')


def _col(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def check_sheet(xml: bytes, file: str, sheet: str) -> None:
    """Refuse a sheet whose used range (the declared <dimension> or any cell) exceeds LIMITS.max_cells."""
    root = prolog_end(xml)
    if root < 0:
        raise UnreadableWorkbook(file, f"工作表“{sheet}”含有 DTD 或实体声明（Excel 从不写入），已拒绝读取")
    limit = LIMITS.max_cells
    i = xml.find(b'dimension ref="', 0, 4096)
    dim = _DIM.match(xml, i + 15) if i >= 0 else None
    if dim and dim.group(3) is not None:
        rows = int(dim.group(4) or 1) - int(dim.group(2) or 1) + 1
        cols = _col(dim.group(3)) - _col(dim.group(1)) + 1
        if rows * cols > limit:
            raise UnreadableWorkbook(file, _absurd(sheet, dim.group(3).decode() + (dim.group(4) or b"").decode(), limit))
    if _prefixed(xml, root):  # namespace-prefixed cells (<x:c>): placed exactly, the slow way
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
        raise UnreadableWorkbook(file, _absurd(sheet, f"{col_letter(max(col, 1) - 1)}{row}", limit))


def prolog_end(xml: bytes) -> int:
    """Where the root element starts, past the XML declaration and comments; -1 when a DTD (<!DOCTYPE …>) comes
    first. Only a prolog may declare entities, so this is the whole search for them."""
    i = 0
    while True:
        i = xml.find(b"<", i)
        if i < 0:
            return len(xml)
        if xml.startswith(b"<?", i):
            j = xml.find(b"?>", i)
            i = len(xml) if j < 0 else j + 2
        elif xml.startswith(b"<!--", i):
            j = xml.find(b"-->", i)
            i = len(xml) if j < 0 else j + 3
        elif xml.startswith(b"<!", i):
            return -1
        else:
            return i


def _prefixed(xml: bytes, root: int) -> bool:
    """The root is no plain <worksheet>, or its tag binds the spreadsheet namespace to a prefix (xmlns:x="…/main")."""
    if not xml.startswith(b"<worksheet", root):
        return True
    head = xml[root:xml.find(b">", root)]
    return b"xmlns:" in head and _PREFIXED_NS.search(head) is not None


_PREFIXED_NS = re.compile(rb'xmlns:[\w.-]+="[^"]*spreadsheetml/2006/main"')


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
            where = f"{col_letter(max(max_col, 1) - 1)}{max_row}"
            raise UnreadableWorkbook(file, _absurd(sheet, where, limit))


def _absurd(sheet: str, where: str, limit: int) -> str:
    return (f"工作表“{sheet}”的使用范围延伸到 {where}，超过 {limit:,} 个单元格的上限，已拒绝读取："
            "文件可能被篡改，或有数据误填在远处的单元格")


# --- formula cells without a cached value, in one linear pass ---------------------------------------------

_TAG = re.compile(rb"<(/?)(?:[A-Za-z_][\w.-]*:)?(c|f|v)(?=[\s/>])([^<>]*)>")
_R = re.compile(rb'\sr="([A-Z]+\d+)"')
_CACHED = re.compile(rb"<f(?:[ >][^<]*</f>|[^<>]*/>)<v>[^<]")  # never past the next <: linear


class CellSet(set):
    """Cells a reader sees as blank though they are not: uncached formulas, and (`errors`) error values."""

    errors: frozenset[str] = frozenset()


def uncached_refs(xml: bytes) -> CellSet:
    """Cells holding a formula (<f>) and no cached value (<v> with text; an empty text result counts as cached), and
    cells holding an error value (t="e": #DIV/0!, #REF! …, which calamine hands over as blank), also in `.errors`.

    Linear in the size of the part, whatever it holds (a comment full of "<f <c" costs what its length costs): only
    the cells around each formula or error mark are looked at, and no search runs over a stretch twice.
    """
    if xml.find(b"<f") < 0 and xml.find(b't="e"') < 0 and xml.find(b":f") < 0:
        return CellSet()
    if xml.find(b":c ") >= 0 or xml.find(b":f") >= 0:  # namespace-prefixed cells: every tag, in one pass
        return _tokenized(xml)
    bad, errors = CellSet(), set()
    low = 0  # no search looks back before this offset: each stretch is searched once
    close_from, close_at = -1, -1  # the last search for </c>: from where, and what it found
    for pos in sorted([*_all(xml, b"<f"), *_all(xml, b't="e"')]):
        if pos < low:
            continue
        if _CACHED.match(xml, pos):  # the common case: a formula followed by its cached value
            low = pos
            continue
        start = xml.rfind(b"<c ", low, pos)
        low = pos
        if start < 0:
            continue
        gt = xml.find(b">", start, pos)
        if (gt >= 0) == (xml[pos:pos + 1] == b"t"):  # t="e" must sit in the cell's tag, <f after it
            continue
        if close_at >= pos:
            end = close_at
        elif close_at < 0 and 0 <= close_from <= pos:
            break  # no </c> after an earlier point: none after this one
        else:
            close_from, close_at = pos, xml.find(b"</c>", pos)
            end = close_at
            if end < 0:
                break
        low = end + 4
        head_end = xml.find(b">", start, end)
        head = xml[start:head_end]
        ref = _R.search(head)
        if head.endswith(b"/") or ref is None:
            continue
        if b't="e"' in head:
            bad.add(ref.group(1).decode())
            errors.add(ref.group(1).decode())
        elif _formula_uncached(xml[head_end + 1:end], b'"str"' in head):
            bad.add(ref.group(1).decode())
    bad.errors = frozenset(errors)
    return bad


def _all(xml: bytes, needle: bytes) -> list[int]:
    out, i = [], xml.find(needle)
    while i >= 0:
        out.append(i)
        i = xml.find(needle, i + len(needle))
    return out


def _formula_uncached(body: bytes, is_str: bool) -> bool:
    f = body.find(b"<f")
    if f < 0 or body[f + 2:f + 3] not in (b">", b" ", b"/"):
        return False
    v = body.find(b"<v")
    if v < 0:
        return True
    if is_str:
        return False  # a cached empty text result
    gt = body.find(b">", v)
    return gt < 0 or body[gt - 1:gt] == b"/" or body[gt + 1:gt + 2] in (b"<", b"")


def _tokenized(xml: bytes) -> CellSet:
    """uncached_refs for parts whose tags carry a namespace prefix: one pass over the tags (patterns never look past
    the next < or >)."""
    bad = CellSet()
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
