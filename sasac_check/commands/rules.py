"""`sasac-check rules` lists the loaded rules; `sasac-check explain RULE` shows one with its source."""

from __future__ import annotations

import argparse
import sys

from sasac_check.rules import expr


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "rules",
        help="列出全部规则",
        description="列出内置规则与追加的规则；规则文件有误时指出“文件:行号”并以退出码 2 结束（可用于 pre-commit）。",
    )
    p.add_argument("files", nargs="*", metavar="FILE", help="追加的规则文件或文件夹（与 --rules 相同）")
    p.add_argument("--rules", action="append", default=[], metavar="PATH", help="追加规则文件或文件夹")
    p.add_argument("--family", help="只列出某一类（表内、表间、跨期、指标、阈值；内置检查：读取、结构、批量、规划表、规划）")
    p.add_argument("--no-builtin", action="store_true", help="不列出内置检查（schemas/codes.yaml 中的 READ-、SCH-、BATCH-、PT- 等）")
    p.set_defaults(func=run_list)
    e = sub.add_parser("explain", help="说明一条规则", description="显示一条规则的级别、条件、公式与出处。")
    e.add_argument("rule", metavar="RULE", help="规则编号，如 BS-001 或 IND-I01；也可以是指标名")
    e.add_argument("--rules", action="append", default=[], metavar="PATH", help="追加规则文件或文件夹")
    e.set_defaults(func=run_explain)


def run_list(args: argparse.Namespace) -> int:
    from sasac_check.rules.load import load_rules

    rs = load_rules([*args.rules, *args.files])
    seen = set()
    for r in rs.rules:
        if r.id in seen or (args.family and r.family != args.family):
            continue
        seen.add(r.id)
        print(f"{r.id:<14} {r.level:<4} {r.family:<3} {r.title}")
    builtin = []
    if not args.no_builtin:
        from sasac_check.model.codes import builtin_codes

        builtin = [c for c in builtin_codes() if not args.family or c.family == args.family]
        if builtin:
            print("\n# 内置检查（schemas/codes.yaml）")
        for c in builtin:
            level = "视情况" if c.level == "varies" else c.level
            print(f"{c.id:<20} {level:<4} {c.family:<3} {c.title}")
    print(f"\n共 {len(seen)} 条规则，{len(builtin)} 项内置检查，{len(rs.indicators)} 个指标。", file=sys.stderr)
    return 0


def run_explain(args: argparse.Namespace) -> int:
    from sasac_check.rules.load import load_rules

    rs = load_rules(args.rules)
    want = args.rule.strip()
    ids = {r.id for r in rs.rules}
    rid = want if want in ids else next((i for i in ids if i.upper() == want.upper()), want)
    rules = [r for r in rs.rules if r.id == rid]
    ind = rs.indicators.get(want)
    if not rules and ind is not None:
        rules = [r for r in rs.rules if r.indicator == ind.name]
    if not rules and want.upper().startswith("LEDGER-"):
        return _explain_ledger(want.upper())
    if not rules:
        return _explain_builtin(want, rs)
    _print_rule(rules, rs)
    return 0


def _explain_builtin(want: str, rs) -> int:
    """A built-in code (READ-…, SCH-…, BATCH-…, PT-…, PLAN-…), else the nearest names."""
    from sasac_check.model.codes import builtin_codes, code_of

    code = code_of(want.upper())
    if code is not None:
        level = "视情况而定" if code.level == "varies" else code.level
        print(f"{want.upper() if not code.is_family else want}  {code.title}")
        print(f"  级别：{level}    类别：{code.family}（内置检查）")
        print("  出处：schemas/codes.yaml")
        print(f"  说明：{code.description}")
        print(f"  提示：{code.message}")
        if want.upper().startswith("PLAN-") and len(want) > 5:
            _explain_plan_target(want[5:])
        return 0
    import difflib

    names = sorted({r.id for r in rs.rules} | set(rs.indicators) | {c.id for c in builtin_codes() if not c.is_family})
    upper = {n.upper(): n for n in names}
    near = [upper[n] for n in difflib.get_close_matches(want.upper(), list(upper), n=3)]
    print(f"找不到规则“{want}”" + (f"（是否指：{'、'.join(near)}？）" if near else "（sasac-check rules 列出全部规则与内置检查）"),
          file=sys.stderr)
    return 2


def _explain_plan_target(target_id: str) -> None:
    from sasac_check.plans import load_plans

    found = False
    for p in load_plans():
        for t in p.targets:
            if t.id.upper() == target_id.upper():
                found = True
                print(f"  目标：{t.describe()}（{p.title}）")
                print(f"  依据：{t.source}  {t.cite()}")
    if not found:
        print(f"  （内置规划中没有编号为 {target_id} 的目标；sasac-check plan list 列出全部目标）")


def _print_rule(rules: list, rs) -> None:
    r = rules[0]
    print(f"{r.id}  {r.title}")
    print(f"  级别：{r.level}（{r.severity}）    类别：{r.family}")
    print(f"  出处：{r.source}")
    if r.when_text:
        print(f"  前提：{r.when_text}")
    print(f"  公式：{r.text}")
    print(f"  解析：{expr.to_text(r.check)}")
    if r.needs_prior:
        print(f"  对比：{r.compare_with}的报表（上年末 = 上年年报或 12 月快报；上年同期 = 上年同一报告期）")
    if r.columns != (None,):
        print(f"  逐列：{'、'.join(c for c in r.columns if c)}")
    if len(rules) > 1:
        print(f"  逐项：{len(rules)} 项（{'、'.join(x.at or '' for x in rules[:6])}…）")
    if r.abs_tol or r.rel_tol:
        print(f"  容差：绝对 {r.abs_tol:g}，相对 {r.rel_tol:g}（在精度区间之外另加）")
    else:
        print("  容差：按填报精度的区间运算（无固定容差）")
    if r.message:
        print(f"  提示：{r.message}")
    if r.indicator:
        i = rs.indicators[r.indicator]
        print(f"  指标：{i.name}（{i.unit}，{i.precision} 位小数）{i.description}")
    return 0


def _explain_ledger(rule_id: str) -> int:
    """A check of the reform-task ledger (rules/ledger/checks.yaml), with the reasoning for its level."""
    from sasac_check.ledger.files import ledger_rules
    from sasac_check.model.finding import SEVERITY_LABEL

    found = [r for r in ledger_rules() if r.id == rule_id]
    if not found:
        print(f"找不到规则“{rule_id}”（台账规则：{'、'.join(r.id for r in ledger_rules())}）", file=sys.stderr)
        return 2
    r = found[0]
    print(f"{r.id}  {r.title}")
    print(f"  级别：{SEVERITY_LABEL[r.severity]}（{r.severity}）    类别：台账    检查：{r.check}")
    print(f"  出处：{r.source}")
    print(f"  提示：{r.message}")
    print(f"  理由：{r.why}")
    return 0
