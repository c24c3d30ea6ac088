"""Hostile inputs generated in code (no binary blobs): each built from the shipped sample return's bytes."""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLEAN = ROOT / "workbooks" / "sample-clean.xlsx"
MISTAKES = ROOT / "workbooks" / "sample-mistakes.xlsx"
BS = "xl/worksheets/sheet2.xml"  # 资产负债表 in the samples
INCOME = "xl/worksheets/sheet3.xml"  # 利润表
COVER = "xl/worksheets/sheet1.xml"
MB = 2**20


def members(path: Path = CLEAN) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def zip_bytes(parts: list[tuple[str, bytes]], *, declared: dict[str, int] | None = None, encrypted: set[str] = frozenset(),
              raw: dict[str, bytes] | None = None) -> bytes:
    """A zip written by hand, so that headers may lie: `declared` sizes, `encrypted` flags, `raw` deflate streams."""
    declared, raw = declared or {}, raw or {}
    out, central = bytearray(), bytearray()
    for name, data in parts:
        comp = raw.get(name)
        if comp is None:
            c = zlib.compressobj(6, zlib.DEFLATED, -15)
            comp = c.compress(data) + c.flush()
        usize = declared.get(name, len(data))
        flags = (1 if name in encrypted else 0) | (0x800 if not name.isascii() else 0)
        crc = zlib.crc32(data)
        n = name.encode()
        common = struct.pack("<HHHHHIII", 20, flags, 8, 0, 0x21, crc, len(comp), usize)
        central += b"PK\x01\x02" + struct.pack("<H", 20) + common + struct.pack("<HHHHHII", len(n), 0, 0, 0, 0, 0, len(out)) + n
        out += b"PK\x03\x04" + common + struct.pack("<HH", len(n), 0) + n + comp
    count = len(parts)
    out += central + b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, count, count, len(central), len(out), 0)
    return bytes(out)


def with_parts(changes: dict[str, Callable[[bytes], bytes] | bytes], base: Path = CLEAN, **kw) -> bytes:
    parts = members(base)
    for name, ch in changes.items():
        parts[name] = ch(parts[name]) if callable(ch) else ch
    return zip_bytes(list(parts.items()), **kw)


def _before_sheetdata_end(extra: bytes) -> Callable[[bytes], bytes]:
    return lambda x: x.replace(b"</sheetData>", extra + b"</sheetData>", 1)


