"""The catalogue of built-in finding codes: complete, and read by rules, explain and the review."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from sasac_check.model.codes import builtin_codes, code_of, family_of

ROOT = Path(__file__).resolve().parent.parent
PREFIXES = ("READ", "SCH", "BATCH", "PT", "PLAN", "LEDGER", "LAYOUT", "COVER", "CONV")


def _emitted() -> set[str]:
    """Every built-in code written as a string literal in the package (families end in '-')."""
    pat = re.compile(r"""["']((?:""" + "|".join(PREFIXES) + r""")-[A-Z0-9-]*)""")
    found = set()
    for p in (ROOT / "sasac_check").rglob("*.py"):
        found |= set(pat.findall(p.read_text(encoding="utf-8")))
    return found


def test_every_code_the_source_emits_is_catalogued() -> None:
    ids = [c.id for c in builtin_codes()]
    assert len(ids) == len(set(ids))
    missing = sorted(c for c in _emitted() if code_of(c) is None and not any(i.startswith(c) for i in ids))
    assert not missing, f"add these to schemas/codes.yaml: {missing}"
    for c in builtin_codes():
        assert c.level in ("强制性", "提示性", "信息", "varies") and c.title and c.description and c.message


def test_families_and_lookup() -> None:
    assert code_of("READ-TEXT-NUMBER").level == "提示性"
    assert code_of("PT-TEXT-DS-ASSETS").id == "PT-TEXT-*" and code_of("PT-CAGR").id == "PT-CAGR"
    assert family_of("SCH-USCC") == "结构" and family_of("BS-001") is None


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sasac_check", *args], capture_output=True, text=True, cwd=ROOT)


def test_explain_knows_builtin_codes_and_any_case() -> None:
    r = _cli("explain", "read-text-number")
    assert r.returncode == 0 and "数字以文本形式存储" in r.stdout and "内置检查" in r.stdout
    r = _cli("explain", "bs-001")
    assert r.returncode == 0 and r.stdout.startswith("BS-001")
    r = _cli("explain", "XP-001")
    assert "上年末" in r.stdout
    r = _cli("explain", "BS-0011")
    assert r.returncode == 2 and "BS-001" in r.stderr
    r = _cli("rules", "--family", "读取")
    assert r.returncode == 0 and "READ-NO-CACHED-VALUE" in r.stdout and "BS-001" not in r.stdout


def test_debt_lines_come_from_the_threshold_rules(tmp_path) -> None:
    from sasac_check.rules.load import load_rules
    from sasac_check.rules.thresholds import debt_warning_lines

    assert debt_warning_lines(load_rules()) == {"工业": 0.65, "非工业": 0.70, "科研设计": 0.60}  # domain.md
    own = tmp_path / "mine.yaml"
    own.write_text('family: 阈值\nsheet: 主要指标\nrules:\n  - id: MY-DEBT\n    title: 本地警戒线\n    level: 提示性\n'
                   '    when: 行业类型 == "工业"\n    check: 资产负债率 <= 60%\n', encoding="utf-8")
    assert debt_warning_lines(load_rules([own]))["工业"] == 0.60
