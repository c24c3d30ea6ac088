"""Checks returns end to end: read, validate schemas, evaluate rules, compute indicators, summarise."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np

from sasac_check.check import evaluator, priors
from sasac_check.check.evaluate import evaluate
from sasac_check.check.interval import Iv
from sasac_check.check.priors import SAME_PERIOD, YEAR_END
from sasac_check.check.table import SubmissionTable
from sasac_check.model.catalog import catalog
from sasac_check.model.finding import Finding
from sasac_check.model.result import FileResult, RunResult, tally
from sasac_check.model.submission import NotAReturn, Submission, UnreadableWorkbook
from sasac_check.rules.load import RuleSet


def compute_indicators(rs: RuleSet, table: SubmissionTable) -> dict[str, Iv]:
    """Every indicator over every row, in its own unit (fractions for %)."""
    cat = catalog()
    ev = evaluator.Evaluator(table, cat)
    return {name: ev.num(ind.value_node) for name, ind in rs.indicators.items()}


def check_submissions(
    rs: RuleSet, subs: Sequence[Submission], priors: PriorsArg = None, schemas: bool = True
) -> tuple[list[Finding], SubmissionTable]:
    """Reader problems, schema failures and rule failures of already-read submissions.

    `priors`: the prior-period returns aligned with `subs`, one list for every 跨期 rule, or a mapping
    上年末 / 上年同期 → list (check/priors.py says which is which). `schemas=False` leaves the pandera
    validation to the caller.
    """
    by_kind = _priors_by_kind(priors)
    table = SubmissionTable.from_submissions(subs, by_kind.get(SAME_PERIOD))
    findings = [p for s in subs for p in s.problems]
    if schemas:
        from sasac_check.check.constraints import validate

        findings = without_restated(findings + validate(table, "pandera"))  # pandera: one return, declarative
    year_end = [r for r in rs.rules if r.needs_prior and r.compare_with == YEAR_END]
    findings += evaluate(rs, table, [r for r in rs.rules if not (r.needs_prior and r.compare_with == YEAR_END)])
    if year_end:
        ye = by_kind.get(YEAR_END)
        sp = by_kind.get(SAME_PERIOD)
        same = ye is sp or (ye is not None and sp is not None and all(a is b for a, b in zip(ye, sp, strict=True)))
        findings += evaluate(rs, table if same else table.with_prior(ye), year_end)
    return findings, table


PriorsArg = Sequence[Submission | None] | Mapping[str, Sequence[Submission | None]] | None


def without_restated(findings: list[Finding]) -> list[Finding]:
    """Drop SCH-REQUIRED on a cover field the reader already reported as not found (READ-COVER-FIELD, which says
    where it looked): one finding per missing field, never two."""
    told = {(f.file, f.item) for f in findings if f.rule == "READ-COVER-FIELD"}
    if not told:
        return findings
    return [f for f in findings if not (f.rule == "SCH-REQUIRED" and (f.file, f.item) in told)]


def _priors_by_kind(priors: PriorsArg) -> dict[str, Sequence[Submission | None]]:
    if priors is None:
        return {}
    if isinstance(priors, Mapping):
        return dict(priors)
    return {YEAR_END: priors, SAME_PERIOD: priors}


def check_files(
    paths: Sequence[str | Path],
    rs: RuleSet,
    strict: bool = False,
    prior: Sequence[str | Path] = (),
    judge: Callable[[Sequence[Submission]], list[Finding]] | None = None,
    read=None,
    other: Callable[[str | Path, NotAReturn], tuple[FileResult, list[Finding]]] | None = None,
) -> RunResult:
    """Check each file (and its prior period, where given); an unreadable file is a result, not a crash.

    The returns under check are prior-period candidates for each other, as in a batch. `judge` adds findings
    of the returns against something above this layer — the command passes plans.enterprise_judge (提示性
    findings on the plan targets that bind one enterprise). `read(path) -> Submission`: how each file is read
    (default read_workbook; the CLI reads each in a child under a time and memory budget, read.isolate). `other`
    reads and checks a workbook without statement sheets (the command passes ledger.run.other_kind: a ledger or a
    plan table); without it such a file is unreadable.
    """
    from sasac_check.read import NotAReturn, read_workbook

    read_workbook = read or read_workbook

    results: list[FileResult] = []
    subs: list[Submission] = []
    others: list[Finding] = []  # findings of ledgers and plan tables among the inputs
    for p in paths:
        try:
            subs.append(read_workbook(p))
            results.append(FileResult(str(p), "ok"))
        except NotAReturn as e:  # no statement sheets: another kind of workbook (a ledger, a plan table), or unreadable
            if other is None:
                results.append(FileResult(str(p), "unreadable", reason=e.reason))
                continue
            res, found = other(p, e)
            results.append(res)
            others += found
        except UnreadableWorkbook as e:
            results.append(FileResult(str(p), "unreadable", reason=e.reason))
    notes: list[str] = []
    pri = pair_priors(subs, prior, notes, read_workbook)
    findings: list[Finding] = others
    if subs:
        found, table = check_submissions(rs, subs, pri)
        findings += found
        if judge is not None:
            findings += judge(subs)
        inds = compute_indicators(rs, table)
        readable = [r for r in results if r.status != "unreadable" and r.kind == "return"]
        for i, (res, sub) in enumerate(zip(readable, subs, strict=True)):
            res.cover = dict(sub.cover)
            res.indicators = {n: _mid(iv, i) for n, iv in inds.items()}
            res.priors = {k: v[i].file for k, v in pri.items() if v[i] is not None}
    out = tally(results, findings, strict, {str(p): i for i, p in enumerate(paths)})
    out.notes = notes
    return out


def _mid(iv: Iv, i: int) -> float | None:
    v = float(iv.mid[i])
    return None if not np.isfinite(v) else round(v, 6)


def pair_priors(subs: list[Submission], prior: Sequence[str | Path], notes: list[str], read=None
                ) -> dict[str, list[Submission | None]]:
    """The prior-period returns of each return, by kind (上年末 / 上年同期), through the one matcher.

    Candidates are the `prior` files and the returns under check themselves. A prior file that cannot be
    read, or that no return is compared with, is named in `notes` with the reason.
    """
    extra: list[Submission] = []
    for p in prior:
        try:
            extra.append((read or _read)(p))
        except UnreadableWorkbook as e:
            notes.append(f"上期报表 {p} 无法读取，未用于跨期审核：{e.reason}")
    return pair_with(subs, extra, notes)


def pair_with(subs: Sequence[Submission], extra: Sequence[Submission], notes: list[str] | None = None
              ) -> dict[str, list[Submission | None]]:
    """pair_priors over returns already read (`extra`: the given prior returns; `subs` are candidates too).
    With `notes`, each of `extra` that no return is compared with is named there with the reason."""
    cands = [*extra, *subs]
    names = [c.file for c in cands]
    pairings = priors.match([s.cover for s in subs], [c.cover for c in cands], names)
    if notes is not None:
        notes += priors.unused_notes([c.cover for c in extra], [c.file for c in extra], [
            priors.Pairing(*(None if i is None or i >= len(extra) else i for i in (pr.year_end, pr.same_period)))
            for pr in pairings])
    return {k: [None if (i := pr.get(k)) is None else cands[i] for pr in pairings] for k in priors.KINDS}


def _read(p: str | Path) -> Submission:
    from sasac_check.read import read_workbook

    return read_workbook(p)
