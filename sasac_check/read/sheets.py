"""Which sheet of a workbook is which canonical sheet: the WorkbookLayout of statements, cover and 主要指标."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from sasac_check.model.catalog import catalog
from sasac_check.read.grid import Grid
from sasac_check.read.knowledge import knowledge
from sasac_check.read.layout import SheetLayout, cover_lookup, layout_labels, locate_sheet
from sasac_check.read.layoutcache import LAYOUTS

MIN_ROWS_BY_CONTENT = 5  # a sheet with an unknown name is taken for a statement when this many of its lines are


@lru_cache(maxsize=1)
def shipped_indicators() -> dict:
    """The shipped indicators (rules/indicators.yaml and any other shipped rule file)."""
    from sasac_check.model.resources import data_path
    from sasac_check.rules.load import RuleFileError, load_rules, shipped_rules

    try:
        return shipped_rules().indicators
    except RuleFileError:  # another shipped rule file is broken: indicators alone still load
        return load_rules([data_path("rules") / "indicators.yaml"], shipped=False).indicators


@dataclass
class Assignment:
    """Sheet names by role: each statement's sheet, its 续表 sheets, a cover sheet, and the sheets not read."""

    primary: dict[str, str] = field(default_factory=dict)
    continued: dict[str, list[str]] = field(default_factory=dict)
    cover: str | None = None
    ignored: list[tuple[str, str]] = field(default_factory=list)  # (sheet, why it was not read)
    other: list[str] = field(default_factory=list)


def assign_sheets(names: Sequence[str]) -> Assignment:
    """Tell the statements apart by their sheet names (as 久其 and ledgers export them), in any order."""
    cat, k = catalog(), knowledge()
    out = Assignment()
    for sd in cat.sheets:
        if sd.name in names:
            out.primary[sd.name] = sd.name
    taken = set(out.primary.values()) | {cat.cover_sheet, cat.indicator_sheet}
    if cat.cover_sheet in names:
        out.cover = cat.cover_sheet
    prev = ""
    for n in names:
        if n in taken:
            prev = next((c for c, a in out.primary.items() if a == n), "")
            continue
        role = k.sheet_of(n)
        if role is not None and k.is_parent_only(n):
            out.ignored.append((n, "母公司报表（只读取合并报表）"))
        elif role is not None:
            canon, cont = role
            if cont and canon in out.primary:
                out.continued.setdefault(canon, []).append(n)
            elif canon not in out.primary:
                out.primary[canon] = n
            else:
                out.ignored.append((n, f"又一张“{canon}”（已读取“{out.primary[canon]}”）"))
            prev = canon
        elif k.is_continuation(n) and prev:
            out.continued.setdefault(prev, []).append(n)
        elif k.is_ledger(n):
            out.ignored.append((n, "账簿 / 余额表，不是报表"))
        elif k.is_cover(n) and out.cover is None:
            out.cover = n
        else:
            out.other.append(n)
    return out


