"""Return kinds (单户格式, 含金融业务, 月度快报 …): which rules and required items apply to each return."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from sasac_check.model.catalog import KindDef, catalog, key
from sasac_check.rules import expr


class Kinds:
    """The kinds of every row of one submissions table, told from its cover and the lines it has."""

    def __init__(self, table) -> None:
        self.table = table
        self.masks: dict[str, np.ndarray] = {k.name: self._holds(k) for k in catalog().kinds}

    def _has(self, item: str) -> np.ndarray:
        """Rows where `item` has a value (or an unknown one: an uncached formula) in any column."""
        t, cat = self.table, catalog()
        out = np.zeros(t.n, dtype=bool)
        for col in cat.sheet(cat.item(item).sheet).columns:
            k = key(item, col)
            v = t.values.get(k)
            if v is not None:
                out |= ~np.isnan(v)
            u = t.unknown.get(k)
            if u is not None:
                out |= u
        return out

    def _holds(self, kind: KindDef) -> np.ndarray:
        t = self.table
        m = np.ones(t.n, dtype=bool)
        for field, value in kind.cover.items():
            m &= t.text(field) == value
        if kind.has_any:
            m &= np.logical_or.reduce([self._has(i) for i in kind.has_any])
        for item in kind.lacks:
            m &= ~self._has(item)
        return m

    def names(self, row: int) -> list[str]:
        """The kinds of one row, in catalogue order."""
        return [name for name, m in self.masks.items() if m[row]]

    def required(self, item: str) -> np.ndarray:
        """Rows where a required `item` is required (not where the row's kind has no such line)."""
        need = np.ones(self.table.n, dtype=bool)
        for k in catalog().kinds:
            if item in k.not_required:
                need &= ~self.masks[k.name]
        return need

    def applies(self, rule, column: str | None) -> np.ndarray | None:
        """Rows where `rule` applies for its kinds (None: every row)."""
        rid, kinds = rule.id, catalog().kinds
        m: np.ndarray | None = None
        only = [k for k in kinds if rid in k.rules_only]
        if only:
            m = np.logical_or.reduce([self.masks[k.name] for k in only])
        for k in kinds:
            if rid in k.rules_off:
                m = (m if m is not None else np.ones(self.table.n, dtype=bool)) & ~self.masks[k.name]
            if rid in k.parts_optional:
                blank = self._parts_blank(rule, column)
                m = (m if m is not None else np.ones(self.table.n, dtype=bool)) & ~(self.masks[k.name] & blank)
        return m

    def _parts_blank(self, rule, column: str | None) -> np.ndarray:
        """Rows where every line on the right of `rule`'s comparison is blank in `column` (a total reported alone)."""
        t, cat = self.table, catalog()
        out = np.ones(t.n, dtype=bool)
        for ref in expr.refs(rule.check.operands[-1]):
            if ref.prior:
                continue
            k = key(ref.item, expr.column_for(cat, ref.item, ref.column, column))
            v = t.values.get(k)
            if v is not None:
                out &= np.isnan(v)
            u = t.unknown.get(k)
            if u is not None:
                out &= ~u
        return out


def of(table) -> Kinds:
    """The kinds of `table`'s rows, computed once per table."""
    got = getattr(table, "_kinds", None)
    if got is None or got.table is not table:
        got = Kinds(table)
        table._kinds = got
    return got


@lru_cache(maxsize=1)
def _named() -> tuple[frozenset[str], frozenset[str]]:
    """The rule ids and the items some kind changes (every other rule and item applies to every return)."""
    ks = catalog().kinds
    return (frozenset(r for k in ks for r in (*k.rules_off, *k.rules_only, *k.parts_optional)),
            frozenset(i for k in ks for i in k.not_required))


def rule_mask_needed(rule_id: str) -> bool:
    """Whether some return kind changes where `rule_id` applies."""
    return rule_id in _named()[0]


def rule_mask(rule, table, column: str | None) -> np.ndarray | None:
    """Rows of `table` where `rule` applies given each return's kind (None: all)."""
    if rule.id not in _named()[0]:
        return None
    return of(table).applies(rule, column)


def required_rows(table, item: str) -> np.ndarray | None:
    """Rows where a required `item` is required (None: every row)."""
    if item not in _named()[1]:
        return None
    return of(table).required(item)


def kinds_of_submissions(subs: Sequence) -> list[list[str]]:
    """The kind names of each submission (for reports and tests)."""
    from sasac_check.check.table import SubmissionTable

    t = SubmissionTable.from_submissions(list(subs))
    k = of(t)
    return [k.names(i) for i in range(t.n)]
