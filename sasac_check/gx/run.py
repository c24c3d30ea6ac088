"""Runs the suite through a real, file-backed GX context and builds Data Docs there (imports great_expectations)."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sasac_check.check.table import SubmissionTable
from sasac_check.gx import GXError
from sasac_check.gx.frame import gx_frame
from sasac_check.gx.suite import SUITE_NAME, build_suite
from sasac_check.gx.translate import translate
from sasac_check.model.submission import Submission
from sasac_check.rules.load import RuleSet

DATASOURCE, ASSET, BATCH, VALIDATION, CHECKPOINT = "sasac_check", "submissions", "whole_batch", "sasac_check_batch", "sasac_check"


@dataclass
class Outcome:
    """One expectation's result: its meta (rule, level, message …), success, and the files that failed it."""

    meta: dict[str, Any]
    type: str
    column: str
    success: bool
    failed_files: list[str]
    error: str = ""


@dataclass
class GXRun:
    """What run_gx returns: overall success, statistics, one Outcome per expectation, where Data Docs are."""

    success: bool
    statistics: dict[str, Any]
    outcomes: list[Outcome]
    docs_index: Path | None
    gx_dir: Path
    not_exported: list[dict[str, Any]] = field(default_factory=list)

    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.success]


def run_gx(
    table_or_subs: SubmissionTable | Sequence[Submission],
    rs: RuleSet,
    gx_dir: str | Path,
    *,
    suite_name: str = SUITE_NAME,
    build_docs: bool = True,
) -> GXRun:
    """Validate the submissions with the rules as a GX suite in a file-backed context at `gx_dir`.

    `table_or_subs` is a SubmissionTable (as batch builds it) or a list of Submissions. Creates (or reuses)
    the context, a pandas datasource + dataframe asset + whole-dataframe batch definition, registers the fully
    built suite, runs a Checkpoint with COMPLETE results and, unless `build_docs` is False, updates Data Docs
    (`docs_index` is their index.html). Raises GXError (Chinese message) on any GX failure; never a traceback.
    """
    table = table_or_subs if isinstance(table_or_subs, SubmissionTable) else SubmissionTable.from_submissions(list(table_or_subs))
    tr = translate(rs)
    frame = gx_frame(table, rs, tr)
    root = Path(gx_dir)
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise GXError(f"无法创建 GX 目录 {root}：{e}") from e
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            logging.getLogger("great_expectations").setLevel(logging.ERROR)
            return _run(frame, rs, tr, root, suite_name, build_docs, table)
    except GXError:
        raise
    except Exception as e:  # GX raises many exception types; the user gets one clear message
        raise GXError(f"Great Expectations 运行失败：{type(e).__name__}: {e}") from e


def _run(frame: Any, rs: RuleSet, tr: Any, root: Path, suite_name: str, build_docs: bool, table: SubmissionTable) -> GXRun:
    import great_expectations as gx
    from great_expectations.checkpoint import UpdateDataDocsAction

    context = gx.get_context(mode="file", project_root_dir=str(root))
    _quiet(context)
    ds = context.data_sources.add_or_update_pandas(DATASOURCE)
    asset = next((a for a in ds.assets if a.name == ASSET), None) or ds.add_dataframe_asset(ASSET)
    bd = next((b for b in asset.batch_definitions if b.name == BATCH), None) or asset.add_batch_definition_whole_dataframe(BATCH)
    suite = context.suites.add_or_update(build_suite(rs, tr, suite_name))
    vd = context.validation_definitions.add_or_update(gx.ValidationDefinition(name=VALIDATION, data=bd, suite=suite))
    actions = [UpdateDataDocsAction(name="update_data_docs")] if build_docs else []
    cp = context.checkpoints.add_or_update(
        gx.Checkpoint(name=CHECKPOINT, validation_definitions=[vd], actions=actions, result_format={"result_format": "COMPLETE"})
    )
    result = cp.run(batch_parameters={"dataframe": frame})
    outcomes: list[Outcome] = []
    stats: dict[str, Any] = {}
    for vr in result.run_results.values():
        stats = dict(vr.statistics)
        for r in vr.results:
            cfg = r.expectation_config
            res = r.result or {}
            rows = res.get("unexpected_index_list") or []
            files = sorted({table.files[int(i)] for i in rows if isinstance(i, int | float)})
            err = ""
            exc = r.exception_info or {}
            if exc.get("raised_exception"):
                err = str(exc.get("exception_message", ""))
            outcomes.append(Outcome(dict(cfg.meta or {}), cfg.type, str(cfg.kwargs.get("column", "")), bool(r.success), files, err))
    docs = None
    if build_docs:
        urls = context.get_docs_sites_urls()
        for u in urls:
            url = u.get("site_url") or ""
            if url.startswith("file://"):
                docs = Path(url[len("file://"):])
                break
    return GXRun(bool(result.success), stats, outcomes, docs, root, tr.not_exported)


def _quiet(context: Any) -> None:
    """No progress bars on the user's terminal (they would interleave with our Chinese output)."""
    try:
        from great_expectations.data_context.types.base import ProgressBarsConfig

        context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    except Exception:  # older/newer GX without this knob: bars are cosmetic
        pass
