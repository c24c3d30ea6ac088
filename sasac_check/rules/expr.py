"""The rule expression language: parsed (never eval'ed) into a small tree; check/evaluator.py evaluates it.

Syntax is a safe subset of Python expressions with Chinese names:

    资产总计[期末余额] == 流动资产合计 + 非流动资产合计      item[column]; a bare item takes the rule's column
    sum(货币资金, 存货) · abs(x) · min(a, b) · max(a, b) · avg(年初, 期末)
    growth(本期, 上期) · cagr(末期, 基期, 年数)          growth (减亏率 for a loss base) and CAGR
    上期.资产总计[期末余额]                              the prior period's return (跨期)
    资产负债率 <= 65%                                   an indicator by name; 65% means 0.65
    行业类型 == "工业" and 合并范围 in ["合并"]           cover fields, in preconditions
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from sasac_check.model.catalog import Catalog

FUNCTIONS = {"sum", "abs", "min", "max", "avg", "growth", "cagr"}
PRIOR = "上期"
_PERCENT = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s*[%％]")
_CMP = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}
_BIN = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}


class ExprError(ValueError):
    """A mistake in an expression; `col` is the 0-based column inside the expression text."""

    def __init__(self, message: str, col: int = 0) -> None:
        super().__init__(message)
        self.col = col


# --- the tree --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Node:
    pass


@dataclass(frozen=True)
class Const(Node):
    value: float | str | tuple


@dataclass(frozen=True)
class Ref(Node):
    item: str
    column: str | None  # None: the rule's current column
    prior: bool = False


@dataclass(frozen=True)
class Field(Node):
    name: str


@dataclass(frozen=True)
class Stated(Node):
    """An indicator's value as stated on the 主要指标 sheet (in the indicator's own unit)."""

    indicator: str


@dataclass(frozen=True)
class Bin(Node):
    op: str
    a: Node
    b: Node


@dataclass(frozen=True)
class Neg(Node):
    a: Node


@dataclass(frozen=True)
class Call(Node):
    fn: str
    args: tuple[Node, ...]


@dataclass(frozen=True)
class Cmp(Node):
    ops: tuple[str, ...]
    operands: tuple[Node, ...]


@dataclass(frozen=True)
class BoolOp(Node):
    op: str  # and | or | not
    values: tuple[Node, ...]


# --- names -----------------------------------------------------------------------------------------
@dataclass
class Namespace:
    """What names an expression may use: items (and aliases), cover fields, indicators."""

    catalog: Catalog
    indicators: dict[str, Node] = field(default_factory=dict)  # name -> parsed formula
    indicator_aliases: dict[str, str] = field(default_factory=dict)
    extra_fields: set[str] = field(default_factory=set)

    def suggest(self, name: str) -> str:
        near = self.catalog.suggest(name)
        import difflib

        near += difflib.get_close_matches(name, list(self.indicators), n=2, cutoff=0.5)
        return f"（是否指：{'、'.join(dict.fromkeys(near))}？）" if near else ""


def parse(text: str, ns: Namespace) -> Node:
    """Parse one expression; raises ExprError with a Chinese message and the column of the mistake."""
    src = _PERCENT.sub(lambda m: f"({m.group(1)}/100)", str(text).strip())
    src = src.replace("（", "(").replace("）", ")").replace("，", ",").replace("“", '"').replace("”", '"')
    if len(src) > MAX_EXPR_CHARS:
        raise ExprError(f"表达式过长（{len(src):,} 个字符，上限 {MAX_EXPR_CHARS:,}）：请拆成几个指标或规则", 0)
    try:
        tree = ast.parse(src, mode="eval")
    except SyntaxError as e:
        raise ExprError(f"表达式语法错误：{e.msg}（{_short(text)}）", (e.offset or 1) - 1) from None
    except (RecursionError, MemoryError):
        raise ExprError(f"表达式嵌套过深或过于复杂：请拆成几个指标或规则（{_short(text)}）", 0) from None
    depth = _depth(tree.body)
    if depth > MAX_EXPR_DEPTH:
        raise ExprError(f"表达式嵌套过深（{depth} 层，上限 {MAX_EXPR_DEPTH}；长的加法请拆成几个合计项或指标）", 0)
    return _Builder(ns).build(tree.body)


MAX_EXPR_CHARS = 20_000
MAX_EXPR_DEPTH = 200  # every later step (evaluating, writing Excel formulas) recurses once per level


def _short(text: str) -> str:
    text = str(text)
    return text if len(text) <= 200 else text[:200] + "…"


def _depth(root: ast.AST) -> int:
    """The nesting depth of a parsed expression, walked without recursion (a long sum is a deep left chain)."""
    deepest, stack = 0, [(root, 1)]
    while stack:
        node, d = stack.pop()
        deepest = max(deepest, d)
        if d > MAX_EXPR_DEPTH:
            return d
        stack.extend((child, d + 1) for child in ast.iter_child_nodes(node))
    return deepest


class _Builder:
    def __init__(self, ns: Namespace) -> None:
        self.ns = ns

    def fail(self, node: ast.AST, msg: str) -> ExprError:
        return ExprError(msg, getattr(node, "col_offset", 0))

    def build(self, n: ast.AST) -> Node:
        if isinstance(n, ast.Constant):
            if isinstance(n.value, bool) or not isinstance(n.value, int | float | str):
                raise self.fail(n, f"不支持的常量：{n.value!r}")
            return Const(n.value if isinstance(n.value, str) else float(n.value))
        if isinstance(n, ast.List | ast.Tuple | ast.Set):
            vals = []
            for e in n.elts:
                if not isinstance(e, ast.Constant):
                    raise self.fail(e, "列表中只能写常量")
                vals.append(e.value)
            return Const(tuple(vals))
        if isinstance(n, ast.Name):
            return self.name(n, n.id, None, prior=False)
        if isinstance(n, ast.Attribute):
            if isinstance(n.value, ast.Name) and n.value.id == PRIOR:
                return self.name(n, n.attr, None, prior=True)
            raise self.fail(n, "只支持“上期.项目”形式的引用")
        if isinstance(n, ast.Subscript):
            col = n.slice
            col_name = col.id if isinstance(col, ast.Name) else col.value if isinstance(col, ast.Constant) else None
            if not isinstance(col_name, str):
                raise self.fail(n, "列选择应写作 项目[列名]，如 资产总计[期末余额]")
            base = n.value
            if isinstance(base, ast.Name):
                return self.name(base, base.id, col_name, prior=False)
            if isinstance(base, ast.Attribute) and isinstance(base.value, ast.Name) and base.value.id == PRIOR:
                return self.name(base, base.attr, col_name, prior=True)
            raise self.fail(n, "列选择只能用于项目名")
        if isinstance(n, ast.BinOp):
            op = _BIN.get(type(n.op))
            if op is None:
                raise self.fail(n, "只支持 + - * / 四则运算")
            return Bin(op, self.build(n.left), self.build(n.right))
        if isinstance(n, ast.UnaryOp):
            if isinstance(n.op, ast.USub):
                return Neg(self.build(n.operand))
            if isinstance(n.op, ast.UAdd):
                return self.build(n.operand)
            if isinstance(n.op, ast.Not):
                return BoolOp("not", (self.build(n.operand),))
            raise self.fail(n, "不支持的运算符")
        if isinstance(n, ast.Call):
            if not isinstance(n.func, ast.Name) or n.func.id not in FUNCTIONS:
                fname = getattr(n.func, "id", "?")
                raise self.fail(n, f"未知函数 {fname}，可用：{', '.join(sorted(FUNCTIONS))}")
            if n.keywords:
                raise self.fail(n, "函数不接受关键字参数")
            args = tuple(self.build(a) for a in n.args)
            arity = {"abs": (1, 1), "growth": (2, 2), "cagr": (3, 3), "avg": (1, 99), "sum": (1, 999)}
            lo, hi = arity.get(n.func.id, (1, 99))
            if not lo <= len(args) <= hi:
                raise self.fail(n, f"函数 {n.func.id} 的参数个数不对")
            return Call(n.func.id, args)
        if isinstance(n, ast.Compare):
            ops = []
            for o in n.ops:
                if isinstance(o, ast.In | ast.NotIn):
                    ops.append("in" if isinstance(o, ast.In) else "not in")
                elif type(o) in _CMP:
                    ops.append(_CMP[type(o)])
                else:
                    raise self.fail(n, "不支持的比较运算")
            return Cmp(tuple(ops), (self.build(n.left), *(self.build(c) for c in n.comparators)))
        if isinstance(n, ast.BoolOp):
            return BoolOp("and" if isinstance(n.op, ast.And) else "or", tuple(self.build(v) for v in n.values))
        raise self.fail(n, f"不支持的表达式成分：{type(n).__name__}")

    def name(self, node: ast.AST, raw: str, column: str | None, prior: bool) -> Node:
        cat = self.ns.catalog
        item = cat.resolve(raw)
        if item is not None:
            sheet = cat.sheet(cat.item(item).sheet)
            if column is not None:
                col = cat.column_of(sheet, column)
                if col is None:
                    raise self.fail(node, f"{sheet.name}没有列“{column}”，可用：{'、'.join(sheet.columns)}")
                column = col
            return Ref(item, column, prior)
        if column is None and not prior:
            ind = self.ns.indicator_aliases.get(raw, raw)
            if ind in self.ns.indicators:
                return self.ns.indicators[ind]
            if cat.cover_field(raw) is not None or raw in self.ns.extra_fields:
                return Field(raw)
        raise self.fail(node, f"未知项目“{raw}”{self.ns.suggest(raw)}")


# --- columns ------------------------------------------------------------------------------------
def column_for(catalog: Catalog, item: str, column: str | None, current: str | None) -> str:
    """The column a reference reads: its own, else the rule's current one (by position across sheets)."""
    cols = catalog.sheet(catalog.item(item).sheet).columns
    if column is not None:
        return column
    if current is None:
        return cols[0]
    if current in cols:
        return current
    for s in catalog.sheets:
        if current in s.columns:
            idx = s.columns.index(current)
            return cols[idx] if idx < len(cols) else cols[0]
    return cols[0]


