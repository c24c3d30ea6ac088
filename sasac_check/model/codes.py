"""The catalogue of built-in finding codes (schemas/codes.yaml): id, family, level, title, description, message."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sasac_check.model.resources import data_path


@dataclass(frozen=True)
class Code:
    id: str
    family: str
    level: str  # 强制性 / 提示性 / 信息, or varies
    title: str
    description: str
    message: str

    @property
    def is_family(self) -> bool:
        return self.id.endswith("*")

    def matches(self, rule: str) -> bool:
        return rule.startswith(self.id[:-1]) if self.is_family else rule == self.id


@lru_cache(maxsize=1)
def builtin_codes() -> tuple[Code, ...]:
    import yaml

    raw = yaml.safe_load((data_path("schemas") / "codes.yaml").read_text(encoding="utf-8"))
    return tuple(Code(**{k: str(v) for k, v in c.items()}) for c in raw["codes"])


def code_of(rule: str) -> Code | None:
    """The built-in code a finding's rule id is, exact ids before families; None for a rule-file rule."""
    codes = builtin_codes()
    exact = next((c for c in codes if not c.is_family and c.id == rule), None)
    return exact or next((c for c in codes if c.is_family and c.matches(rule)), None)


def family_of(rule: str) -> str | None:
    c = code_of(rule)
    return c.family if c else None
