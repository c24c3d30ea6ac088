"""The submissions table: one row per return, one float column per item[column], for vectorised rules."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from itertools import chain

import numpy as np

from .catalog import catalog, key
from .interval import Iv
from .submission import Submission


@lru_cache(maxsize=1)
def statement_keys() -> frozenset[str]:
    """Keys whose blank cell means zero (statement lines); any other blank is unknown.

    A required item left blank is not zero either: the schema reports it once, and no identity
    built on it raises a second, misleading finding.
    """
    cat = catalog()
    required = {key(i.name, s.columns[0]) for s in cat.sheets for i in s.items if i.required}
    return frozenset(k for k in cat.keys() if k not in required)


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
        extra: set[str] = set()
        for s in subs:
            extra.update(s.values)
            extra.update(s.unknown)
        base = catalog().keys()
        keys = base + sorted(extra.difference(base))
        # Row by row into one matrix (dict.get mapped in C over the keys, straight into numpy), then column views.
        m = len(keys)
        nans, zeros = [np.nan] * m, [0.0] * m
        vmat = np.fromiter(chain.from_iterable(map(s.values.get, keys, nans) for s in subs), float, n * m).reshape(n, m)
        wmat = np.fromiter(chain.from_iterable(map(s.widths.get, keys, zeros) for s in subs), float, n * m).reshape(n, m)
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
        prior = None
        if priors is not None and any(p is not None for p in priors):
            filler = Submission(file="")
            prior = cls.from_submissions([p or filler for p in priors])
            prior.present = np.array([p is not None for p in priors], dtype=bool)
        table = cls(n, values, widths, unknown, texts, scale, [s.file for s in subs], [s.cells for s in subs], prior)
        table.matrix = (keys, vmat, wmat)
        return table

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
