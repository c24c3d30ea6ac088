"""Checks a rule's message template at load time: known fields only, no attribute or index access, small widths."""

from __future__ import annotations

import re
import string

FIELDS = ("actual", "expected", "diff", "column", "item", "indicator", "formula", "unit", "title")
MAX_TEMPLATE = 2000  # characters
_SPEC = re.compile(r"^(?:.?[<>^])?\d{0,3}(?:\.\d{1,3})?s?$")  # what a text field accepts: fill, align, width, .precision


def template_problem(text: str) -> str | None:
    """Why `text` cannot be a message template (Chinese), or None when it can.

    Allowed: `{field}`, `{field!r|s}` and a format spec of at most three digits of width (`{actual:>12}`); a literal
    brace is doubled. Refused: unknown fields, `{item.__class__}` or `{x[0]}`, nested specs, widths of 1,000 or more.
    """
    if len(text) > MAX_TEMPLATE:
        return f"message 过长（{len(text)} 个字符，上限 {MAX_TEMPLATE}）"
    try:
        parts = list(string.Formatter().parse(text))
    except ValueError as e:
        return f"message 中的花括号不成对（{e}）：字面的 {{ 或 }} 请写两次"
    for _lit, name, spec, conv in parts:
        if name is None:
            continue
        if name not in FIELDS:
            return f"message 中的“{{{name}}}”不是可用字段，可用：{'、'.join('{' + f + '}' for f in FIELDS)}"
        if conv not in (None, "r", "s"):
            return f"message 中的“{{{name}!{conv}}}”转换无效"
        if spec and ("{" in spec or not _SPEC.match(spec)):
            return f"message 中的格式“{{{name}:{spec}}}”无效或宽度过大（宽度最多 3 位数字）"
    return None