def deflate_spaces(head: bytes, n: int, tail: bytes) -> bytes:
    """A raw deflate stream of head + n spaces + tail, compressed piece by piece (never held inflated)."""
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    out = [c.compress(head)]
    block = b" " * MB
    for _ in range(n // MB):
        out.append(c.compress(block))
    out.append(c.compress(b" " * (n % MB) + tail))
    out.append(c.flush())
    return b"".join(out)


SHEET_HEAD = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
SHEET_TAIL = b"</sheetData></worksheet>"


def bomb(declared_honestly: bool) -> bytes:
    """A sample return whose 利润表 part inflates to 110 MB of spaces (about 110 KB compressed)."""
    n = 110 * MB
    comp = deflate_spaces(SHEET_HEAD, n, SHEET_TAIL)
    size = len(SHEET_HEAD) + n + len(SHEET_TAIL)
    parts = members()
    parts[INCOME] = b"x" * 10  # placeholder: the raw stream below is written instead
    return zip_bytes(list(parts.items()), raw={INCOME: comp}, declared={INCOME: size if declared_honestly else 1000})


def money_cells() -> bytes:
    """NaN, +inf, -inf, an error value, a date and a boolean typed into six money cells of 资产负债表."""
    subs = {
        "C4": b'<c r="C4" t="n"><v>NaN</v></c>',
        "C5": b'<c r="C5" t="n"><v>INF</v></c>',
        "C6": b'<c r="C6" t="n"><v>-INF</v></c>',
        "C7": b'<c r="C7" t="e"><v>#DIV/0!</v></c>',
        "C8": b'<c r="C8" t="d"><v>2024-12-31T00:00:00</v></c>',
        "C9": b'<c r="C9" t="b"><v>1</v></c>',
    }

    def change(x: bytes) -> bytes:
        for ref, cell in subs.items():
            x, n = re.subn(rb'<c r="' + ref.encode() + rb'"[^>]*>.*?</c>', cell, x, count=1)
            assert n == 1, ref
        return x

    return with_parts({BS: change})


def many_sheets(n: int = 300) -> bytes:
    parts = members()
    extra = n - 6
    empty = SHEET_HEAD + SHEET_TAIL
    wb, rels, ct = parts["xl/workbook.xml"], parts["xl/_rels/workbook.xml.rels"], parts["[Content_Types].xml"]
    sheets = b"".join(f'<sheet name="附表{i}" sheetId="{i + 100}" state="visible" r:id="rX{i}" />'.encode() for i in range(extra))
    rels_x = b"".join(f'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
                      f'Target="/xl/worksheets/x{i}.xml" Id="rX{i}" />'.encode() for i in range(extra))
    ct_x = b"".join(f'<Override PartName="/xl/worksheets/x{i}.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                    f'spreadsheetml.worksheet+xml"/>'.encode() for i in range(extra))
    parts["xl/workbook.xml"] = wb.replace(b"</sheets>", sheets + b"</sheets>")
    parts["xl/_rels/workbook.xml.rels"] = rels.replace(b"</Relationships>", rels_x + b"</Relationships>")
    parts["[Content_Types].xml"] = ct.replace(b"</Types>", ct_x + b"</Types>")
    for i in range(extra):
        parts[f"xl/worksheets/x{i}.xml"] = empty
    return zip_bytes(list(parts.items()))


def with_dtd(part: str, dtd: bytes, entity_ref: bytes) -> bytes:
    def change(x: bytes) -> bytes:
        x = re.sub(rb"^<\?xml[^>]*\?>", b"", x)
        x = x.replace(b"<v>", b"<v>" + entity_ref, 1) if entity_ref else x
        return b'<?xml version="1.0" encoding="UTF-8"?>\n' + dtd + x

    return with_parts({part: change})


XXE = b'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
LAUGHS = (b'<!DOCTYPE lolz [<!ENTITY lol "lol">'
          + b"".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode() for i in range(1, 10))
          + b"]>")

ENCRYPTED_OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 2048)

# The expected outcome of each file of the corpus: (status, words its reason or findings must contain).
# Under the CLI's memory budget the reader's allocation for an absurd sheet fails (a row saying so); read in a process
# without a budget, the pre-scan refuses it first: PRESCAN gives that reason.
EXPECTED_FILES: dict[str, tuple[str, str]] = {
    "xfd.xlsx": ("unreadable", "读取时超出内存上限"),
    "dimension.xlsx": ("ok", ""),  # a dimension that lies big about two cells: harmless to calamine, read as is
    "lying-dimension.xlsx": ("unreadable", "读取时超出内存上限"),
    "bomb-declared.xlsx": ("unreadable", "解压后超过 100 MB"),
    "bomb-lying.xlsx": ("unreadable", "解压后超过 100 MB"),
    "xxe.xlsx": ("ok", ""),  # calamine never resolves entities: the DTD is ignored (refused on the openpyxl path)
    "laughs.xlsx": ("ok", ""),  # nor expands them: no billion laughs in calamine, refused on the openpyxl path
    "encrypted.xlsx": ("unreadable", "已加密"),
    "fifo.xlsx": ("unreadable", "不是普通文件（管道（FIFO）"),
    "fifo.zip": ("unreadable", "不是普通文件（管道（FIFO）"),
    "zero.xlsx": ("unreadable", "不是普通文件（设备"),
    "sheets300.xlsx": ("ok", ""),
    "regex.xlsx": ("failed", ""),
    "money.xlsx": ("failed", ""),
}


PRESCAN = {"xfd.xlsx": "使用范围延伸到 XFD1048576", "dimension.xlsx": "使用范围延伸到 XFD1048576",
           "lying-dimension.xlsx": "使用范围延伸到 AAA70000", "xxe.xlsx": "DTD", "laughs.xlsx": "DTD"}