def walk(n: Node) -> Iterable[Node]:
    yield n
    for child in _children(n):
        yield from walk(child)


def _children(n: Node) -> tuple[Node, ...]:
    if isinstance(n, Bin):
        return (n.a, n.b)
    if isinstance(n, Neg):
        return (n.a,)
    if isinstance(n, Call):
        return n.args
    if isinstance(n, Cmp):
        return n.operands
    if isinstance(n, BoolOp):
        return n.values
    return ()


def refs(n: Node) -> list[Ref]:
    return [x for x in walk(n) if isinstance(x, Ref)]


def money_power(n: Node, catalog: Catalog) -> int:
    """1 for an amount in 元, 0 for a ratio or count: decides how a value is shown and scaled."""
    if isinstance(n, Ref):
        return 1 if catalog.item(n.item).kind == "amount" else 0
    if isinstance(n, Bin):
        a, b = money_power(n.a, catalog), money_power(n.b, catalog)
        return {"+": max(a, b), "-": max(a, b), "*": a + b, "/": a - b}[n.op]
    if isinstance(n, Neg):
        return money_power(n.a, catalog)
    if isinstance(n, Call):
        if n.fn in ("growth", "cagr"):
            return 0
        return max(money_power(a, catalog) for a in n.args)
    return 0


def to_text(n: Node) -> str:
    """The expression written back in the rule-file syntax (for messages and `explain`)."""
    if isinstance(n, Const):
        return repr(n.value) if isinstance(n.value, str) else f"{n.value:g}"
    if isinstance(n, Ref):
        s = ("上期." if n.prior else "") + n.item
        return s + (f"[{n.column}]" if n.column else "")
    if isinstance(n, Field):
        return n.name
    if isinstance(n, Stated):
        return f"主要指标.{n.indicator}"
    if isinstance(n, Bin):
        return f"({to_text(n.a)} {n.op} {to_text(n.b)})"
    if isinstance(n, Neg):
        return f"-{to_text(n.a)}"
    if isinstance(n, Call):
        return f"{n.fn}({', '.join(to_text(a) for a in n.args)})"
    if isinstance(n, Cmp):
        out = to_text(n.operands[0])
        for op, b in zip(n.ops, n.operands[1:], strict=False):
            out += f" {op} {to_text(b)}"
        return out
    if isinstance(n, BoolOp):
        if n.op == "not":
            return f"not {to_text(n.values[0])}"
        return f" {n.op} ".join(to_text(v) for v in n.values)
    return "?"


