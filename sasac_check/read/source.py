"""A workbook's bytes and cell values: loading, format sniffing by first bytes, calamine / openpyxl grids."""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path

from sasac_check.model.submission import UnreadableWorkbook
from sasac_check.read import guard, scan
from sasac_check.read.formulas import uncached_cells
from sasac_check.read.grid import Grid
from sasac_check.read.zipread import Entry, parts_of, zip_index

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"


def load_bytes(path: str | Path, file: str, fd: int | None = None) -> bytes:
    """The file's bytes (read once: calamine and the formula scan share them); `fd`: the file already open (closed here).

    Regular files only, within the size budget (guard.load_file: a FIFO is never waited on, a link to a device refused).
    """
    return guard.load_file(path, file, fd)


ODS_MIME = b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet"


def sniff(data: bytes, file: str) -> bool:
    """Refuse what is no workbook with a reason; True for an OLE container (.xls, BIFF8), by the first bytes only.

    A zip is an xlsx / xlsm or an .ods (its first member `mimetype` says so); an OLE2 container is an .xls (or an
    encrypted xlsx, refused); calamine reads all of them, whatever the file is called.
    """
    if not data:
        raise UnreadableWorkbook(file, "文件为空（0 字节），不是有效的 Excel 工作簿")
    if data.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data or b"EncryptedPackage" in data:
            raise UnreadableWorkbook(file, "文件已加密（受密码保护），无法读取：请取消密码后另存为 .xlsx 再校验")
        return True
    if not data.startswith(ZIP_MAGIC):
        raise UnreadableWorkbook(file, "不是有效的 Excel 工作簿文件（.xlsx / .xls / .ods）：请在 Excel/WPS 中另存为 .xlsx 后再校验")
    return False


def format_of(data: bytes) -> str:
    """The workbook format by the first bytes: xlsx, ods, xls or unknown."""
    if data.startswith(OLE_MAGIC):
        return "xls"
    if data.startswith(ZIP_MAGIC):
        return "ods" if ODS_MIME in data[:100] else "xlsx"
    return "unknown"


class Source:
    """Cell values of one workbook's bytes: calamine first, openpyxl when calamine cannot read them."""

    def __init__(self, data: bytes, file: str, ole: bool) -> None:
        self.data, self.file, self.ole = data, file, ole
        self._grids: dict[str, Grid] = {}
        self._uncached: dict[str, set[str]] = {}
        self._index: dict[str, Entry] | None = None
        self._parts: dict[str, str] | None = None
        self._cwb = self._owb = None
        self._xml: dict[str, bytes] = {}  # sheet -> its part, inflated by the guard (shared with the formula scan)
        if not ole:  # sizes bounded before anything is inflated; the member index comes with it
            self._index = guard.check_archive(data, file)
        try:
            from python_calamine import CalamineWorkbook

            self._cwb = CalamineWorkbook.from_filelike(io.BytesIO(data))
            self.names: list[str] = list(self._cwb.sheet_names)
        except Exception as e:  # calamine refuses: try openpyxl, else explain
            if ole:
                raise UnreadableWorkbook(file, f"旧版 Excel 97-2003（.xls）文件无法读取（{type(e).__name__}）：文件可能已损坏，请另存为 .xlsx 后再校验") from None
            if ODS_MIME in data[:100]:
                raise UnreadableWorkbook(file, f"OpenDocument（.ods）文件无法读取（{type(e).__name__}）：文件可能已损坏") from None
            self._open_openpyxl(e)

    def _open_openpyxl(self, first: Exception) -> None:
        import openpyxl

        guard.refuse_dtd(self.data, self.file)  # expat would otherwise meet a stranger's entity declarations

        try:
            self._owb = openpyxl.load_workbook(io.BytesIO(self.data), data_only=True, read_only=True)
        except Exception:
            raise UnreadableWorkbook(self.file, f"不是有效的 Excel 工作簿（xlsx）文件，或文件已损坏（{type(first).__name__}）") from None
        self.names = list(self._owb.sheetnames)

    def uncached(self, sheet: str) -> set[str]:
        """Cells of `sheet` holding a formula without a cached value: scanned only when a cell we read is blank.

        An uncached formula reads as blank, so a return whose every read cell holds a value needs no scan, and
        a return with a blank cell has only that sheet's XML inflated and scanned.
        """
        if self.ole or self.data[30:38] == b"mimetype":  # .xls, .ods: calamine reads their cached values
            return set()
        got = self._uncached.get(sheet)
        if got is None:
            got = self._uncached[sheet] = self._scan(sheet)
        return got

    def _scan(self, sheet: str) -> set[str]:
        index = self._index if self._index is not None else zip_index(self.data)
        self._index = index
        if index is None or "xl/workbook.xml" not in index or "xl/_rels/workbook.xml.rels" not in index:
            return self._scan_zipfile().get(sheet, set())
        if self._parts is None:
            self._parts = parts_of(self.data, index["xl/workbook.xml"], index["xl/_rels/workbook.xml.rels"])
        part = self._parts.get(sheet)
        xml = self._xml.get(sheet)
        if xml is None:
            xml = guard.part_xml(self.data, index[part], self.file, part) if part in index else None
        if xml is None:
            return self._scan_zipfile().get(sheet, set())
        return scan.uncached_refs(xml)

    def _scan_zipfile(self) -> dict[str, set[str]]:
        try:
            with zipfile.ZipFile(io.BytesIO(self.data)) as zf:
                return uncached_cells(zf)
        except (zipfile.BadZipFile, OSError, KeyError, RuntimeError, zlib.error, NotImplementedError):
            return {}

    def grid(self, name: str) -> Grid:
        g = self._grids.get(name)
        if g is None:
            self._guard_sheet(name)  # an absurd used range is refused before calamine allocates for it
            try:
                if self._cwb is not None:
                    g = self._cwb.get_sheet_by_name(name).to_python(skip_empty_area=False)
                else:
                    g = [tuple(r) for r in self._owb[name].iter_rows(values_only=True)]  # type: ignore[index]
            except Exception:
                raise UnreadableWorkbook(self.file, f"工作表“{name}”已损坏，无法读取") from None
            self._grids[name] = g
        return g

    def _guard_sheet(self, name: str) -> None:
        if guard.BACKSTOP or self.ole or self.data[30:38] == b"mimetype":  # budgeted process; .xls, .ods
            return
        index = self._index if self._index is not None else zip_index(self.data)
        self._index = index
        if index is None or "xl/workbook.xml" not in index or "xl/_rels/workbook.xml.rels" not in index:
            xml = guard.sheet_by_zipfile(self.data, self.file, name)
        else:
            if self._parts is None:
                self._parts = parts_of(self.data, index["xl/workbook.xml"], index["xl/_rels/workbook.xml.rels"])
            part = self._parts.get(name)
            xml = guard.part_xml(self.data, index[part], self.file, part) if part in index else None
        if xml is not None:
            scan.check_sheet(xml, self.file, name)
            if len(xml) < guard.MB:
                self._xml[name] = xml


class GridSource:
    """Sheet values already in memory (an open workbook), served like a file source."""

    def __init__(self, grids: dict[str, Grid]) -> None:
        self._grids = grids
        self.names = list(grids)

    def uncached(self, sheet: str) -> set[str]:
        return set()  # an open workbook's values are calculated

    def grid(self, name: str) -> Grid:
        return self._grids[name]
