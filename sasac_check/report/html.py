"""The HTML review: one self-contained file (inline CSS, JS and SVG plots), filterable, no network."""

from __future__ import annotations

import html
import json
from collections import Counter
from pathlib import Path

from sasac_check.model.finding import SEVERITY_LABEL
from sasac_check.model.result import RunResult
from sasac_check.report.review import KEY_INDICATORS, STATUS, debt_lines, worst_first

MAX_FINDINGS = 20_000
_CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:1.5em;color:#222}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em}
table{border-collapse:collapse;font-size:13px}th,td{border:1px solid #ccc;padding:3px 6px;text-align:left}
th{background:#ddebf7;position:sticky;top:0}td.n{text-align:right}
tr.unreadable td.s,tr.failed td.s{background:#ffc7ce;color:#9c0006}tr.ok td.s{background:#c6efce;color:#006100}
.bar{margin:.6em 0}.bar input{width:22em;padding:4px}.bar select{padding:4px}#count{margin-left:1em;color:#555}
.cards span{display:inline-block;margin-right:1.5em;font-size:1.05em}
svg text{font-size:11px}
"""
_JS = """
(function(){
  var q=document.getElementById('q'),st=document.getElementById('status'),rows=[].slice.call(document.querySelectorAll('#overview tbody tr'));
  function apply(){
    var t=q.value.trim().toLowerCase(),s=st.value,n=0;
    rows.forEach(function(r){var ok=(!s||r.dataset.status===s)&&(!t||r.textContent.toLowerCase().indexOf(t)>=0);
      r.style.display=ok?'':'none';if(ok)n++;});
    document.getElementById('count').textContent='显示 '+n+' / '+rows.length+' 份';
  }
  q.addEventListener('input',apply);st.addEventListener('change',apply);apply();
  document.body.setAttribute('data-filter-ready','1');
})();
"""


def _e(x: object) -> str:
    return html.escape("" if x is None else str(x))


def _pct(v: float | None) -> str:
    return "" if v is None else f"{v * 100:.2f}%"


def debt_svg(result: RunResult, lines: dict[str, float] | None = None) -> str:
    """Bars of 资产负债率 per enterprise (sorted) with each one's warning line as a red tick."""
    lines = debt_lines(lines)
    pts = [(f.cover.get("企业名称") or f.path, f.indicators.get("资产负债率"), lines.get(f.cover.get("行业类型", "")))
           for f in result.files if f.indicators.get("资产负债率") is not None]
    pts.sort(key=lambda p: -p[1])
    if not pts:
        return "<p>无可用的资产负债率数据。</p>"
    w, h, pad = 900, 260, 40
    top = max(1.0, max(p[1] for p in pts) * 1.05)
    bw = (w - pad - 10) / len(pts)
    y = lambda v: h - 20 - (h - 40) * v / top  # noqa: E731
    parts = [f'<svg id="debt-chart" xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" role="img" aria-label="资产负债率">']
    for g in (0, 0.25, 0.5, 0.75, 1.0):
        if g <= top:
            parts.append(f'<line x1="{pad}" x2="{w}" y1="{y(g):.1f}" y2="{y(g):.1f}" stroke="#eee"/>'
                         f'<text x="2" y="{y(g) + 4:.1f}">{g:.0%}</text>')
    for i, (name, v, line) in enumerate(pts):
        x = pad + i * bw
        over = line is not None and v > line
        parts.append(f'<rect class="debt" x="{x:.2f}" y="{y(v):.1f}" width="{max(bw - 1, 0.5):.2f}" height="{y(0) - y(v):.1f}" '
                     f'fill="{"#c00000" if over else "#5b9bd5"}"><title>{_e(name)} {_pct(v)}</title></rect>')
        if line is not None:
            parts.append(f'<line x1="{x:.2f}" x2="{x + bw:.2f}" y1="{y(line):.1f}" y2="{y(line):.1f}" stroke="#c00000" stroke-width="2"/>')
    parts.append(f'<text x="{pad}" y="{h - 4}">共 {len(pts)} 户；红线为所属行业资产负债率预警线，红色柱表示超过预警线</text></svg>')
    return "".join(parts)


def rules_svg(result: RunResult, top: int = 20) -> str:
    c = Counter(f.rule for f in result.findings if f.severity == "error")
    items = c.most_common(top)
    if not items:
        return "<p>没有强制性问题。</p>"
    w, row = 900, 20
    h = row * len(items) + 20
    m = max(v for _, v in items)
    parts = [f'<svg id="rules-chart" xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" role="img" aria-label="各规则强制性问题数">']
    for i, (rule, v) in enumerate(items):
        y = 10 + i * row
        bw = (w - 260) * v / m
        parts.append(f'<text x="0" y="{y + 14}">{_e(rule)}</text><rect class="rulebar" x="140" y="{y + 2}" width="{bw:.1f}" height="{row - 4}" '
                     f'fill="#c00000"/><text x="{146 + bw:.1f}" y="{y + 14}">{v}</text>')
    parts.append("</svg>")
    return "".join(parts)


def write_html(path: str | Path, result: RunResult, units: dict[str, str] | None = None, title: str = "批量审核报告",
               lines: dict[str, float] | None = None) -> Path:
    units = units or {}
    files = worst_first(result.files)
    inds = [n for n in KEY_INDICATORS if any(n in f.indicators for f in files)]
    n_bad = sum(1 for f in files if f.status != "ok")
    counts = Counter(f.status for f in files)
    o = [f"<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{_e(title)}</title><style>{_CSS}</style></head><body>",
         f"<h1>{_e(title)}</h1>",
         f'<div class="cards"><span>共 <b id="total">{len(files)}</b> 份</span><span>通过 {counts["ok"]}</span>'
         f'<span>未通过 {counts["failed"]}</span><span>无法读取 {counts["unreadable"]}</span>'
         f'<span>问题 {len(result.findings)} 条</span></div>',
         "<h2>资产负债率与预警线</h2>", debt_svg(result, lines), "<h2>各规则强制性问题数</h2>", rules_svg(result),
         "<h2>总览</h2>",
         '<div class="bar"><input id="q" type="search" placeholder="筛选：企业名称、代码、文件……"> '
         '<select id="status"><option value="">全部状态</option><option value="failed">未通过</option>'
         '<option value="unreadable">无法读取</option><option value="ok">通过</option></select><span id="count"></span></div>',
         '<table id="overview"><thead><tr><th>文件</th><th>企业名称</th><th>统一社会信用代码</th><th>报告期</th><th>监管机构</th>'
         '<th>状态</th><th>强制性</th><th>提示性</th>' + "".join(f"<th>{_e(n)}" + (f"<small>（{_e(units[n])}）</small>" if units.get(n) and units[n] != "%" else "") + "</th>" for n in inds) + "<th>说明</th></tr></thead><tbody>"]
    for f in files:
        cells = "".join(
            f'<td class="n">{_pct(f.indicators.get(n)) if units.get(n) == "%" else ("" if f.indicators.get(n) is None else f"{f.indicators[n]:,.2f}")}</td>'
            for n in inds)
        o.append(f'<tr class="{f.status}" data-status="{f.status}"><td>{_e(f.path)}</td><td>{_e(f.cover.get("企业名称"))}</td>'
                 f'<td>{_e(f.cover.get("统一社会信用代码"))}</td><td>{_e(f.cover.get("报告期"))}</td><td>{_e(f.cover.get("监管机构"))}</td>'
                 f'<td class="s">{STATUS[f.status]}</td><td class="n">{f.counts["error"]}</td><td class="n">{f.counts["warning"]}</td>'
                 f"{cells}<td>{_e(f.reason)}</td></tr>")
    o.append("</tbody></table>")
    shown = result.findings[:MAX_FINDINGS]
    more = f"（仅显示前 {MAX_FINDINGS} 条，完整清单见审核工作簿或 JSON）" if len(result.findings) > MAX_FINDINGS else ""
    o.append(f"<h2>问题清单 {more}</h2><details{' open' if len(shown) <= 500 else ''}><summary>{len(result.findings)} 条问题</summary>"
             '<table id="findings"><thead><tr><th>文件</th><th>工作表</th><th>单元格</th><th>级别</th><th>规则</th><th>问题说明</th></tr></thead><tbody>')
    for x in shown:
        o.append(f"<tr><td>{_e(x.file)}</td><td>{_e(x.sheet)}</td><td>{_e(x.cell)}</td><td>{SEVERITY_LABEL[x.severity]}</td>"
                 f"<td>{_e(x.rule)}</td><td>{_e(x.message)}</td></tr>")
    o.append("</tbody></table></details>")
    o.append(f'<script type="application/json" id="summary">{json.dumps({"files": len(files), "not_ok": n_bad}, ensure_ascii=False)}</script>')
    o.append(f"<script>{_JS}</script></body></html>")
    from sasac_check.atomicio import write_text

    return write_text(path, "".join(o), what="HTML 报告")
