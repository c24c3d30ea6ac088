"""Reporters: each renders a RunResult as one output format; the registry maps --format names to them."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from sasac_check.model.result import RunResult
from sasac_check.report import jsonfmt, junit, text

Renderer = Callable[[RunResult], str]

REPORTERS: dict[str, Renderer] = {
    "text": text.render,
    "json": jsonfmt.render,
    "junit": junit.render,
}
REPORTERS["github"] = __import__(f"{__name__}.github", fromlist=["render"]).render  # GitHub Actions annotations


def emit(text: str, output: str | None) -> None:
    """Write a rendered report to `output` (folders created) or to standard output."""
    if not output:
        sys.stdout.write(text)
        return
    path = Path(output)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(f"已写入 {output}", file=sys.stderr)
