"""Benchmark of the review workbook writer: cell-by-cell xlsxwriter (old) against spliced bulk rows (new), same run.

Builds one RunResult with `run_batch` over N returns (generated, or the first N of --returns DIR), then times
write_review(fast=False) and write_review(fast=True) alternately and prints the best times and their ratio.
Usage: python bench/bench_review.py [--n 10000] [--returns DIR] [--repeat 5] [--workers 1]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000, help="returns (default 10000)")
    ap.add_argument("--returns", metavar="DIR", help="take the first N .xlsx of DIR instead of generating them")
    ap.add_argument("--repeat", type=int, default=5, help="timed writes of each kind (default 5)")
    ap.add_argument("--workers", type=int, default=1, help="workers for the batch that builds the input (default 1)")
    args = ap.parse_args()

    from sasac_check.batch import BatchOptions, run_batch
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))  # the bulk generator is a test helper
    from bulk import write_returns

    from sasac_check.report.review import write_review

    with tempfile.TemporaryDirectory() as tmp:
        if args.returns:
            paths = sorted(Path(args.returns).glob("*.xlsx"))[:args.n]
        else:
            paths = write_returns(Path(tmp) / "returns", args.n, faulty_every=3)
        t = time.perf_counter()
        br = run_batch(paths, BatchOptions(workers=args.workers, progress=False))
        res = br.result
        print(f"input: {len(res.files)} returns, {len(res.findings)} findings, {len(br.regions)} 汇总 "
              f"(batch {time.perf_counter() - t:.1f} s)")
        times: dict[bool, list[float]] = {False: [], True: []}
        for _ in range(args.repeat):
            for fast in (False, True):
                out = Path(tmp) / f"review-{'new' if fast else 'old'}.xlsx"
                t = time.perf_counter()
                write_review(out, res, br.indicator_units, br.regions, fast=fast)
                times[fast].append(time.perf_counter() - t)
        for fast, label in ((False, "old: xlsxwriter cell by cell"), (True, "new: spliced bulk rows     ")):
            size = (Path(tmp) / f"review-{'new' if fast else 'old'}.xlsx").stat().st_size / 2**20
            print(f"{label}: best {min(times[fast]):6.3f} s, median {statistics.median(times[fast]):6.3f} s, "
                  f"{size:5.2f} MiB")
        print(f"ratio old / new (best): {min(times[False]) / min(times[True]):5.2f}x   (target: new <= 0.7 s at 10k)")


if __name__ == "__main__":
    main()
