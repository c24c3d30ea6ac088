"""Reporters: each renders a RunResult as one output format; the registry maps --format names to them."""

from __future__ import annotations

from collections.abc import Callable

from ..runner import RunResult
from . import jsonfmt, junit, text

Renderer = Callable[[RunResult], str]

REPORTERS: dict[str, Renderer] = {
    "text": text.render,
    "json": jsonfmt.render,
    "junit": junit.render,
}
REPORTERS["github"] = __import__(f"{__name__}.github", fromlist=["render"]).render  # GitHub Actions annotations
