"""Statements in the official layouts of real published reports, built consistent to the cent, for the tests.

Honest note on the figures: every statement here is CONSTRUCTED in the real format, not transcribed from a
published report. What mirrors real published statements is the structure — which lines a listed company's
合并 / 母公司 statement, a group with a finance company, a group still on the old financial-instrument standard
or a monthly 快报 prints, their signs (a positive 信用减值损失 after a net reversal, a negative 财务费用 of a
cash-rich company, negative 公允价值变动收益 / 资产处置收益 / 其他综合收益 / 少数股东损益), 汇兑收益 and
净敞口套期收益 on their own lines, 单户 format, 元 and 万元 — and the accounting identities they satisfy. The
leaves are chosen; every total is computed here from them (in integer cents), as the official format defines it.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import openpyxl
import samples

from sasac_check.authoring.fill import fill_rows
from sasac_check.authoring.template import build_template
from sasac_check.model.catalog import catalog

BS, IS, CF, SUP, COVER = "资产负债表", "利润表", "现金流量表", "补充资料", "封面"
CUR_ASSETS = ("货币资金", "结算备付金", "拆出资金", "交易性金融资产", "以公允价值计量且其变动计入当期损益的金融资产",
              "衍生金融资产", "应收票据", "应收账款", "应收款项融资", "预付款项", "应收保费", "应收分保账款",
              "应收分保合同准备金", "其他应收款", "买入返售金融资产", "存货", "合同资产", "持有待售资产",
              "一年内到期的非流动资产", "其他流动资产", "短期发放贷款和垫款")
NC_ASSETS = ("发放贷款和垫款", "债权投资", "可供出售金融资产", "其他债权投资", "持有至到期投资", "长期应收款",
             "长期股权投资", "其他权益工具投资", "其他非流动金融资产", "投资性房地产", "固定资产", "在建工程",
             "生产性生物资产", "油气资产", "使用权资产", "无形资产", "开发支出", "商誉", "长期待摊费用", "递延所得税资产",
             "其他非流动资产")
CUR_LIAB = ("短期借款", "向中央银行借款", "拆入资金", "交易性金融负债", "以公允价值计量且其变动计入当期损益的金融负债",
            "衍生金融负债", "应付票据", "应付账款", "预收款项", "合同负债", "卖出回购金融资产款", "吸收存款及同业存放",
            "代理买卖证券款", "代理承销证券款", "应付职工薪酬", "应交税费", "其他应付款", "应付手续费及佣金", "应付分保账款",
            "持有待售负债", "一年内到期的非流动负债", "其他流动负债")
NC_LIAB = ("保险合同准备金", "长期借款", "应付债券", "租赁负债", "长期应付款", "长期应付职工薪酬", "预计负债", "递延收益",
           "递延所得税负债", "其他非流动负债")
EQUITY_PLUS = ("实收资本", "其他权益工具", "资本公积", "其他综合收益", "专项储备", "盈余公积", "一般风险准备")
FIN_INCOME = ("金融业务利息收入", "已赚保费", "手续费及佣金收入")
COSTS = ("营业成本", "金融业务利息支出", "手续费及佣金支出", "退保金", "赔付支出净额", "提取保险责任准备金净额",
         "保单红利支出", "分保费用", "税金及附加", "销售费用", "管理费用", "研发费用", "财务费用")
GAINS = ("其他收益", "投资收益", "汇兑收益", "净敞口套期收益", "公允价值变动收益", "信用减值损失", "资产减值损失",
         "资产处置收益")


def _c(x: Any) -> int:
    """A figure as printed (元 or 万元, 2 decimals) in integer cents."""
    return round(float(x) * 100)


def balance_sheet(lines: dict[str, tuple[Any, Any]], consolidated: bool) -> dict[str, tuple[int, int]]:
    """Both columns (期末, 年初) in cents; every 合计 computed; 未分配利润 is what balances the sheet."""
    out: dict[str, tuple[int, int]] = {k: (_c(a), _c(b)) for k, (a, b) in lines.items()}

    def s(names: tuple[str, ...], i: int) -> int:
        return sum(out[n][i] for n in names if n in out)

    cols: list[dict[str, int]] = [{}, {}]
    for i in (0, 1):
        v = cols[i]
        v["流动资产合计"] = s(CUR_ASSETS, i)
        v["非流动资产合计"] = s(NC_ASSETS, i)
        v["资产总计"] = v["流动资产合计"] + v["非流动资产合计"]
        v["流动负债合计"] = s(CUR_LIAB, i)
        v["非流动负债合计"] = s(NC_LIAB, i)
        v["负债合计"] = v["流动负债合计"] + v["非流动负债合计"]
        minority = out.get("少数股东权益", (0, 0))[i] if consolidated else 0
        v["未分配利润"] = v["资产总计"] - v["负债合计"] - minority - s(EQUITY_PLUS, i) + out.get("库存股", (0, 0))[i]
        parent = s(EQUITY_PLUS, i) + v["未分配利润"] - out.get("库存股", (0, 0))[i]
        if consolidated:
            v["归属于母公司所有者权益合计"] = parent
        v["所有者权益合计"] = parent + minority
        v["负债和所有者权益总计"] = v["负债合计"] + v["所有者权益合计"]
    for k in cols[0]:
        out[k] = (cols[0][k], cols[1][k])
    return out


def income(lines: dict[str, tuple[Any, Any]], consolidated: bool) -> dict[str, tuple[int, int]]:
    """Both columns (本期, 上期) in cents; 营业总收入 … 净利润 computed (单户格式: no 营业总收入 / 营业总成本)."""
    out: dict[str, tuple[int, int]] = {k: (_c(a), _c(b)) for k, (a, b) in lines.items()}
    cols: list[dict[str, int]] = [{}, {}]
    for i in (0, 1):
        g = lambda n, i=i: out.get(n, (0, 0))[i]  # noqa: E731
        v = cols[i]
        total_income = g("营业收入") + sum(g(n) for n in FIN_INCOME)
        total_cost = sum(g(n) for n in COSTS)
        if consolidated:
            v["营业总收入"], v["营业总成本"] = total_income, total_cost
        v["营业利润"] = total_income - total_cost + sum(g(n) for n in GAINS)
        v["利润总额"] = v["营业利润"] + g("营业外收入") - g("营业外支出")
        v["净利润"] = v["利润总额"] - g("所得税费用")
        if consolidated:
            v["归属于母公司所有者的净利润"] = v["净利润"] - g("少数股东损益")
        if "其他综合收益的税后净额" in out:  # the lines below 净利润 that a listed company prints (full template)
            v["持续经营净利润"] = v["净利润"]
            v["综合收益总额"] = v["净利润"] + g("其他综合收益的税后净额")
    for k in cols[0]:
        out[k] = (cols[0][k], cols[1][k])
    return out


def cash_flow(flows: dict[str, tuple[Any, Any]], cash_end: Any) -> dict[str, tuple[int, int]]:
    """Both columns in cents from the 小计 (or the 净额 alone, as a 快报 reports them) and this year's 期末现金."""
    out: dict[str, tuple[int, int]] = {k: (_c(a), _c(b)) for k, (a, b) in flows.items()}
    nets = []
    for i in (0, 1):
        v = {}
        for kind in ("经营", "投资", "筹资"):
            net = f"{kind}活动产生的现金流量净额"
            if f"{kind}活动现金流入小计" in out:
                v[net] = out[f"{kind}活动现金流入小计"][i] - out[f"{kind}活动现金流出小计"][i]
            else:
                v[net] = out[net][i]
        v["现金及现金等价物净增加额"] = sum(v.values()) + out.get("汇率变动对现金及现金等价物的影响", (0, 0))[i]
        nets.append(v)
    end = _c(cash_end)
    begin = end - nets[0]["现金及现金等价物净增加额"]
    prior_begin = begin - nets[1]["现金及现金等价物净增加额"]
    for k in nets[0]:
        out[k] = (nets[0][k], nets[1][k])
    out["期末现金及现金等价物余额"] = (end, begin)
    out["期初现金及现金等价物余额"] = (begin, prior_begin)
    return out


