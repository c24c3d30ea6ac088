"""Terminal-safe text: control characters, escape sequences and bidi overrides in data shown as visible escapes."""

from __future__ import annotations

import re

# C0 controls (tab and newline too, inside one field), DEL, C1 controls, bidi embeddings/overrides/isolates
_FIELD = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# in a whole rendered text, its own line breaks and tabs stay
_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _show(m: re.Match) -> str:
    ch = m.group(0)
    return f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"


def safe(value: object) -> str:
    """One data field for a terminal line: every control character (line breaks too) shown as \\xNN."""
    s = "" if value is None else str(value)
    return _FIELD.sub(_show, s) if _FIELD.search(s) else s


def clean_text(text: str) -> str:
    """A whole report for a terminal: control characters other than its line breaks and tabs shown as \\xNN."""
    return _TEXT.sub(_show, text) if _TEXT.search(text) else text
