"""Optional Great Expectations run over the whole batch (`batch --gx DIR`), from the compact per-file arrays."""

from __future__ import annotations

from sasac_check.batch.recordtable import table_of
from sasac_check.batch.worker import FileRecord


def run_gx_hook(records: list[FileRecord], keys: tuple[str, ...], rs, gx_dir: str) -> str:
    """Run the GX suite; a one-line Chinese summary (or why it could not run). Never raises."""
    try:
        from sasac_check.gx.run import run_gx
    except ImportError as e:
        return f"未运行 Great Expectations：{e}（请 pip install 'sasac-check[gx]'）"
    try:
        run = run_gx(table_of(records, keys), rs, gx_dir)
    except Exception as e:  # GXError carries a Chinese message; anything else is summarised
        return f"Great Expectations 未完成：{e}"
    bad = run.failures()
    docs = f"，数据文档：{run.docs_index}" if run.docs_index else ""
    return f"Great Expectations：{len(run.outcomes)} 项期望，{len(bad)} 项未通过{docs}"
