"""The standard return's item catalogue (schemas/catalog.yaml): sheets, columns, items, aliases, lookup."""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from sasac_check.model.resources import data_path

_PREFIX = re.compile(
    r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|\d+[.、．]|"
    r"其中[:：]|加[:：]|减[:：]|:|：)+"
)
_PAREN = re.compile(r"[（(][^（()）]*[)）]")
_SPACE = re.compile(r"\s+")


def normalize_label(text: object) -> str:
    """Reduce a row label as typed in a workbook to the form aliases are matched in.

    Drops numbering (一、 1.), 其中：/加：/减： prefixes, parentheticals such as （或股本） or
    （损失以"－"号填列）, whitespace and full-width forms (NFKC), so that a label written the
    way a ledger system exports it still finds its item.
    """
    s = unicodedata.normalize("NFKC", str(text or ""))
    s = _SPACE.sub("", s)
    for _ in range(3):
        stripped = _PREFIX.sub("", s)
        if stripped == s:
            break
        s = stripped
    return _PAREN.sub("", s)


@dataclass(frozen=True)
class ItemDef:
    """One line of a statement: canonical name, 行次, how it is shown and what it may hold."""

    name: str
    sheet: str
    row: int
    label: str
    kind: str = "amount"  # amount | count | text
    unit: str = ""
    total: bool = False
    required: bool = False
    sign: str = "nonneg"
    aliases: tuple[str, ...] = ()
    template: bool = True  # false: a line of another official format (含金融业务, 旧金融工具准则 …)
    order: int = 0  # position in the official order of all the sheet's lines (all_items)


@dataclass(frozen=True)
class SheetDef:
    """One statement sheet: its name, value columns and items in 行次 order.

    `items` are the lines of the standard template; `all_items` adds, in the official order, the lines of
    the other official formats that a return may have (read where present, summed in their totals).
    """

    name: str
    columns: tuple[str, ...]
    items: tuple[ItemDef, ...]
    code: str = ""
    column_aliases: dict[str, str] = field(default_factory=dict)
    all_items: tuple[ItemDef, ...] = ()


@dataclass(frozen=True)
class CoverField:
    """One field of the 封面 sheet."""

    name: str
    required: bool = False
    choices: tuple[str, ...] = ()
    pattern: str = ""
    check: str = ""
    example: str = ""


@dataclass(frozen=True)
class KindDef:
    """One return kind (schemas/catalog.yaml `kinds`): how it is told and what it changes; see kinds.py."""

    name: str
    standard: str = ""
    cover: dict[str, str] = field(default_factory=dict)
    has_any: tuple[str, ...] = ()
    lacks: tuple[str, ...] = ()
    not_required: tuple[str, ...] = ()
    rules_off: tuple[str, ...] = ()
    rules_only: tuple[str, ...] = ()
    parts_optional: tuple[str, ...] = ()


