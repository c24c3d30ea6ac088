"""The review workbook (xlsxwriter; bulk rows spliced by fastrows): 总览, 问题清单, counts, native charts."""

from __future__ import annotations

import io
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

from sasac_check.model.finding import SEVERITY_LABEL
from sasac_check.model.result import FileResult, RunResult
from sasac_check.speed.fastrows import Bulk, register, rendered, splice, write_cells
from sasac_check.speed.fork import Background

STATUS = {"ok": "通过", "failed": "未通过", "unreadable": "无法读取"}
STATUS_RANK = {"unreadable": 0, "failed": 1, "ok": 2}
KEY_INDICATORS = ("资产负债率", "利润总额", "净利润", "营业收入利润率", "净资产收益率", "全员劳动生产率", "研发经费投入强度",
                  "营业现金比率", "国有资本保值增值率")


def debt_lines(lines: dict[str, float] | None) -> dict[str, float]:
    """The 资产负债约束 warning lines by 行业类型: those given, else the shipped rules' (rules/thresholds.yaml)."""
    if lines is not None:
        return lines
    from sasac_check.rules.load import shipped_rules
    from sasac_check.rules.thresholds import debt_warning_lines

    return debt_warning_lines(shipped_rules())
COVER_COLS = ("企业名称", "统一社会信用代码", "报告期", "监管机构", "行业类型")


def worst_first(files: list[FileResult]) -> list[FileResult]:
    """Unreadable, then failed, then ok; within each, most errors then most warnings first; then input order."""
    order = {id(f): i for i, f in enumerate(files)}
    return sorted(files, key=lambda f: (STATUS_RANK[f.status], -f.counts["error"], -f.counts["warning"], order[id(f)]))


def family_of(rule: str, extra: dict) -> str:
    fam = extra.get("family") if extra else None
    if fam:
        return str(fam)
    from sasac_check.model.codes import family_of as builtin_family

    return builtin_family(rule) or "其他"


# Rows of the bulk sheets, as fastrows cells: None writes no cell, (value, format) a formatted one. 问题清单's
# unreadable rows and 按企业统计 leave "" blank (xlsxwriter's write_row does); elsewhere "" is an empty string cell.


def _overview_rows(files: list[FileResult], ind_fmts: list, status_fmt: dict, f_pct, lines: dict[str, float]
                   ) -> Iterator[list]:
    for f in files:
        line = lines.get(f.cover.get("行业类型", ""))
        yield [f.path, *[f.cover.get(k, "") for k in COVER_COLS], (STATUS[f.status], status_fmt[f.status]),
               f.counts["error"], f.counts["warning"], f.counts["info"],
               *[None if (v := f.indicators.get(n)) is None else (v, fmt) for n, fmt in ind_fmts],
               (line, f_pct) if line is not None and f.status != "unreadable" else None,
               f.reason or (_kind_note(f) if f.kind != "return" else None)]


def _kind_note(f: FileResult) -> str:
    """总览's 说明 for a workbook that is no return: what it is, and where its figures are."""
    if f.kind == "ledger":
        who = "，".join(v for v in (f.cover.get("填报单位"), f.cover.get("截至日期")) if v)
        return f"改革任务台账{f'（{who}）' if who else ''}：完成情况见“台账完成情况”"
    return "规划表：问题见“问题清单”" if f.kind == "plan" else f.kind


def _value(v):
    """填报值 / 应为: numbers as numbers, anything else as its text."""
    return v if isinstance(v, int | float) and not isinstance(v, bool) else None if v is None else str(v)


def _finding_rows(files: list[FileResult], findings: list, families: list[str], names: dict, sev_fmt: dict) -> Iterator[list]:
    for x, fam in zip(findings, families, strict=True):
        yield [x.file, names.get(x.file, ""), x.sheet, x.cell, (SEVERITY_LABEL[x.severity], sev_fmt[x.severity]), x.rule,
               fam, x.message, _value(x.actual), _value(x.expected), x.source or ""]


def _enterprise_rows(counted: list[FileResult], per: dict[str, Counter], fams: list[str]) -> Iterator[list]:
    for f in counted:
        c = per.get(f.path, Counter())
        yield [f.path or None, f.cover.get("企业名称") or None, f.cover.get("统一社会信用代码") or None, f.counts["error"],
               f.counts["warning"], f.counts["info"], *[c[k] for k in fams]]


PARALLEL_ROWS = 5_000  # sheets with at least this many rows are rendered and compressed in a helper meanwhile


