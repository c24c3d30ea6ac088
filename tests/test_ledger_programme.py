"""The 立山 programme and the ledger template: 23 tasks with the seed's own units, every milestone quoted."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from sasac_check.ledger import COLUMNS, STATUSES, find_programme, read_ledger
from sasac_check.ledger.dates import parse_span
from sasac_check.ledger.files import load_programme, programme_files
from sasac_check.ledger.model import COVER_SHEET, LEDGER_SHEET, SOURCES_SHEET
from sasac_check.ledger.template import FIRST_ROW, HEADER_ROW, letter, write_ledger_template
from sasac_check.rules.load import RuleFileError

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "rules" / "plans" / "sources" / "001_7ed98efaaadabc7b.txt"


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


def seed_tasks() -> dict[int, tuple[str, str, str]]:
    """Task number → (name, 牵头单位, 责任单位) read from the seed's own lines, independently of the YAML."""
    text = SEED.read_text(encoding="utf-8")
    body = text.split("二、工作任务", 1)[1].split("三、保障措施", 1)[0]
    found = re.findall(r"^(\d+)\.([^。\n]+)。.*?^牵头单位:(.+?)\s*$\s*^责任单位:(.+?)\s*$", body, re.M | re.S)
    return {int(n): (name, lead, resp) for n, name, lead, resp in found}


@pytest.fixture(scope="module")
def lishan_book(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("tpl") / "台账.xlsx"
    run = subprocess.run([sys.executable, "-m", "sasac_check", "template", "--kind", "ledger", "--plan", "lishan", "-o", str(out)],
                         capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    assert "23 项任务" in run.stderr
    return out


def test_the_seed_has_23_numbered_tasks_each_with_its_units() -> None:
    tasks = seed_tasks()
    assert sorted(tasks) == list(range(1, 24))


def test_prefilled_ledger_has_the_23_tasks_with_the_seeds_units(lishan_book: Path) -> None:
    ws = openpyxl.load_workbook(lishan_book)[LEDGER_SHEET]
    header = [c.value for c in ws[HEADER_ROW]][: len(COLUMNS)]
    assert tuple(header) == COLUMNS
    seed = seed_tasks()
    rows = list(ws.iter_rows(min_row=FIRST_ROW, values_only=True))
    tasks = [r for r in rows if r[2]]
    assert len(tasks) == 23
    for r in tasks:
        name, lead, resp = seed[r[0]]
        assert (r[2], r[3], r[4]) == (name, lead, resp), r[0]
    # Read back as a ledger: the same 23 tasks.
    led = read_ledger(lishan_book)
    assert [r.text("序号") for r in led.rows] == [str(i) for i in range(1, 24)]
    assert led.cover["监管机构"] == "立山区国资局" and led.cover["方案期间"] == "2020—2022年"


def test_every_milestone_carries_a_quote_found_in_the_seed(lishan_book: Path) -> None:
    text = _norm(SEED.read_text(encoding="utf-8"))
    prog = find_programme("lishan")
    assert len(prog.tasks) == 23 and _norm(prog.end_quote) in text
    wb = openpyxl.load_workbook(lishan_book)
    src = [r for r in wb[SOURCES_SHEET].iter_rows(min_row=FIRST_ROW, values_only=True) if r[0]]
    assert len(src) == sum(len(t.milestones) for t in prog.tasks)
    for seq, _name, when, due, _what, basis, quote, where in src:
        assert quote and _norm(quote) in text, (seq, quote)
        assert basis in ("原文", "方案期限") and re.match(r"rules/ledger/lishan\.yaml:\d+$", where)
        if basis == "原文" and when[:4].isdigit():
            assert quote.startswith(when[:4]) or when[:4] in quote, (seq, when, quote)
        span = parse_span(due)
        assert span is not None and 2020 <= span.start.year and span.end.year <= 2022
    ws = wb[LEDGER_SHEET]
    for t in prog.tasks:
        cell = ws[f"{letter('时间节点')}{FIRST_ROW + t.seq - 1}"]
        assert cell.value == t.due
        for m in t.milestones:  # the quotes also sit on the node itself
            assert m.quote in cell.comment.text


def test_the_dated_milestones_of_the_text_are_all_there() -> None:
    """Every "20xx年" / "20xx-20xx年" that opens a clause in a task's text is a milestone of that task."""
    text = SEED.read_text(encoding="utf-8").split("二、工作任务", 1)[1].split("三、保障措施", 1)[0]
    prog = find_programme("lishan")
    for t in prog.tasks:
        part = text.split(f"{t.seq}.{t.name}", 1)[1].split("牵头单位:", 1)[0]
        stated = set(re.findall(r"(?:^|[。;；,])((?:20\d\d-)?20\d\d年)", part))
        have = {m.when for m in t.milestones}
        assert stated <= have, (t.seq, stated - have)


def test_blank_template_has_the_columns_the_dropdown_and_the_cover(tmp_path: Path) -> None:
    out = write_ledger_template(tmp_path / "blank.xlsx")
    wb = openpyxl.load_workbook(out)
    ws = wb[LEDGER_SHEET]
    assert tuple(c.value for c in ws[HEADER_ROW][: len(COLUMNS)]) == COLUMNS
    (dv,) = ws.data_validations.dataValidation
    assert dv.type == "list" and dv.formula1 == '"' + ",".join(STATUSES) + '"'
    assert f"{letter('完成状态')}{FIRST_ROW}" in str(dv.sqref)
    labels = [c.value for c in wb[COVER_SHEET]["A"]]
    for field in ("填报单位", "报告期", "截至日期", "监管机构"):
        assert field in labels


def test_template_options_fail_clearly(tmp_path: Path) -> None:
    bad = subprocess.run([sys.executable, "-m", "sasac_check", "template", "--kind", "ledger", "--plan", "nowhere", "-o",
                          str(tmp_path / "x.xlsx")], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert bad.returncode == 2 and "没有名为“nowhere”的改革方案" in bad.stderr and "lishan" in bad.stderr
    wrong = subprocess.run([sys.executable, "-m", "sasac_check", "template", "--kind", "return", "--plan", "lishan", "-o",
                            str(tmp_path / "y.xlsx")], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert wrong.returncode == 2 and "--kind ledger" in wrong.stderr
    assert not (tmp_path / "x.xlsx").exists() and not (tmp_path / "y.xlsx").exists()


def test_programme_file_mistakes_are_reported_at_their_line(tmp_path: Path) -> None:
    p = tmp_path / "bad.yaml"
    p.write_text("programme:\n  id: x\n  title: t\n  supervisors: [s]\n  period: {from: 2020, to: 2022}\n  source: s.txt\n"
                 "  end_quote: abcd\ntasks:\n  - seq: 2\n    category: c\n    name: n\n    lead: l\n    responsible: r\n"
                 "    milestones:\n      - {when: 2021年, due: 2021年底, what: w, basis: 原文, quote: abcd}\n"
                 "  - seq: 3\n    category: c\n    name: n\n    lead: l\n    responsible: r\n    milestones: []\n",
                 encoding="utf-8")
    with pytest.raises(RuleFileError) as e:
        load_programme(p)
    text = "\n".join(e.value.problems)
    assert re.search(r"bad\.yaml:21: tasks/1/milestones", text), text
    assert len(programme_files()) >= 1
