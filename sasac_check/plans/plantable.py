"""Plan tables (指标 | 单位 | <year> … | 年均增速): recognised in a workbook and checked for consistency."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import openpyxl

from sasac_check.check.interval import Iv, violated
from sasac_check.check.run import compute_indicators
from sasac_check.check.table import SubmissionTable
from sasac_check.model.catalog import catalog
from sasac_check.model.submission import Submission
from sasac_check.plans.names import CURRENT, indicator_name, item_name
from sasac_check.read.grid import coord
from sasac_check.read.numbers import NotANumber, format_percent, parse_number
from sasac_check.read.numfmt import shown_decimals
from sasac_check.rules import expr
from sasac_check.rules.load import UNIT_SCALE, RuleSet, shipped_rules

_YEAR = re.compile(r"^\s*((?:19|20)\d\d)\s*年?\s*$")
_UNIT_IN_NAME = re.compile(r"[（(]\s*([^（）()]*?)\s*[）)]\s*$")
UNITS = {"亿元", "万元", "元", "万元/人", "万/人", "元/人", "%", "人", "个", "家", "倍"}


@dataclass
class Cell:
    """One stated figure: its interval in 元 / fractions, and where it is."""

    iv: Iv | None  # None: blank or "-"
    ref: str
    text: str


@dataclass
class Row:
    name: str
    canon: str | None  # statement item or indicator the row states
    is_item: bool
    unit: str
    values: dict[int, Cell] = field(default_factory=dict)
    growth: Cell | None = None
    line: int = 0


@dataclass
class PlanTable:
    file: str
    sheet: str
    title: str
    years: list[int]
    rows: list[Row]

    def row(self, canon: str) -> Row | None:
        return next((r for r in self.rows if r.canon == canon), None)


def _squeeze(v: object) -> str:
    return re.sub(r"\s+", "", str(v)) if v is not None else ""


def _resolve(name: str, rs: RuleSet) -> tuple[str | None, bool]:
    """(canonical name, is a statement item) for a row label; tries the label, then the words in brackets."""
    cands = [name]
    m = re.match(r"^(.*?)[（(](.*)[）)]$", name)
    if m:
        cands += [m.group(2), m.group(1)]
    for c in cands:
        ind = indicator_name(c, rs)
        it = item_name(c)
        if it is not None:
            return it, True
        if ind is not None:
            return ind, False
    return None, False


def _cell(raw: object, fmt: str, unit: str, ref: str) -> Cell:
    text = "" if raw is None else str(raw)
    try:
        p = parse_number(raw)
    except NotANumber:
        return Cell(None, ref, text)
    if p.value is None:
        return Cell(None, ref, text)
    value, dec = p.value, p.decimals or 0
    shown = None if isinstance(raw, str) else shown_decimals(fmt)
    if shown is not None:  # a number typed as a number: the decimals its format shows (2.00 is ±0.005)
        dec = shown
        pct = "%" in (fmt or "")
        text = f"{p.value * 100:.{max(shown - 2, 0)}f}%" if pct else f"{p.value:.{shown}f}"
    if not p.percent and unit == "%" and not isinstance(raw, str) and "%" in (fmt or ""):
        pass  # a fraction shown as a percentage
    elif not p.percent and unit == "%":
        value, dec = value / 100.0, dec + 2
    hw = 0.5 * 10.0 ** (-dec)
    scale = 1.0 if unit == "%" else UNIT_SCALE.get(unit.replace("万/人", "万元/人"), 1.0)
    return Cell(Iv.around(np.array([value * scale]), np.array([hw * scale])), ref, text)


def read_plan_tables(path: str | Path, rs: RuleSet | None = None) -> list[PlanTable]:
    """Every sheet of the workbook with a header row 指标 … <year> …; other sheets are ignored."""
    rs = rs or shipped_rules()
    wb = openpyxl.load_workbook(path, data_only=True)
    out = []
    for ws in wb.worksheets:
        cells = list(ws.iter_rows(max_row=min(ws.max_row, 200)))
        grid = [[c.value for c in r] for r in cells]
        fmts = [[c.number_format for c in r] for r in cells]
        for h, row in enumerate(grid[:10]):
            labels = [_squeeze(v) for v in row]
            name_col = next((i for i, v in enumerate(labels) if v in ("指标", "指标名称")), None)
            years = {i: int(m.group(1)) for i, v in enumerate(row) if (m := _YEAR.match(str(v or "")))}
            if name_col is None or not years:
                continue
            unit_col = next((i for i, v in enumerate(labels) if v == "单位"), None)
            growth_col = next((i for i, v in enumerate(labels) if v.startswith("年均增")), None)
            title = " ".join(_squeeze(v) for r in grid[:h] for v in r if v is not None)
            t = PlanTable(str(path), ws.title, title, sorted(years.values()), [])
            for r in range(h + 1, len(grid)):
                label = _squeeze(grid[r][name_col]) if name_col < len(grid[r]) else ""
                if not label or label.startswith("说明"):
                    continue
                unit = _squeeze(grid[r][unit_col]) if unit_col is not None else ""
                m = _UNIT_IN_NAME.search(label)
                if m and m.group(1) in UNITS:
                    unit = unit or m.group(1)
                    label = label[: m.start()]
                canon, is_item = _resolve(label, rs)
                if not unit and canon and not is_item:
                    unit = rs.indicators[canon].unit
                row = Row(label, canon, is_item, unit or "亿元", line=r + 1)
                for c, y in years.items():
                    row.values[y] = _cell(grid[r][c], fmts[r][c], row.unit, coord(r, c))
                if growth_col is not None and growth_col < len(grid[r]) and grid[r][growth_col] not in (None, ""):
                    row.growth = _cell(grid[r][growth_col], fmts[r][growth_col], "%", coord(r, growth_col))
                t.rows.append(row)
            out.append(t)
            break
    return out


def year_submissions(t: PlanTable) -> dict[int, Submission]:
    """Each year column as a synthetic return (items in 元), so the engine's indicator formulas apply."""
    cat = catalog()
    subs = {}
    for y in t.years:
        s = Submission(file=t.file)
        for r in t.rows:
            c = r.values.get(y)
            if not r.is_item or r.canon is None or c is None or c.iv is None:
                continue
            col = CURRENT.get(cat.item(r.canon).sheet, ("本期", "上期"))[0]
            k = f"{r.canon}[{col}]"
            s.values[k], s.widths[k] = float(c.iv.mid[0]), float((c.iv.hi - c.iv.lo)[0] / 2)
            s.cells[k] = (t.sheet, c.ref)
        a, e, liab = "资产总计[期末余额]", "所有者权益合计[期末余额]", "负债合计[期末余额]"
        if liab not in s.values and a in s.values and e in s.values:
            s.values[liab] = s.values[a] - s.values[e]
            s.widths[liab] = s.widths[a] + s.widths[e]
        subs[y] = s
    return subs


def computed_indicators(t: PlanTable, rs: RuleSet) -> dict[int, dict[str, Iv]]:
    """Indicators recomputed from the table's amounts, only where every input of the formula is stated."""
    subs = year_submissions(t)
    years = sorted(subs)
    table = SubmissionTable.from_submissions([subs[y] for y in years])
    inds = compute_indicators(rs, table)
    out: dict[int, dict[str, Iv]] = {}
    for i, y in enumerate(years):
        out[y] = {}
        for name, iv in inds.items():
            keys = {f"{r.item}[{r.column}]" for r in expr.refs(rs.indicators[name].formula)}
            if keys and keys <= set(subs[y].values):
                out[y][name] = Iv(iv.lo[i : i + 1], iv.hi[i : i + 1])
    return out


def show(iv: Iv, unit: str) -> str:
    x = float(iv.mid[0])
    if unit == "%":
        return format_percent(x)
    return f"{x / UNIT_SCALE.get(unit.replace('万/人', '万元/人'), 1.0):,.2f}{unit}"


def agree(a: Iv, b: Iv) -> bool:
    return not bool(violated("==", a, b)[0])
