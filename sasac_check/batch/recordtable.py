"""The batch's table of every readable return, rebuilt from the workers' compact records (for --gx, 汇总 sums)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

import numpy as np

from sasac_check.batch.worker import FileRecord, XPBlock
from sasac_check.check.table import SubmissionTable


class _RowCells(Mapping):
    """One return's cells (key or cover field → (sheet, cell)) read through its record, without copying."""

    def __init__(self, rec: FileRecord, index: dict[str, int]) -> None:
        self.rec, self.index = rec, index

    def __getitem__(self, k: str) -> tuple[str, str]:
        i = self.index.get(k)
        c = self.rec.xp.cells[i] if i is not None else None  # type: ignore[union-attr]
        if c is None:
            return self.rec.cells[k]
        return c

    def __contains__(self, k: object) -> bool:
        try:
            self[k]  # type: ignore[index]
        except KeyError:
            return False
        return True

    def __iter__(self) -> Iterator[str]:
        yield from (k for k, i in self.index.items() if self.rec.xp.cells[i] is not None)  # type: ignore[union-attr]
        yield from (k for k in self.rec.cells if k not in self.index)

    def __len__(self) -> int:
        return sum(1 for _ in self)


class _Cells(Sequence):
    """Each row's cells, as a view on its record (a batch has many rows; few are ever asked for)."""

    def __init__(self, records: list[FileRecord], keys: tuple[str, ...]) -> None:
        self.records = records
        self.index = {k: i for i, k in enumerate(keys)}

    def __len__(self) -> int:
        return len(self.records)

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        return _RowCells(self.records[i], self.index)


def table_of(records: Sequence[FileRecord], keys: tuple[str, ...]) -> SubmissionTable:
    """A SubmissionTable over every readable return (not prior-period ones), straight from the workers' arrays."""
    ok = [r for r in records if r.status == "ok" and r.xp is not None and not r.prior]
    n = len(ok)
    vals, wids, unk = stack_xp(ok, len(keys))
    values = {k: vals[:, i] for i, k in enumerate(keys)}
    widths = {k: wids[:, i] for i, k in enumerate(keys)}
    unknown = {k: unk[:, i] for i in np.flatnonzero(unk.any(axis=0)) for k in (keys[i],)}
    fields = sorted({f for r in ok for f in r.cover})
    texts = {f: np.array([r.cover.get(f, "") for r in ok], dtype=object) for f in fields}
    scale = np.array([r.xp.scale for r in ok], float)  # type: ignore[union-attr]
    return SubmissionTable(n, values, widths, unknown, texts, scale, [r.path for r in ok], _Cells(ok, keys))


def xp_runs(ok: Sequence[FileRecord]) -> list[tuple[XPBlock, list[int]]]:
    """`ok`'s 跨期 rows as runs of consecutive records from one chunk's block: (block, row numbers)."""
    runs: list[tuple[XPBlock, list[int]]] = []
    for r in ok:
        xp = r.xp
        if runs and runs[-1][0] is xp.block:  # type: ignore[union-attr]
            runs[-1][1].append(xp.row)  # type: ignore[union-attr]
        else:
            runs.append((xp.block, [xp.row]))  # type: ignore[union-attr]
    return runs


def stack_xp(ok: Sequence[FileRecord], m: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Values, widths and unknown flags of `ok` as matrices: whole runs of one chunk's block at a time."""
    runs = xp_runs(ok)
    if not runs:
        return np.empty((0, m)), np.empty((0, m)), np.empty((0, m), bool)
    return tuple(np.concatenate([getattr(b, f)[rows] for b, rows in runs]) for f in ("values", "widths", "unknown"))  # type: ignore[return-value]
