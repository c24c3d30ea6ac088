"""Vectorised interval arithmetic: every stated figure is the interval its rounding allows.

An interval is a pair of numpy arrays (lo, hi), one element per submission. NaN marks an unknown
value (a formula without a cached result, a ratio over zero): it propagates, and a comparison
over an unknown value is never reported as a failure.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_INF = np.inf


@dataclass(frozen=True)
class Iv:
    """A vector of closed intervals [lo, hi]."""

    lo: np.ndarray
    hi: np.ndarray

    @staticmethod
    def point(x: np.ndarray | float, n: int | None = None) -> Iv:
        a = np.asarray(x, dtype=float)
        if a.ndim == 0 and n is not None:
            a = np.full(n, float(a))
        return Iv(a, a)

    @staticmethod
    def around(x: np.ndarray, half_width: np.ndarray) -> Iv:
        return Iv(x - half_width, x + half_width)

    @property
    def mid(self) -> np.ndarray:
        with np.errstate(invalid="ignore"):
            both_inf = np.isinf(self.lo) & np.isinf(self.hi)
            return np.where(both_inf, np.nan, (self.lo + self.hi) / 2)

    @property
    def known(self) -> np.ndarray:
        return ~(np.isnan(self.lo) | np.isnan(self.hi))

    def __add__(self, o: Iv) -> Iv:
        return Iv(self.lo + o.lo, self.hi + o.hi)

    def __sub__(self, o: Iv) -> Iv:
        return Iv(self.lo - o.hi, self.hi - o.lo)

    def __neg__(self) -> Iv:
        return Iv(-self.hi, -self.lo)

    def __mul__(self, o: Iv) -> Iv:
        with np.errstate(invalid="ignore"):
            fa = np.stack([self.lo, self.lo, self.hi, self.hi])
            fb = np.stack([o.lo, o.hi, o.lo, o.hi])
            p = fa * fb
            # 0 * inf is NaN in IEEE arithmetic but 0 as a bound of a product of intervals.
            p = np.where(np.isnan(p) & ~np.isnan(fa) & ~np.isnan(fb), 0.0, p)
            return Iv(p.min(axis=0), p.max(axis=0))

    def __truediv__(self, o: Iv) -> Iv:
        """Division; a divisor that is exactly zero gives unknown, one whose interval holds zero gives (-inf, inf)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            zero = (o.lo == 0) & (o.hi == 0)
            spans = (o.lo <= 0) & (o.hi >= 0) & ~zero
            safe_lo = np.where(spans | zero, 1.0, o.lo)
            safe_hi = np.where(spans | zero, 1.0, o.hi)
            r = self * Iv(1.0 / safe_hi, 1.0 / safe_lo)
            lo = np.where(spans, -_INF, r.lo)
            hi = np.where(spans, _INF, r.hi)
            lo = np.where(zero, np.nan, lo)
            hi = np.where(zero, np.nan, hi)
            nan = np.isnan(self.lo) | np.isnan(o.lo)
            return Iv(np.where(nan, np.nan, lo), np.where(nan, np.nan, hi))

    def abs(self) -> Iv:
        lo = np.where(self.lo >= 0, self.lo, np.where(self.hi <= 0, -self.hi, 0.0))
        hi = np.maximum(np.abs(self.lo), np.abs(self.hi))
        nan = ~self.known
        return Iv(np.where(nan, np.nan, lo), np.where(nan, np.nan, hi))

    def power(self, p: float) -> Iv:
        """x ** p for a constant p; unknown where x may be negative."""
        with np.errstate(invalid="ignore"):
            ok = self.lo > 0 if p != int(p) else np.ones_like(self.lo, dtype=bool)
            a, b = np.power(np.where(ok, self.lo, np.nan), p), np.power(np.where(ok, self.hi, np.nan), p)
            return Iv(np.minimum(a, b), np.maximum(a, b))

    @staticmethod
    def minimum(*xs: Iv) -> Iv:
        return Iv(np.minimum.reduce([x.lo for x in xs]), np.minimum.reduce([x.hi for x in xs]))

    @staticmethod
    def maximum(*xs: Iv) -> Iv:
        return Iv(np.maximum.reduce([x.lo for x in xs]), np.maximum.reduce([x.hi for x in xs]))

    def where(self, mask: np.ndarray, other: Iv) -> Iv:
        return Iv(np.where(mask, self.lo, other.lo), np.where(mask, self.hi, other.hi))

    def widen(self, abs_tol: float = 0.0, rel_tol: float = 0.0) -> Iv:
        if not abs_tol and not rel_tol:
            return self
        with np.errstate(invalid="ignore"):
            w = abs_tol + rel_tol * np.maximum(np.abs(self.lo), np.abs(self.hi))
            return Iv(self.lo - w, self.hi + w)


# Each comparison answers: is the relation *certainly* violated, whatever the rounded figures hide?
def violated(op: str, a: Iv, b: Iv) -> np.ndarray:
    """Where the relation `a op b` cannot hold for any values inside the intervals."""
    with np.errstate(invalid="ignore"):
        if op == "==":
            v = (a.hi < b.lo) | (a.lo > b.hi)
        elif op == "<=":
            v = a.lo > b.hi
        elif op == "<":
            v = a.lo >= b.hi
        elif op == ">=":
            v = a.hi < b.lo
        elif op == ">":
            v = a.hi <= b.lo
        elif op == "!=":
            v = (a.lo == a.hi) & (b.lo == b.hi) & (a.lo == b.lo)
        else:  # pragma: no cover - the parser admits no other operator
            raise ValueError(op)
    return v & a.known & b.known


def certainly(op: str, a: Iv, b: Iv) -> np.ndarray:
    """Where the relation holds for every value inside the intervals (used for preconditions)."""
    neg = {"==": "!=", "<=": ">", "<": ">=", ">=": "<", ">": "<="}
    if op == "==":
        return (a.lo == a.hi) & (b.lo == b.hi) & (a.lo == b.lo)
    if op == "!=":
        return violated("==", a, b)
    return violated(neg[op], a, b)
