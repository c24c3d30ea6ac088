"""Benchmark of start-up: `sasac-check --help`, `rules` and `check` on one sample, each in a fresh process.

Every figure is the wall time of a new process (interpreter start, imports, work, exit), the median of --repeat
rounds, and is also given as a ratio to two baselines measured in the same rounds: `python -c pass` (the
interpreter alone) and `python -c "import numpy, pandas"` (what a data tool pays before doing anything). The
commands take turns, the order rotating each round (the machine is shared and noisy); each round's ratios pair
measurements taken within a second or two, and the ratios printed are the medians of the rounds' ratios.
--cold empties the page cache before every timed run (needs root), as for the first command after a reboot or
after other work pushed the files out; otherwise the files are cached by the runs before.
Usage: python bench/bench_startup.py [--repeat 7] [--cold] [--sample workbooks/sample-mistakes.xlsx]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def drop_caches() -> None:
    """Write back and drop the page cache, so the next run reads every file from the disk (needs root)."""
    os.sync()
    try:
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
    except OSError as e:
        raise SystemExit(f"--cold needs root on Linux (/proc/sys/vm/drop_caches): {e}") from None


def wall(argv: list[str], expect: tuple[int, ...]) -> float:
    t = time.perf_counter()
    r = subprocess.run(argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    took = time.perf_counter() - t
    if r.returncode not in expect:
        raise SystemExit(f"{' '.join(argv)} exited {r.returncode}: {r.stderr.decode(errors='replace')[-1000:]}")
    return took


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7, help="rounds (default 7; medians reported)")
    ap.add_argument("--cold", action="store_true", help="empty the page cache before every timed run (root)")
    ap.add_argument("--sample", default="workbooks/sample-mistakes.xlsx", help="the return `check` reads")
    args = ap.parse_args()

    py = sys.executable
    cmd = [py, "-m", "sasac_check"]
    runs = {  # name -> (argv, accepted exit codes); run from the repository root, so this checkout is measured
        "python -c pass": ([py, "-c", "pass"], (0,)),
        "python -c 'import numpy, pandas'": ([py, "-c", "import numpy, pandas"], (0,)),
        "sasac-check --help": ([*cmd, "--help"], (0,)),
        "sasac-check rules": ([*cmd, "rules"], (0,)),
        f"sasac-check check {args.sample}": ([*cmd, "check", args.sample], (0, 1)),
    }
    names = list(runs)
    for argv, ok in runs.values():  # warm-up, untimed: compiles the .pyc files, so no round pays for that
        wall(argv, ok)
    times: dict[str, list[float]] = {n: [] for n in names}
    for i in range(args.repeat):
        k = i % len(names)
        for name in names[k:] + names[:k]:
            if args.cold:
                drop_caches()
            times[name].append(wall(*runs[name]))

    base, data = names[0], names[1]
    print(f"{sys.version.split()[0]} at {py}; {args.repeat} rounds, {'cold (page cache dropped before each run)' if args.cold else 'warm page cache'}")
    print(f"{'fresh process':<48} {'median':>8}   {'/ python -c pass':>16}   {'/ import numpy, pandas':>22}")
    for name in names:
        med = statistics.median(times[name])
        r_base = statistics.median(t / b for t, b in zip(times[name], times[base], strict=True))
        r_data = statistics.median(t / d for t, d in zip(times[name], times[data], strict=True))
        print(f"{name:<48} {med * 1000:6.0f} ms   {r_base:16.2f}   {r_data:22.2f}")


if __name__ == "__main__":
    main()
