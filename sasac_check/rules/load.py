"""Loads YAML rule and indicator files into compiled rules; every mistake is reported as file:line."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from sasac_check.model.catalog import Catalog, catalog
from sasac_check.model.finding import severity_of
from sasac_check.model.resources import data_path
from sasac_check.rules import expr
from sasac_check.rules.model import UNIT_SCALE, Indicator, Rule, RuleSet
from sasac_check.rules.msgcheck import template_problem

FAMILIES = ("表内", "表间", "跨期", "指标", "阈值", "计划")
_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*$")


class RuleFileError(Exception):
    """One or more mistakes in rule files, each already formatted as `file:line: what is wrong`."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


# --- YAML with line numbers ------------------------------------------------------------------------
class LDict(dict):
    """A mapping that remembers the line of itself and of each key (1-based)."""

    line: int = 0
    key_lines: dict[str, int]


def yaml_line(doc: Any, path: Iterable[Any]) -> int:
    """The line of the deepest key along a JSON-Schema error path (rule, plan and ledger files alike)."""
    node, line = doc, getattr(doc, "line", 1)
    for p in path:
        if isinstance(node, LDict) and str(p) in node:
            line = node.key_lines.get(str(p), line)
            node = node[str(p)]
        elif isinstance(node, list) and isinstance(p, int) and p < len(node):
            node = node[p]
            line = getattr(node, "line", line)
        else:
            break
    return line


def load_yaml(path: Path) -> Any:
    """Parse YAML keeping line numbers; a syntax error becomes RuleFileError at its line."""
    text = path.read_text(encoding="utf-8")
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        raise RuleFileError([f"{path}:{line}: YAML 语法错误：{getattr(e, 'problem', e)}"]) from None
    if node is None:
        return None
    try:
        return _convert(node, set(), str(path))
    except _AliasRefused as e:
        raise RuleFileError([str(e)]) from None


class _AliasRefused(Exception):
    """A YAML alias (*name) of a mapping or list: refused (an alias bomb would grow without bound)."""


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser when present: same nodes and marks, faster
_CONSTRUCT = yaml.SafeLoader("")  # one constructor for every scalar (building a loader per scalar was most of the cost)


def _convert(node: yaml.Node, seen: set[int], path: str, line: int = 0) -> Any:
    """Plain values with line numbers; `line`: where this node is used (the key's line, for an alias's message)."""
    if isinstance(node, yaml.MappingNode | yaml.SequenceNode):
        if id(node) in seen:  # the composer hands an alias back as the same node object
            raise _AliasRefused(f"{path}:{line or node.start_mark.line + 1}: 不支持 YAML 别名（&锚点 / *引用）的映射或列表："
                                "请直接写出内容")
        seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        d = LDict()
        d.line = node.start_mark.line + 1
        d.key_lines = {}
        for k, v in node.value:
            key = _CONSTRUCT.construct_scalar(k) if isinstance(k, yaml.ScalarNode) else str(k)
            d[str(key)] = _convert(v, seen, path, k.start_mark.line + 1)
            d.key_lines[str(key)] = k.start_mark.line + 1
        return d
    if isinstance(node, yaml.SequenceNode):
        return [_convert(v, seen, path, node.start_mark.line + 1) for v in node.value]
    try:
        return _CONSTRUCT.construct_object(node, deep=True)
    finally:
        _CONSTRUCT.constructed_objects.clear()


# --- loading ---------------------------------------------------------------------------------------
def shipped_rule_files() -> list[Path]:
    return sorted(data_path("rules").glob("*.yaml"))


def shipped_rules() -> RuleSet:
    """load_rules() of the shipped files alone, loaded once while those files stay as they are.

    The reader (indicators), the plans and a batch all start from it: loading it once saves ≈ 35 ms of every
    start-up. Nothing modifies a RuleSet once loaded.
    """
    key = []
    for f in shipped_rule_files():
        st = f.stat()
        key.append((str(f), st.st_mtime_ns, st.st_size))
    return _shipped_rules(tuple(key))


