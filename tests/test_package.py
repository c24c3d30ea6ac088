"""The built wheel carries rules/, schemas/ and workbooks/ and works from any directory without the source tree."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    r = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(ROOT)],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr[-2000:]
    return next(out.glob("sasac_check-*.whl"))


def test_wheel_ships_the_data_folders(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in (
        "sasac_check/_data/rules/indicators.yaml",
        "sasac_check/_data/rules/intra_sheet.yaml",
        "sasac_check/_data/schemas/catalog.yaml",
        "sasac_check/_data/schemas/report.schema.json",
        "sasac_check/_data/workbooks/sample-clean.xlsx",
        "sasac_check/_data/workbooks/standard-return-template.xlsx",
    ):
        assert needed in names, needed
    entry = next(n for n in names if n.endswith("entry_points.txt"))
    assert "sasac-check = sasac_check.cli:entry" in zipfile.ZipFile(wheel).read(entry).decode()


def test_non_editable_install_runs_from_another_directory(wheel: Path, tmp_path: Path) -> None:
    env_dir, env = _wheel_venv(wheel, tmp_path)
    py = env_dir / "bin" / "python"
    away = tmp_path / "elsewhere"
    away.mkdir()
    code = (
        "import sasac_check, sasac_check.model.resources as r, sys;"
        "print(sasac_check.__file__); print(r.data_path('rules'));"
        "from sasac_check.cli import main;"
        "sys.exit(main(['check', str(r.data_path('workbooks') / 'sample-mistakes.xlsx'), '--format', 'json', '-o', 'out.json']))"
    )
    r = subprocess.run([py, "-c", code], capture_output=True, text=True, cwd=away, env=env)
    assert r.returncode == 1, r.stderr
    first, data_dir = r.stdout.splitlines()[:2]
    assert str(ROOT) not in first and "_data" in data_dir
    assert (away / "out.json").read_text(encoding="utf-8").count('"rule": "BS-001"') == 1


def _wheel_venv(wheel: Path, root: Path) -> tuple[Path, dict[str, str]]:
    """A fresh virtual environment with the wheel pip-installed (not editable) by the venv's own pip.

    The dependencies are not downloaded again: a .pth line appends the running environment's site-packages
    (a path only: its .pth files, among them the editable install of this checkout, are not processed), so
    `sasac_check` itself can only come from the wheel.
    """
    import sysconfig

    env_dir = root / "venv"
    venv.create(env_dir, with_pip=True)
    py = env_dir / "bin" / "python"
    site = subprocess.run([py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], capture_output=True,
                          text=True, check=True).stdout.strip()
    outer = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(site) / "_outer_deps.pth").write_text("".join(f"{p}\n" for p in sorted(outer)), encoding="utf-8")
    r = subprocess.run([py, "-m", "pip", "install", "--no-deps", "--no-index", "--quiet", "--disable-pip-version-check",
                        str(wheel)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{env_dir / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return env_dir, env


@pytest.mark.slow
def test_wheel_in_a_fresh_venv_runs_every_command_from_another_directory(wheel: Path, tmp_path: Path) -> None:
    """The README's install path: addin build / install, check, batch, plan check and gx export, all from the wheel."""
    env_dir, env = _wheel_venv(wheel, tmp_path)
    exe = str(env_dir / "bin" / "sasac-check")
    away = tmp_path / "elsewhere"
    away.mkdir()

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([exe, *args], capture_output=True, text=True, cwd=away, env=env, timeout=600)

    where = subprocess.run([env_dir / "bin" / "python", "-c", "import sasac_check, sasac_check.model.resources as r;"
                            "print(sasac_check.__file__); print(r.data_path('workbooks'))"],
                           capture_output=True, text=True, cwd=away, env=env, check=True).stdout.splitlines()
    assert where[0].startswith(str(env_dir)) and str(ROOT) not in where[0], where
    data = Path(where[1])
    assert data.is_relative_to(env_dir) and (data / "sample-mistakes.xlsx").exists()

    r = run("addin", "build", "--out", "built")
    assert r.returncode == 0, r.stderr
    built = sorted(p.name for p in (away / "built").glob("*.xlam"))
    assert built == ["sasac_check_clear.xlam", "sasac_check_indicators.xlam", "sasac_check_run.xlam"], built
    r = run("addin", "install", "--dest", "xlstart")
    assert r.returncode == 0, r.stderr
    assert len(list((away / "xlstart" / "XLSTART").glob("*.xlam"))) == 3
    assert list((away / "xlstart" / ".sasac_check" / "python").glob("*.py"))  # the ribbon shims, from the wheel's data
    assert (away / "xlstart" / ".myaddin" / "myaddin.conf").exists()

    for name in ("sample-clean.xlsx", "sample-mistakes.xlsx"):
        (away / "returns").mkdir(exist_ok=True)
        (away / "returns" / name).write_bytes((data / name).read_bytes())
    r = run("check", "returns/sample-mistakes.xlsx", "--format", "json", "-o", "check.json")
    assert r.returncode == 1, r.stderr
    rules = [f["rule"] for f in json.loads((away / "check.json").read_text(encoding="utf-8"))["findings"]]
    assert {"BS-001", "BS-003", "SCH-USCC", "SCH-REQUIRED", "IND-I02", "DEBT-IND-W", "READ-TEXT-NUMBER"} <= set(rules)
    assert run("check", "returns/sample-clean.xlsx").returncode == 0

    r = run("batch", "returns", "--json", "batch.json", "--junit", "batch.xml", "-o", "review.xlsx", "--no-progress")
    assert r.returncode == 1, r.stderr
    batch = json.loads((away / "batch.json").read_text(encoding="utf-8"))
    assert [f["status"] for f in batch["files"]] == ["ok", "failed"]
    assert sorted(f["rule"] for f in batch["findings"] if f["file"].endswith("sample-mistakes.xlsx")) == sorted(rules)
    assert (away / "review.xlsx").stat().st_size > 0

    r = run("plan", "check", *(str(p) for p in sorted((data / "plans").glob("*.xlsx"))))
    assert r.returncode == 1, r.stderr
    assert "PT-RATIO" in r.stdout and "PT-CAGR-BASE" in r.stdout

    r = run("gx", "export", "-o", "suite.json")
    assert r.returncode == 0, r.stderr
    suite = json.loads((away / "suite.json").read_text(encoding="utf-8"))
    assert len(suite["expectations"]) > 10
    assert not list(away.glob("**/*.pyc"))  # nothing of the package was imported from this folder
