"""The spliced review workbook (fastrows) holds exactly what xlsxwriter writes cell by cell, awkward text included."""

from __future__ import annotations

import csv
import math
import shutil
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from bulk import write_returns

from sasac_check.batch import BatchOptions, run_batch
from sasac_check.model.finding import Finding
from sasac_check.model.result import FileResult, RunResult, unreadable_finding
from sasac_check.report.review import write_review

UNITS = {"资产负债率": "%", "利润总额": "万元", "净利润": "万元", "营业收入利润率": "%", "全员劳动生产率": "万元/人"}
AWKWARD = ['a & b <c> "q" \'s\'', "  leading", "trailing  ", "line1\nline2", "bell\x07ring", "_x0041_ stays literal",
           "\u3000全角空格", "tab\t", "cr\r\nlf", "", "x" * 40_000, "😀" * 20_000, "&amp; already", "]]>", "\ufffe"]


def _awkward_result() -> RunResult:
    cover = {"企业名称": AWKWARD[0], "统一社会信用代码": AWKWARD[1], "报告期": AWKWARD[2], "监管机构": AWKWARD[3],
             "行业类型": "工业"}
    files = [
        FileResult("ok & fine.xlsx", "ok", cover={"企业名称": "正常企业", "行业类型": "非工业"},
                   indicators={"资产负债率": 0.5316340000000001, "利润总额": 1e20, "净利润": -123.456,
                               "营业收入利润率": 1e-7, "全员劳动生产率": 12345678901234567}),
        FileResult("<bad>.xlsx", "failed", {"error": 2, "warning": 1, "info": 1}, cover=cover,
                   indicators={"资产负债率": float("nan"), "利润总额": float("inf"), "净利润": -0.0,
                               "营业收入利润率": None}),
        FileResult("empty.xlsx", "unreadable", reason="文件为空 & <无法打开>\x07"),
        FileResult("nocover.xlsx", "failed", {"error": 1, "warning": 0, "info": 0}, cover={"行业类型": "科研设计"},
                   indicators={"资产负债率": 2.5e-300}, reason=AWKWARD[10]),
        FileResult("long.xlsx", "failed", {"error": 0, "warning": 1, "info": 0},
                   cover={"企业名称": AWKWARD[11], "统一社会信用代码": AWKWARD[4], "行业类型": "未知"}, reason=" "),
    ]
    values = [None, True, 0, -1, 1e-7, -2.5e-9, 1.5e300, 12345678901234567890, "文本 & <x>", Decimal("1.10"),
              float("nan"), float("-inf"), 0.1 + 0.2, ""]
    findings = []
    for i, (sev, text) in enumerate(zip(["error", "warning", "info"] * 5, AWKWARD, strict=False)):
        findings.append(Finding(
            rule=("READ-X", "SCH-Y", "BS-001", f"R&<{i}>")[i % 4], severity=sev, message=text,
            file=("<bad>.xlsx", "nocover.xlsx", "long.xlsx", "not-a-file.xlsx")[i % 4], sheet=AWKWARD[(i + 3) % 15],
            cell=f"C{i}", actual=values[i % len(values)], expected=values[(i + 5) % len(values)],
            source=None if i % 3 == 0 else AWKWARD[(i + 1) % 15], title=AWKWARD[(i + 2) % 15],
            extra={"family": "表内"} if i % 5 == 0 else {}))
    findings.insert(0, unreadable_finding("empty.xlsx", files[0].reason))  # as model.result.tally adds it
    return RunResult(files, findings)


def _write_both(folder: Path, result: RunResult, units: dict, regions=None) -> tuple[Path, Path]:
    slow = write_review(folder / "slow.xlsx", result, units, regions, fast=False)
    fast = write_review(folder / "fast.xlsx", result, units, regions)
    return slow, fast


def _assert_same_parts(slow: Path, fast: Path) -> None:
    with zipfile.ZipFile(slow) as a, zipfile.ZipFile(fast) as b:
        assert a.namelist() == b.namelist()
        for name in a.namelist():
            if name != "docProps/core.xml":  # holds the creation time
                assert a.read(name) == b.read(name), name
        assert a.testzip() is None and b.testzip() is None


def _cells(path: Path) -> dict[str, list[list[tuple]]]:
    wb = openpyxl.load_workbook(path)
    return {ws.title: [[(c.value, c.number_format, c.fill.fgColor.rgb, c.font.color and c.font.color.type == "rgb"
                         and c.font.color.rgb) for c in row] for row in ws.iter_rows()] for ws in wb.worksheets}


@pytest.fixture(scope="module")
def awkward(tmp_path_factory) -> tuple[Path, Path]:
    """(cell by cell, spliced); the spliced one has every bulk sheet rendered and compressed in a helper process,
    so its members are pieced together from separately compressed parts (the path a big batch takes)."""
    from sasac_check.report import review

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(review, "PARALLEL_ROWS", 1)
        return _write_both(tmp_path_factory.mktemp("awkward"), _awkward_result(), UNITS)


def test_spliced_workbook_is_the_cell_by_cell_one_byte_for_byte(awkward) -> None:
    _assert_same_parts(*awkward)


