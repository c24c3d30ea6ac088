"""Layout of a statement sheet as printed: a header over one or two rows, label/value blocks side by side (账户式)."""

from __future__ import annotations

from functools import lru_cache

from sasac_check.model.catalog import Catalog, SheetDef, catalog, normalize_label
from sasac_check.read.grid import Grid, blank, cell_at, squeeze
from sasac_check.read.knowledge import knowledge
from sasac_check.read.layout import HEADER_SCAN_ROWS, SheetLayout, resolve_label

Matches = list[tuple[int, str]]  # (column index, canonical column)


@lru_cache(maxsize=4096)
def column_of(sheet: str, header: str) -> str | None:
    """The canonical column of statement `sheet` a header cell names (catalog, then layouts.yaml spellings)."""
    return knowledge().column_of(catalog().sheet(sheet), header)


def _text(v: object) -> str:
    return v.strip() if isinstance(v, str) else ""


def _matches(row, sheet: str) -> Matches:
    return [(c, col) for c, v in enumerate(row) if (t := _text(v)) and (col := column_of(sheet, t))]


def _joined(top, bottom, sheet: str) -> Matches:
    """Matches of a header over two rows: the upper text (carried right over a merged span) joined to the lower."""
    out: Matches = []
    carry = ""
    for c in range(max(len(top), len(bottom))):
        t = _text(top[c]) if c < len(top) else ""
        if t:
            carry = t
        elif c < len(top) and not blank(top[c]):
            carry = ""
        b = _text(bottom[c]) if c < len(bottom) else ""
        if b and (col := column_of(sheet, carry + b) or column_of(sheet, b)):
            out.append((c, col))
        elif t and not b and (col := column_of(sheet, t)):
            out.append((c, col))
    return out


def find_header(grid: Grid, sheet: str) -> tuple[int, int, Matches] | None:
    """(header row, 1 or 2 rows, matches) of the row(s) in the first HEADER_SCAN_ROWS naming most columns."""
    best: tuple[int, int, Matches] | None = None
    score = (0, 0)
    n = min(len(grid), HEADER_SCAN_ROWS)
    single = [_matches(grid[r], sheet) for r in range(min(len(grid), n + 1))]

    def rank(found: Matches) -> tuple[int, int]:
        return len({col for _, col in found}), len(found)

    for r in range(n):
        if rank(single[r]) > score:
            best, score = (r, 1, single[r]), rank(single[r])
        if r + 1 < len(single):  # two rows: only where joining names more than either row alone
            joined = _joined(grid[r], grid[r + 1], sheet)
            if rank(joined) > max(score, rank(single[r + 1])):
                best, score = (r, 2, joined), rank(joined)
    return best


def _label_like(grid: Grid, start: int, c: int) -> bool:
    """Whether column c holds row labels below `start` (three or more text cells that are not numbers)."""
    n = 0
    for r in range(start, min(len(grid), start + 60)):
        v = cell_at(grid, r, c)
        if isinstance(v, str) and v.strip() and not v.strip().replace(".", "").replace(",", "").isdigit():
            n += 1
            if n >= 3:
                return True
    return False


def _blocks(grid: Grid, hrow: int, nrows: int, found: Matches) -> list[tuple[int, dict[str, int]]]:
    """Split a header's matches into (label column, value columns) blocks, left to right."""
    k = knowledge()
    heads = [grid[r] for r in range(hrow, hrow + nrows)]
    start = hrow + nrows

    def label_header(c: int) -> bool:
        return any(c < len(h) and squeeze(h[c]) in k.label_headers for h in heads)

    def line_header(c: int) -> bool:
        return any(c < len(h) and squeeze(h[c]) in k.line_headers for h in heads)

    spans: list[dict[str, int]] = []
    cur: dict[str, int] = {}
    for c, col in sorted(found):
        if col in cur:
            lo = max(cur.values())
            if any(label_header(x) or (not line_header(x) and _label_like(grid, start, x)) for x in range(lo + 1, c)):
                spans.append(cur)
                cur = {col: c}
            continue  # the same column again within a block (本期金额 and 本年累计): the first counts
        cur[col] = c
    if cur:
        spans.append(cur)
    out: list[tuple[int, dict[str, int]]] = []
    lo = 0
    for cols in spans:
        first, last = min(cols.values()), max(cols.values())
        rng = range(lo, first)
        named = [x for x in rng if label_header(x)] or [x for x in range(first, last) if label_header(x)]
        if named:
            label = named[-1] if named[-1] < first else named[0]
        else:
            counts = {x: sum(isinstance(cell_at(grid, r, x), str) and not blank(cell_at(grid, r, x))
                             for r in range(start, len(grid))) for x in rng if not line_header(x)}
            label = max(counts, key=lambda x: (counts[x], -x)) if counts else max(first - 1, 0)
        out.append((label, cols))
        lo = max(cols.values()) + 1
    return out


def _resolver(cat: Catalog, sheet: str):
    pick = getattr(cat, "pick", None)  # position-aware where the catalogue offers it (one label, two lines)
    if pick is None:
        return lambda label, taken, after: resolve_label(label)
    return lambda label, taken, after: pick(sheet, label, taken, after)


def layout_statement(grid: Grid, sheet: SheetDef, name: str, cat: Catalog | None = None) -> SheetLayout | None:
    """Find the header, each block's label and value columns and each item's row of one statement sheet."""
    cat = cat or catalog()
    found = find_header(grid, sheet.name)
    if found is None:
        return None
    hrow, nrows, matches = found
    subs = knowledge().sublines
    resolve = _resolver(cat, sheet.name)
    taken: dict[str, int] = {}
    pieces: list[SheetLayout] = []
    for label_col, cols in _blocks(grid, hrow, nrows, matches):
        lay = SheetLayout(name, hrow, label_col, cols, {}, header_rows=nrows)
        after, parent = -1, ""
        for r in range(hrow + nrows, len(grid)):
            label = cell_at(grid, r, label_col)
            if blank(label) or not isinstance(label, str):
                continue
            label = label.strip()
            sub = subs.get(parent, {}).get(normalize_label(label)) if parent else None
            if sub is not None:
                item = resolve_label(sub[0]) if sub[0] else None
                if item is None or cat.item(item).name != sub[0]:
                    lay.unknown.append((r, sub[1]))  # a sub-line the catalogue does not have (yet)
                    continue
            else:
                item = resolve(label, taken, after)
            if item is None:
                lay.unknown.append((r, label))  # reported only where the row holds values
                continue
            if cat.item(item).sheet != sheet.name:
                lay.foreign.append((r, label, item))
                continue
            if item in taken:
                lay.duplicates.append((r, item))
                continue
            lay.rows[item] = taken[item] = r
            after = getattr(cat.item(item), "order", -1)
            if item in subs:
                parent = item
            elif not label.startswith("其中") and sub is None:
                parent = ""
        pieces.append(lay)
    kept = [p for p in pieces if p.rows] or pieces[:1]
    head = kept[0]
    head.more = kept[1:]
    return head
