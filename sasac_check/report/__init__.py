"""Reporters: each renders a RunResult as one output format; the registry maps --format names to them."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

from sasac_check.report.safetext import clean_text

if TYPE_CHECKING:
    from sasac_check.model.result import RunResult

Renderer = Callable[["RunResult"], str]

# --format name -> module whose `render` writes it; a module is imported only when its format is asked for,
# so `--help` and the argument parsers that list the formats load no engine (numpy, pandas).
_MODULES = {"text": "text", "json": "jsonfmt", "junit": "junit", "github": "github"}


class _Reporters(Mapping[str, Renderer]):
    """The registry: the format names are known up front, each renderer is imported on first use."""

    def __getitem__(self, name: str) -> Renderer:
        return import_module(f"{__name__}.{_MODULES[name]}").render

    def __iter__(self) -> Iterator[str]:
        return iter(_MODULES)

    def __len__(self) -> int:
        return len(_MODULES)


REPORTERS: Mapping[str, Renderer] = _Reporters()


def emit(text: str, output: str | None, inputs: Sequence[str | Path] = ()) -> None:
    """Write a rendered report to `output` (atomically, folders created, never over an input) or to standard output."""
    if not output:
        sys.stdout.write(clean_text(text))
        return
    from sasac_check.atomicio import write_text

    write_text(output, text, inputs, "报告文件")
    print(f"已写入 {output}", file=sys.stderr)
