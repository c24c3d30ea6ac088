"""The same chunks on a Dask distributed cluster (`--cluster ADDRESS`); inputs must be visible to its workers."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sasac_check.batch.chunkfork import run_chunk_guarded
from sasac_check.batch.worker import ChunkResult, Job


class ClusterUnavailable(Exception):
    """dask.distributed is missing or the scheduler cannot be reached (Chinese message)."""


def run_on_cluster(address: str | object, jobs: Iterable[Job], window: int = 0, memory_mb: float = 0.0
                   ) -> Iterator[ChunkResult]:
    """Submit chunks a window at a time (memory stays bounded) and yield results as they complete.

    Each chunk runs in a child of its Dask worker under the same per-file time and memory budget as a local batch
    (chunkfork): a file that blows them is a row, the worker and the run go on.
    """
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise ClusterUnavailable("未安装 dask[distributed]：请 pip install 'sasac-check[cluster]'") from None
    own = not hasattr(address, "submit")
    try:
        client = Client(address, timeout="20s") if own else address
    except Exception as e:
        raise ClusterUnavailable(f"无法连接 Dask 集群“{address}”：{e}") from None
    try:
        n = max(1, sum(w.get("nthreads", 1) for w in client.scheduler_info()["workers"].values()))  # type: ignore[union-attr]
        window = window or 2 * n
        source = iter(jobs)
        pending = as_completed()
        for _ in range(window):
            job = next(source, None)
            if job is None:
                break
            pending.add(client.submit(run_chunk_guarded, job, memory_mb, pure=False))  # type: ignore[union-attr]
        for fut in pending:
            res = fut.result()
            fut.release()
            yield res
            job = next(source, None)
            if job is not None:
                pending.add(client.submit(run_chunk_guarded, job, memory_mb, pure=False))  # type: ignore[union-attr]
    finally:
        if own:
            client.close()  # type: ignore[union-attr]
