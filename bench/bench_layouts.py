"""Benchmark: what an exported layout costs to read, against a template return (same figures, same machine, same run).

Writes N returns per layout (the sample figures of N seeds, so that values differ from file to file as in a real
folder), then reads each folder in this process with read_workbook (compact, as a batch worker reads) and prints
returns per second and the ratio export / template. The bar (issue 11): an export layout costs no more than twice a
template return. --repeat rounds alternate the layouts; the best round of each is printed (CPU time of this process,
the cyclic GC paused as a batch worker pauses it: the least disturbed measure on a shared machine).
Usage: python bench/bench_layouts.py [--n 300] [--repeat 3] [--layouts account,jiuqi,ledger]
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))  # the sample builders are test helpers


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--layouts", default="account,report,continued,jiuqi,ledger")
    args = ap.parse_args()
    from exports import write_export
    from samples import consistent_values, write_return

    from sasac_check.read import read_workbook

    layouts = ["template", *args.layouts.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        files: dict[str, list[Path]] = {lay: [] for lay in layouts}
        for lay in layouts:
            for i in range(args.n):
                rows = consistent_values(i % 50)
                path = root / lay / f"{i}.xlsx"
                files[lay].append(write_return(rows, path) if lay == "template" else write_export(rows, path, lay))
        for lay in layouts:  # warm the caches and the page cache once
            for p in files[lay][:5]:
                read_workbook(p, compact=True)
        rates: dict[str, list[float]] = {lay: [] for lay in layouts}
        for rnd in range(args.repeat):
            for lay in layouts if rnd % 2 == 0 else layouts[::-1]:
                gc.disable()
                t = time.process_time()
                for p in files[lay]:
                    read_workbook(p, compact=True)
                rates[lay].append(len(files[lay]) / (time.process_time() - t))
                gc.enable()
        base = max(rates["template"])
        print(f"read_workbook, {args.n} returns per layout, best of {args.repeat} rounds (CPU time, GC paused):")
        for lay in layouts:
            r = max(rates[lay])
            print(f"  {lay:<10} {r:8.0f} returns per CPU-second   cost × {base / r:4.2f} of a template return"
                  + ("   (bar: ≤ 2.00)" if lay != "template" else ""))


if __name__ == "__main__":
    main()
