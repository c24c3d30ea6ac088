"""Rule and plan files from strangers: alias bombs, huge format widths and endless expressions are file:line, exit 2."""

from __future__ import annotations

import time
from pathlib import Path

from sasac_check.cli import main

RULE = """rules:
  - id: HOSTILE-001
    level: 提示性
    check: 资产总计 >= 0
    message: '{msg}'
"""


def _run(args: list[str], capsys) -> tuple[int, str, float]:
    t0 = time.monotonic()
    code = main(args)
    return code, capsys.readouterr().err, time.monotonic() - t0


def test_yaml_alias_bomb_is_refused_at_its_line(tmp_path: Path, capsys) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join(['*a' + str(i - 1)] * 10)}]" for i in range(1, 12)]  # 10^12 leaves when expanded
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text("\n".join(lines) + "\nrules: []\n", encoding="utf-8")
    code, err, seconds = _run(["rules", str(bomb)], capsys)
    assert code == 2 and f"{bomb}:2:" in err and "别名" in err and seconds < 5, err


def test_plan_file_alias_is_refused(tmp_path: Path, capsys) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text("base: &b {x: 1}\nother: *b\n", encoding="utf-8")
    code, err, _ = _run(["plan", "validate", str(plan)], capsys)
    assert code == 2 and f"{plan}:2:" in err and "别名" in err, err


def test_message_templates_are_checked_at_load(tmp_path: Path, capsys) -> None:
    for msg, words in [("{actual:>2000000000}", "宽度过大"), ("{item.__class__.__mro__}", "不是可用字段"),
                       ("{nothing}", "不是可用字段"), ("{actual", "花括号不成对")]:
        f = tmp_path / "r.yaml"
        f.write_text(RULE.format(msg=msg.replace("'", "''")), encoding="utf-8")
        code, err, seconds = _run(["check", str(Path(__file__).parents[1] / "workbooks" / "sample-clean.xlsx"),
                                   "--rules", str(f), "--no-plan"], capsys)
        assert code == 2 and f"{f}:5:" in err and words in err and seconds < 10, (msg, err)
    f.write_text(RULE.format(msg="{title}：{actual:>12}，应为 {expected}"), encoding="utf-8")
    code, err, _ = _run(["rules", str(f)], capsys)
    assert code == 0, err


def test_a_hundred_thousand_term_expression_is_file_line(tmp_path: Path, capsys) -> None:
    f = tmp_path / "long.yaml"
    f.write_text("rules:\n  - id: HOSTILE-002\n    level: 提示性\n    check: " + " + ".join(["资产总计"] * 100_000) + " >= 0\n",
                 encoding="utf-8")
    code, err, seconds = _run(["rules", str(f)], capsys)
    assert code == 2 and f"{f}:4:" in err and "表达式过长" in err and seconds < 10, err
    deep = tmp_path / "deep.yaml"
    deep.write_text("rules:\n  - id: HOSTILE-003\n    level: 提示性\n    check: " + "(" * 300 + "资产总计" + ")" * 300 + " >= 0\n",
                    encoding="utf-8")
    code, err, _ = _run(["rules", str(deep)], capsys)
    assert code == 2 and f"{deep}:4:" in err and ("嵌套过深" in err or "语法错误" in err), err
