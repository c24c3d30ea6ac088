"""Writes many generated returns fast: a few filled with openpyxl, the rest as copies with new cover values in the XML."""

from __future__ import annotations

import re
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from samples import USCC_CHARS, consistent_values, make_uscc, plant_mistakes, write_return

from sasac_check.read import read_workbook, sheet_parts


@dataclass
class _Base:
    members: list[tuple[zipfile.ZipInfo, bytes]]
    cover_part: str
    refs: dict[str, str]  # cover field -> cell ref on the cover sheet
    faulty: bool


def _base(rows, path: Path, faulty: bool) -> _Base:
    write_return(rows, path)
    sub = read_workbook(path)
    with zipfile.ZipFile(path) as zf:
        members = [(i, zf.read(i)) for i in zf.infolist()]
        parts = sheet_parts(zf)
    sheet = sub.cells["企业名称"][0]
    refs = {k: sub.cells[k][1] for k in ("企业名称", "统一社会信用代码", "报告期") if k in sub.cells}
    return _Base(members, parts[sheet], refs, faulty)


def _set_text(xml: bytes, ref: str, text: str) -> bytes:
    pat = re.compile(rb'<c r="' + ref.encode() + rb'"([^>]*?)(?:/>|>.*?</c>)', re.S)
    attrs_of = lambda m: re.sub(rb'\s*t="[^"]*"', b"", m.group(1))  # noqa: E731
    new = lambda m: b'<c r="' + ref.encode() + b'"' + attrs_of(m) + b' t="inlineStr"><is><t>' + escape(text).encode() + b"</t></is></c>"  # noqa: E731
    out, n = pat.subn(new, xml, count=1)
    if not n:
        raise ValueError(f"cover cell {ref} not found")
    return out


def faulty_code(code: str) -> str:
    """The same code with a wrong check character."""
    return code[:-1] + USCC_CHARS[(USCC_CHARS.index(code[-1]) + 1) % 31]


def write_returns(folder: str | Path, n: int, *, faulty_every: int = 3, bases: int = 6, period: str = "2024年度",
                  start: int = 0, prefix: str = "return") -> list[Path]:
    """`n` returns in `folder`, each a distinct enterprise (name, 统一社会信用代码); every `faulty_every`-th has
    the six planted mistakes of samples.plant_mistakes; figures cycle over `bases` consistent sets."""
    out_dir = Path(folder)
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        clean, bad = [], []
        for b in range(bases):
            rows = consistent_values(b, 报告期=period)
            clean.append(_base(rows, Path(tmp) / f"c{b}.xlsx", False))
            if faulty_every:
                bad.append(_base(plant_mistakes(rows)[0], Path(tmp) / f"f{b}.xlsx", True))
    paths = []
    for i in range(start, start + n):
        is_bad = bool(faulty_every) and i % faulty_every == faulty_every - 1
        base = (bad if is_bad else clean)[i % bases]
        code = make_uscc(10_000 + i)
        values = {"企业名称": f"东胜区第{i:05d}号国有企业有限公司", "统一社会信用代码": faulty_code(code) if is_bad else code,
                  "报告期": period}
        path = out_dir / f"{prefix}-{i:05d}.xlsx"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
            for info, data in base.members:
                if info.filename == base.cover_part:
                    for field, ref in base.refs.items():
                        data = _set_text(data, ref, values[field])
                zf.writestr(info.filename, data)
        paths.append(path)
    return paths


def enterprise_code(i: int, faulty_every: int = 3) -> str:
    """The 统一社会信用代码 write_returns gives return `i` (to build a matching prior year)."""
    code = make_uscc(10_000 + i)
    return faulty_code(code) if faulty_every and i % faulty_every == faulty_every - 1 else code