def write_review(path: str | Path, result: RunResult, units: dict[str, str] | None = None, regions: list | None = None,
                 *, fast: bool = True, lines: dict[str, float] | None = None, atomic: bool = True) -> Path:
    """Write the review workbook; every number comes from `result` (the same data as the JSON).

    The rows of 总览, 问题清单 and 按企业统计 are rendered by fastrows and spliced into the saved workbook;
    `fast=False` writes them cell by cell through xlsxwriter instead (the reference the tests compare with).
    """
    import xlsxwriter

    from sasac_check.atomicio import atomic_path

    units = units or {}
    out = Path(path)
    if not atomic:  # `path` is a temporary file the caller renames (atomicio.reserve / adopt)
        _write(out, result, units, regions, fast, xlsxwriter, lines)
        return out
    with atomic_path(out, what="审核工作簿") as tmp:
        _write(tmp, result, units, regions, fast, xlsxwriter, lines)
    return out


def _write(out: Path, result: RunResult, units: dict[str, str], regions: list | None, fast: bool, xlsxwriter,
           lines: dict[str, float] | None) -> None:
    target = io.BytesIO() if fast else str(out)
    # Text from the returns is text: never a formula (strings_to_formulas), a link or a number.
    wb = xlsxwriter.Workbook(target, {"constant_memory": True, "strings_to_numbers": False, "strings_to_urls": False,
                                      "strings_to_formulas": False})
    f_head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"})
    f_pct = wb.add_format({"num_format": "0.00%"})
    f_num = wb.add_format({"num_format": "#,##0.00"})
    f_bad = wb.add_format({"font_color": "#9C0006", "bg_color": "#FFC7CE"})
    f_warn = wb.add_format({"font_color": "#9C5700", "bg_color": "#FFEB9C"})
    f_ok = wb.add_format({"font_color": "#006100", "bg_color": "#C6EFCE"})
    register(f_head, f_pct, f_num, f_bad, f_warn, f_ok)  # in a fixed order, before any row: the same file either way
    bulk: dict[str, Bulk] = {}

    def add_rows(ws, count: int, rows) -> None:
        if not fast:
            write_cells(ws, rows)
        elif count >= PARALLEL_ROWS:  # a big sheet renders in a forked helper while this process does the rest
            bulk[ws.name] = Bulk(count, (), Background(rendered, rows, count))
        else:
            bulk[ws.name] = Bulk(count, rows)

    inds = [n for n in KEY_INDICATORS if any(n in f.indicators for f in result.files)] or [
        n for n in KEY_INDICATORS if n in units]
    files = worst_first(result.files)

    # 总览 ------------------------------------------------------------------------------------------
    ws = wb.add_worksheet("总览")
    head = ["文件", *COVER_COLS, "状态", "强制性", "提示性", "信息", *[f"{n}({units[n]})" if units.get(n) else n for n in inds],
            "资产负债率预警线", "说明"]
    ws.write_row(0, 0, head, f_head)
    ws.freeze_panes(1, 2)
    ws.set_column(0, 0, 36)
    ws.set_column(1, 1, 30)
    ws.set_column(2, 5, 16)
    ws.set_column(len(head) - 1, len(head) - 1, 60)
    debt_col = 10 + inds.index("资产负债率") if "资产负债率" in inds else None
    line_col = 10 + len(inds)
    n_files = len(files)
    ind_fmts = [(n, f_pct if units.get(n) == "%" else f_num) for n in inds]
    add_rows(ws, n_files, _overview_rows(files, ind_fmts, {"unreadable": f_bad, "failed": f_bad, "ok": f_ok}, f_pct,
                                                   debt_lines(lines)))
    if n_files:
        ws.autofilter(0, 0, n_files, len(head) - 1)

    # 问题清单 ----------------------------------------------------------------------------------------
    names = {f.path: f.cover.get("企业名称", "") for f in result.files}
    wf = wb.add_worksheet("问题清单")
    fhead = ["文件", "企业名称", "工作表", "单元格", "级别", "规则", "类别", "问题说明", "填报值", "应为", "规则出处"]
    wf.write_row(0, 0, fhead, f_head)
    wf.freeze_panes(1, 0)
    wf.set_column(0, 0, 36)
    wf.set_column(1, 1, 28)
    wf.set_column(7, 7, 90)
    n_found = len(result.findings)  # an unreadable file is a READ-UNREADABLE finding (model/result.py)
    families = [family_of(x.rule, x.extra) for x in result.findings]
    add_rows(wf, n_found, _finding_rows(files, result.findings, families, names,
                                        {"error": f_bad, "warning": f_warn, "info": None}))
    if n_found:
        wf.autofilter(0, 0, n_found, len(fhead) - 1)

    # 按规则统计 ------------------------------------------------------------------------------------
    by_rule: Counter = Counter()
    ents: dict[str, set] = defaultdict(set)
    meta: dict[str, tuple[str, str]] = {}
    for x in result.findings:
        by_rule[x.rule] += 1
        ents[x.rule].add(x.file)
        meta.setdefault(x.rule, (x.title, x.severity))
    wr = wb.add_worksheet("按规则统计")
    wr.write_row(0, 0, ["规则", "标题", "级别", "问题数", "涉及文件数"], f_head)
    wr.set_column(0, 0, 18)
    wr.set_column(1, 1, 44)
    rules_sorted = sorted(by_rule, key=lambda k: (-by_rule[k], k))
    for r, k in enumerate(rules_sorted, start=1):
        title, sev = meta[k]
        wr.write_row(r, 0, [k, title, SEVERITY_LABEL[sev], by_rule[k], len(ents[k])])
    n_rules = len(rules_sorted)

    # 按企业统计 ------------------------------------------------------------------------------------
    fams = sorted(set(families))
    per: dict[str, Counter] = defaultdict(Counter)  # file -> findings by family
    for x, fam in zip(result.findings, families, strict=True):
        per[x.file][fam] += 1
    we = wb.add_worksheet("按企业统计")
    we.write_row(0, 0, ["文件", "企业名称", "统一社会信用代码", "强制性", "提示性", "信息", *[f"{k}类" for k in fams]], f_head)
    we.set_column(0, 0, 36)
    we.set_column(1, 2, 28)
    # Enterprises with something to count (the clean ones are on 总览 already, with their zeros).
    counted = [f for f in files if f.counts["error"] or f.counts["warning"] or f.counts["info"]]
    add_rows(we, len(counted), _enterprise_rows(counted, per, fams))

    # 图表 ------------------------------------------------------------------------------------------
    wc = wb.add_worksheet("图表")
    wc.write_string(0, 0, "资产负债率与预警线（来自“总览”）；各规则问题数（来自“按规则统计”）")
    if debt_col is not None and n_files:
        ch = wb.add_chart({"type": "column"})
        ch.add_series({"name": "资产负债率", "categories": ["总览", 1, 1, n_files, 1], "values": ["总览", 1, debt_col, n_files, debt_col],
                       "fill": {"color": "#5B9BD5"}, "gap": 20})
        line = wb.add_chart({"type": "line"})
        line.add_series({"name": "预警线", "categories": ["总览", 1, 1, n_files, 1], "values": ["总览", 1, line_col, n_files, line_col],
                         "line": {"color": "#C00000", "width": 2, "dash_type": "dash"}, "marker": {"type": "none"}})
        ch.combine(line)
        ch.set_title({"name": "各企业资产负债率与预警线"})
        ch.set_y_axis({"num_format": "0%", "name": "资产负债率"})
        ch.set_x_axis({"name": "企业", "num_font": {"rotation": -45}})
        ch.set_legend({"position": "bottom"})
        ch.set_size({"width": 960, "height": 400})
        wc.insert_chart(2, 0, ch)
    if n_rules:
        top = min(n_rules, 25)
        bar = wb.add_chart({"type": "bar"})
        bar.add_series({"name": "问题数", "categories": ["按规则统计", 1, 0, top, 0], "values": ["按规则统计", 1, 3, top, 3],
                        "fill": {"color": "#C00000"}})
        bar.set_title({"name": f"各规则问题数（前 {top} 条）"})
        bar.set_y_axis({"reverse": True})
        bar.set_legend({"none": True})
        bar.set_size({"width": 960, "height": max(300, 22 * top + 80)})
        wc.insert_chart(24, 0, bar)
    # 汇总: each 监管机构 with a plan, in the plan-table layout (指标 | 单位 | <year> … | 年均增速) -----------
    for rsum in regions or []:
        from sasac_check.plans.sheet import membership_rows, summary_rows

        header, rows, note = summary_rows(rsum)
        wsum = wb.add_worksheet(f"汇总-{rsum.supervisor}"[:31])
        wsum.write_row(0, 0, header, f_head)
        wsum.set_column(0, 0, 18)
        wsum.set_column(2, len(header) - 1, 12)
        for r, row in enumerate(rows, 1):
            wsum.write_row(r, 0, row[:2])
            for c, v in enumerate(row[2:], 2):
                is_pct = row[1] == "%" or (header[c] == "年均增速")
                if v is None:
                    wsum.write_string(r, c, "-" if header[c] != "年均增速" else "")
                else:
                    wsum.write_number(r, c, v, f_pct if is_pct else f_num)
        wsum.write_string(len(rows) + 2, 0, note)
        for r, row in enumerate(membership_rows(rsum), len(rows) + 4):
            for c, v in enumerate(row):
                wsum.write_string(r, c, v, f_head if r == len(rows) + 4 else None)
    if any(f.kind == "ledger" for f in result.files):  # 台账完成情况: only when ledgers were reviewed
        from sasac_check.ledger.sheet import write_completion_sheet

        write_completion_sheet(wb, result.files, f_head, f_pct)
    wb.close()
    if fast:
        splice(target, out, bulk, level=1)  # level 1: a third of level 6's time, files ≈ 20 % larger
