"""Builds the ribbon add-ins from xlwings' quickstart_addin_ribbon.xlam: ribbon XML and settings rewritten, VBA untouched."""

from __future__ import annotations

import os
import shutil
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET
from xml.sax.saxutils import escape

from sasac_check.model.resources import data_path


def sources() -> Path:
    """The add-in's text sources (addin/): shipped in the wheel, or at the root of a source checkout."""
    return data_path("addin")


RIBBON_PART, SHEET_PART, VBA_PART = "customUI/customUI.xml", "xl/worksheets/sheet1.xml", "xl/vbaProject.bin"


@dataclass(frozen=True)
class Entry:
    """One button = one .xlam; its file name is the Python module the VBA imports."""

    module: str
    label: str
    image: str
    tip: str


ENTRIES = (
    Entry("sasac_check_run", "校验", "AcceptInvitation", "校验当前工作簿：标记问题、写入指标、生成审核结果"),
    Entry("sasac_check_indicators", "写入指标", "FunctionWizard", "按计算口径把主要指标写成公式"),
    Entry("sasac_check_clear", "清除标记", "ClearAll", "清除本插件做的全部标记，恢复原填充、批注和指标原值"),
)


class BuildError(Exception):
    """A source that would make Excel drop the ribbon or the settings (message in Chinese)."""


def template_xlam() -> Path:
    import xlwings

    return Path(xlwings.__file__).parent / "quickstart_addin_ribbon.xlam"


def ribbon_xml(e: Entry) -> bytes:
    """The entry's customUI.xml from addin/customUI.xml, parsed before it is packed (Excel drops an invalid one)."""
    text = (sources() / "customUI.xml").read_text(encoding="utf-8")
    for k, v in {"group": f"{e.module}Group", "button": f"{e.module}Button", "label": e.label, "image": e.image,
                 "tip": e.tip}.items():
        text = text.replace("{" + k + "}", escape(v, {'"': "&quot;"}))
    try:
        root = ET.fromstring(text.encode("utf-8"))
    except ET.ParseError as err:
        raise BuildError(f"addin/customUI.xml 不是有效的 XML：{err}") from None
    ns = "{http://schemas.microsoft.com/office/2006/01/customui}"
    buttons = root.findall(f".//{ns}button")
    if root.tag != f"{ns}customUI" or not buttons or any(b.get("onAction") != "RibbonMyAddin.RunMain" for b in buttons):
        raise BuildError("addin/customUI.xml：每个按钮都必须调用模板已有的回调 RibbonMyAddin.RunMain")
    return text.encode("utf-8")


def settings(interpreter_win: str = "", interpreter_mac: str = "", pythonpath: str = "") -> list[tuple[str, str]]:
    """(key, value) rows of addin/myaddin.conf with the placeholders filled."""
    rows = []
    for line in (sources() / "myaddin.conf").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        k, _, v = line.partition(",")
        v = v.strip().strip('"').format(interpreter_win=interpreter_win, interpreter_mac=interpreter_mac,
                                         pythonpath=pythonpath)
        rows.append((k.strip().strip('"'), v))
    return rows


def conf_text(rows: list[tuple[str, str]]) -> str:
    return "".join(f'"{k}","{v}"\n' for k, v in rows)


def settings_sheet(rows: list[tuple[str, str]]) -> bytes:
    """The hidden `_myaddin.conf` sheet rewritten with inline strings (inactive: the user-level file decides)."""
    cells = []
    for r, (k, v) in enumerate(rows, start=1):
        c = f'<c r="A{r}" t="inlineStr"><is><t>{escape(k)}</t></is></c>'
        if v:
            c += f'<c r="B{r}" t="inlineStr"><is><t>{escape(v)}</t></is></c>'
        cells.append(f'<row r="{r}">{c}</row>')
    xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
           '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           f'<sheetData>{"".join(cells)}</sheetData></worksheet>')
    ET.fromstring(xml.encode("utf-8"))
    return xml.encode("utf-8")


def build(out_dir: str | Path, template: Path | None = None) -> list[Path]:
    """Write one .xlam per entry into `out_dir`; every part but the ribbon and the settings sheet copied byte for byte."""
    template = template or template_xlam()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    sheet = settings_sheet(settings())
    made = []
    with zipfile.ZipFile(template) as src:
        names = src.namelist()
        if RIBBON_PART not in names or VBA_PART not in names:
            raise BuildError(f"{template} 不是 xlwings 的 ribbon 插件模板")
        for e in ENTRIES:
            path = out / f"{e.module}.xlam"
            with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
                for info in src.infolist():
                    data = src.read(info.filename)
                    if info.filename == RIBBON_PART:
                        data = ribbon_xml(e)
                    elif info.filename == SHEET_PART:
                        data = sheet
                    part = zipfile.ZipInfo(info.filename, info.date_time)  # writestr mutates the ZipInfo it gets
                    part.compress_type, part.external_attr = zipfile.ZIP_DEFLATED, info.external_attr
                    dst.writestr(part, data)
            made.append(path)
    return made


def install_dirs() -> tuple[Path, Path, Path]:
    """(XLSTART for the .xlam files, folder for the ribbon shims, folder of the user-level myaddin.conf)."""
    home = Path.home()
    if sys.platform.startswith("win"):
        start = Path(os.environ.get("APPDATA", home / "AppData" / "Roaming")) / "Microsoft" / "Excel" / "XLSTART"
    elif sys.platform == "darwin":
        start = home / "Library/Group Containers/UBF8T346G9.Office/User Content.localized/Startup.localized/Excel"
    else:
        raise BuildError("本机没有桌面版 Excel：请在 Windows 或 macOS 上安装，或用 --dest 指定目录")
    return start, home / ".sasac_check" / "python", home / ".myaddin"


def install(dest: Path | None = None) -> list[Path]:
    """Build, then copy the .xlam files, the ribbon shims and the user-level settings into place."""
    if dest is None:
        start, shims, conf_dir = install_dirs()
    else:
        start, shims, conf_dir = dest / "XLSTART", dest / ".sasac_check" / "python", dest / ".myaddin"
    made = build(start)
    shims.mkdir(parents=True, exist_ok=True)
    for f in (sources() / "python").glob("*.py"):
        shutil.copyfile(f, shims / f.name)
        made.append(shims / f.name)
    conf_dir.mkdir(parents=True, exist_ok=True)
    exe = sys.executable
    rows = settings(interpreter_win=exe if sys.platform.startswith("win") else "",
                    interpreter_mac=exe if sys.platform == "darwin" else "", pythonpath=str(shims))
    (conf_dir / "myaddin.conf").write_text(conf_text(rows), encoding="utf-8")
    made.append(conf_dir / "myaddin.conf")
    return made
