"""Benchmark of `sasac-check batch`: N generated returns (clean and faulty), all numbers from one run.

Prints: end-to-end batch throughput (`python -m sasac_check batch` in a new process: start-up, read, check,
cross-submission checks, review.xlsx and JSON), raw calamine throughput over the same files with 2 processes
(the floor), an openpyxl + pandas pipeline doing the same checks by hand (measured on a subset and extrapolated;
2 processes assumed to scale perfectly), peak memory of the whole process tree (PSS, in one more untimed run;
RSS summed over the processes in the timed runs, an upper bound), and the ratios. The floor and the command
alternate for --repeat rounds (the machine is shared and noisy), each going first in every other round; medians
are printed. --cold empties the page
cache before every timed run, as for a folder just received (the files are otherwise cached by earlier runs).
Usage: python bench/bench_batch.py [--n 10000] [--keep DIR] [--repeat 5] [--cold]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil


class PeakRSS:
    """Samples the memory of this process and all its children every `interval` seconds; `peak` is the largest sum.

    RSS (the default) costs ≈ 1.4 ms of CPU per sample (psutil walks /proc), cheap enough to run beside a timed
    run, but it counts a page once per process that maps it: every forked helper re-counts the pages it shares
    with its parent, so the sum overstates what a fork-based run uses. PSS (`pss=True`, from
    /proc/PID/smaps_rollup) shares each page among the processes mapping it, so its sum is the memory the tree
    really holds; it costs ≈ 9 ms per 500 MB process, so it is sampled in a separate, untimed run.
    """

    def __init__(self, pss: bool = False, interval: float = 0.1) -> None:
        self.peak = 0
        self.pss, self.interval = pss, interval
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _pss(p: psutil.Process) -> int:
        try:
            with open(f"/proc/{p.pid}/smaps_rollup", encoding="ascii") as fh:
                for line in fh:
                    if line.startswith("Pss:"):
                        return int(line.split()[1]) * 1024
        except OSError:
            pass
        return p.memory_info().rss

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            for p in [me, *me.children(recursive=True)]:
                try:
                    total += self._pss(p) if self.pss else p.memory_info().rss
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)
            time.sleep(self.interval)

    def __enter__(self) -> PeakRSS:
        self._t.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._t.join()


def drop_caches() -> None:
    """Write back and drop the page cache, so the next run reads every file from the disk (needs root)."""
    os.sync()
    try:
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
    except OSError as e:
        raise SystemExit(f"--cold needs root on Linux (/proc/sys/vm/drop_caches): {e}") from None


def _raw_read(paths: list[str]) -> int:
    from python_calamine import CalamineWorkbook

    cells = 0
    for p in paths:
        wb = CalamineWorkbook.from_path(p)
        for name in wb.sheet_names:
            cells += len(wb.get_sheet_by_name(name).to_python())
    return cells


def raw_throughput(paths: list[Path], procs: int = 2) -> float:
    chunks = [[str(p) for p in paths[i::procs * 8]] for i in range(procs * 8)]
    t = time.perf_counter()
    with mp.get_context("fork").Pool(procs) as pool:
        pool.map(_raw_read, chunks)
    return len(paths) / (time.perf_counter() - t)


BS_CURRENT = ("货币资金", "交易性金融资产", "衍生金融资产", "应收票据", "应收账款", "应收款项融资", "预付款项", "其他应收款", "存货",
              "合同资产", "持有待售资产", "一年内到期的非流动资产", "其他流动资产")


def _by_hand(paths: list[str]) -> int:
    """What a user writes: pandas.read_excel(engine='openpyxl') every sheet, pick items by label, check in pandas."""
    import pandas as pd

    rows = []
    for p in paths:
        sheets = pd.read_excel(p, sheet_name=None, engine="openpyxl", header=None)
        rec = {"file": p}
        for name, df in sheets.items():
            if name == "封面":
                for _, r in df.iterrows():
                    rec[str(r[0])] = r[1]
                continue
            for _, r in df.iterrows():
                label = str(r[0]).strip()
                if len(r) > 3:
                    rec[f"{name}|{label}|0"] = pd.to_numeric(r[2], errors="coerce")
                    rec[f"{name}|{label}|1"] = pd.to_numeric(r[3], errors="coerce")
        rows.append(rec)
    df = pd.DataFrame(rows)
    bad = 0
    for c in ("0", "1"):
        s = sum(df.get(f"资产负债表|{i}|{c}", 0).fillna(0) for i in BS_CURRENT)
        bad += int(((s - df.get(f"资产负债表|流动资产合计|{c}", 0)).abs() > 0.01).sum())
        tot = df.get(f"资产负债表|流动资产合计|{c}", 0) + df.get(f"资产负债表|非流动资产合计|{c}", 0)
        bad += int(((tot - df.get(f"资产负债表|资产总计|{c}", 0)).abs() > 0.01).sum())
        liab = df.get(f"资产负债表|负债合计|{c}", 0) + df.get(f"资产负债表|所有者权益合计|{c}", 0)
        bad += int(((liab - df.get(f"资产负债表|负债和所有者权益总计|{c}", 0)).abs() > 0.01).sum())
    ratio = df.get("资产负债表|负债合计|0", 0) / df.get("资产负债表|资产总计|0", 1)
    bad += int((ratio > 0.65).sum())
    return bad


def hand_throughput(paths: list[Path], subset: int) -> tuple[float, int]:
    sub = [str(p) for p in paths[:subset]]
    t = time.perf_counter()
    _by_hand(sub)
    one = len(sub) / (time.perf_counter() - t)
    return one, len(sub)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000, help="returns to generate (default 10000)")
    ap.add_argument("--subset", type=int, default=100, help="returns for the openpyxl + pandas pipeline (default 100)")
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--repeat", type=int, default=5, help="rounds of floor + end-to-end runs (default 5; medians reported)")
    ap.add_argument("--cold", action="store_true",
                    help="empty the page cache before every timed run (Linux, root): a freshly received folder")
    ap.add_argument("--keep", metavar="DIR", help="generate into DIR and keep the files (reused when DIR holds N returns)")
    args = ap.parse_args()

    from sasac_check.batch import BatchOptions, run_batch
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))  # the bulk generator is a test helper
    from bulk import write_returns

    tmp = tempfile.TemporaryDirectory()
    root = Path(args.keep or tmp.name)
    t = time.perf_counter()
    kept = sorted((root / "returns").glob("*.xlsx")) if args.keep else []
    if len(kept) == args.n:  # the same N returns generated by an earlier run with --keep DIR
        paths = kept
        print(f"reusing {len(paths)} returns in {root / 'returns'}")
    else:
        for p in kept:  # a different N: start the folder afresh so the batch reads exactly N
            p.unlink()
        paths = write_returns(root / "returns", args.n, faulty_every=3)
        gen = time.perf_counter() - t
        print(f"generated {len(paths)} returns ({len(paths) // 3} faulty) in {gen:.1f} s ({len(paths) / gen:.0f}/s; "
              "bulk writer: 6 bases via openpyxl, the rest by XML substitution)")
    size = sum(p.stat().st_size for p in paths) / len(paths) / 1024
    print(f"average return: {size:.1f} KiB")

    t = time.perf_counter()
    br = run_batch([root / "returns"], BatchOptions(workers=args.workers, progress=False))
    t_check = time.perf_counter() - t
    del br
    print(f"batch in this process: read + check + cross  : {len(paths) / t_check:8.0f} workbooks/s ({t_check:.1f} s)")

    # End to end as a reviewer runs it: a new process (interpreter start and imports included) running the
    # command, writing review.xlsx and review.json. The machine is shared and noisy, so the floor and the
    # command take turns, `--repeat` rounds, and each round's ratio pairs two measurements taken seconds apart.
    argv = [sys.executable, "-m", "sasac_check", "batch", str(root / "returns"), "-o", str(root / "review.xlsx"),
            "--json", str(root / "review.json"), "--no-progress", *(["--workers", str(args.workers)] if args.workers else [])]
    raws, e2es, peak = [], [], 0
    for i in range(args.repeat):
        # Which goes first alternates: a page cache the host trims between runs must not favour either side.
        order = ("floor", "batch") if i % 2 == 0 else ("batch", "floor")
        for which in order:
            if args.cold:
                drop_caches()
            if which == "floor":
                raw = raw_throughput(paths)
                continue
            with PeakRSS() as mem:
                t = time.perf_counter()
                subprocess.run(argv, check=False, stderr=subprocess.DEVNULL)
                t_all = time.perf_counter() - t
        raws.append(raw)
        e2es.append(len(paths) / t_all)
        peak = max(peak, mem.peak)
        print(f"round {i + 1} ({order[0]} first): raw calamine floor {raw:6.0f}/s, sasac-check batch {e2es[-1]:6.0f}/s "
              f"({t_all:.1f} s), ratio {e2es[-1] / raw:.2f}")
    with PeakRSS(pss=True, interval=0.05) as pss:  # memory as the tree really holds it: a separate, untimed run
        subprocess.run(argv, check=False, stderr=subprocess.DEVNULL)
    raw, e2e = statistics.median(raws), statistics.median(e2es)
    data = json.loads((root / "review.json").read_text(encoding="utf-8"))
    print(f"raw calamine read, 2 processes (the floor)   : {raw:8.0f} workbooks/s (median of {len(raws)})")
    print(f"sasac-check batch -o review.xlsx --json      : {e2e:8.0f} workbooks/s (median of {len(e2es)}; "
          f"{len(data['findings'])} findings, {sum(f['status'] != 'ok' for f in data['files'])} not ok)")
    print(f"peak memory, whole process tree (PSS)        : {pss.peak / 2**20:8.0f} MiB (a separate run, sampled every 50 ms)")
    print(f"  RSS summed over the tree, in the timed runs: {peak / 2**20:8.0f} MiB (counts pages a fork shares once per "
          "process: an upper bound)")

    one, k = hand_throughput(paths, args.subset)
    hand2 = one * 2
    print(f"openpyxl + pandas by hand, 1 process         : {one:8.1f} workbooks/s (measured on {k} files, extrapolated)")
    print(f"openpyxl + pandas by hand, 2 processes       : {hand2:8.1f} workbooks/s (assumes perfect scaling)")
    print("ratios:")
    paired = statistics.median(e / r for e, r in zip(e2es, raws, strict=True))
    print(f"  batch / raw reader floor   = {paired:6.2f}   (target >= 0.5; median of the rounds' ratios)")
    print(f"  batch / openpyxl+pandas x2 = {e2e / hand2:6.1f}x  (target >= 10x)")
    print(f"  peak memory (PSS)          = {pss.peak / 2**30:6.2f} GiB (target < 1 GiB)")
    tmp.cleanup()


if __name__ == "__main__":
    main()
