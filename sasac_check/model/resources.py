"""Locates the shipped data folders (rules/, schemas/, workbooks/) in a wheel or a source checkout."""

from __future__ import annotations

from pathlib import Path

_PKG = Path(__file__).resolve().parent.parent  # the sasac_check package folder


def data_path(name: str) -> Path:
    """Return the shipped folder `name` (rules, schemas, workbooks): inside the wheel or at the repo root."""
    bundled = _PKG / "_data" / name
    if bundled.exists():
        return bundled
    return _PKG.parent / name
