"""Golden files: the CLI's text, JSON and JUnit outputs and exit codes on the bundled samples stay as they were.

Regenerate with `SASAC_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py` (see tests/golden/README.md).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("SASAC_UPDATE_GOLDEN") == "1"
EXIT_CODES = GOLDEN / "exit-codes.json"
PLAN_TABLES = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "workbooks" / "plans").glob("*.xlsx"))

# name -> (argv, golden file for stdout); run from the repository root so paths read as in the README.
CHECKS = {
    f"check-{sample}{ext}": (["check", f"workbooks/{sample}.xlsx", *fmt], f"check-{sample}{ext}")
    for sample in ("sample-clean", "sample-mistakes", "sample-ledger")
    for ext, fmt in ((".txt", []), (".json", ["--format", "json"]), (".junit.xml", ["--format", "junit"]))
}
CHECKS.update({
    f"plan{ext}": (["plan", "check", *PLAN_TABLES, *fmt], f"plan{ext}")
    for ext, fmt in ((".txt", []), (".json", ["--format", "json"]), (".junit.xml", ["--format", "junit"]))
})


def normalise(text: str, folder: str | None = None) -> str:
    """Only the volatile parts: the tool's version and the temporary folder a batch ran in."""
    text = re.sub(r'("version": )"[^"]*"', r'\1"<version>"', text)
    if folder:
        text = text.replace(folder.rstrip("/") + "/", "$DIR/")
    return text


def _compare(name: str, actual: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_text(actual, encoding="utf-8")
        return
    assert path.exists(), f"no golden file {path}; run with SASAC_UPDATE_GOLDEN=1 to create it"
    expected = path.read_text(encoding="utf-8")
    if actual != expected:
        import difflib

        diff = "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True), f"golden/{name}", "now", n=1))
        pytest.fail(f"{name} differs from its golden file (SASAC_UPDATE_GOLDEN=1 regenerates it):\n{diff[:6000]}")


def _compare_exit(name: str, code: int) -> None:
    if UPDATE:
        import fcntl

        with open(GOLDEN / ".exit-codes.lock", "w") as lock:  # xdist workers update the one file in turn
            fcntl.flock(lock, fcntl.LOCK_EX)
            codes = json.loads(EXIT_CODES.read_text(encoding="utf-8")) if EXIT_CODES.exists() else {}
            codes[name] = code
            EXIT_CODES.write_text(json.dumps(dict(sorted(codes.items())), indent=2) + "\n", encoding="utf-8")
        return
    codes = json.loads(EXIT_CODES.read_text(encoding="utf-8"))
    assert name in codes, f"no golden exit code for {name}"
    assert code == codes[name], f"{name}: exit code {code}, golden {codes[name]}"


def _cli(argv: list[str], cwd: Path) -> tuple[int, str, str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    r = subprocess.run([sys.executable, "-m", "sasac_check", *argv], cwd=cwd, env=env, capture_output=True,
                       text=True, encoding="utf-8", timeout=300)
    return r.returncode, r.stdout, r.stderr


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_check_and_plan_outputs_match_golden(name: str, monkeypatch, capsys) -> None:
    """In-process (cli.main, as the console script runs it), so the fast loop holds the contract too."""
    from sasac_check.cli import main

    argv, golden = CHECKS[name]
    monkeypatch.chdir(ROOT)
    code = main(argv)
    out = capsys.readouterr().out
    assert out.strip(), f"{name}: nothing printed"
    _compare(golden, normalise(out))
    _compare_exit(name, code)


@pytest.mark.slow
def test_batch_outputs_match_golden(tmp_path: Path) -> None:
    """`batch` over a folder holding both samples: its JSON and JUnit files, its exit code."""
    folder = tmp_path / "bdir"
    folder.mkdir()
    for s in ("sample-clean.xlsx", "sample-mistakes.xlsx"):
        shutil.copy(ROOT / "workbooks" / s, folder / s)
    out = tmp_path / "out"
    code, _, err = _cli(["batch", str(folder), "--json", str(out / "batch.json"), "--junit", str(out / "batch.junit.xml"),
                         "--no-progress"], cwd=tmp_path)
    assert (out / "batch.json").exists(), err[-2000:]
    for name in ("batch.json", "batch.junit.xml"):
        _compare(name, normalise((out / name).read_text(encoding="utf-8"), str(folder)))
    _compare_exit("batch", code)


@pytest.mark.slow
def test_console_script_gives_the_golden_text() -> None:
    """The same contract through a real process (`python -m sasac_check`), stdout only, for the main job."""
    code, out, _ = _cli(["check", "workbooks/sample-mistakes.xlsx"], cwd=ROOT)
    _compare("check-sample-mistakes.txt", normalise(out))
    _compare_exit("check-sample-mistakes.txt", code)


@pytest.mark.parametrize("sample", ["sample-clean", "sample-mistakes"])
def test_batch_and_check_give_the_same_junit_suite(sample: str) -> None:
    """Per file, `batch --junit` and `check --format junit` list the same test cases and failures (issue 15)."""
    from xml.etree import ElementTree as ET

    def suite(name: str, path: str) -> str:
        root = ET.parse(GOLDEN / name).getroot()
        (found,) = [s for s in root.findall("testsuite") if s.get("name") == path]
        found.tail = None  # the whitespace after the element, not part of it
        return ET.tostring(found, encoding="unicode").replace(path, "FILE")

    assert suite(f"check-{sample}.junit.xml", f"workbooks/{sample}.xlsx") == suite("batch.junit.xml", f"$DIR/{sample}.xlsx")
