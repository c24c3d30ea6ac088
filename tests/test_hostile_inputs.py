"""Hostile inputs: every file of the corpus ends in its exact outcome, under a memory limit, in bounded time, inputs intact."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import hostile_corpus as hc
import pytest

LIMIT_AS = 3 * 2**30  # address space of the whole command (RLIMIT_AS); resident memory is checked below 500 MB
PEAK_RSS_MB = 500


def _digest(paths) -> dict[str, str]:
    out = {}
    for p in paths:
        p = Path(p)
        if p.is_file() and not p.is_symlink() and p.stat().st_size < 2**31:
            out[str(p)] = hashlib.sha256(p.read_bytes()).hexdigest()
        else:
            out[str(p)] = f"{os.lstat(p).st_mode:o}"
    return out


def _run_limited(args: list[str], timeout: float = 180) -> tuple[subprocess.CompletedProcess, float, float]:
    """The CLI in a child under RLIMIT_AS; (result, seconds, peak RSS in MB of the child and everything it started)."""
    probe = (
        "import resource, subprocess, sys\n"
        f"resource.setrlimit(resource.RLIMIT_AS, ({LIMIT_AS}, {LIMIT_AS}))\n"
        "r = subprocess.run(sys.argv[1:], capture_output=True)\n"
        "sys.stdout.buffer.write(r.stdout); sys.stderr.buffer.write(r.stderr)\n"
        "print('\\nPEAK_RSS_KB', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
        "sys.exit(r.returncode)\n"
    )
    t0 = time.monotonic()
    r = subprocess.run([sys.executable, "-c", probe, sys.executable, "-m", "sasac_check", *args], capture_output=True,
                       text=True, timeout=timeout, cwd=hc.ROOT, env={**os.environ, "OPENBLAS_NUM_THREADS": "1"})
    seconds = time.monotonic() - t0
    peak = int(r.stderr.rsplit("PEAK_RSS_KB", 1)[1].split()[0]) / 1024
    return r, seconds, peak


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, dict[str, Path], dict[str, Path]]:
    root = tmp_path_factory.mktemp("hostile")
    files = hc.write_corpus(root / "in")
    zips = hc.write_zips(root / "in" / "zips")
    return root, files, zips


def test_batch_over_the_corpus_gives_each_file_its_outcome(corpus) -> None:
    root, files, zips = corpus
    before = _digest([*files.values(), *zips.values()])
    out = root / "out"
    out.mkdir()
    r, seconds, peak = _run_limited(["batch", str(root / "in"), "--no-progress", "--json", str(out / "r.json"),
                                     "-o", str(out / "review.xlsx"), "--html", str(out / "r.html"), "--timeout", "30"])
    assert r.returncode == 3, r.stderr  # unreadable files among them: exit 3, as documented
    assert "Traceback" not in r.stderr
    report = json.loads((out / "r.json").read_text(encoding="utf-8"))
    rows = {Path(f["path"]).name if "zips" not in f["path"] else f["path"].split("/zips/", 1)[1]: f for f in report["files"]}
    for name, (status, words) in {**hc.EXPECTED_FILES, **hc.EXPECTED_ZIP_ROWS}.items():
        assert name in rows, (name, sorted(rows))
        if status == "ok":  # copies of the clean sample: their one 强制性 finding is the duplicate
            assert rows[name]["status"] == "failed", (name, rows[name])
            errors = [f for f in report["findings"] if f["file"] == rows[name]["path"] and f["severity"] == "error"]
            assert [f["rule"] for f in errors] == ["BATCH-DUP"] and "等另外" in errors[0]["message"], errors
            continue
        assert rows[name]["status"] == status, (name, rows[name])
        assert words in rows[name].get("reason", ""), (name, rows[name])
    assert len(rows) == len(hc.EXPECTED_FILES) + len(hc.EXPECTED_ZIP_ROWS)
    money = [f for f in report["findings"] if f["file"].endswith("money.xlsx") and f["rule"] == "READ-NOT-NUMBER"]
    assert sorted(f["cell"] for f in money) == ["C4", "C5", "C6", "C7", "C8", "C9"]
    assert not (root.parent / "evil.xlsx").exists() and not Path("/abs/evil2.xlsx").exists()  # members are never extracted
    assert seconds < 120 and peak < PEAK_RSS_MB, (seconds, peak)
    assert _digest([*files.values(), *zips.values()]) == before  # inputs byte-identical


def test_check_over_the_corpus_reads_each_file_in_bounded_time_and_memory(corpus) -> None:
    _, files, _ = corpus
    before = _digest(files.values())
    names = list(hc.EXPECTED_FILES)
    r, seconds, peak = _run_limited(["check", *[str(files[n]) for n in names], str(hc.MISTAKES), "--format", "json", "--no-plan"])
    assert r.returncode == 3, r.stderr
    assert "Traceback" not in r.stderr
    report = json.loads(r.stdout)
    got = {Path(f["path"]).name: f for f in report["files"]}
    for name in names:
        status, words = hc.EXPECTED_FILES[name]
        assert got[name]["status"] == status, (name, got[name])
        assert words in got[name].get("reason", ""), (name, got[name])
    same = [(f["rule"], f["cell"]) for f in report["findings"] if f["file"] == str(hc.MISTAKES)]
    regex = [(f["rule"], f["cell"]) for f in report["findings"] if f["file"].endswith("regex.xlsx")]
    assert regex == same  # the comment full of "<f <c" changes nothing, and costs nothing
    assert seconds < 90 and peak < PEAK_RSS_MB, (seconds, peak)
    assert _digest(files.values()) == before


def test_absurd_sheets_are_refused_before_the_reader_allocates(corpus) -> None:
    """Without a memory budget in the process (the API, in-process reads) the pre-scan refuses them, in no time."""
    from sasac_check.model.submission import UnreadableWorkbook
    from sasac_check.read import guard, read_workbook

    _, files, _ = corpus
    assert not guard.BACKSTOP
    for name, words in hc.PRESCAN.items():
        t0 = time.monotonic()
        with pytest.raises(UnreadableWorkbook) as e:
            read_workbook(files[name])
        assert words in e.value.reason and time.monotonic() - t0 < 2, (name, e.value.reason)


def test_uncached_scan_is_linear(tmp_path) -> None:
    """The scan that stalled on a comment full of `<f <c` (quadratic) takes time proportional to the part's size."""
    from sasac_check.read.scan import uncached_refs

    def cost(n: int) -> float:
        xml = b"<worksheet><sheetData></sheetData><!-- " + b"<f <c " * n + b" --></worksheet>"
        t0 = time.perf_counter()
        uncached_refs(xml)
        return time.perf_counter() - t0

    small, big = cost(20_000), cost(200_000)
    assert big < 40 * small + 0.3 and big < 3  # ten times the input: about ten times the time (quadratic: a hundred)
    cell = b'<c r="B2"><f>1+1</f></c><c r="B3"><f>1</f><v>1</v></c><c r="B4" t="e"><v>#REF!</v></c>'
    got = uncached_refs(b"<sheetData><row r=\"2\">" + cell + b"</row></sheetData>")
    assert got == {"B2", "B4"} and got.errors == {"B4"}


