"""The built wheel carries rules/, schemas/ and workbooks/ and works from any directory without the source tree."""

from __future__ import annotations

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
    env_dir = tmp_path / "venv"
    venv.create(env_dir, system_site_packages=True, with_pip=False)
    py = env_dir / "bin" / "python"
    # pip of the outer interpreter installs into the venv's site-packages without touching the editable install.
    site = subprocess.run([py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], capture_output=True, text=True).stdout.strip()
    r = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target", site, str(wheel)],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr
    away = tmp_path / "elsewhere"
    away.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
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
