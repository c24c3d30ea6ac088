"""Shared fixtures: a fresh template and the clean / mistaken sample returns in tmp folders."""

from __future__ import annotations

from pathlib import Path

import pytest
from samples import consistent_values, plant_mistakes, write_return

from sasac_check.authoring.template import write_template


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
