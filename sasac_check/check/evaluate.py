"""Runs compiled rules over a submissions table and turns every certain failure into a Finding."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from sasac_check.check import evaluator, kinds
from sasac_check.check.table import SubmissionTable
from sasac_check.model.catalog import catalog, key
from sasac_check.model.finding import Finding
from sasac_check.read.numbers import format_amount, format_percent
from sasac_check.rules import expr
from sasac_check.rules.load import Indicator, Rule, RuleSet


@dataclass(frozen=True)
class Display:
    """How a compared quantity is shown: an amount in the workbook's unit, a percent, or a plain number."""

    kind: str  # money | percent | number
    unit: str = ""


def display_of(node: expr.Node, rs: RuleSet) -> Display:
    if isinstance(node, expr.Stated):
        ind = rs.indicators[node.indicator]
        return Display("percent", "%") if ind.unit == "%" else Display("number", ind.unit)
    ind = indicator_of(node, rs)
    if ind is not None:
        return Display("percent", "%") if ind.unit == "%" else Display("number", ind.unit)
    if any(isinstance(x, expr.Call) and x.fn in ("growth", "cagr") for x in expr.walk(node)):
        return Display("percent", "%")
    power = expr.money_power(node, catalog())
    if power == 1:
        return Display("money")
    if any(isinstance(x, expr.Bin) and x.op == "/" for x in expr.walk(node)):
        return Display("percent", "%")
    return Display("number")


def indicator_of(node: expr.Node, rs: RuleSet) -> Indicator | None:
    for ind in rs.indicators.values():
        if ind.value_node is node or ind.value_node == node:
            return ind
    return None


def _shown(x: float, d: Display, scale: float) -> tuple[float | None, str]:
    if x != x or math.isinf(x):  # math, not numpy: five calls per finding, ≈ 1 µs each with numpy
        return None, "—"
    if d.kind == "money":
        v = x / scale
        return round(v, 2), format_amount(v)
    if d.kind == "percent":
        return round(x * 100, 4), format_percent(x)
    return round(x, 4), f"{x:,.2f}"


class _Fmt(dict):
    def __missing__(self, k: str) -> str:
        return "{" + k + "}"


def evaluate(rs: RuleSet, table: SubmissionTable, rules: Iterable[Rule] | None = None) -> list[Finding]:
    """Every rule over every row; a rule counts as failed only where no rounding could explain it."""
    out: list[Finding] = []
    for rule in rules if rules is not None else rs.rules:
        if rule.needs_prior and table.prior is None:
            continue
        for col in rule.columns:
            out += _evaluate_one(rs, table, rule, col)
    return out


def _evaluate_one(rs: RuleSet, t: SubmissionTable, rule: Rule, col: str | None) -> list[Finding]:
    cat = catalog()
    ev = evaluator.Evaluator(t, cat, col)
    bad, actual, expected = ev.check(rule.check, rule.abs_tol, rule.rel_tol)
    if not bad.any():
        return []
    applies = kinds.rule_mask(rule, t, col)  # 单户格式, 含金融业务, 月度快报 …: see kinds.py
    if applies is not None:
        bad &= applies
        if not bad.any():
            return []
    if rule.when is not None:
        bad &= ev.truth(rule.when)
        if not bad.any():
            return []
    lhs = rule.check.operands[0]
    disp = display_of(lhs, rs)
    loc_key, item, column, ind = _locus(rule, lhs, rs, col)
    mids = (actual.mid, expected.mid, expected.lo, expected.hi)  # once per rule, not once per finding
    return [_finding(rule, t, int(row), mids, disp, loc_key, item, column, ind, lhs, rs) for row in np.flatnonzero(bad)]


def _locus(rule: Rule, lhs: expr.Node, rs: RuleSet, col: str | None) -> tuple[list[str], str, str, Indicator | None]:
    """Which cell a finding points at: `at`, else the 主要指标 row of an indicator, else the first item."""
    cat = catalog()
    ind = rs.indicators[lhs.indicator] if isinstance(lhs, expr.Stated) else indicator_of(lhs, rs)
    if rule.at:
        c = expr.column_for(cat, rule.at, None, col)
        return [key(rule.at, c)], rule.at, c, ind
    if ind is not None:
        first = expr.refs(ind.formula)
        keys = [f"{ind.name}[本期值]"]
        if first:
            c = expr.column_for(cat, first[0].item, first[0].column, col)
            keys.append(key(first[0].item, c))
        return keys, ind.name, "本期值", ind
    refs = [r for r in expr.refs(lhs) if not r.prior] or expr.refs(rule.check)
    if refs:
        c = expr.column_for(cat, refs[0].item, refs[0].column, col)
        return [key(refs[0].item, c)], refs[0].item, c, None
    return [], "", col or "", None


def _finding(
    rule: Rule,
    t: SubmissionTable,
    row: int,
    mids: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    disp: Display,
    loc_keys: list[str],
    item: str,
    column: str,
    ind: Indicator | None,
    lhs: expr.Node,
    rs: RuleSet,
) -> Finding:
    scale = float(t.scale[row]) or 1.0
    a_mid, e_mid, e_lo, e_hi = (float(m[row]) for m in mids)
    a_val, a_txt = _shown(a_mid, disp, scale)
    e_val, e_txt = _shown(e_mid, disp, scale)
    _, d_txt = _shown(a_mid - e_mid, disp, scale)
    sheet = cell = ""
    cells = t.cells[row]
    for k in loc_keys:
        if k in cells:
            sheet, cell = cells[k]
            break
    if not sheet:
        sheet = rule.sheet or (catalog().item(item).sheet if item in catalog().items else "")
    unit = disp.unit or (t.text("金额单位")[row] or "元" if disp.kind == "money" else "")
    lo, hi = _shown(e_lo, disp, scale)[0], _shown(e_hi, disp, scale)[0]
    fields = _Fmt(
        actual=a_txt,
        expected=e_txt,
        diff=d_txt,
        column=f"（{column}）" if column and column != "本期值" else "",
        item=item,
        indicator=ind.name if ind else item,
        formula=(ind.description or ind.text) if ind else expr.to_text(lhs),
        unit=unit,
        title=rule.title,
    )
    template = rule.message or "{title}：{actual}，应为 {expected}"
    return Finding(
        rule=rule.id,
        severity=rule.severity,
        message=template.format_map(fields),
        file=t.files[row],
        sheet=sheet,
        cell=cell,
        item=item,
        column=column,
        expected=e_val,
        actual=a_val,
        source=rule.source,
        title=rule.title,
        extra={"unit": unit, "expected_range": [lo, hi], "family": rule.family},
    )