@lru_cache(maxsize=2)
def _shipped_rules(key: tuple) -> RuleSet:
    return load_rules()


def expand(paths: Iterable[str | Path]) -> list[Path]:
    """Rule files from files and folders (a folder gives its *.yaml / *.yml, not its subfolders)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted([*p.glob("*.yaml"), *p.glob("*.yml")])
        else:
            out.append(p)
    return out


def load_rules(extra: Iterable[str | Path] = (), *, shipped: bool = True, cat: Catalog | None = None) -> RuleSet:
    """Load the shipped rule files plus `extra`; raise RuleFileError listing every mistake found."""
    cat = cat or catalog()
    files = list({f.resolve(): f for f in (shipped_rule_files() if shipped else []) + expand(extra)}.values())
    problems: list[str] = []
    docs: list[tuple[Path, Any]] = []
    for f in files:
        if not f.exists():
            problems.append(f"{f}:0: 找不到规则文件")
            continue
        try:
            doc = load_yaml(f)
        except RuleFileError as e:
            problems += e.problems
            continue
        except (OSError, UnicodeDecodeError) as e:
            problems.append(f"{f}:0: 无法读取规则文件：{e}")
            continue
        if isinstance(doc, dict) and "plan" in doc and "rules" not in doc and "indicators" not in doc:
            continue  # a plan file: loaded by the plans module
        if not isinstance(doc, dict) or not ({"rules", "indicators"} & set(doc)):
            problems.append(f"{f}:1: 规则文件应包含 rules: 或 indicators: 列表")
            continue
        docs.append((f, doc))

    ns = expr.Namespace(cat)
    rs = RuleSet(files=files, ns=ns)
    # Indicators first: rules may name them.
    for f, doc in docs:
        for raw in doc.get("indicators") or []:
            ind = _indicator(f, raw, ns, problems)
            if ind is None:
                continue
            if ind.name in rs.indicators:
                problems.append(f"{display_path(f)}:{raw.line}: 指标“{ind.name}”重复定义（另见 {rs.indicators[ind.name].source}）")
                continue
            rs.indicators[ind.name] = ind
            ns.indicators[ind.name] = ind.value_node
            for a in ind.aliases:
                ns.indicator_aliases[a] = ind.name
    seen: dict[str, str] = {}
    for ind in rs.indicators.values():
        rs.rules.append(_indicator_rule(ind))
        seen[rs.rules[-1].id] = ind.source
    for f, doc in docs:
        family = str(doc.get("family", ""))
        if family and family not in FAMILIES:
            problems.append(f"{f}:{doc.key_lines.get('family', 1)}: 未知规则类别“{family}”，可用：{'、'.join(FAMILIES)}")
        rules = doc.get("rules") or []
        if not isinstance(rules, list):
            problems.append(f"{f}:{doc.key_lines.get('rules', 1)}: rules 应为列表")
            continue
        for raw in rules:
            expanded = _expand_each(f, raw, cat, problems)
            new = [r for r in (_rule(f, e, family or "表内", doc.get("sheet"), ns, problems) for e in expanded) if r]
            if not new:
                continue
            if new[0].id in seen:
                problems.append(f"{display_path(f)}:{raw.line}: 规则编号 {new[0].id} 重复（另见 {seen[new[0].id]}）")
                continue
            seen[new[0].id] = new[0].source
            rs.rules += new
    if problems:
        raise RuleFileError(problems)
    return rs


def _expand_each(f: Path, raw: Any, cat: Catalog, problems: list[str]) -> list[Any]:
    """A `for_each: 资产负债表` rule stands for one rule per item of that sheet, 本项 naming the item."""
    if not isinstance(raw, LDict) or "for_each" not in raw:
        return [raw]
    sheet = str(raw["for_each"])
    try:
        items = cat.sheet(sheet).items
    except KeyError:
        problems.append(f"{_where(f, raw, 'for_each')}: for_each 应为报表名，如 资产负债表（得到“{sheet}”）")
        return []
    out = []
    for it in items:
        if it.kind == "text":
            continue
        d = LDict({k: (v.replace(EACH, it.name) if isinstance(v, str) else v) for k, v in raw.items() if k != "for_each"})
        d.line, d.key_lines = raw.line, raw.key_lines
        d.setdefault("at", it.name)
        out.append(d)
    return out


def display_path(f: Path) -> str:
    """A shipped rule file as rules/x.yaml; a user's file as the user named it."""
    try:
        return str(Path(f).resolve().relative_to(data_path("rules").resolve().parent))
    except ValueError:
        return str(f)


