"""Resolves an indicator name of a plan to the engine's formula for it (this period and the prior one)."""

from __future__ import annotations

from sasac_check.model.catalog import catalog
from sasac_check.rules import expr
from sasac_check.rules.load import RuleSet

# The column holding this period's value, and the one holding the prior period's, per statement.
CURRENT = {"资产负债表": ("期末余额", "年初余额"), "利润表": ("本期金额", "上期金额"),
           "现金流量表": ("本期金额", "上期金额"), "补充资料": ("本期", "上期")}


def indicator_name(name: str, rs: RuleSet) -> str | None:
    """The engine indicator a plan's name means (资产负债率, 保值增值率 → 国有资本保值增值率 …)."""
    if name in rs.indicators:
        return name
    return rs.ns.indicator_aliases.get(name) if rs.ns else None


def item_name(name: str) -> str | None:
    """The statement item a plan's name means (资产总额 → 资产总计, 净资产 → 所有者权益合计 …)."""
    cat = catalog()
    for cand in (name, name.removesuffix("总额"), name.removesuffix("额"), name + "额"):
        if cand and (it := cat.resolve(cand)):
            return it
    return None


def measure_of(name: str, rs: RuleSet) -> tuple[expr.Node, expr.Node | None] | None:
    """(this period, prior period) formulas for a name; None if the engine cannot compute it."""
    ind = indicator_name(name, rs)
    if ind is not None:
        return rs.indicators[ind].formula, None
    item = item_name(name)
    if item is None:
        return None
    sheet = catalog().item(item).sheet
    cur, prev = CURRENT.get(sheet, ("本期", "上期"))
    return expr.Ref(item, cur, False), expr.Ref(item, prev, False)


def prior_of(node: expr.Node) -> expr.Node | None:
    """The same formula one period earlier (期末 → 年初, 本期 → 上期); None if a reference has no prior column."""
    if isinstance(node, expr.Ref):
        for cur, prev in CURRENT.values():
            if node.column == cur:
                return expr.Ref(node.item, prev, node.prior)
        return None
    if isinstance(node, expr.Bin):
        a, b = prior_of(node.a), prior_of(node.b)
        return None if a is None or b is None else expr.Bin(node.op, a, b)
    if isinstance(node, expr.Neg):
        a = prior_of(node.a)
        return None if a is None else expr.Neg(a)
    if isinstance(node, expr.Const):
        return node
    return None