@dataclass
class Catalog:
    """The whole description, with the name lookups every other part uses."""

    version: str
    cover_sheet: str
    cover_title: str
    cover_fields: tuple[CoverField, ...]
    units: dict[str, int]
    sheets: tuple[SheetDef, ...]
    indicator_sheet: str
    indicator_columns: tuple[str, ...]
    indicator_value_column: str
    kinds: tuple[KindDef, ...] = ()
    _alias: dict[str, str] = field(default_factory=dict)
    _items: dict[str, ItemDef] = field(default_factory=dict)
    _in_sheet: dict[tuple[str, str], tuple[ItemDef, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for sheet in self.sheets:
            for item in sheet.all_items or sheet.items:
                self._items[item.name] = item
        for item in self._items.values():  # canonical names first: a label never shadows a name
            self._alias.setdefault(normalize_label(item.name), item.name)
        for item in self._items.values():
            for alias in (item.label, *item.aliases):
                self._alias.setdefault(normalize_label(alias), item.name)
        found: dict[tuple[str, str], list[ItemDef]] = {}
        for item in self._items.values():
            for alias in {normalize_label(a) for a in (item.name, item.label, *item.aliases)}:
                found.setdefault((item.sheet, alias), []).append(item)
        self._in_sheet = {k: tuple(sorted(v, key=lambda i: i.order)) for k, v in found.items()}

    # --- lookups -------------------------------------------------------------------------------
    def sheet(self, name: str) -> SheetDef:
        for s in self.sheets:
            if s.name == name:
                return s
        raise KeyError(name)

    def item(self, name: str) -> ItemDef:
        return self._items[name]

    @property
    def items(self) -> dict[str, ItemDef]:
        return self._items

    def resolve(self, name: str) -> str | None:
        """The canonical name for a canonical name, alias or label as typed; None when unknown."""
        if name in self._items:
            return name
        return self._alias.get(normalize_label(name))

    def pick(self, sheet: str, label: str, taken: dict[str, int] | set[str], after: int = -1) -> str | None:
        """The item a row label of `sheet` stands for, where one label names several lines of the sheet.

        利润表 of a group with financial business prints 利息收入 twice: under 营业总收入 (金融业务利息收入) and
        under 财务费用 (利息收入). The line chosen is the first of the sheet's lines with that label that is not
        taken yet and comes after the line read before it (`after`, its order); else the first not taken; a
        label no line of this sheet has resolves as `resolve` does.
        """
        cands = self._in_sheet.get((sheet, normalize_label(label)))
        if not cands:
            return self.resolve(label)
        free = [c for c in cands if c.name not in taken]
        if not free:
            return cands[0].name
        later = [c for c in free if c.order > after]
        return (later or free)[0].name

    def suggest(self, name: str, n: int = 3) -> list[str]:
        """The nearest canonical names, for 'did you mean' messages."""
        pool = list(self._items) + [c.name for c in self.cover_fields]
        near = difflib.get_close_matches(normalize_label(name), pool, n=n, cutoff=0.4)
        if not near:
            near = [p for p in pool if normalize_label(name)[:2] in p][:n]
        return near

    def cover_field(self, name: str) -> CoverField | None:
        norm = normalize_label(name)
        for f in self.cover_fields:
            if f.name == norm:
                return f
        return None

    def column_of(self, sheet: SheetDef, header: object) -> str | None:
        h = normalize_label(header)
        if h in sheet.columns:
            return h
        return sheet.column_aliases.get(h)

    def all_columns(self) -> set[str]:
        return {c for s in self.sheets for c in s.columns}

    def keys(self) -> list[str]:
        """Every numeric value key of a submission, as item[column]."""
        return [key(i.name, c) for s in self.sheets for i in (s.all_items or s.items) for c in s.columns]


def key(item: str, column: str) -> str:
    """The key of one value in a submission and one column in the submissions table."""
    return f"{item}[{column}]"


def split_key(k: str) -> tuple[str, str]:
    item, _, col = k.partition("[")
    return item, col.rstrip("]")


def _load(path: Path) -> Catalog:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    sheets = []
    for s in raw["sheets"]:
        items = []
        row = 0
        for order, it in enumerate(s["items"]):
            kind = it.get("kind", "amount")
            shown = bool(it.get("template", True))
            row += shown
            items.append(
                ItemDef(
                    name=it["name"],
                    sheet=s["name"],
                    row=row if shown else 0,
                    label=it.get("label", it["name"]),
                    kind=kind,
                    unit=it.get("unit", ""),
                    total=bool(it.get("total", False)),
                    required=bool(it.get("required", False)),
                    sign=it.get("sign", "nonneg" if kind != "text" else "any"),
                    aliases=tuple(it.get("aliases", ())),
                    template=shown,
                    order=order,
                )
            )
        sheets.append(
            SheetDef(
                name=s["name"],
                columns=tuple(s["columns"]),
                items=tuple(i for i in items if i.template),
                all_items=tuple(items),
                code=s.get("code", ""),
                column_aliases=dict(s.get("column_aliases", {})),
            )
        )
    cov = raw["cover"]
    fields = tuple(
        CoverField(
            name=f["name"],
            required=bool(f.get("required", False)),
            choices=tuple(f.get("choices", ())),
            pattern=f.get("pattern", ""),
            check=f.get("check", ""),
            example=str(f.get("example", "")),
        )
        for f in cov["fields"]
    )
    ind = raw["indicator_sheet"]
    kinds = tuple(
        KindDef(
            name=k["name"],
            standard=k.get("standard", ""),
            cover={str(a): str(b) for a, b in k.get("when", {}).get("cover", {}).items()},
            has_any=tuple(k.get("when", {}).get("has_any", ())),
            lacks=tuple(k.get("when", {}).get("lacks", ())),
            not_required=tuple(k.get("not_required", ())),
            rules_off=tuple(k.get("rules_off", ())),
            rules_only=tuple(k.get("rules_only", ())),
            parts_optional=tuple(k.get("parts_optional", ())),
        )
        for k in raw.get("kinds", ())
    )
    return Catalog(
        version=str(raw["version"]),
        cover_sheet=cov["sheet"],
        cover_title=cov.get("title", ""),
        cover_fields=fields,
        units={k: int(v) for k, v in raw["units"].items()},
        sheets=tuple(sheets),
        indicator_sheet=ind["name"],
        indicator_columns=tuple(ind["columns"]),
        indicator_value_column=ind["value_column"],
        kinds=kinds,
    )


@lru_cache(maxsize=1)
def catalog() -> Catalog:
    """The shipped catalogue (cached: it is read once per process)."""
    return _load(data_path("schemas") / "catalog.yaml")
