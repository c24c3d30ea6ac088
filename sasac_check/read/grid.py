"""Cell grids (rows of values from A1) and their addresses: coord, col_letter, blank cells, squeezed text."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

Grid = Sequence[Sequence[Any]]


def col_letter(idx: int) -> str:
    """0-based column index → Excel letters (0 → A)."""
    s = ""
    idx += 1
    while idx:
        idx, r = divmod(idx - 1, 26)
        s = chr(65 + r) + s
    return s


@lru_cache(maxsize=16384)
def coord(row: int, col: int) -> str:
    """0-based (row, col) → "C9"."""
    return f"{col_letter(col)}{row + 1}"


def blank(v: Any) -> bool:
    """None or whitespace-only text."""
    return v is None or (isinstance(v, str) and v.strip() == "")


@lru_cache(maxsize=8192)
def squeeze(text: Any) -> str:
    """Text in NFKC with every space removed (full-width and half-width forms compare equal)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text or "")))


def cell_at(grid: Grid, r: int, c: int) -> Any:
    """The value at 0-based (r, c), None outside a ragged grid."""
    if r < len(grid) and c < len(grid[r]):
        return grid[r][c]
    return None
