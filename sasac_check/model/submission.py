"""One normalized return: every value with its cell and stated precision, in 元, plus the cover."""

from __future__ import annotations

from dataclasses import dataclass, field

from sasac_check.model.finding import Finding


@dataclass
class Submission:
    """What a reader makes of one workbook; the engine never looks at the workbook itself.

    Keys of `values` are ``item[column]`` for statement items (canonical names, e.g. 资产总计[期末余额])
    and ``indicator[本期值]`` for values stated on 主要指标. Amounts are scaled to 元 by the cover's
    金额单位; counts (人) are not; a % indicator is a fraction (65.43% → 0.6543).
    A blank cell has no key. A cell whose value cannot be known (a formula never calculated, text
    that is no number) is in `unknown` instead, so no rule treats it as zero.
    """

    file: str
    cover: dict[str, str] = field(default_factory=dict)
    values: dict[str, float] = field(default_factory=dict)
    widths: dict[str, float] = field(default_factory=dict)  # half-width of the stated precision, same unit
    unknown: set[str] = field(default_factory=set)
    cells: dict[str, tuple[str, str]] = field(default_factory=dict)  # key or cover field -> (sheet, "C9")
    unit: str = "元"
    scale: float = 1.0
    problems: list[Finding] = field(default_factory=list)  # what reading found (text numbers, …)
    sheets: dict[str, str] = field(default_factory=dict)  # canonical sheet -> sheet name in the file

    def cell_of(self, key: str) -> tuple[str, str]:
        return self.cells.get(key, ("", ""))

    # --- compact values (bulk review) -------------------------------------------------------------
    # A batch reads tens of thousands of returns only to put their values into a chunk's matrix. Its reader
    # keeps the values of each run of cells as (keys, values, widths) — keys shared by every return of a
    # template — instead of filling `values` and `widths` key by key; SubmissionTable takes the runs straight
    # into its matrix. Anyone else who reads `values` or `widths` gets them built on first access, in the
    # order the reader found them: the two are ordinary dicts from then on.

    def start_compact(self) -> CompactValues:
        """Hold values compactly from now on (a reader's choice, made before it stores any value)."""
        if self.values or self.widths:
            raise ValueError("start_compact() after values were stored")
        compact = CompactValues()
        del self.values, self.widths  # read through __getattr__ from now on: built on first access
        self.__dict__["_compact"] = compact
        return compact

    @property
    def compact(self) -> CompactValues | None:
        """The compact values, while `values` and `widths` have not been built from them."""
        return self.__dict__.get("_compact")

    def __getattr__(self, name: str):  # only for attributes not found the ordinary way
        compact = self.__dict__.get("_compact")
        if compact is None or name not in ("values", "widths"):
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        self.__dict__["values"], self.__dict__["widths"] = compact.dicts()
        del self.__dict__["_compact"]
        return self.__dict__[name]


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
