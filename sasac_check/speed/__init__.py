"""Every measure that exists only for speed, in one place, each with what it buys (measured in bench/).

| measure | module | used by | what it buys (10,000 returns, 2 cores, bench/bench_batch.py) |
| --- | --- | --- | --- |
| cyclic GC paused | gcpause.paused_gc | `batch` command, workers | ≈ 2 CPU-s of generation-2 scans that freed nothing |
| heap frozen before fork | gcpause.freeze_for_forks | batch.worker.warm | workers never scan (or copy) the parent's rules, catalogue, plans |
| fast exit | fastexit.run_and_exit | the console script | ≈ 0.3 s of deallocation after a batch; ≈ 0.05 s of a last GC scan |
| read-ahead | readahead.prefetch | batch.worker | cold page cache: ≈ 1.2–1.9 ms → ≈ 1.05–1.15 ms per return |
| fork helpers | fork.Background / can_fork | review workbook, batch command | the review workbook written beside the other outputs |
| bulk rows as text, pieced zip | fastrows | report.review | the review workbook ≈ 6.5× faster than cell by cell (0.36 s) |

Nothing here changes a result: tests hold the fast paths to the plain ones (tests/test_review_fast.py, test_background.py,
test_compact.py). fastrows writes what xlsxwriter would, relying on its output format: xlsxwriter is pinned in
pyproject.toml for that reason.
"""
