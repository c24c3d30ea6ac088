"""Reads a return held in memory (a .zip member) exactly as reader.read_workbook reads a file on disk."""

from __future__ import annotations

from sasac_check.model.submission import Submission
from sasac_check.read import read_bytes as _read_bytes


def read_bytes(data: bytes, file: str, indicators: dict | None = None, compact: bool = False) -> Submission:
    """One return from its bytes; UnreadableWorkbook with the same Chinese reasons as read_workbook."""
    return _read_bytes(data, file, indicators=indicators, compact=compact)
