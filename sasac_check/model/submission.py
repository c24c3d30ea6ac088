"""One normalized return: every value with its cell and stated precision, in 元, plus the cover."""

from __future__ import annotations

from sasac_check.model.finding import Finding


class Submission:
    """What a reader makes of one workbook; the engine never looks at the workbook itself.

    Keys of `values` are ``item[column]`` for statement items (canonical names, e.g. 资产总计[期末余额])
    and ``indicator[本期值]`` for values stated on 主要指标. Amounts are scaled to 元 by the cover's
    金额单位; counts (人) are not; a % indicator is a fraction (65.43% → 0.6543).
    A blank cell has no key. A cell whose value cannot be known (a formula never calculated, text
    that is no number) is in `unknown` instead, so no rule treats it as zero.

    Compact values (bulk review): a batch reads tens of thousands of returns only to put their values into a
    chunk's matrix, so its reader may hold the values of each run of cells as (keys, values, widths) — keys
    shared by every return of a template — instead of filling `values` and `widths` key by key
    (`start_compact`); SubmissionTable takes the runs straight into its matrix. Whoever reads `values` or
    `widths` gets them built from the runs on first access; from then on they are ordinary dicts.
    """

    FIELDS = ("file", "cover", "values", "widths", "unknown", "cells", "unit", "scale", "problems", "sheets")

    def __init__(self, file: str, cover: dict[str, str] | None = None, values: dict[str, float] | None = None,
                 widths: dict[str, float] | None = None, unknown: set[str] | None = None,
                 cells: dict[str, tuple[str, str]] | None = None, unit: str = "元", scale: float = 1.0,
                 problems: list[Finding] | None = None, sheets: dict[str, str] | None = None) -> None:
        self.file = file
        self.cover: dict[str, str] = {} if cover is None else cover
        self._values: dict[str, float] | None = {} if values is None else values
        self._widths: dict[str, float] | None = {} if widths is None else widths  # half-width of the stated precision
        self.unknown: set[str] = set() if unknown is None else unknown
        self.cells: dict[str, tuple[str, str]] = {} if cells is None else cells  # key or cover field -> (sheet, "C9")
        self.unit, self.scale = unit, scale
        self.problems: list[Finding] = [] if problems is None else problems  # what reading found (text numbers, …)
        self.sheets: dict[str, str] = {} if sheets is None else sheets  # canonical sheet -> sheet name in the file
        self._compact: CompactValues | None = None

    @property
    def values(self) -> dict[str, float]:
        if self._values is None:
            self._build()
        return self._values  # type: ignore[return-value]

    @values.setter
    def values(self, v: dict[str, float]) -> None:
        self._values = v

    @property
    def widths(self) -> dict[str, float]:
        if self._widths is None:
            self._build()
        return self._widths  # type: ignore[return-value]

    @widths.setter
    def widths(self, v: dict[str, float]) -> None:
        self._widths = v

    def _build(self) -> None:
        assert self._compact is not None
        self._values, self._widths = self._compact.dicts()
        self._compact = None

    def start_compact(self) -> CompactValues:
        """Hold values compactly from now on (a reader's choice, made before it stores any value)."""
        if self._values or self._widths:
            raise ValueError("start_compact() after values were stored")
        self._compact = CompactValues()
        self._values = self._widths = None
        return self._compact

    @property
    def compact(self) -> CompactValues | None:
        """The compact values, while `values` and `widths` have not been built from them."""
        return self._compact

    def cell_of(self, key: str) -> tuple[str, str]:
        return self.cells.get(key, ("", ""))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Submission):
            return NotImplemented
        return all(getattr(self, f) == getattr(other, f) for f in self.FIELDS)

    __hash__ = None  # type: ignore[assignment]  # mutable, like the dataclass it replaces

    def __repr__(self) -> str:
        return f"Submission(file={self.file!r}, {len(self.values)} values, cover={self.cover!r})"


class CompactValues:
    """Values and half-widths as runs: (keys, values, width or widths per key), or dicts of single cells."""

    def __init__(self) -> None:
        self.runs: list[tuple[list[str], list[float], float | list[float]]] = []
        self.single: list[tuple[dict[str, float], dict[str, float]]] = []  # (values, widths), in reading order
        self.order: list[tuple[bool, int]] = []  # (is a run, index): the reading order of runs and singles

    def run(self, keys: list[str], values: list[float], width: float | list[float]) -> None:
        self.order.append((True, len(self.runs)))
        self.runs.append((keys, values, width))

    def cells(self) -> tuple[dict[str, float], dict[str, float]]:
        """The (values, widths) dicts single cells go into: the current ones, or new ones after a run."""
        if not self.order or self.order[-1][0]:
            self.order.append((False, len(self.single)))
            self.single.append(({}, {}))
        return self.single[-1]

    def dicts(self) -> tuple[dict[str, float], dict[str, float]]:
        values: dict[str, float] = {}
        widths: dict[str, float] = {}
        for is_run, i in self.order:
            if is_run:
                keys, vals, width = self.runs[i]
                values.update(zip(keys, vals, strict=True))
                widths.update(zip(keys, width, strict=True) if isinstance(width, list) else dict.fromkeys(keys, width))
            else:
                v, w = self.single[i]
                values.update(v)
                widths.update(w)
        return values, widths


class UnreadableWorkbook(Exception):
    """The file is not a workbook we can read (corrupt, encrypted, foreign, missing sheets)."""

    def __init__(self, file: str, reason: str) -> None:
        super().__init__(f"{file}：{reason}")
        self.file = file
        self.reason = reason


class NotAReturn(UnreadableWorkbook):
    """A readable workbook without the return's statement sheets: possibly another kind (a ledger) to try."""
