"""What exported returns look like (schemas/layouts.yaml): sheet names, header spellings, cover labels, sub-lines."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import yaml

from sasac_check.model.catalog import SheetDef, catalog, normalize_label
from sasac_check.model.resources import data_path
from sasac_check.read.grid import squeeze


@dataclass
class Knowledge:
    """schemas/layouts.yaml, squeezed for lookups."""

    sheet_names: list[tuple[str, str]]  # (squeezed pattern, canonical sheet), longest first
    continued: tuple[str, ...]
    consolidated_codes: tuple[str, ...]
    single_codes: tuple[str, ...]
    ledger: tuple[str, ...]
    parent_only: tuple[str, ...]
    cover_sheets: tuple[str, ...]
    cover_fields: dict[str, str]  # squeezed label -> field
    cover_values: dict[str, dict[str, str]]
    headers: dict[str, tuple[str, ...]]  # normalized header -> canonical columns it may be
    label_headers: frozenset[str]
    line_headers: frozenset[str]
    sublines: dict[str, dict[str, tuple[str | None, str]]]  # parent -> {normalized label: (item or None, shown)}
    headings: dict[str, list[re.Pattern]] = field(default_factory=dict)

    def sheet_of(self, name: str) -> tuple[str, bool] | None:
        """(canonical statement, is a continuation) a sheet name stands for, else None."""
        s = squeeze(name)
        for pat, canon in self.sheet_names:
            if pat in s:
                return canon, any(c in s for c in self.continued)
        return None

    def is_continuation(self, name: str) -> bool:
        s = squeeze(name)
        return any(c in s for c in self.continued)

    def is_ledger(self, name: str) -> bool:
        s = squeeze(name)
        return any(p in s for p in self.ledger)

    def is_parent_only(self, name: str) -> bool:
        s = squeeze(name)
        return any(p in s for p in self.parent_only)

    def is_cover(self, name: str) -> bool:
        s = squeeze(name).upper()
        return any(p.upper() in s for p in self.cover_sheets)

    def cover_field(self, label: str) -> str | None:
        s = squeeze(label).rstrip(":：")
        return self.cover_fields.get(s) or self.cover_fields.get(normalize_label(s))

    def cover_value(self, fname: str, value: str) -> str:
        return self.cover_values.get(fname, {}).get(squeeze(value), value)

    def column_of(self, sheet: SheetDef, header: object) -> str | None:
        """The canonical column of `sheet` a header names: catalog.yaml first, then the spellings here."""
        col = catalog().column_of(sheet, header)
        if col is not None:
            return col
        h = normalize_label(header)
        for cand in self.headers.get(h, ()):
            if cand in sheet.columns:
                return cand
        return None


@lru_cache(maxsize=1)
def knowledge() -> Knowledge:
    """The shipped schemas/layouts.yaml (read once per process)."""
    raw = yaml.safe_load((data_path("schemas") / "layouts.yaml").read_text(encoding="utf-8"))
    names: list[tuple[str, str]] = []
    for canon, d in raw["sheets"].items():
        for p in [*d.get("names", ()), *d.get("codes", ())]:
            names.append((squeeze(p), canon))
    names.sort(key=lambda x: -len(x[0]))
    cover_fields: dict[str, str] = {}
    for fname, labels in raw["cover_fields"].items():
        for lab in labels:
            cover_fields.setdefault(squeeze(lab), fname)
            cover_fields.setdefault(normalize_label(lab), fname)
    headers: dict[str, tuple[str, ...]] = {}
    for col, spellings in raw["headers"].items():
        for sp in spellings:
            h = normalize_label(sp)
            headers[h] = (*headers.get(h, ()), col)
    sublines: dict[str, dict[str, tuple[str | None, str]]] = {}
    for s in raw.get("sublines", ()):
        for lab, item in s["labels"].items():
            sublines.setdefault(s["parent"], {})[normalize_label(lab)] = (item, f"{s['parent']} 其中：{lab}")
    cover_values = {f: {squeeze(k): v for k, v in m.items()} for f, m in raw.get("cover_values", {}).items()}
    return Knowledge(
        sheet_names=names,
        continued=tuple(squeeze(c) for c in raw.get("continued", ())),
        consolidated_codes=tuple(raw.get("consolidated_codes", ())),
        single_codes=tuple(raw.get("single_codes", ())),
        ledger=tuple(squeeze(p) for p in raw.get("ledger_sheets", ())),
        parent_only=tuple(squeeze(p) for p in raw.get("parent_only", ())),
        cover_sheets=tuple(squeeze(p) for p in raw.get("cover_sheets", ())),
        cover_fields=cover_fields,
        cover_values=cover_values,
        headers=headers,
        label_headers=frozenset(squeeze(h) for h in raw.get("label_headers", ())),
        line_headers=frozenset(squeeze(h) for h in raw.get("line_headers", ())),
        sublines=sublines,
        headings={f: [re.compile(p) for p in pats] for f, pats in raw.get("headings", {}).items()},
    )
