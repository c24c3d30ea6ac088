"""Loads the ledger's YAML files: programmes (rules/ledger/<id>.yaml) and the checks (rules/ledger/checks.yaml)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import jsonschema

from sasac_check.model.finding import severity_of
from sasac_check.model.resources import data_path
from sasac_check.rules.load import LDict, RuleFileError, display_path, load_yaml, yaml_line

CHECKS_FILE = "checks.yaml"


def ledger_dir() -> Path:
    return data_path("rules") / "ledger"


@dataclass(frozen=True)
class Milestone:
    when: str  # as the text writes it: 2021年, 2020-2021年, 每年
    due: str  # the 时间节点 it gives the ledger: 2021年底
    what: str
    basis: str  # 原文 (the text dates it) | 方案期限 (the text names no year: due at the programme's end)
    quote: str
    source: str  # rules/ledger/x.yaml:line


@dataclass(frozen=True)
class ProgrammeTask:
    seq: int
    category: str
    name: str
    lead: str
    responsible: str
    milestones: tuple[Milestone, ...]

    @property
    def due(self) -> str:
        """The row's 时间节点: the last milestone's (each milestone's due is the end of a year)."""
        return max(self.milestones, key=lambda m: m.due).due

    @property
    def mark(self) -> str:
        """The row's 完成标志: what each milestone asks, with its time."""
        return "；".join(f"{m.when}：{m.what}" for m in self.milestones)


@dataclass(frozen=True)
class Programme:
    id: str
    title: str
    supervisors: tuple[str, ...]
    period: tuple[int, int]
    seed: str
    end_quote: str
    tasks: tuple[ProgrammeTask, ...]
    file: str


@dataclass(frozen=True)
class LedgerRule:
    id: str
    check: str
    severity: str
    title: str
    message: str
    why: str
    source: str


@lru_cache(maxsize=4)
def _schema(name: str) -> dict:
    return json.loads((data_path("schemas") / name).read_text(encoding="utf-8"))


def _validated(path: Path, schema: str) -> LDict:
    f = display_path(path)
    if not path.exists():
        raise RuleFileError([f"{f}:0: 找不到文件"])
    doc = load_yaml(path)
    v = jsonschema.Draft202012Validator(_schema(schema))
    problems = [f"{f}:{yaml_line(doc, list(e.absolute_path))}: {'/'.join(map(str, e.absolute_path)) or '（文件顶层）'}：{e.message}"
                for e in sorted(v.iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))]
    if problems:
        raise RuleFileError(problems)
    return doc


def load_programme(path: str | Path) -> Programme:
    """One programme file; RuleFileError with `file:line` problems (schema, then duplicate or unordered 序号)."""
    p = Path(path)
    doc = _validated(p, "ledger.schema.json")
    f = display_path(p)
    head = doc["programme"]
    tasks, problems = [], []
    for i, t in enumerate(doc["tasks"], start=1):
        if t["seq"] != i:
            problems.append(f"{f}:{t.line}: 任务序号应为 {i}（得到 {t['seq']}）：序号按原文顺序连续编排")
        ms = tuple(Milestone(str(m["when"]), str(m["due"]), str(m["what"]), str(m["basis"]), str(m["quote"]), f"{f}:{m.line}")
                   for m in t["milestones"])
        tasks.append(ProgrammeTask(int(t["seq"]), str(t["category"]), str(t["name"]), str(t["lead"]), str(t["responsible"]), ms))
    if problems:
        raise RuleFileError(problems)
    period = (int(head["period"]["from"]), int(head["period"]["to"]))
    return Programme(str(head["id"]), str(head["title"]), tuple(map(str, head["supervisors"])), period, str(head["source"]),
                     str(head["end_quote"]), tuple(tasks), f)


def programme_files() -> list[Path]:
    return sorted(p for p in ledger_dir().glob("*.yaml") if p.name != CHECKS_FILE)


@lru_cache(maxsize=1)
def programmes() -> tuple[Programme, ...]:
    return tuple(load_programme(p) for p in programme_files())


def find_programme(name: str) -> Programme:
    """A shipped programme by id or file stem (lishan, lishan-3yr), or a programme file path."""
    for p in programmes():
        if name in (p.id, Path(p.file).stem):
            return p
    if Path(name).suffix in (".yaml", ".yml"):
        return load_programme(name)
    known = "、".join(Path(p.file).stem for p in programmes())
    raise RuleFileError([f"{name}:0: 没有名为“{name}”的改革方案（可用：{known}，或给出方案文件路径）"])


def programme_for(supervisor: str, title: str = "") -> Programme | None:
    """The shipped programme a ledger's cover names (改革方案), else the one of its 监管机构."""
    for p in programmes():
        if title and title.strip() in (p.title, p.id):
            return p
    for p in programmes():
        if supervisor.strip() and supervisor.strip() in p.supervisors:
            return p
    return None


@lru_cache(maxsize=1)
def ledger_rules() -> tuple[LedgerRule, ...]:
    """The checks of rules/ledger/checks.yaml, in file order; ids are unique."""
    path = ledger_dir() / CHECKS_FILE
    doc = _validated(path, "ledger-rules.schema.json")
    f = display_path(path)
    seen: dict[str, int] = {}
    out, problems = [], []
    for r in doc["rules"]:
        if r["id"] in seen:
            problems.append(f"{f}:{r.line}: 规则编号 {r['id']} 重复（另见第 {seen[r['id']]} 行）")
        seen[r["id"]] = r.line
        out.append(LedgerRule(str(r["id"]), str(r["check"]), severity_of(str(r["level"])), str(r["title"]),
                              str(r["message"]), " ".join(str(r["why"]).split()), f"{f}:{r.line}"))
    if problems:
        raise RuleFileError(problems)
    return tuple(out)