@dataclass
class WorkbookLayout:
    """Where every canonical sheet, item, cover field and indicator sits in one workbook."""

    sheets: dict[str, str]  # canonical -> actual name
    statements: dict[str, SheetLayout]
    cover: SheetLayout | None
    indicators: SheetLayout | None
    missing: list[str]
    extra: dict[str, list[SheetLayout]] = field(default_factory=dict)  # canonical -> layouts of its 续表 sheets
    ignored: list[tuple[str, str]] = field(default_factory=list)  # (sheet, why it was not read)
    standard_cover: bool = True  # the template's 封面 (else a 久其 cover sheet, or none: the headings give it)
    order: list[str] = field(default_factory=list)  # sheet names in workbook order

    def pieces(self, canonical: str) -> list[SheetLayout]:
        """Every block of a statement: on its sheet (账户式: side by side), then on its 续表 sheets."""
        lay = self.statements.get(canonical)
        if lay is None:
            return []
        out = lay.pieces()
        for more in self.extra.get(canonical, ()):
            out += more.pieces()
        return out

    @classmethod
    def from_grids(cls, names: Sequence[str], grid_of: Callable[[str], Grid], indicators: dict | None = None) -> WorkbookLayout:
        """`grid_of(actual_name)` gives the sheet's cell values as rows (0-based, from A1)."""
        cat = catalog()
        indicators = shipped_indicators() if indicators is None else indicators
        names = list(names)
        asg = assign_sheets(names)
        sheets: dict[str, str] = {}
        statements: dict[str, SheetLayout] = {}
        extra: dict[str, list[SheetLayout]] = {}
        missing: list[str] = []
        for sd in cat.sheets:
            actual = asg.primary.get(sd.name) or locate_sheet(asg.other, sd.name, sd.code)
            lay = LAYOUTS.statement(grid_of(actual), sd, actual, cat) if actual is not None else None
            if lay is None or not lay.rows:
                lay, actual = _by_content(asg, grid_of, sd, cat, lay, actual)
            if lay is None:
                missing.append(sd.name)
                continue
            if actual in asg.other:
                asg.other.remove(actual)
            sheets[sd.name] = actual  # type: ignore[assignment]
            statements[sd.name] = lay
            for n in asg.continued.get(sd.name, ()):
                more = LAYOUTS.statement(grid_of(n), sd, n, cat)
                if more is not None and more.rows:
                    extra.setdefault(sd.name, []).append(more)
                else:
                    asg.ignored.append((n, f"续表中未找到“{sd.name}”的项目"))
        cover = ind = None
        standard = asg.cover == cat.cover_sheet
        if asg.cover is not None:
            cover = _cover_layout(grid_of(asg.cover), asg.cover, standard)
        if cover is None:
            missing.append(cat.cover_sheet)
        else:
            sheets[cat.cover_sheet] = asg.cover  # type: ignore[assignment]
        actual = locate_sheet(names, cat.indicator_sheet)
        if actual is not None:
            ind = LAYOUTS.indicators(grid_of(actual), actual, indicators, cat.indicator_columns)
        if ind is None:
            missing.append(cat.indicator_sheet)
        else:
            sheets[cat.indicator_sheet] = actual  # type: ignore[assignment]
        ignored = asg.ignored + [(n, "未识别为报表") for n in asg.other if n != actual]
        return cls(sheets, statements, cover, ind, missing, extra, ignored, standard, names)

    @classmethod
    def from_openpyxl(cls, wb, indicators: dict | None = None) -> WorkbookLayout:
        def grid_of(name: str) -> list[tuple]:
            return [tuple(r) for r in wb[name].iter_rows(values_only=True)]

        return cls.from_grids(wb.sheetnames, grid_of, indicators)


def _by_content(asg: Assignment, grid_of, sd, cat, lay, actual):
    """A statement whose sheet name says nothing: the unnamed sheet with most of its lines."""
    from sasac_check.read.blocks import layout_statement

    best = (MIN_ROWS_BY_CONTENT - 1, None, None)
    for n in asg.other:
        got = layout_statement(grid_of(n), sd, n, cat)
        if got is not None and len(got.rows) > best[0]:
            best = (len(got.rows), got, n)
    if best[1] is not None:
        return best[1], best[2]
    return (lay, actual) if lay is not None and lay.rows else (None, None)


def _cover_layout(grid: Grid, name: str, standard: bool) -> SheetLayout | None:
    """The template's 封面 (cached like a statement), or a 久其-style cover: 项目 | 内容, or label / value pairs."""
    if standard:
        return LAYOUTS.cover(grid, name)
    k = knowledge()

    def lookup(label: str) -> str | None:
        return cover_lookup(label) or k.cover_field(label)

    for columns in (("项目", "内容"), ("项目", "值"), ("项目名称", "内容"), ("名称", "内容")):
        lay = layout_labels(grid, name, lookup, columns)
        if lay is not None and lay.header_row >= 0 and lay.rows:
            lay.columns["值"] = lay.columns[columns[1]]
            return lay
    return layout_labels(grid, name, lookup, ("项目", "值"))