def write_corpus(folder: Path) -> dict[str, Path]:
    """Every file case in `folder` (FIFOs and a link to /dev/zero made here); name → path."""
    import os

    folder.mkdir(parents=True, exist_ok=True)
    far = b'<row r="1048576"><c r="XFD1048576" t="n"><v>1</v></c></row>'
    lying = b'<row r="70000"><c r="AAA70000" t="n"><v>1</v></c></row>'
    comment = b"<!-- " + b"<f <c " * 4000 + b" -->"
    files: dict[str, bytes] = {
        "xfd.xlsx": with_parts({BS: _before_sheetdata_end(far)}),
        "dimension.xlsx": with_parts({BS: lambda x: x.replace(b'<dimension ref="A1:D73" />', b'<dimension ref="A1:XFD1048576" />')}),
        "lying-dimension.xlsx": with_parts({BS: _before_sheetdata_end(lying)}),
        "bomb-declared.xlsx": bomb(True),
        "bomb-lying.xlsx": bomb(False),
        "xxe.xlsx": with_dtd(COVER, XXE, b"&xxe;"),
        "laughs.xlsx": with_dtd(BS, LAUGHS, b"&lol9;"),
        "encrypted.xlsx": ENCRYPTED_OLE,
        "sheets300.xlsx": many_sheets(),
        "regex.xlsx": with_parts({INCOME: lambda x: x.replace(b"</worksheet>", comment + b"</worksheet>")}, MISTAKES),
        "money.xlsx": money_cells(),
    }
    out = {}
    for name, data in files.items():
        (folder / name).write_bytes(data)
        out[name] = folder / name
    for name in ("fifo.xlsx", "fifo.zip"):
        os.mkfifo(folder / name)
        out[name] = folder / name
    os.symlink("/dev/zero", folder / "zero.xlsx")
    out["zero.xlsx"] = folder / "zero.xlsx"
    return out


def write_zips(folder: Path) -> dict[str, Path]:
    """Archives of returns: path traversal and absolute members, a nested zip, a lying and an encrypted member."""
    folder.mkdir(parents=True, exist_ok=True)
    good = CLEAN.read_bytes()
    inner = zip_bytes([("inner.xlsx", good)])
    big = b" " * (20 * MB)
    cases = {
        "traversal.zip": zip_bytes([("../../evil.xlsx", good), ("/abs/evil2.xlsx", good)]),
        "nested.zip": zip_bytes([("inner.zip", inner)]),
        "lying-member.zip": zip_bytes([("r.xlsx", big)], declared={"r.xlsx": 1000}),
        "encrypted-member.zip": zip_bytes([("r.xlsx", good)], encrypted={"r.xlsx"}),
    }
    out = {}
    for name, data in cases.items():
        (folder / name).write_bytes(data)
        out[name] = folder / name
    return out


# member path in the report → (status, words of its reason)
EXPECTED_ZIP_ROWS: dict[str, tuple[str, str]] = {
    "traversal.zip/../../evil.xlsx": ("ok", ""),
    "traversal.zip//abs/evil2.xlsx": ("ok", ""),
    "nested.zip": ("unreadable", "压缩包中没有 Excel 工作簿"),
    "lying-member.zip/r.xlsx": ("unreadable", "压缩包中的文件已损坏"),
    "encrypted-member.zip/r.xlsx": ("unreadable", "已加密"),
}


def _letters(n: int) -> str:
    s = ""
    while n:
        n, rem = divmod(n - 1, 26)
        s = chr(65 + rem) + s
    return s


def wide_return(rows: int, cols: int) -> bytes:
    """The clean sample with a 利润表 of rows × cols numbers (within the cell limit): slow and large to read."""
    row = "".join(f'<c r="{_letters(c)}%(r)d"><v>%(r)d</v></c>' for c in range(1, cols + 1))
    body = "".join(f'<row r="{r}">' + row % {"r": r} + "</row>" for r in range(1, rows + 1))
    return with_parts({INCOME: (SHEET_HEAD.decode() + body + SHEET_TAIL.decode()).encode()})