def rows_of(cover: dict[str, str], sheets: dict[str, dict[str, tuple[int, int]]],
            supplement: dict[str, tuple[Any, Any]]) -> list[samples.Row]:
    """The values table (sheet, item, column, value) of one return, with 主要指标 computed from it."""
    cat = catalog()
    rows: list[samples.Row] = [(COVER, k, "值", v) for k, v in cover.items()]
    for sheet, values in sheets.items():
        cols = cat.sheet(sheet).columns
        for item, pair in values.items():
            for col, cents in zip(cols, pair, strict=True):
                rows.append((sheet, item, col, round(cents / 100, 2)))
    for item, (a, b) in supplement.items():
        rows.append((SUP, item, "本期", a))
        rows.append((SUP, item, "上期", b))
    return rows + samples.indicator_rows(rows)


def supplement_for(bs: dict[str, tuple[int, int]], inc: dict[str, tuple[int, int]], people: int, state_share: float,
                   consolidated: bool) -> dict[str, tuple[Any, Any]]:
    """补充资料 consistent with the statements: 国有资本及权益 = the state's share of 归母 (单户: 所有者) 权益."""
    eq = bs["归属于母公司所有者权益合计" if consolidated else "所有者权益合计"]
    cap_end, cap_begin = round(eq[0] * state_share / 100, 2), round(eq[1] * state_share / 100, 2)
    rd = inc.get("研发费用", (0, 0))
    return {
        "从业人员平均人数": (people, people - 20),
        "劳动生产总值": (round(inc["营业收入"][0] * 0.3 / 100, 2), round(inc["营业收入"][1] * 0.3 / 100, 2)),
        "研发经费投入": (round(rd[0] * 1.1 / 100, 2), round(rd[1] * 1.1 / 100, 2)),
        "期初国有资本及权益": (cap_begin, round(cap_begin * 0.97, 2)),
        "期末国有资本及权益": (cap_end, cap_begin),
        "客观因素增加额": (0, 0),
        "客观因素减少额": (0, 0),
    }


