"""The small zip reader of an xlsx held in memory: member index, one member's bytes, sheet name → part path."""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from functools import lru_cache

_SHEET = re.compile(rb"<(?:\w+:)?sheet\b[^<>]*/>", re.S)  # never past the next < or >: linear
_ATTR = re.compile(rb'([\w:]+)="([^"]*)"')
_REL = re.compile(rb"<(?:\w+:)?Relationship\b[^<>]*>", re.S)
_CDIR = struct.Struct("<4sHHHHHHIIIHHHHHII")  # a zip central-directory entry (46 bytes)

Entry = tuple[int, int, int]  # (method, start of data, compressed size)


def zip_index(data: bytes) -> dict[str, Entry] | None:
    """Member name → (method, start of data, compressed size) of an xlsx held in memory, from the zip structures.

    About 0.2 ms faster per return than zipfile on a 20 KB return; None for anything unusual (zip64,
    encryption), and the caller falls back to zipfile.
    """
    eocd = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if eocd < 0 or len(data) < eocd + 22:
        return None
    count, _, offset = struct.unpack_from("<HII", data, eocd + 10)
    if offset == 0xFFFFFFFF or count == 0xFFFF:
        return None
    out: dict[str, Entry] = {}
    p = offset
    try:
        for _ in range(count):
            sig, _v1, _v2, flags, method, _t, _d, _crc, csize, _usize, nlen, elen, clen, _dk, _ia, _ea, lho = \
                _CDIR.unpack_from(data, p)
            if sig != b"PK\x01\x02" or flags & 1:
                return None
            name = data[p + 46 : p + 46 + nlen].decode("utf-8")
            p += 46 + nlen + elen + clen
            lnlen, lelen = struct.unpack_from("<HH", data, lho + 26)
            out[name] = (method, lho + 30 + lnlen + lelen, csize)
    except (struct.error, UnicodeDecodeError):
        return None
    return out


def zip_member(data: bytes, entry: Entry) -> bytes | None:
    """One member's bytes (stored or deflated); None when it cannot be inflated here."""
    method, start, csize = entry
    raw = data[start : start + csize]
    try:
        if method == 8:
            return zlib.decompress(raw, -15)
        if method == 0:
            return bytes(raw)
    except zlib.error:
        return None
    return None


@lru_cache(maxsize=64)  # returns of one template share these two parts byte for byte
def parts_by_name(wb: bytes, rels: bytes) -> dict[str, str]:
    """Sheet name → worksheet part path, from workbook.xml and its relationships (do not modify the result)."""
    targets: dict[str, str] = {}
    for m in _REL.finditer(rels):
        a = {k.decode(): v.decode() for k, v in _ATTR.findall(m.group(0))}
        t = a.get("Target", "")
        t = t.lstrip("/") if t.startswith("/") else "xl/" + t
        targets[a.get("Id", "")] = t
    out: dict[str, str] = {}
    for m in _SHEET.finditer(wb):
        a = {k.decode(): v.decode() for k, v in _ATTR.findall(m.group(0))}
        rid = next((v for k, v in a.items() if k.endswith(":id")), "")
        if rid in targets:
            out[unescape(a.get("name", ""))] = targets[rid]
    return out


def parts_of(data: bytes, wb: Entry, rels: Entry) -> dict[str, str]:
    """parts_by_name of an xlsx in memory, looked up by the two parts' compressed bytes (inflated on a miss only)."""
    raw_wb, raw_rels = data[wb[1]:wb[1] + wb[2]], data[rels[1]:rels[1] + rels[2]]
    return _parts_by_raw(wb[0], raw_wb, rels[0], raw_rels)


@lru_cache(maxsize=64)  # returns of one template compress these two parts to the same bytes
def _parts_by_raw(wb_method: int, raw_wb: bytes, rels_method: int, raw_rels: bytes) -> dict[str, str]:
    from sasac_check.read.guard import member_bytes

    wb = member_bytes(raw_wb, wb_method)  # within the inflation cap
    rels = member_bytes(raw_rels, rels_method)
    return parts_by_name(wb or b"", rels or b"")


def sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → worksheet part path (e.g. xl/worksheets/sheet1.xml), from workbook.xml and its relationships."""
    try:
        wb = zf.read("xl/workbook.xml")
        rels = zf.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return {}
    return dict(parts_by_name(wb, rels))


def unescape(s: str) -> str:
    """XML attribute text → plain text (the five predefined entities)."""
    return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'").replace("&amp;", "&")