@pytest.mark.slow
def test_a_file_over_the_memory_budget_is_a_row_and_the_run_goes_on(tmp_path) -> None:
    """A sheet within the cell limits whose values need more than --max-memory: the reading child fails, the file
    is unreadable with the reason, and the other file is checked (exit 3, not 134)."""
    big = tmp_path / "big.xlsx"
    big.write_bytes(hc.wide_return(2000, 500))  # a million numbers: far beyond 20 MB in any reader
    r = subprocess.run([sys.executable, "-m", "sasac_check", "check", str(big), str(hc.CLEAN), "--format", "json",
                        "--no-plan", "--max-memory", "20"], capture_output=True, text=True, cwd=hc.ROOT, timeout=120)
    assert r.returncode == 3, r.stderr
    files = {Path(f["path"]).name: f for f in json.loads(r.stdout)["files"]}
    assert files["big.xlsx"]["status"] == "unreadable" and "内存上限（20 MB）" in files["big.xlsx"]["reason"]
    assert files["sample-clean.xlsx"]["status"] == "ok"


@pytest.mark.slow
def test_a_slow_file_times_out_as_a_row_in_check_and_in_a_cluster_chunk(tmp_path) -> None:
    """--timeout: a file whose reading takes longer is an unreadable row; the others are checked (check and Dask path)."""
    slow = tmp_path / "slow.xlsx"
    slow.write_bytes(hc.wide_return(2000, 1000))  # two million numbers: seconds to read
    r = subprocess.run([sys.executable, "-m", "sasac_check", "check", str(slow), str(hc.CLEAN), "--format", "json",
                        "--no-plan", "--timeout", "0.5"], capture_output=True, text=True, cwd=hc.ROOT, timeout=120)
    files = {Path(f["path"]).name: f for f in json.loads(r.stdout)["files"]}
    assert r.returncode == 3 and "读取超时（超过 0.5 秒）" in files["slow.xlsx"]["reason"]
    assert files["sample-clean.xlsx"]["status"] == "ok"
    from sasac_check.batch.chunkfork import run_chunk_guarded
    from sasac_check.batch.inputs import Task
    from sasac_check.batch.worker import Job

    job = Job([Task(0, str(slow), str(slow)), Task(1, str(hc.CLEAN), str(hc.CLEAN))], timeout=0.5)
    res = run_chunk_guarded(job, memory_mb=1024)
    got = {r.index: r for r in res.records}
    assert got[0].status == "unreadable" and "超时" in got[0].reason and got[1].status == "ok"
