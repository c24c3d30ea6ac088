"""Each command imports only what it needs: the light commands load no numpy / pandas / pandera, `check` no GX."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = "workbooks/sample-mistakes.xlsx"

# Runs the CLI in-process as the console script does, then lists every module that was imported.
WRAPPER = """
import json, sys
from sasac_check.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as e:
    code = e.code
sys.stdout.flush()
print("\\n@@MODULES@@" + json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""

HEAVY = ("numpy", "pandas", "pandera", "great_expectations")
CASES = [
    (["--help"], HEAVY),
    (["rules"], HEAVY),
    (["rules", "--family", "表内"], HEAVY),
    (["explain", "BS-001"], HEAVY),
    (["explain", "IND-I02"], HEAVY),
    (["plan", "list"], HEAVY),
    (["plan", "validate", "rules/plans/dongsheng.yaml"], HEAVY),
    (["check", "--help"], HEAVY),
    (["batch", "--help"], HEAVY),
    (["check", SAMPLE], ("great_expectations",)),
    (["check", SAMPLE, "--format", "json"], ("great_expectations",)),
    (["check", SAMPLE, "--format", "junit"], ("great_expectations",)),
    (["check", "workbooks/sample-clean.xlsx", "--format", "junit"], ("great_expectations",)),
]


def run_cli(args: list[str]) -> tuple[int, set[str], str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    r = subprocess.run([sys.executable, "-c", WRAPPER, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    out, _, tail = r.stdout.rpartition("\n@@MODULES@@")
    assert tail, f"{args}: no module list (exit {r.returncode}): {r.stderr[-2000:]}"
    data = json.loads(tail)
    return data["code"], set(data["modules"]), out + r.stderr


def _top(modules: set[str]) -> set[str]:
    return {m.split(".")[0] for m in modules}


@pytest.mark.parametrize(("args", "forbidden"), CASES, ids=[" ".join(a) for a, _ in CASES])
def test_command_imports_only_what_it_needs(args: list[str], forbidden: tuple[str, ...]) -> None:
    code, modules, output = run_cli(args)
    assert code in (0, 1), f"{args}: exit {code}\n{output[-2000:]}"
    loaded = _top(modules) & set(forbidden)
    assert not loaded, f"`sasac-check {' '.join(args)}` imported {sorted(loaded)}"
    assert "sasac_check" in _top(modules)  # the wrapper really ran our CLI


def test_check_imports_pandera_because_it_runs_it() -> None:
    """The other side of the coin: the wrapper sees heavy imports when they happen (the test above can fail)."""
    code, modules, output = run_cli(["check", SAMPLE, "--format", "json"])
    assert code == 1
    assert '"SCH-USCC"' in output  # pandera's structural findings are in the report
    assert {"numpy", "pandas", "pandera"} <= _top(modules)


def test_batch_does_not_import_pandas_or_gx(tmp_path: Path) -> None:
    code, modules, output = run_cli(["batch", "workbooks/sample-clean.xlsx", SAMPLE, "--workers", "1",
                                     "--json", str(tmp_path / "r.json"), "--no-progress"])
    assert code == 1, output[-2000:]
    assert not _top(modules) & {"pandas", "pandera", "great_expectations"}


def test_check_of_an_unreadable_file_does_not_import_pandera(tmp_path: Path) -> None:
    """pandera is imported where the schemas run: a file that cannot be read never gets that far."""
    junk = tmp_path / "notes.xlsx"
    junk.write_text("not a workbook", encoding="utf-8")
    code, modules, output = run_cli(["check", str(junk)])
    assert code == 3, output[-2000:]
    assert not _top(modules) & {"pandas", "pandera", "great_expectations"}
