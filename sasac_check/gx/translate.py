"""Translates a RuleSet and the catalogue into plain expectation specs (no GX import), plus what cannot be exported."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sasac_check.check.evaluate import indicator_of
from sasac_check.model.catalog import catalog, key
from sasac_check.rules import expr
from sasac_check.rules.load import Rule, RuleSet


def required_varies() -> frozenset[str]:
    """Required items some return kind does not need (kinds.py)."""
    from sasac_check.check.kinds import _named

    return _named()[1]

EXCESS, LO, HI, WHEN, KIND = "__excess__", "__lo__", "__hi__", "__when__", "__kind__"
ROUNDING = "按填报精度的区间运算：每个数值取其末位半个单位的区间；只有区间内任何取值都不能满足时才算不通过"
_STRICT = {"<": True, ">": True, "<=": False, ">=": False, "==": False}


@dataclass(frozen=True)
class Derived:
    """A computed column the suite refers to: its name, how it is computed, over which column context."""

    name: str
    kind: str  # excess | lo | hi | when | kind
    node: expr.Node
    column: str | None
    abs_tol: float = 0.0
    rel_tol: float = 0.0
    description: str = ""
    rule_id: str = ""  # kind: the rule whose return kinds (kinds.py) the column holds

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "expression": expr.to_text(self.node), "description": self.description}
        if self.column:
            out["column_context"] = self.column
        if self.abs_tol or self.rel_tol:
            out["tolerance"] = {"abs": self.abs_tol, "rel": self.rel_tol}
        if self.rule_id:
            out["kinds_of"] = self.rule_id
        return out


@dataclass
class Spec:
    """One expectation to build: GX type (snake_case), its kwargs, meta, and an optional row condition."""

    type: str
    kwargs: dict[str, Any]
    meta: dict[str, Any]
    condition: list[tuple[str, str, Any]] | None = None  # AND of (column, op, value)
    description: str = ""

    @property
    def severity(self) -> str:
        """GX's own failure severity for this expectation."""
        return {"error": "critical", "warning": "warning"}.get(self.meta.get("severity", "error"), "info")


@dataclass
class Translation:
    """The specs, the derived columns they need, and the rules left out with the reason."""

    specs: list[Spec] = field(default_factory=list)
    derived: dict[str, Derived] = field(default_factory=dict)
    not_exported: list[dict[str, Any]] = field(default_factory=list)

    def add_derived(self, d: Derived) -> str:
        self.derived.setdefault(d.name, d)
        return d.name


def _base_meta(rule: Rule, col: str | None) -> dict[str, Any]:
    return {
        "rule": rule.id,
        "level": rule.level,
        "severity": rule.severity,
        "family": rule.family,
        "title": rule.title,
        "message": rule.message or rule.title,
        "check": rule.text,
        "when": rule.when_text,
        "column": col,
        "at": rule.at,
        "source": rule.source,
        "tolerance": {"abs": rule.abs_tol, "rel": rule.rel_tol, "rounding": ROUNDING},
    }


def const_value(n: expr.Node) -> float | None:
    """The value of a constant numeric expression (65% is parsed as 65/100), else None."""
    if isinstance(n, expr.Const):
        return n.value if isinstance(n.value, float) else None
    if isinstance(n, expr.Neg):
        v = const_value(n.a)
        return None if v is None else -v
    if isinstance(n, expr.Bin):
        a, b = const_value(n.a), const_value(n.b)
        if a is None or b is None or (n.op == "/" and b == 0):
            return None
        return {"+": a + b, "-": a - b, "*": a * b, "/": a / b if b else 0.0}[n.op]
    return None


def why_not(rule: Rule) -> str | None:
    """Why a rule has no GX counterpart, or None when it can be exported."""
    nodes = list(expr.walk(rule.check)) + (list(expr.walk(rule.when)) if rule.when is not None else [])
    if rule.needs_prior:
        return "跨期审核：需要同一企业上期报表的数值（上期.项目），一行一份报表的表格中没有上期数据，GX 的列期望无法跨行关联"
    fns = sorted({n.fn for n in nodes if isinstance(n, expr.Call) and n.fn in ("growth", "cagr")})
    if fns:
        return f"含 {'/'.join(fns)}：增长率在上期为负（减亏率）、为零或缺失时有分支定义，GX 没有对应的原生期望"
    if "!=" in rule.check.ops:
        return "“不等于”比较在区间语义下只在两边都是精确值时才能判定，GX 没有对应的原生期望"
    stricts = {_STRICT[o] for o in rule.check.ops}
    if len(stricts) > 1:
        return "连写比较中同时含严格与非严格比较，无法合并为一个 GX 期望"
    return None


def _sid(rule: Rule, col: str | None) -> str:
    at = f"@{rule.at}" if rule.at else ""
    return f"{rule.id}{at}" + (f"[{col}]" if col else "")


