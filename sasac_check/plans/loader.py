"""Loads and validates plan files (rules/plans/*.yaml): JSON Schema, then meaning; mistakes as file:line."""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema

from sasac_check.model.resources import data_path
from sasac_check.plans.model import NON_RETURN_KINDS, Plan, Target
from sasac_check.plans.names import measure_of, prior_of
from sasac_check.rules import expr
from sasac_check.rules.load import (
    LDict,
    RuleFileError,
    RuleSet,
    display_path,
    expand,
    load_yaml,
    shipped_rules,
    yaml_line,
)

AMOUNT_UNITS = {"元", "万元", "亿元"}


def plan_dir() -> Path:
    return data_path("rules") / "plans"


def shipped_plan_files() -> list[Path]:
    return sorted(plan_dir().glob("*.yaml"))


@lru_cache(maxsize=1)
def _schema() -> dict:
    return json.loads((data_path("schemas") / "plan.schema.json").read_text(encoding="utf-8"))


def _schema_problems(f: str, doc: Any) -> list[str]:
    v = jsonschema.Draft202012Validator(_schema())
    out = []
    for e in sorted(v.iter_errors(doc), key=lambda e: list(map(str, e.absolute_path))):
        where = "/".join(map(str, e.absolute_path)) or "（文件顶层）"
        path = list(e.absolute_path)
        if e.validator == "additionalProperties" and isinstance(e.instance, dict):
            extra = [k for k in e.instance if k not in e.schema.get("properties", {})]
            path, where = path + extra[:1], f"{where}/{extra[0]}" if extra else where
        out.append(f"{f}:{yaml_line(doc, path)}: {where}：{_schema_message(e)}")
    return out


def _schema_message(e: jsonschema.ValidationError) -> str:
    if e.validator == "required":
        return f"缺少字段 {e.message.split(' is a required')[0]}"
    if e.validator == "additionalProperties":
        return f"未知字段；可用字段：{'、'.join(e.schema.get('properties', {}))}"
    if e.validator == "enum":
        return f"取值应为 {'、'.join(map(str, e.validator_value))} 之一（得到 {e.instance!r}）"
    if e.validator == "type":
        return f"类型应为 {e.validator_value}（得到 {e.instance!r}）"
    return e.message


def load_plan(path: str | Path, rs: RuleSet | None = None) -> Plan:
    """Load one plan file; raise RuleFileError listing every mistake as `file:line: …`."""
    p = Path(path)
    f = display_path(p)
    if not p.exists():
        raise RuleFileError([f"{f}:0: 找不到计划文件"])
    try:
        doc = load_yaml(p)
    except (OSError, UnicodeDecodeError) as e:
        raise RuleFileError([f"{f}:0: 无法读取计划文件：{e}"]) from None
    if not isinstance(doc, LDict) or "plan" not in doc:
        raise RuleFileError([f"{f}:1: 计划文件应以 plan: 开头（见 schemas/plan.schema.json）"])
    problems = _schema_problems(f, doc)
    if problems:
        raise RuleFileError(problems)
    rs = rs or shipped_rules()
    head = doc["plan"]
    years = (int(head["years"]["from"]), int(head["years"]["to"]))
    if years[0] > years[1]:
        problems.append(f"{f}:{head.key_lines['years']}: years 的 from 不应晚于 to")
    cite = document_of(head)
    targets = [_target(f, raw, str(head["id"]), rs, problems, False, cite) for raw in doc.get("targets") or []]
    statements = [_target(f, raw, str(head["id"]), rs, problems, True, cite) for raw in doc.get("statements") or []]
    seen: dict[str, int] = {}
    for raw in [*(doc.get("targets") or []), *(doc.get("statements") or [])]:
        if raw["id"] in seen:
            problems.append(f"{f}:{raw.line}: 目标编号 {raw['id']} 重复（另见第 {seen[raw['id']]} 行）")
        seen[raw["id"]] = raw.line
    if problems:
        raise RuleFileError(problems)
    return Plan(
        id=str(head["id"]), title=str(head["title"]), supervisors=tuple(map(str, head["supervisors"])), years=years,
        seed=str(head["source"]), file=f, targets=tuple(t for t in targets if t), statements=tuple(t for t in statements if t),
        base_year=head.get("base_year"), issuer=str(head.get("issuer", "")), published=head.get("published"),
    )


def document_of(head: dict) -> str:
    """The plan as a user looks it up, e.g. 《东胜区…“十四五”规划》（鄂尔多斯市东胜区人民政府 东政发〔2022〕35号，2022年）."""
    title = str(head["title"])
    title = title if title.startswith("《") else f"《{title}》"
    who = " ".join(str(head[k]) for k in ("issuer", "document_no") if head.get(k))
    when = f"{head['published']}年" if head.get("published") else ""
    inner = "，".join(x for x in (who, when) if x)
    return f"{title}（{inner}）" if inner else title


