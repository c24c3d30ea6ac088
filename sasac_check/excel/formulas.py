"""Excel formulas from rule-expression trees: the live indicator formulas the add-in and --annotate write."""

from __future__ import annotations

from collections.abc import Callable

from sasac_check.model.catalog import Catalog
from sasac_check.rules.expr import (
    Bin,
    Call,
    Const,
    ExprError,
    Neg,
    Node,
    Ref,
    column_for,
)

CellLookup = Callable[[str, str], str | None]  # (item, column) -> "'资产负债表'!C9" or None


def to_excel(n: Node, cell: CellLookup, catalog: Catalog, current: str | None = None) -> str:
    """An Excel formula body for a numeric expression; division by zero yields "" (an empty-looking cell)."""
    divisors: list[str] = []
    body = _xl(n, cell, catalog, current, divisors)
    if divisors:
        guard = ",".join(f"({d})=0" for d in dict.fromkeys(divisors))
        return f'IF(OR({guard}),"",{body})'
    return body


def _xl(n: Node, cell: CellLookup, cat: Catalog, cur: str | None, divs: list[str]) -> str:
    if isinstance(n, Const):
        if not isinstance(n.value, float):
            raise ExprError("Excel 公式中只能使用数值常量")
        return f"{n.value:g}"
    if isinstance(n, Ref):
        if n.prior:
            raise ExprError("上期数据不在本工作簿中，无法写成公式")
        col = column_for(cat, n.item, n.column, cur)
        ref = cell(n.item, col)
        if ref is None:
            raise ExprError(f"工作簿中找不到 {n.item}[{col}]")
        return ref
    if isinstance(n, Bin):
        a, b = _xl(n.a, cell, cat, cur, divs), _xl(n.b, cell, cat, cur, divs)
        if n.op == "/":
            divs.append(b)
        return f"({a}{n.op}{b})"
    if isinstance(n, Neg):
        return f"(-{_xl(n.a, cell, cat, cur, divs)})"
    if isinstance(n, Call):
        args = [_xl(a, cell, cat, cur, divs) for a in n.args]
        if n.fn == "sum":
            return f"SUM({','.join(args)})"
        if n.fn == "avg":
            return f"AVERAGE({','.join(args)})"
        if n.fn in ("abs", "min", "max"):
            return f"{n.fn.upper()}({','.join(args)})"
        if n.fn == "growth":
            divs.append(args[1])
            return f"(({args[0]})-({args[1]}))/ABS({args[1]})"
        if n.fn == "cagr":
            divs.append(args[1])
            return f"(POWER(({args[0]})/({args[1]}),1/({args[2]}))-1)"
    raise ExprError("此表达式不能写成 Excel 公式")
