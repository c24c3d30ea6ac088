"""Batch outputs: review workbook opens in LibreOffice and matches the JSON; HTML renders in Chromium; JUnit."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from xml.etree import ElementTree as ET

import openpyxl
import pytest
from bulk import write_returns

from sasac_check.cli import main


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    d = tmp_path_factory.mktemp("outputs")
    write_returns(d / "in", 9, faulty_every=3)
    (d / "in" / "empty.xlsx").write_bytes(b"")
    out = d / "out"
    code = main(["batch", str(d / "in"), "-o", str(out / "review.xlsx"), "--json", str(out / "r.json"),
                 "--junit", str(out / "r.xml"), "--html", str(out / "r.html"), "--no-progress", "--workers", "2"])
    return code, out, json.loads((out / "r.json").read_text(encoding="utf-8"))


def test_review_numbers_match_json(run) -> None:
    code, out, data = run
    assert code == 3
    wb = openpyxl.load_workbook(out / "review.xlsx")
    assert wb.sheetnames[:5] == ["总览", "问题清单", "按规则统计", "按企业统计", "图表"]
    assert wb.sheetnames[5:] == ["汇总-东胜区国资委"]  # the samples are returns under 东胜区国资委, which has a plan
    ws = wb["总览"]
    head = [c.value for c in ws[1]]
    rows = [dict(zip(head, (c.value for c in r), strict=True)) for r in ws.iter_rows(min_row=2)]
    by_path = {f["path"]: f for f in data["files"]}
    assert len(rows) == len(by_path)
    assert rows[0]["状态"] == "无法读取" and "为空" in rows[0]["说明"]
    errors = [r["强制性"] for r in rows[1:]]
    assert errors == sorted(errors, reverse=True), "worst first"
    compared = 0
    for r in rows:
        f = by_path[r["文件"]]
        assert (r["强制性"], r["提示性"], r["信息"]) == (f["errors"], f["warnings"], f["info"])
        for name, v in f.get("indicators", {}).items():
            col = next((h for h in head if h and h.split("(")[0] == name), None)  # e.g. 利润总额(万元)
            if col and v is not None:
                assert r[col] == pytest.approx(v, abs=1e-9)
                compared += 1
    assert compared >= len(rows) - 1  # every readable return's key indicators were compared
    findings = list(wb["问题清单"].iter_rows(min_row=2, values_only=True))
    unread = [x for x in findings if x[5] == "READ-UNREADABLE"]
    assert len(unread) == data["summary"]["unreadable"] == 1
    assert len(findings) == len(data["findings"])  # an unreadable file is a finding in both
    assert sum(data["summary"]["counts"].values()) == len(data["findings"])  # the summary equals the findings list
    assert sorted((x[0], x[2] or "", x[3] or "", x[5]) for x in findings) == sorted(
        (f["file"], f["sheet"], f["cell"], f["rule"]) for f in data["findings"])
    rules = {r[0]: r[3] for r in wb["按规则统计"].iter_rows(min_row=2, values_only=True)}
    assert sum(rules.values()) == len(findings)


def test_review_has_native_charts_and_opens_in_libreoffice(run, tmp_path: Path) -> None:
    import zipfile

    _, out, _ = run
    with zipfile.ZipFile(out / "review.xlsx") as zf:
        charts = [n for n in zf.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) == 2
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.skip("LibreOffice not installed")
    p = subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                        "--outdir", str(tmp_path), str(out / "review.xlsx")], capture_output=True, text=True, timeout=120)
    pdf = tmp_path / "review.pdf"
    assert p.returncode == 0 and pdf.exists() and pdf.stat().st_size > 5000, p.stderr


def test_html_renders_and_filter_runs(run, tmp_path: Path) -> None:
    _, out, data = run
    text = (out / "r.html").read_text(encoding="utf-8")
    assert "http://" not in text.replace('xmlns="http://www.w3.org/2000/svg"', "") and "https://" not in text
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        pytest.skip("chromium not installed")
    p = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        f"--user-data-dir={tmp_path / 'chrome'}", "--dump-dom", (out / "r.html").as_uri()],
                       capture_output=True, text=True, timeout=120)
    dom = p.stdout
    n = len(data["files"])
    assert f"显示 {n} / {n} 份" in dom, "the filter script ran and filled in the count"
    assert 'data-filter-ready="1"' in dom
    assert dom.count('data-status="') == n
    assert "<svg" in dom and 'class="debt"' in dom and 'class="rulebar"' in dom


def test_junit_one_case_per_submission_and_rule(run) -> None:
    _, out, data = run
    root = ET.parse(out / "r.xml").getroot()
    suites = root.findall("testsuite")
    assert len(suites) == len(data["files"])
    readable = [s for s in suites if s.find("testcase").get("name") != "READ"]
    from sasac_check.rules.load import load_rules

    rules = load_rules().rules
    ids = {r.id for r in rules if not r.needs_prior}
    xp = {r.id for r in rules if r.needs_prior}
    by_path = {f["path"]: f for f in data["files"]}
    for s in readable:  # every rule that ran is a case of every submission (plus reader / schema findings)
        names = {c.get("name") for c in s.findall("testcase")}
        assert ids <= names
        assert (xp <= names) == bool(by_path[s.get("name")].get("priors")), "跨期 rules only where a prior was compared"
    assert int(root.get("failures")) == sum(int(s.get("failures")) for s in suites)
    failed = {s.get("name") for s in readable if int(s.get("failures")) > 0}
    assert failed == {f["path"] for f in data["files"] if f["status"] == "failed"}
