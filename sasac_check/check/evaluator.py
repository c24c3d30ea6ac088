"""Evaluates rule-expression trees (rules/expr.py) over a submissions table, with interval arithmetic."""

from __future__ import annotations

from typing import Protocol

import numpy as np

from sasac_check.check.interval import Iv, certainly, violated
from sasac_check.model.catalog import Catalog
from sasac_check.rules.expr import (
    Bin,
    BoolOp,
    Call,
    Cmp,
    Const,
    ExprError,
    Field,
    Neg,
    Node,
    Ref,
    Stated,
    column_for,
)


class Table(Protocol):
    """What evaluation needs of the submissions table."""

    n: int

    def interval(self, key: str, prior: bool = False) -> Iv: ...

    def text(self, name: str) -> np.ndarray: ...


class Evaluator:
    """Evaluates trees over one table, for one current column."""

    def __init__(self, table: Table, catalog: Catalog, current: str | None = None) -> None:
        self.t, self.cat, self.cur = table, catalog, current

    def num(self, n: Node) -> Iv:
        t = self.t
        if isinstance(n, Const):
            if not isinstance(n.value, float):
                raise ExprError(f"此处需要数值，得到 {n.value!r}")
            return Iv.point(n.value, t.n)
        if isinstance(n, Ref):
            col = column_for(self.cat, n.item, n.column, self.cur)
            return t.interval(f"{n.item}[{col}]", prior=n.prior)
        if isinstance(n, Stated):
            return t.interval(f"{n.indicator}[本期值]")
        if isinstance(n, Bin):
            a, b = self.num(n.a), self.num(n.b)
            return {"+": Iv.__add__, "-": Iv.__sub__, "*": Iv.__mul__, "/": Iv.__truediv__}[n.op](a, b)
        if isinstance(n, Neg):
            return -self.num(n.a)
        if isinstance(n, Call):
            args = [self.num(a) for a in n.args]
            if n.fn == "sum":
                out = args[0]
                for a in args[1:]:
                    out = out + a
                return out
            if n.fn == "avg":
                out = args[0]
                for a in args[1:]:
                    out = out + a
                return out / Iv.point(float(len(args)), t.n)
            if n.fn == "abs":
                return args[0].abs()
            if n.fn == "min":
                return Iv.minimum(*args)
            if n.fn == "max":
                return Iv.maximum(*args)
            if n.fn == "growth":
                return growth(args[0], args[1])
            if n.fn == "cagr":
                return cagr(args[0], args[1], args[2])
        if isinstance(n, Field):
            raise ExprError(f"封面字段“{n.name}”不是数值")
        raise ExprError("此处需要数值表达式")

    def truth(self, n: Node) -> np.ndarray:
        """Where a precondition certainly holds."""
        if isinstance(n, BoolOp):
            parts = [self.truth(v) for v in n.values]
            if n.op == "not":
                return ~parts[0]
            return np.logical_and.reduce(parts) if n.op == "and" else np.logical_or.reduce(parts)
        if isinstance(n, Cmp):
            out = np.ones(self.t.n, dtype=bool)
            for op, a, b in zip(n.ops, n.operands, n.operands[1:], strict=False):
                out &= self._cmp_truth(op, a, b)
            return out
        raise ExprError("前提条件应为比较，如 合并范围 == \"合并\"")

    def _cmp_truth(self, op: str, a: Node, b: Node) -> np.ndarray:
        if isinstance(a, Field) or isinstance(b, Field) or _is_text(a) or _is_text(b):
            left, right = self._text(a), self._text(b)
            if op in ("in", "not in"):
                if not isinstance(b, Const) or not isinstance(b.value, tuple):
                    raise ExprError("in 的右边应为列表，如 [\"工业\", \"非工业\"]")
                res = np.isin(left, [str(v) for v in b.value])
                return res if op == "in" else ~res
            if op == "==":
                return left == right
            if op == "!=":
                return left != right
            raise ExprError("文本只能比较 == 或 !=")
        return certainly(op, self.num(a), self.num(b))

    def _text(self, n: Node) -> np.ndarray:
        if isinstance(n, Field):
            return self.t.text(n.name)
        if isinstance(n, Const) and isinstance(n.value, str):
            return np.full(self.t.n, n.value, dtype=object)
        if isinstance(n, Const) and isinstance(n.value, tuple):
            return np.full(self.t.n, None, dtype=object)
        raise ExprError("此处需要封面字段或文本")

    def check(self, n: Cmp, abs_tol: float = 0.0, rel_tol: float = 0.0) -> tuple[np.ndarray, Iv, Iv]:
        """Where a check certainly fails, with the left side (actual) and right side (expected)."""
        bad = np.zeros(self.t.n, dtype=bool)
        first_a = first_b = None
        for op, a, b in zip(n.ops, n.operands, n.operands[1:], strict=False):
            ia, ib = self.num(a), self.num(b)
            bad |= violated(op, ia.widen(abs_tol, rel_tol), ib)
            if first_a is None:
                first_a, first_b = ia, ib
        assert first_a is not None and first_b is not None
        return bad, first_a, first_b


def _is_text(n: Node) -> bool:
    return isinstance(n, Const) and isinstance(n.value, str | tuple)


def growth(cur: Iv, base: Iv) -> Iv:
    """本期 / 上期 − 1; for a loss base, 减亏率 = (上期亏损 − 本期亏损) / 上期亏损: both are (cur − base) / |base|."""
    return (cur - base) / base.abs()


def cagr(end: Iv, base: Iv, years: Iv) -> Iv:
    """(末期 / 基期)^(1/年数) − 1; unknown when the base is missing, zero or of the other sign."""
    n = years.mid
    ratio = end / base
    with np.errstate(invalid="ignore", divide="ignore"):
        p = 1.0 / n
    lo_r = np.where(ratio.lo > 0, ratio.lo, np.nan)
    hi_r = np.where(ratio.hi > 0, ratio.hi, np.nan)
    with np.errstate(invalid="ignore"):
        lo, hi = np.power(lo_r, p) - 1.0, np.power(hi_r, p) - 1.0
    bad = (base.lo <= 0) & (base.hi >= 0) | ~(n > 0)
    return Iv(np.where(bad, np.nan, lo), np.where(bad, np.nan, hi))


# --- inspection ------------------------------------------------------------------------------------
