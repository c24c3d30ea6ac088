"""The submissions table: one row per return, one float column per item[column], for vectorised rules."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from functools import lru_cache
from itertools import chain

import numpy as np

from sasac_check.check.interval import Iv
from sasac_check.model.catalog import catalog, key
from sasac_check.model.submission import Submission


@lru_cache(maxsize=1)
def statement_keys() -> frozenset[str]:
    """Keys whose blank cell means zero (statement lines); any other blank is unknown.

    A required item left blank is not zero either: the schema reports it once, and no identity
    built on it raises a second, misleading finding.
    """
    cat = catalog()
    required = {key(i.name, s.columns[0]) for s in cat.sheets for i in s.items if i.required}
    return frozenset(k for k in cat.keys() if k not in required)


def _matrices(subs: Sequence[Submission], keys: list[str], runs: dict[int, list[str]]) -> tuple[np.ndarray, np.ndarray]:
    """Values (NaN where blank) and half-widths (0) of `subs` as n × len(keys) matrices.

    A submission with dicts: row by row (dict.get mapped in C over the keys, straight into numpy). Compact ones
    (Submission.compact): each run of cells goes in with every other run of the same keys, one block per
    template and sheet, without a dict in between.
    """
    n, m = len(subs), len(keys)
    plain = [i for i, s in enumerate(subs) if s.compact is None]
    if len(plain) == n:
        nans, zeros = [np.nan] * m, [0.0] * m
        vmat = np.fromiter(chain.from_iterable(map(s.values.get, keys, nans) for s in subs), float, n * m).reshape(n, m)
        wmat = np.fromiter(chain.from_iterable(map(s.widths.get, keys, zeros) for s in subs), float, n * m).reshape(n, m)
        return vmat, wmat
    vmat, wmat = np.full((n, m), np.nan), np.zeros((n, m))
    for i in plain:
        vmat[i] = np.fromiter(map(subs[i].values.get, keys, [np.nan] * m), float, m)
        wmat[i] = np.fromiter(map(subs[i].widths.get, keys, [0.0] * m), float, m)
    col = {k: j for j, k in enumerate(keys)}
    blocks: dict[int, tuple[list[int], list[list[float]], list]] = {}
    for i, s in enumerate(subs):
        c = s.compact
        if c is None:
            continue
        for run_keys, vals, width in c.runs:
            rows, vs, ws = blocks.setdefault(id(run_keys), ([], [], []))
            rows.append(i)
            vs.append(vals)
            ws.append(width)
        for v, w in c.single:
            for k, x in v.items():
                vmat[i, col[k]] = x
            for k, x in w.items():
                if k in col:
                    wmat[i, col[k]] = x
    for kid, (rows, vs, ws) in blocks.items():
        run_keys = runs[kid]
        at = np.asarray(rows)[:, None], np.fromiter(map(col.__getitem__, run_keys), np.intp, len(run_keys))
        vmat[at] = np.array(vs, dtype=float)
        if any(isinstance(w, list) for w in ws):
            wmat[at] = np.array([w if isinstance(w, list) else [w] * len(run_keys) for w in ws], dtype=float)
        else:
            wmat[at] = np.array(ws, dtype=float)[:, None]
    return vmat, wmat


class SubmissionTable:
    """Columns of values and half-widths over many submissions.

    `values[key]` holds NaN for a blank cell; `unknown[key]` marks cells whose value cannot be known.
    A blank statement line reads as 0 in rules, an unknown one as unknown (no rule fails on it).
    `prior` is an aligned table of the prior period's returns (rows without one are all unknown).
    """

    def __init__(
        self,
        n: int,
        values: dict[str, np.ndarray],
        widths: dict[str, np.ndarray],
        unknown: dict[str, np.ndarray],
        texts: dict[str, np.ndarray],
        scale: np.ndarray,
        files: Sequence[str] = (),
        cells: Sequence[dict[str, tuple[str, str]]] = (),
        prior: SubmissionTable | None = None,
        present: np.ndarray | None = None,
    ) -> None:
        self.n = n
        self.values, self.widths, self.unknown, self.texts = values, widths, unknown, texts
        self.scale = scale
        self.files = list(files) or [""] * n
        self.cells = cells if len(cells) else [{} for _ in range(n)]  # any sequence: a batch builds rows on demand
        self.prior = prior
        self.present = present if present is not None else np.ones(n, dtype=bool)
        self._nan = np.full(n, np.nan)
        self._zero = np.zeros(n)
        # (keys, values, widths) as n × len(keys) matrices, when built from submissions (columns are views)
        self.matrix: tuple[list[str], np.ndarray, np.ndarray] | None = None

    @classmethod
    def from_submissions(
        cls, subs: Sequence[Submission], priors: Sequence[Submission | None] | None = None
    ) -> SubmissionTable:
        n = len(subs)
        runs: dict[int, list[str]] = {}  # id → keys of every run of cells in compact submissions
        extra: set[str] = set()
        for s in subs:
            c = s.compact
            if c is None:
                extra.update(s.values)
            else:
                for run_keys, _, _ in c.runs:
                    runs.setdefault(id(run_keys), run_keys)
                for v, _ in c.single:
                    extra.update(v)
            extra.update(s.unknown)
        for run_keys in runs.values():
            extra.update(run_keys)
        base = catalog().keys()
        keys = base + sorted(extra.difference(base))
        vmat, wmat = _matrices(subs, keys, runs)
        values = {k: vmat[:, j] for j, k in enumerate(keys)}
        widths = {k: wmat[:, j] for j, k in enumerate(keys)}
        unknown: dict[str, np.ndarray] = {}
        for i, s in enumerate(subs):
            for k in s.unknown:
                unknown.setdefault(k, np.zeros(n, dtype=bool))[i] = True
        fields = {f.name for f in catalog().cover_fields}
        for s in subs:
            fields.update(s.cover)
        texts = {f: np.array([s.cover.get(f, "") for s in subs], dtype=object) for f in fields}
        scale = np.fromiter((s.scale for s in subs), float, n)
        prior = cls._prior_table(priors)
        table = cls(n, values, widths, unknown, texts, scale, [s.file for s in subs], [s.cells for s in subs], prior)
        table.matrix = (keys, vmat, wmat)
        return table

    @classmethod
    def _prior_table(cls, priors: Sequence[Submission | None] | None) -> SubmissionTable | None:
        if priors is None or all(p is None for p in priors):
            return None
        filler = Submission(file="")
        prior = cls.from_submissions([p or filler for p in priors])
        prior.present = np.array([p is not None for p in priors], dtype=bool)
        return prior

    def with_prior(self, priors: Sequence[Submission | None] | None) -> SubmissionTable:
        """The same rows compared with other prior-period returns (the 上年末 ones where they differ from 上年同期)."""
        other = copy.copy(self)
        other.prior = self._prior_table(priors)
        return other

    def interval(self, key: str, prior: bool = False) -> Iv:
        """The interval of one value per row; see the class docstring for blanks and unknowns."""
        if prior:
            if self.prior is None:
                return Iv(self._nan, self._nan)
            iv = self.prior.interval(key)
            return Iv(np.where(self.prior.present, iv.lo, np.nan), np.where(self.prior.present, iv.hi, np.nan))
        v = self.values.get(key)
        if v is None:
            return Iv(self._zero, self._zero) if key in statement_keys() else Iv(self._nan, self._nan)
        w = self.widths[key]
        if key in statement_keys():
            blank = np.isnan(v)
            v = np.where(blank, 0.0, v)
            w = np.where(blank, 0.0, w)
        unk = self.unknown.get(key)
        if unk is not None:
            v = np.where(unk, np.nan, v)
        return Iv(v - w, v + w)

    def rows(self, keys: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Values, widths and unknown flags of `keys` as n × len(keys) matrices (NaN, 0, False where absent)."""
        n, m = self.n, len(keys)
        if self.matrix is not None:
            own, vmat, wmat = self.matrix
            col = {k: j for j, k in enumerate(own)}
            idx = np.array([col.get(k, len(own)) for k in keys], dtype=np.intp)
            vals = np.concatenate([vmat, np.full((n, 1), np.nan)], axis=1)[:, idx] if m else np.empty((n, 0))
            wids = np.concatenate([wmat, np.zeros((n, 1))], axis=1)[:, idx] if m else np.empty((n, 0))
        else:
            vals = np.column_stack([self.values.get(k, self._nan) for k in keys]) if m else np.empty((n, 0))
            wids = np.column_stack([self.widths.get(k, self._zero) for k in keys]) if m else np.empty((n, 0))
        unk = np.zeros((n, m), dtype=bool)
        for j, k in enumerate(keys):
            u = self.unknown.get(k)
            if u is not None:
                unk[:, j] = u
        return vals, wids, unk

    def text(self, name: str) -> np.ndarray:
        t = self.texts.get(name)
        return t if t is not None else np.full(self.n, "", dtype=object)

    def frame(self, keys: Sequence[str] | None = None):  # -> pandas.DataFrame
        """The raw values as a DataFrame (NaN = blank), for pandera and Great Expectations."""
        import pandas as pd

        cols = {k: self.values[k] for k in (keys or sorted(self.values))}
        return pd.DataFrame(cols)
