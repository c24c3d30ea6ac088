"""Renders the annotated mistakes sample to docs/img/annotated-sample.png (LibreOffice → PDF → PNG)."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parent.parent
VIEWS = (("审核结果", "A2:E12"), ("资产负债表", "A1:D40"), ("主要指标", "A1:E21"))


def render(src: Path, out: Path) -> Path:
    """Annotate `src`, print three views one page each, stack the pages into one small PNG."""
    from PIL import Image

    from sasac_check.excel.annotate import annotate_copy
    from sasac_check.rules.load import load_rules

    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        annotate_copy(src, t / "annotated.xlsx", load_rules([]))
        pages = []
        for i, (sheet, area) in enumerate(VIEWS):
            wb = openpyxl.load_workbook(t / "annotated.xlsx")
            for ws in list(wb.worksheets):
                if ws.title != sheet:
                    ws.sheet_state = "hidden"
            ws = wb[sheet]
            wb.active = wb.sheetnames.index(sheet)
            ws.page_setup.orientation = "landscape"
            ws.sheet_properties.pageSetUpPr.fitToPage = True
            ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 1
            if area:
                ws.print_area = area
            wb.save(t / f"v{i}.xlsx")
        subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", tmp,
                        *[str(t / f"v{i}.xlsx") for i in range(len(VIEWS))]], check=True, capture_output=True)
        for i in range(len(VIEWS)):
            subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(t / f"v{i}.pdf"), str(t / f"p{i}")],
                           check=True)
            pages.append(Image.open(next(t.glob(f"p{i}*.png"))).convert("RGB"))
        boxes = [p.crop(Image.eval(p, lambda x: 255 - x).getbbox() or (0, 0, *p.size)) for p in pages]
        w = max(b.width for b in boxes) + 20
        h = sum(b.height + 20 for b in boxes)
        sheet = Image.new("RGB", (w, h), "white")
        y = 10
        for b in boxes:
            sheet.paste(b, (10, y))
            y += b.height + 20
        out.parent.mkdir(parents=True, exist_ok=True)
        sheet.convert("P", palette=Image.Palette.ADAPTIVE, colors=64).save(out, optimize=True)
    return out


if __name__ == "__main__":
    src = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "workbooks" / "sample-mistakes.xlsx"
    print(render(src, ROOT / "docs" / "img" / "annotated-sample.png"))
