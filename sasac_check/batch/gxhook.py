"""Optional Great Expectations run over the whole batch (`batch --gx DIR`), from the compact per-file arrays."""

from __future__ import annotations

import numpy as np

from ..table import SubmissionTable
from .worker import FileRecord


def table_of(records: list[FileRecord], keys: tuple[str, ...]) -> SubmissionTable:
    """A SubmissionTable over every readable return, built straight from the arrays the workers sent."""
    ok = [r for r in records if r.status == "ok" and r.xp is not None]
    n = len(ok)
    vals = np.vstack([r.xp.values for r in ok]) if n else np.empty((0, len(keys)))  # type: ignore[union-attr]
    wids = np.vstack([r.xp.widths for r in ok]) if n else np.empty((0, len(keys)))  # type: ignore[union-attr]
    unk = np.vstack([r.xp.unknown for r in ok]) if n else np.empty((0, len(keys)), bool)  # type: ignore[union-attr]
    values = {k: vals[:, i].copy() for i, k in enumerate(keys)}
    widths = {k: wids[:, i].copy() for i, k in enumerate(keys)}
    unknown = {k: unk[:, i].copy() for i, k in enumerate(keys) if unk[:, i].any()}
    fields = sorted({f for r in ok for f in r.cover})
    texts = {f: np.array([r.cover.get(f, "") for r in ok], dtype=object) for f in fields}
    scale = np.array([r.xp.scale for r in ok], float)  # type: ignore[union-attr]
    cells = [{k: c for k, c in zip(keys, r.xp.cells, strict=True) if c is not None} for r in ok]  # type: ignore[union-attr]
    return SubmissionTable(n, values, widths, unknown, texts, scale, [r.path for r in ok], cells)


def run_gx_hook(records: list[FileRecord], keys: tuple[str, ...], rs, gx_dir: str) -> str:
    """Run the GX suite; a one-line Chinese summary (or why it could not run). Never raises."""
    try:
        from ..gx.run import run_gx
    except ImportError as e:
        return f"未运行 Great Expectations：{e}（请 pip install 'sasac-check[gx]'）"
    try:
        run = run_gx(table_of(records, keys), rs, gx_dir)
    except Exception as e:  # GXError carries a Chinese message; anything else is summarised
        return f"Great Expectations 未完成：{e}"
    bad = run.failures()
    docs = f"，数据文档：{run.docs_index}" if run.docs_index else ""
    return f"Great Expectations：{len(run.outcomes)} 项期望，{len(bad)} 项未通过{docs}"