def _where(f: Path, raw: LDict, key: str | None = None) -> str:
    line = raw.key_lines.get(key, raw.line) if key and isinstance(raw, LDict) else getattr(raw, "line", 0)
    return f"{display_path(f)}:{line}"


def _parse(f: Path, raw: LDict, key: str, ns: expr.Namespace, problems: list[str]) -> expr.Node | None:
    text = raw.get(key)
    if not isinstance(text, str | int | float) or str(text).strip() == "":
        problems.append(f"{_where(f, raw, key)}: {key} 应为表达式")
        return None
    try:
        return expr.parse(str(text), ns)
    except expr.ExprError as e:
        problems.append(f"{_where(f, raw, key)}: {e}")
        return None


def _indicator(f: Path, raw: Any, ns: expr.Namespace, problems: list[str]) -> Indicator | None:
    if not isinstance(raw, LDict):
        problems.append(f"{f}:0: 指标定义应为映射")
        return None
    missing = [k for k in ("id", "name", "formula", "unit") if k not in raw]
    if missing:
        problems.append(f"{_where(f, raw)}: 指标缺少字段 {', '.join(missing)}")
        return None
    if str(raw["unit"]) not in UNIT_SCALE:
        problems.append(f"{_where(f, raw, 'unit')}: 未知单位“{raw['unit']}”，可用：{'、'.join(UNIT_SCALE)}")
        return None
    node = _parse(f, raw, "formula", ns, problems)
    if node is None:
        return None
    return Indicator(
        id=str(raw["id"]),
        name=str(raw["name"]),
        formula=node,
        text=str(raw["formula"]),
        unit=str(raw["unit"]),
        precision=int(raw.get("precision", 2)),
        families=tuple(raw.get("families") or ()),
        description=str(raw.get("description", "")),
        aliases=tuple(raw.get("aliases") or ()),
        source=_where(f, raw),
    )


def _indicator_rule(ind: Indicator) -> Rule:
    """The generated check: a value stated on 主要指标 must agree with the one computed from its inputs."""
    check = expr.Cmp(("==",), (expr.Stated(ind.name), ind.value_node))
    return Rule(
        id=f"IND-{ind.id}",
        title=f"主要指标“{ind.name}”与计算值一致",
        severity="error",
        family="指标",
        check=check,
        text=f"主要指标.{ind.name} == {ind.text}",
        message="主要指标“{indicator}”填报 {actual}，按 {formula} 计算应为 {expected}",
        sheet="主要指标",
        source=ind.source,
        indicator=ind.name,
    )


_RULE_KEYS = {
    "id", "title", "level", "check", "when", "columns", "tolerance", "message", "at", "sheet", "description", "for_each",
    "compare_with",
}
COMPARE_WITH = ("上年末", "上年同期")  # which prior return a 跨期 rule compares with (check/priors.py)
EACH = "本项"  # placeholder for the item in a `for_each: <sheet>` rule


