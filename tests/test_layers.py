"""The package's shape, as docs/ENGINEERING.md draws it: layers imported only downwards, small modules, docstrings."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

PKG = Path(__file__).resolve().parent.parent / "sasac_check"
# Bottom up; a room may import its own tier and any tier below it, never above (docs/ENGINEERING.md).
TIERS = [
    {"model", "errors", "atomicio", "__init__"},
    {"rules"},
    {"read"},
    {"check"},
    {"plans"},
    {"authoring", "excel", "gx", "report", "speed", "ledger"},
    {"batch"},
    {"commands"},
    {"cli", "__main__"},
]
MAX_LINES = 400


def _room(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _modules() -> dict[str, Path]:
    out = {}
    for p in PKG.rglob("*.py"):
        parts = list(p.relative_to(PKG.parent).with_suffix("").parts)
        if parts[-1] == "__init__" and len(parts) > 1:
            parts = parts[:-1]
        out[".".join(parts)] = p
    return out


def _edges() -> dict[tuple[str, str], list[str]]:
    mods = _modules()
    edges: dict[tuple[str, str], list[str]] = defaultdict(list)
    for name, path in mods.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = []
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("sasac_check"):
                targets = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names if a.name.startswith("sasac_check")]
            for t in targets:
                if t in mods and t != "sasac_check" and _room(t) != _room(name):
                    edges[(_room(name), _room(t))].append(f"{name} → {t}")
    return edges


def test_every_room_has_a_tier() -> None:
    rooms = {_room(m) for m in _modules()}
    known = set().union(*TIERS)
    assert rooms <= known, f"place these in TIERS and in docs/ENGINEERING.md: {sorted(rooms - known)}"


def test_imports_go_down_only_and_rooms_form_no_cycle() -> None:
    tier = {room: i for i, t in enumerate(TIERS) for room in t}
    up = [w for (a, b), where in _edges().items() if tier[b] > tier[a] for w in where]
    assert not up, "imports from a higher layer:\n" + "\n".join(up)
    edges = _edges()
    graph: dict[str, set[str]] = {a: set() for a, _ in edges}
    for a, b in edges:
        graph[a].add(b)

    def reach(start: str) -> set[str]:
        seen, todo = set(), [start]
        while todo:
            for n in graph.get(todo.pop(), ()):
                if n not in seen:
                    seen.add(n)
                    todo.append(n)
        return seen

    cycles = sorted(r for r in graph if r in reach(r))
    assert not cycles, f"rooms importing each other: {cycles}: " + "; ".join(
        w for (a, b), ws in edges.items() if a in cycles and b in cycles for w in ws[:2])


def test_modules_are_small_and_say_what_they_own() -> None:
    big = {m: n for m, p in _modules().items() if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not big, f"over {MAX_LINES} lines: {big}"
    silent = [m for m, p in _modules().items() if not ast.get_docstring(ast.parse(p.read_text(encoding="utf-8")))]
    assert not silent, f"no module docstring: {silent}"