def test_every_cell_reads_back_the_same_in_openpyxl(awkward) -> None:
    slow, fast = _cells(awkward[0]), _cells(awkward[1])
    assert list(fast) == ["总览", "问题清单", "按规则统计", "按企业统计", "图表"]
    assert fast == slow
    head = [v for v, *_ in fast["总览"][0]]
    rows = [dict(zip(head, r, strict=True)) for r in fast["总览"][1:]]
    assert [r["文件"][0] for r in rows] == ["empty.xlsx", "<bad>.xlsx", "nocover.xlsx", "long.xlsx", "ok & fine.xlsx"]
    bad = rows[1]
    assert [bad[k][0] for k in ("企业名称", "统一社会信用代码", "报告期", "监管机构")] == AWKWARD[:4]
    assert bad["状态"][2:] == ("FFFFC7CE", "FF9C0006") and rows[-1]["状态"][2:] == ("FFC6EFCE", "FF006100")
    assert bad["资产负债率(%)"][0] is None and bad["利润总额(万元)"][0] is None  # NaN and inf stay blank
    ok = rows[-1]
    assert ok["营业收入利润率(%)"][:2] == (1e-7, "0.00%") and ok["利润总额(万元)"][:2] == (1e20, "#,##0.00")
    assert ok["资产负债率预警线"][:2] == (0.70, "0.00%") and rows[0]["资产负债率预警线"][0] is None
    assert len(rows[2]["说明"][0]) == 32_767 and rows[3]["企业名称"][0] == "😀" * 16_383  # Excel's limit, UTF-16 units
    found = fast["问题清单"]
    assert found[1][4][:3] == ("强制性", "General", "FFFFC7CE") and found[1][5][0] == "READ-UNREADABLE"
    assert len(found) == 1 + len(_awkward_result().findings)


def test_libreoffice_reads_both_alike(awkward, tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.skip("LibreOffice not installed")
    every_sheet = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
    p = subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", every_sheet,
                        "--outdir", str(tmp_path), *map(str, awkward)], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr

    def sheet(kind: str, name: str) -> list[list[str]]:
        with (tmp_path / f"{kind}-{name}.csv").open(encoding="utf-8", newline="") as fh:
            return list(csv.reader(fh))

    for name in ("总览", "问题清单", "按规则统计", "按企业统计"):
        assert sheet("fast", name) == sheet("slow", name), name
    overview = sheet("fast", "总览")
    assert len(overview) == 6 and overview[2][1:5] == AWKWARD[:4]
    assert overview[1][-1] == "文件为空 & <无法打开>\x07"  # the _x0007_ escape read back as the character
    assert "_x0041_ stays literal" in {row[7] for row in sheet("fast", "问题清单")}


def test_a_real_batch_with_region_summary_and_charts(tmp_path: Path) -> None:
    write_returns(tmp_path / "in", 7, faulty_every=3)
    (tmp_path / "in" / "empty.xlsx").write_bytes(b"")
    br = run_batch([tmp_path / "in"], BatchOptions(workers=1, progress=False))
    slow, fast = _write_both(tmp_path, br.result, br.indicator_units, br.regions)
    _assert_same_parts(slow, fast)
    cells = _cells(fast)
    assert cells == _cells(slow) and "汇总-东胜区国资委" in cells
    assert len(cells["总览"]) == 9 and len(cells["问题清单"]) == 1 + len(br.result.findings)
    numbers = [v for row in cells["总览"][1:] for v, *_ in row if isinstance(v, float)]
    assert numbers and all(math.isfinite(v) for v in numbers)


def test_big_sheets_rendered_in_a_helper_process_give_the_same_file(tmp_path: Path, monkeypatch) -> None:
    from sasac_check.report import review

    result = _awkward_result()
    inline = write_review(tmp_path / "inline.xlsx", result, {"资产负债率": "%"})
    monkeypatch.setattr(review, "PARALLEL_ROWS", 1)  # every bulk sheet through a forked helper
    helped = write_review(tmp_path / "helped.xlsx", result, {"资产负债率": "%"})
    _assert_same_parts(inline, helped)


@pytest.mark.parametrize("size", [0, 1, 3, 1000, 70_000])
def test_crc32_combine_is_zlibs(size: int) -> None:
    import random
    import zlib

    from sasac_check.speed.fastrows import crc32_combine

    rnd = random.Random(size)
    a, b = rnd.randbytes(rnd.randrange(0, 5000)), rnd.randbytes(size)
    assert crc32_combine(zlib.crc32(a), zlib.crc32(b), len(b)) == zlib.crc32(a + b)


def test_pieces_compressed_apart_make_one_valid_member(tmp_path: Path) -> None:
    import zlib

    from sasac_check.speed.fastrows import _Member, _ZipOut, deflated

    text = ["<a>" + "x" * i + "</a>" for i in range(2000)]
    member = _Member(level=1)
    member.write(b"head " * 1000)
    member.splice(deflated(text[:1000]))
    member.write(b"middle")
    member.splice(deflated(text[1000:], level=6))
    member.write(b" tail" * 1000)
    empty = _Member(level=1)
    with (tmp_path / "t.zip").open("wb") as fh:
        out = _ZipOut(fh)
        out.add("b/名字.xml", (2024, 5, 6, 7, 8, 10), member)
        out.add("a.xml", (1980, 1, 1, 0, 0, 0), empty)
        out.close(["a.xml", "b/名字.xml"])
    with zipfile.ZipFile(tmp_path / "t.zip") as zf:
        assert zf.testzip() is None and zf.namelist() == ["a.xml", "b/名字.xml"]
        body = zf.read("b/名字.xml")
        assert zf.getinfo("b/名字.xml").date_time == (2024, 5, 6, 7, 8, 10) and zf.read("a.xml") == b""
    expected = b"head " * 1000 + "".join(text[:1000]).encode() + b"middle" + "".join(text[1000:]).encode() + b" tail" * 1000
    assert body == expected and zlib.crc32(body) == zlib.crc32(expected)