def _rule(f: Path, raw: Any, family: str, sheet: Any, ns: expr.Namespace, problems: list[str]) -> Rule | None:
    if not isinstance(raw, LDict):
        problems.append(f"{f}:0: 规则应为映射（id、level、check …）")
        return None
    before = len(problems)
    unknown = set(raw) - _RULE_KEYS
    for k in sorted(unknown):
        problems.append(f"{_where(f, raw, k)}: 未知字段“{k}”，可用：{'、'.join(sorted(_RULE_KEYS))}")
    rid = str(raw.get("id", ""))
    if not _ID.match(rid):
        problems.append(f"{_where(f, raw, 'id')}: 规则编号应为字母开头的英文编号，如 BS-001（得到“{rid}”）")
    level = str(raw.get("level", ""))
    try:
        severity = severity_of(level)
    except ValueError:
        problems.append(f"{_where(f, raw, 'level')}: 级别应为 强制性 / 提示性 / 信息（得到“{level}”）")
        severity = "error"
    check = _parse(f, raw, "check", ns, problems)
    if check is not None and not isinstance(check, expr.Cmp):
        problems.append(f"{_where(f, raw, 'check')}: check 应为比较，如 A == B 或 A <= B")
        check = None
    if isinstance(check, expr.Cmp) and any(op in ("in", "not in") for op in check.ops):
        problems.append(f"{_where(f, raw, 'check')}: check 中不能使用 in（请放在 when 中）")
        check = None
    when = _parse(f, raw, "when", ns, problems) if "when" in raw else None
    cols_raw = raw.get("columns")
    columns: tuple[str | None, ...] = (None,)
    if cols_raw is not None:
        cols = cols_raw if isinstance(cols_raw, list) else [cols_raw]
        valid = ns.catalog.all_columns()
        for c in cols:
            if str(c) not in valid:
                problems.append(f"{_where(f, raw, 'columns')}: 未知列“{c}”，可用：{'、'.join(sorted(valid))}")
        columns = tuple(str(c) for c in cols)
    abs_tol = rel_tol = 0.0
    tol = raw.get("tolerance")
    if tol is not None:
        if not isinstance(tol, dict) or set(tol) - {"abs", "rel"}:
            problems.append(f"{_where(f, raw, 'tolerance')}: tolerance 应写作 {{abs: 数值}} 或 {{rel: 比例}}")
        else:
            try:
                abs_tol, rel_tol = float(tol.get("abs", 0)), float(tol.get("rel", 0))
            except (TypeError, ValueError):
                problems.append(f"{_where(f, raw, 'tolerance')}: tolerance 的值应为数字")
    at = raw.get("at")
    if at is not None and ns.catalog.resolve(str(at)) is None:
        problems.append(f"{_where(f, raw, 'at')}: 未知项目“{at}”{ns.suggest(str(at))}")
    msg = str(raw.get("message", ""))
    bad = template_problem(msg)
    if bad:
        problems.append(f"{_where(f, raw, 'message')}: {bad}")
    compare_with = str(raw.get("compare_with", COMPARE_WITH[1]))
    if compare_with not in COMPARE_WITH:
        problems.append(f"{_where(f, raw, 'compare_with')}: compare_with 应为 上年末 或 上年同期（得到“{compare_with}”）")
    if len(problems) > before or check is None:
        return None
    assert isinstance(check, expr.Cmp)
    prior = any(r.prior for r in expr.refs(check)) or (when is not None and any(r.prior for r in expr.refs(when)))
    return Rule(
        id=rid,
        title=str(raw.get("title", rid)),
        severity=severity,
        family=family,
        check=check,
        text=str(raw["check"]),
        when=when,
        when_text=str(raw.get("when", "")),
        columns=columns,
        abs_tol=abs_tol,
        rel_tol=rel_tol,
        message=msg,
        at=ns.catalog.resolve(str(at)) if at else None,
        sheet=str(raw.get("sheet", sheet)) if raw.get("sheet", sheet) else None,
        source=_where(f, raw),
        needs_prior=prior,
        compare_with=compare_with,
    )