def cover(name: str, seed: int, unit: str, scope: str, period: str = "2023年度", kind: str = "年报") -> dict[str, str]:
    return {"企业名称": name, "统一社会信用代码": samples.make_uscc(seed, "110108"), "报告期": period, "报表类型": kind,
            "金额单位": unit, "企业类别": "商业一类", "行业类型": "工业", "监管机构": "某市国资委", "合并范围": scope,
            "填报人": "李会计", "联系电话": "010-12345678", "模板版本": catalog().version}


RELABEL = {"其中：营业收入": "一、营业收入", "其中：营业成本": "减：营业成本"}  # as 会企02表 prints them
SINGLE_LAYOUT_DROPS = ("营业总收入", "营业总成本", "归属于母公司所有者的净利润", "少数股东损益", "归属于母公司所有者权益合计",
                       "少数股东权益")


def write(rows: list[samples.Row], path: Path, full: bool = False, drop: tuple[str, ...] = ()) -> Path:
    """Fill the rows through the standard template (`full`: the template with every official line) and save.

    `drop` deletes those lines' rows after filling, so the workbook has the official 单户 layout (会企02表 has no
    营业总收入 / 营业总成本 and no 归母 / 少数 lines), as a ledger system exports it.
    """
    template = None
    if full:
        template = Path(tempfile.mkdtemp(prefix="full-template-")) / "完整格式模板.xlsx"  # not beside the returns
        build_template(full=True).save(template)
    fill_rows(rows, path, template=template, source=f"<{path.name}>")
    if drop:
        wb = openpyxl.load_workbook(path)
        for sheet in (BS, IS):
            ws = wb[sheet]
            for r in range(ws.max_row, 3, -1):
                label = str(ws.cell(row=r, column=1).value or "")
                if any(label.endswith(d) for d in drop):
                    ws.delete_rows(r)
                elif label in RELABEL:
                    ws.cell(row=r, column=1).value = RELABEL[label]
        wb.save(path)
    return path
