"""Reporters: each renders a RunResult as one output format; the registry maps --format names to them."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from sasac_check.model.result import RunResult
from sasac_check.report import jsonfmt, junit, text
from sasac_check.report.safetext import clean_text

Renderer = Callable[[RunResult], str]

REPORTERS: dict[str, Renderer] = {
    "text": text.render,
    "json": jsonfmt.render,
    "junit": junit.render,
}
REPORTERS["github"] = __import__(f"{__name__}.github", fromlist=["render"]).render  # GitHub Actions annotations


def emit(text: str, output: str | None, inputs: Sequence[str | Path] = ()) -> None:
    """Write a rendered report to `output` (atomically, folders created, never over an input) or to standard output."""
    if not output:
        sys.stdout.write(clean_text(text))
        return
    from sasac_check.atomicio import write_text

    write_text(output, text, inputs, "报告文件")
    print(f"已写入 {output}", file=sys.stderr)