def _condition(rule: Rule, col: str | None, tr: Translation, rs: RuleSet) -> list[tuple[str, str, Any]] | None:
    """The precondition as GX row-condition parts (cover fields, bounds of numbers), else one derived boolean column."""
    if rule.when is None:
        return None
    parts = _native_when(rule.when, rule, col, tr, rs)
    if parts is not None:
        return parts
    name = tr.add_derived(
        Derived(f"{WHEN}{_sid(rule, col)}", "when", rule.when, col, description=f"前提条件“{rule.when_text}”确定成立")
    )
    return [(name, "==", True)]


def _bound(node: expr.Node, kind: str, rule: Rule, col: str | None, tr: Translation, rs: RuleSet) -> str:
    """The derived column holding the lower or upper bound of a numeric expression (named by indicator if one)."""
    ind = indicator_of(node, rs)
    base = ind.name if ind is not None else _sid(rule, col) + "·" + expr.to_text(node)
    return tr.add_derived(
        Derived(
            f"{LO if kind == 'lo' else HI}{base}", kind, node, None if ind is not None else col,
            description=f"{expr.to_text(node)} 按填报精度可取的{'最小' if kind == 'lo' else '最大'}值",
        )
    )


def _native_when(
    n: expr.Node, rule: Rule, col: str | None, tr: Translation, rs: RuleSet
) -> list[tuple[str, str, Any]] | None:
    if isinstance(n, expr.BoolOp) and n.op == "and":
        out: list[tuple[str, str, Any]] = []
        for v in n.values:
            p = _native_when(v, rule, col, tr, rs)
            if p is None:
                return None
            out += p
        return out
    if isinstance(n, expr.Cmp) and len(n.ops) == 1:
        a, b = n.operands
        op = n.ops[0]
        if isinstance(a, expr.Field) and isinstance(b, expr.Const):
            if op in ("==", "!=") and isinstance(b.value, str):
                return [(a.name, op, b.value)]
            if op in ("in", "not in") and isinstance(b.value, tuple):
                return [(a.name, op, [str(x) for x in b.value])]
        c = const_value(b)
        if op in _STRICT and op != "==" and c is not None and const_value(a) is None:
            if not any(isinstance(x, expr.Field) for x in expr.walk(a)):
                # Holds for certain: the upper bound is below (<, <=) or the lower bound above (>, >=) the constant.
                kind = "hi" if op in ("<", "<=") else "lo"
                return [(_bound(a, kind, rule, col, tr, rs), op, c)]
    return None


def translate(rs: RuleSet) -> Translation:
    """Every rule and catalogue check as a spec; the rest in `not_exported` with the reason."""
    tr = Translation()
    _catalog_specs(tr)
    skipped: dict[str, dict[str, Any]] = {}
    for rule in rs.rules:
        reason = why_not(rule)
        if reason is not None:
            entry = skipped.setdefault(
                rule.id,
                {"rule": rule.id, "level": rule.level, "title": rule.title, "check": rule.text, "reason": reason,
                 "source": rule.source, "count": 0},
            )
            entry["count"] += len(rule.columns)
            continue
        for col in rule.columns:
            tr.specs.append(_rule_spec(rule, col, tr, rs))
    tr.not_exported += list(skipped.values())
    return tr


def _rule_spec(rule: Rule, col: str | None, tr: Translation, rs: RuleSet) -> Spec:
    meta = _base_meta(rule, col)
    cond = _condition(rule, col, tr, rs)
    from sasac_check.check.kinds import rule_mask_needed

    if rule_mask_needed(rule.id):  # 单户格式, 含金融业务, 月度快报 …: the rule applies to some kinds only
        name = tr.add_derived(Derived(f"{KIND}{_sid(rule, col)}", "kind", rule.check, col, rule_id=rule.id,
                                      description="按报表种类（schemas/catalog.yaml kinds）本规则适用于该行"))
        cond = (cond or []) + [(name, "==", True)]
    ops, ands = rule.check.ops, rule.check.operands
    lhs, rhs = ands[0], ands[-1]
    title = f"{rule.id}{'（' + col + '）' if col else ''} {rule.title}"
    c = const_value(rhs)
    if len(ops) == 1 and c is not None and const_value(lhs) is None and ops[0] != "==":
        # A threshold: the bound of the left side that the comparison uses, against the constant.
        op = ops[0]
        kind = "lo" if op in ("<", "<=") else "hi"
        if rule.abs_tol or rule.rel_tol:
            name = tr.add_derived(
                Derived(
                    f"{LO if kind == 'lo' else HI}{_sid(rule, col)}", kind, lhs, col, rule.abs_tol, rule.rel_tol,
                    description=f"{expr.to_text(lhs)} 按填报精度（另加容差）可取的{'最小' if kind == 'lo' else '最大'}值",
                )
            )
        else:
            name = _bound(lhs, kind, rule, col, tr, rs)
        kw: dict[str, Any] = {"column": name}
        if kind == "lo":
            kw.update(max_value=c, strict_max=_STRICT[op])
        else:
            kw.update(min_value=c, strict_min=_STRICT[op])
        meta["translation"] = "threshold"
        return Spec("expect_column_values_to_be_between", kw, meta, cond, title)
    name = tr.add_derived(
        Derived(
            f"{EXCESS}{_sid(rule, col)}", "excess", rule.check, col, rule.abs_tol, rule.rel_tol,
            description="超出舍入容许范围的差额：== 为 max(右.下界−左.上界, 左.下界−右.上界)，<= 为 左.下界−右.上界，"
            ">= 为 右.下界−左.上界（左边先按容差放宽）；≤ 0 表示在填报精度内成立",
        )
    )
    meta["translation"] = "residual"
    strict = _STRICT[ops[0]]
    return Spec("expect_column_values_to_be_between", {"column": name, "max_value": 0.0, "strict_max": strict}, meta, cond, title)


