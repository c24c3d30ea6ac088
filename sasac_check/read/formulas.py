"""The uncached-formula scan: cells holding a formula without a cached value (they read as blank)."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable

from sasac_check.read.zipread import sheet_parts

NO_CACHE_MESSAGE = "公式未计算（无缓存值）：请在 Excel/WPS 中打开并保存后再校验"

_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_REF = re.compile(rb'\br="([A-Z]+\d+)"')
_HAS_F = re.compile(rb"<(?:\w+:)?f\b")
_HAS_V = re.compile(rb"<(?:\w+:)?v>[^<]")


def uncached_cells(zf: zipfile.ZipFile) -> dict[str, set[str]]:
    """Sheet name → cells holding a formula without a cached value (what openpyxl leaves behind)."""
    parts = {
        info.filename: zf.read(info)
        for info in zf.infolist()
        if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
    }
    return uncached_in(parts, lambda: {part: name for name, part in sheet_parts(zf).items()})


def uncached_in(parts: dict[str, bytes], names: Callable[[], dict[str, str]]) -> dict[str, set[str]]:
    """Of worksheet parts (path → XML), the uncached formula cells per sheet; `names()`: part path → sheet name."""
    out: dict[str, set[str]] = {}
    sheet_of = None
    for n, data in parts.items():
        if b"<f" not in data and b":f" not in data:
            continue
        bad: set[str] = set()
        for m in _CELL.finditer(data):
            body = m.group(2)
            if not body or not _HAS_F.search(body) or _HAS_V.search(body):
                continue
            if b'"str"' in m.group(1) and b"<v" in body:  # a cached empty text result
                continue
            ref = _REF.search(m.group(1))
            if ref:
                bad.add(ref.group(1).decode())
        if bad:
            sheet_of = sheet_of if sheet_of is not None else names()
            out[sheet_of.get(n, n)] = bad
    return out
