"""The uncached-formula scan: cells holding a formula without a cached value (they read as blank)."""

from __future__ import annotations

import zipfile
from collections.abc import Callable

from sasac_check.read.guard import read_capped
from sasac_check.read.scan import uncached_refs
from sasac_check.read.zipread import sheet_parts

NO_CACHE_MESSAGE = "公式未计算（无缓存值）：请在 Excel/WPS 中打开并保存后再校验"



def uncached_cells(zf: zipfile.ZipFile) -> dict[str, set[str]]:
    """Sheet name → cells holding a formula without a cached value (what openpyxl leaves behind), or an error value.

    Each part read through the inflation cap and scanned in one linear pass (read.scan).
    """
    names = {part: name for name, part in sheet_parts(zf).items()}
    out: dict[str, set[str]] = {}
    for info in zf.infolist():
        if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
            bad = uncached_refs(read_capped(zf, info, "", info.filename))
            if bad:
                out[names.get(info.filename, info.filename)] = bad
    return out


def uncached_in(parts: dict[str, bytes], names: Callable[[], dict[str, str]]) -> dict[str, set[str]]:
    """Of worksheet parts (path → XML), the uncached formula cells per sheet; `names()`: part path → sheet name."""
    out: dict[str, set[str]] = {}
    sheet_of = None
    for n, data in parts.items():
        bad = uncached_refs(data)
        if bad:
            sheet_of = sheet_of if sheet_of is not None else names()
            out[sheet_of.get(n, n)] = bad
    return out