def _parse(f: str, raw: LDict, key: str, rs: RuleSet, problems: list[str]) -> expr.Node | None:
    try:
        return expr.parse(str(raw[key]), rs.ns)
    except expr.ExprError as e:
        problems.append(f"{f}:{raw.key_lines.get(key, raw.line)}: {key}：{e}")
        return None


def _target(f: str, raw: LDict, plan_id: str, rs: RuleSet, problems: list[str], statement: bool,
            document: str = "") -> Target | None:
    """One target checked for meaning: a value for its kind, a computable indicator, a sensible scope."""
    before = len(problems)
    at = f"{f}:{raw.line}: 目标 {raw['id']}"
    kind, unit = str(raw["kind"]), str(raw["unit"])
    needs = {"path": "values", "on_track": "year", "level": "year", "cagr": "years", "change": "years",
             "total": "years", "average": "years", "share_completed": "year"}
    if kind in needs and needs[kind] not in raw:
        problems.append(f"{at}：{kind} 目标需要字段 {needs[kind]}")
    if kind not in ("path", "task") and "value" not in raw and "than" not in raw:
        problems.append(f"{at}：缺少目标值 value（或比较对象 than）")
    if kind in ("growth", "cagr", "change", "share_completed") and unit != "%":
        problems.append(f"{at}：{kind} 目标的单位应为 %")
    if str(raw.get("op", ">=")) == "≈" and "tolerance" not in raw:
        problems.append(f"{at}：“约”（≈）目标需要 tolerance（abs 或 rel，按目标单位）")
    measure = prior = than = when = None
    if kind not in NON_RETURN_KINDS:
        if "formula" in raw:
            measure = _parse(f, raw, "formula", rs, problems)
            prior = prior_of(measure) if measure is not None else None
        else:
            m = measure_of(str(raw["indicator"]), rs)
            if m is None:
                problems.append(f"{f}:{raw.key_lines['indicator']}: 目标 {raw['id']}：无法从报表计算“{raw['indicator']}”，"
                                "请写 formula:（如 招商引资额[本期]），或把 kind 设为 task")
            else:
                measure, prior = m[0], m[1] or prior_of(m[0])
        if "than" in raw:
            than = _parse(f, raw, "than", rs, problems)
        if "when" in raw:
            when = _parse(f, raw, "when", rs, problems)
    amount = unit in AMOUNT_UNITS  # a money amount binds the region together
    applies = tuple(raw.get("applies_to") or (["汇总"] if amount else ["汇总", "企业"]))
    if amount and "企业" in applies:
        problems.append(f"{f}:{raw.key_lines.get('applies_to', raw.line)}: 目标 {raw['id']}：金额目标约束全区汇总，"
                        "不能用于单户企业（applies_to 应为 [汇总]）")
    if len(problems) > before:
        return None
    tol = raw.get("tolerance") or {}
    yrs = raw.get("years")
    return Target(
        id=str(raw["id"]), indicator=str(raw["indicator"]), kind=kind, unit=unit, quote=str(raw["source"]["quote"]),
        seed=str(raw["source"]["file"]), source=f"{f}:{raw.line}", plan_id=plan_id, op=str(raw.get("op", ">=")),
        value=float(raw["value"]) if "value" in raw else None,
        values={int(k): float(v) for k, v in (raw.get("values") or {}).items()},
        than=than, than_text=str(raw.get("than_label", raw.get("than", ""))),
        year=raw.get("year"), years=(int(yrs["from"]), int(yrs["to"])) if yrs else None,
        when=when, when_text=str(raw.get("when", "")),
        abs_tol=float(tol.get("abs", 0)), rel_tol=float(tol.get("rel", 0)),
        applies_to=applies, level=str(raw.get("level", "提示性")), note=str(raw.get("note", "")),
        measure=measure, prior=prior, amount=amount, statement=statement,
        document=document, section=str(raw["source"].get("section", "")),
    )


def load_plans(paths: Iterable[str | Path] = (), *, shipped: bool = True, rs: RuleSet | None = None) -> list[Plan]:
    """The shipped plans plus those in `paths` (files or folders); every mistake of every file at once."""
    rs = rs or shipped_rules()
    files = (shipped_plan_files() if shipped else []) + expand(paths)
    plans, problems = [], []
    for p in files:
        try:
            plans.append(load_plan(p, rs))
        except RuleFileError as e:
            problems += e.problems
    ids: dict[str, str] = {}
    for pl in plans:
        if pl.id in ids and ids[pl.id] != pl.file:
            problems.append(f"{pl.file}:1: 计划编号 {pl.id} 重复（另见 {ids[pl.id]}）")
        ids[pl.id] = pl.file
    if problems:
        raise RuleFileError(problems)
    return plans
