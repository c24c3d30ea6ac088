"""JSON report: the documented machine contract (schemas/report.schema.json)."""

from __future__ import annotations

import json

from .. import __version__
from ..runner import RunResult

SCHEMA_VERSION = "1.0"


def to_data(result: RunResult) -> dict:
    files = [r.to_dict() for r in result.files]
    counts = {s: sum(r.counts[s] for r in result.files) for s in ("error", "warning", "info")}
    return {
        "tool": "sasac-check",
        "version": __version__,
        "schema_version": SCHEMA_VERSION,
        "summary": {
            "files": len(files),
            "ok": sum(1 for r in result.files if r.status == "ok"),
            "failed": sum(1 for r in result.files if r.status == "failed"),
            "unreadable": sum(1 for r in result.files if r.status == "unreadable"),
            "counts": counts,
        },
        "files": files,
        "findings": [f.to_dict() for f in result.findings],
    }


def render(result: RunResult) -> str:
    return json.dumps(to_data(result), ensure_ascii=False, indent=2) + "\n"
