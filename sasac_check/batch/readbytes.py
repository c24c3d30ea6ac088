"""Reads a return held in memory (a .zip member) exactly as reader.read_workbook reads a file on disk."""

from __future__ import annotations

import io
import zipfile

from ..reader import OLE_MAGIC, ZIP_MAGIC, _indicators, _Reader, uncached_cells
from ..submission import Submission, UnreadableWorkbook


class _BytesSource:
    """The reader's cell source over bytes: calamine first, openpyxl when calamine cannot read them."""

    def __init__(self, data: bytes, file: str, ole: bool) -> None:
        self.file = file
        self._grids: dict = {}
        self.uncached: dict[str, set[str]] = {}
        self._cwb = self._owb = None
        try:
            from python_calamine import CalamineWorkbook

            self._cwb = CalamineWorkbook.from_filelike(io.BytesIO(data))
            self.names: list[str] = list(self._cwb.sheet_names)
        except Exception as e:
            if ole:
                raise UnreadableWorkbook(file, "旧版 Excel 97-2003（.xls）文件无法读取：请另存为 .xlsx 后再校验") from None
            self._open_openpyxl(data, e)
        if not ole:
            try:
                with zipfile.ZipFile(io.BytesIO(data)) as zf:
                    self.uncached = uncached_cells(zf)
            except (zipfile.BadZipFile, OSError, KeyError, RuntimeError):
                self.uncached = {}

    def _open_openpyxl(self, data: bytes, first: Exception) -> None:
        import openpyxl

        try:
            self._owb = openpyxl.load_workbook(io.BytesIO(data), data_only=True, read_only=True)
        except Exception:
            raise UnreadableWorkbook(self.file, f"不是有效的 Excel 工作簿（xlsx）文件，或文件已损坏（{type(first).__name__}）") from None
        self.names = list(self._owb.sheetnames)

    def grid(self, name: str):
        g = self._grids.get(name)
        if g is None:
            try:
                if self._cwb is not None:
                    g = self._cwb.get_sheet_by_name(name).to_python(skip_empty_area=False)
                else:
                    g = [tuple(r) for r in self._owb[name].iter_rows(values_only=True)]  # type: ignore[index]
            except Exception:
                raise UnreadableWorkbook(self.file, f"工作表“{name}”已损坏，无法读取") from None
            self._grids[name] = g
        return g


def read_bytes(data: bytes, file: str, indicators: dict | None = None) -> Submission:
    """One return from its bytes; UnreadableWorkbook with the same Chinese reasons as read_workbook."""
    if not data:
        raise UnreadableWorkbook(file, "文件为空（0 字节），不是有效的 Excel 工作簿")
    ole = data.startswith(OLE_MAGIC)
    if ole:
        if "EncryptedPackage".encode("utf-16-le") in data or b"EncryptedPackage" in data:
            raise UnreadableWorkbook(file, "文件已加密（受密码保护），无法读取：请取消密码后另存为 .xlsx 再校验")
    elif not data.startswith(ZIP_MAGIC):
        raise UnreadableWorkbook(file, "不是有效的 Excel 工作簿（xlsx）文件：请在 Excel/WPS 中另存为 .xlsx 后再校验")
    src = _BytesSource(data, file, ole)
    return _Reader(file, src, _indicators() if indicators is None else indicators).run()  # type: ignore[arg-type]
