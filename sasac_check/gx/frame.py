"""Builds the GX batch table: one row per submission, raw values, cover fields as text, derived rule columns."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sasac_check.check import evaluator
from sasac_check.check.interval import Iv
from sasac_check.check.table import SubmissionTable
from sasac_check.gx.translate import Derived, Translation, translate
from sasac_check.model.catalog import catalog
from sasac_check.rules import expr
from sasac_check.rules.load import RuleSet

if TYPE_CHECKING:
    import pandas as pd

BIG = 1e300  # stands in for ±inf (a ratio over a divisor whose interval holds zero) so results stay JSON


def _finite(x: np.ndarray) -> np.ndarray:
    return np.where(np.isposinf(x), BIG, np.where(np.isneginf(x), -BIG, x))


def _excess(op: str, a: Iv, b: Iv) -> np.ndarray:
    """How far the relation is from holding anywhere inside the intervals; > 0 (>= 0 for < and >) means violated."""
    with np.errstate(invalid="ignore"):
        if op == "==":
            return np.maximum(b.lo - a.hi, a.lo - b.hi)
        if op in ("<=", "<"):
            return a.lo - b.hi
        return b.lo - a.hi  # >=, >


def derive(d: Derived, table: SubmissionTable) -> np.ndarray:
    """One derived column, computed with the engine's own interval arithmetic (so both engines agree exactly)."""
    ev = evaluator.Evaluator(table, catalog(), d.column)
    if d.kind == "kind":  # where the rule applies given each return's kind (kinds.py, as the engine does)
        from types import SimpleNamespace

        from sasac_check.check import kinds

        m = kinds.rule_mask(SimpleNamespace(id=d.rule_id, check=d.node), table, d.column)
        return np.ones(table.n, dtype=bool) if m is None else np.asarray(m, dtype=bool)
    if d.kind == "required":
        from sasac_check.check import kinds

        m = kinds.required_rows(table, d.rule_id)
        return np.ones(table.n, dtype=bool) if m is None else np.asarray(m, dtype=bool)
    if d.kind == "when":
        return np.asarray(ev.truth(d.node), dtype=bool)
    if d.kind in ("lo", "hi"):
        iv = ev.num(d.node).widen(d.abs_tol, d.rel_tol)
        return _finite(iv.lo if d.kind == "lo" else iv.hi)
    assert isinstance(d.node, expr.Cmp)
    parts = []
    for op, a, b in zip(d.node.ops, d.node.operands, d.node.operands[1:], strict=False):
        ia, ib = ev.num(a).widen(d.abs_tol, d.rel_tol), ev.num(b)
        ex = _excess(op, ia, ib)
        parts.append(np.where(ia.known & ib.known, ex, np.nan))
    out = parts[0] if len(parts) == 1 else np.fmax.reduce(parts)
    return _finite(out)


def _html(text: str) -> str:
    """Text as Data Docs may show it: GX writes unexpected values into its pages without escaping them, so `<`,
    `>`, `&` and quotes are escaped here (no value an expectation accepts contains them)."""
    import html

    return html.escape(text, quote=True)


def gx_frame(table: SubmissionTable, rs: RuleSet, tr: Translation | None = None) -> pd.DataFrame:
    """The table GX validates: values (NaN = blank; an unknown cell as 0, as in the pandera schemas), cover text
    (None = blank), `__file__`, and every derived column the translation names."""
    import pandas as pd

    tr = tr or translate(rs)
    cols: dict[str, object] = {"__file__": np.array([_html(f) for f in table.files], dtype=object)}
    for k in sorted(set(table.values) | set(catalog().keys())):
        v = table.values.get(k)
        v = np.full(table.n, np.nan) if v is None else v.copy()
        unk = table.unknown.get(k)
        if unk is not None:
            v[unk] = 0.0  # the reader already reports an uncached formula; required/sign checks skip it
        cols[k] = v
    fields = [f.name for f in catalog().cover_fields] + sorted(set(table.texts) - {f.name for f in catalog().cover_fields})
    for f in fields:  # text from the returns, HTML-escaped: GX renders it into Data Docs as is
        cols[f] = np.array([None if t in ("", None) else _html(str(t)) for t in table.text(f)], dtype=object)
    for name, d in tr.derived.items():
        cols[name] = derive(d, table)
    return pd.DataFrame(cols)
