"""Shared fixtures (a fresh template, the clean / mistaken sample returns) and the central `slow` marking."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest
from samples import consistent_values, plant_mistakes, write_return

from sasac_check.authoring.template import write_template

# --- the fast loop: `python -m pytest -m "not slow" -n 2 -q` --------------------------------------------------
# A test is marked slow here, so that test files need no marks of their own, when
#   - its module is slow as a whole (GX imports take seconds; wheel builds),
#   - its source, or that of a helper function of its module it calls, names an outside program or a
#     process round trip (SLOW_CALLS), or
#   - it is listed in SLOW_TESTS (slow for a reason its source does not show).
# `@pytest.mark.slow` in a test file works as well. CI runs everything.
SLOW_MODULES = {
    "test_gx.py": "Great Expectations contexts, Data Docs and Chromium",
    "test_package.py": "wheel builds and fresh virtual environments",
}
SLOW_CALLS = {
    "soffice": "LibreOffice", "libreoffice": "LibreOffice", "chromium": "Chromium",
    "subprocess": "a subprocess round trip",
    "LocalCluster": "a Dask cluster",
}
SLOW_TESTS = {
    "test_batch.py::test_prefetch_never_blocks_nor_raises": "waits on a blocked reader on purpose",
    "test_batch.py::test_hung_and_oversized_files_are_stopped_and_reported": "waits for the timeout on purpose",
}


def _why_slow(item: pytest.Item) -> str | None:
    path = Path(str(item.fspath)).name
    if path in SLOW_MODULES:
        return SLOW_MODULES[path]
    if f"{path}::{item.originalname}" in SLOW_TESTS:
        return SLOW_TESTS[f"{path}::{item.originalname}"]
    try:
        source = inspect.getsource(item.function)
    except (AttributeError, OSError, TypeError):
        return None
    helpers = [f for name, f in vars(item.module).items() if inspect.isfunction(f) and f"{name}(" in source
               and f.__module__ == item.module.__name__ and not name.startswith("test")]
    source += "".join(inspect.getsource(f) for f in helpers)
    return next((why for word, why in SLOW_CALLS.items() if word in source), None)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("slow") is None and (why := _why_slow(item)):
            item.add_marker(pytest.mark.slow(reason=why))


@pytest.fixture(scope="session")
def template_path(tmp_path_factory) -> Path:
    return write_template(tmp_path_factory.mktemp("tpl") / "template.xlsx")


@pytest.fixture(scope="session")
def clean_rows() -> list:
    return consistent_values(0)


@pytest.fixture(scope="session")
def clean_path(tmp_path_factory, clean_rows) -> Path:
    return write_return(clean_rows, tmp_path_factory.mktemp("clean") / "clean.xlsx")


@pytest.fixture(scope="session")
def mistakes(tmp_path_factory, clean_rows):
    rows, expected = plant_mistakes(clean_rows)
    return write_return(rows, tmp_path_factory.mktemp("bad") / "bad.xlsx"), rows, expected