def _catalog_specs(tr: Translation) -> None:
    """Required items, sign rules and cover fields from schemas/catalog.yaml (the pandera checks)."""
    cat = catalog()
    src = "schemas/catalog.yaml"

    def meta(rule: str, title: str, message: str, item: str, column: str) -> dict[str, Any]:
        return {"rule": rule, "level": "强制性", "severity": "error", "family": "结构", "title": title,
                "message": message, "item": item, "column": column, "source": src,
                "tolerance": {"abs": 0.0, "rel": 0.0, "rounding": "不适用（空值与符号检查）"}}

    for sheet in cat.sheets:
        for item in sheet.all_items:
            if item.kind == "text":
                continue
            for i, col in enumerate(sheet.columns):
                k = key(item.name, col)
                if item.required and i == 0:
                    msg = f"必填项目“{item.name}”（{col}）为空或缺失"
                    cond = None
                    if item.name in required_varies():  # not required where the return's format has no such line
                        name = tr.add_derived(Derived(f"{KIND}required·{item.name}", "required", expr.Ref(item.name, col, False),
                                                      col, rule_id=item.name, description="按报表种类该项目为必填"))
                        cond = [(name, "==", True)]
                    tr.specs.append(Spec("expect_column_values_to_not_be_null", {"column": k},
                                         meta("SCH-REQUIRED", "必填项目不能为空", msg, item.name, col), cond, msg))
                if item.sign in ("nonneg", "nonpos"):
                    neg = item.sign == "nonpos"
                    msg = f"“{item.name}”（{col}）应以负数填列（损失以“－”号填列）" if neg else f"“{item.name}”（{col}）不应为负数"
                    kw: dict[str, Any] = {"column": k, ("max_value" if neg else "min_value"): 0.0}
                    tr.specs.append(Spec("expect_column_values_to_be_between", kw,
                                         meta("SCH-SIGN", "金额符号符合报表格式", msg, item.name, col), None, msg))
                elif item.sign == "usual":  # normally ≥ 0: a negative value is a question (提示性)
                    msg = f"“{item.name}”（{col}）为负数，该项目通常不为负；如系重分类、冲回或退回所致属正常，请在说明中注明原因"
                    m = meta("SCH-NEGATIVE", "通常为正数的项目出现负数", msg, item.name, col)
                    m.update(level="提示性", severity="warning")
                    tr.specs.append(Spec("expect_column_values_to_be_between", {"column": k, "min_value": 0.0}, m, None, msg))
    for f in cat.cover_fields:
        if f.required:
            msg = f"封面“{f.name}”必须填写"
            tr.specs.append(Spec("expect_column_values_to_not_be_null", {"column": f.name},
                                 meta("SCH-REQUIRED", "封面字段有效", msg, f.name, "值"), None, msg))
        if f.choices:
            msg = f"封面“{f.name}”应为以下之一：{'、'.join(f.choices)}"
            tr.specs.append(Spec("expect_column_values_to_be_in_set", {"column": f.name, "value_set": list(f.choices)},
                                 meta("SCH-CHOICE", "封面字段有效", msg, f.name, "值"), None, msg))
        if f.pattern:
            msg = f"封面“{f.name}”格式应如 {f.example or '2024年度'}"
            tr.specs.append(Spec("expect_column_values_to_match_regex", {"column": f.name, "regex": f.pattern},
                                 meta("SCH-PERIOD", "封面字段有效", msg, f.name, "值"), None, msg))
        if f.check == "uscc":
            tr.not_exported.append({
                "rule": "SCH-USCC", "level": "强制性", "title": f"{f.name}校验位", "check": "GB 32100-2015 校验位",
                "reason": "统一社会信用代码的第 18 位是按 GB 32100-2015 加权求和计算的校验字符，GX 的正则等原生期望无法计算",
                "source": src, "count": 1,
            })
