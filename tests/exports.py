"""Returns as they really arrive, built in code from a return's figures: official 账户式 / 报告式 layouts, 续表,
久其-style sheet names and cover, ledger exports (no 行次, stray columns, two-row headers), .xls / .ods by LibreOffice.

Every builder takes the rows of samples.consistent_values (sheet, item, column, value) and writes the same figures.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import openpyxl

Row = tuple[str, str, str, Any]
BS, IS, CF, SUP = "资产负债表", "利润表", "现金流量表", "补充资料"

# Official labels (财会〔2019〕6号 / 16号, 会合01–03表), as printed. (label, item or None: a line the sample leaves blank)
ASSETS = [("流动资产：", None), ("货币资金", "货币资金"), ("结算备付金", None), ("拆出资金", None),
          ("交易性金融资产", "交易性金融资产"), ("衍生金融资产", "衍生金融资产"), ("应收票据", "应收票据"),
          ("应收账款", "应收账款"), ("应收款项融资", "应收款项融资"), ("预付款项", "预付款项"), ("应收保费", None),
          ("其他应收款", "其他应收款"), ("买入返售金融资产", None), ("存货", "存货"), ("合同资产", "合同资产"),
          ("持有待售资产", "持有待售资产"), ("一年内到期的非流动资产", "一年内到期的非流动资产"),
          ("其他流动资产", "其他流动资产"), ("流动资产合计", "流动资产合计"), ("非流动资产：", None),
          ("发放贷款和垫款", None), ("债权投资", "债权投资"), ("其他债权投资", "其他债权投资"), ("长期应收款", "长期应收款"),
          ("长期股权投资", "长期股权投资"), ("其他权益工具投资", "其他权益工具投资"),
          ("其他非流动金融资产", "其他非流动金融资产"), ("投资性房地产", "投资性房地产"), ("固定资产", "固定资产"),
          ("在建工程", "在建工程"), ("生产性生物资产", "生产性生物资产"), ("油气资产", "油气资产"),
          ("使用权资产", "使用权资产"), ("无形资产", "无形资产"), ("开发支出", "开发支出"), ("商誉", "商誉"),
          ("长期待摊费用", "长期待摊费用"), ("递延所得税资产", "递延所得税资产"), ("其他非流动资产", "其他非流动资产"),
          ("非流动资产合计", "非流动资产合计"), ("资产总计", "资产总计")]
LIABILITIES = [("流动负债：", None), ("短期借款", "短期借款"), ("向中央银行借款", None), ("拆入资金", None),
               ("交易性金融负债", "交易性金融负债"), ("衍生金融负债", "衍生金融负债"), ("应付票据", "应付票据"),
               ("应付账款", "应付账款"), ("预收款项", "预收款项"), ("合同负债", "合同负债"), ("卖出回购金融资产款", None),
               ("吸收存款及同业存放", None), ("应付职工薪酬", "应付职工薪酬"), ("应交税费", "应交税费"),
               ("其他应付款", "其他应付款"), ("持有待售负债", "持有待售负债"),
               ("一年内到期的非流动负债", "一年内到期的非流动负债"), ("其他流动负债", "其他流动负债"),
               ("流动负债合计", "流动负债合计"), ("非流动负债：", None), ("保险合同准备金", None), ("长期借款", "长期借款"),
               ("应付债券", "应付债券"), ("其中：优先股", None), ("永续债", None), ("租赁负债", "租赁负债"),
               ("长期应付款", "长期应付款"), ("预计负债", "预计负债"), ("递延收益", "递延收益"),
               ("递延所得税负债", "递延所得税负债"), ("其他非流动负债", "其他非流动负债"),
               ("非流动负债合计", "非流动负债合计"), ("负债合计", "负债合计"), ("所有者权益（或股东权益）：", None),
               ("实收资本（或股本）", "实收资本"), ("其他权益工具", "其他权益工具"), ("其中：优先股", None), ("永续债", None),
               ("资本公积", "资本公积"), ("减：库存股", "库存股"), ("其他综合收益", "其他综合收益"), ("专项储备", "专项储备"),
               ("盈余公积", "盈余公积"), ("一般风险准备", None), ("未分配利润", "未分配利润"),
               ("归属于母公司所有者权益（或股东权益）合计", "归属于母公司所有者权益合计"), ("少数股东权益", "少数股东权益"),
               ("所有者权益（或股东权益）合计", "所有者权益合计"),
               ("负债和所有者权益（或股东权益）总计", "负债和所有者权益总计")]
INCOME = [("一、营业总收入", "营业总收入"), ("其中：营业收入", "营业收入"), ("利息收入", None), ("已赚保费", None),
          ("手续费及佣金收入", None), ("二、营业总成本", "营业总成本"), ("其中：营业成本", "营业成本"), ("利息支出", None),
          ("手续费及佣金支出", None), ("退保金", None), ("赔付支出净额", None), ("提取保险责任准备金净额", None),
          ("保单红利支出", None), ("分保费用", None), ("税金及附加", "税金及附加"), ("销售费用", "销售费用"),
          ("管理费用", "管理费用"), ("研发费用", "研发费用"), ("财务费用", "财务费用"), ("其中：利息费用", "利息费用"),
          ("利息收入", "利息收入"), ("加：其他收益", "其他收益"), ("投资收益（损失以“－”号填列）", "投资收益"),
          ("其中：对联营企业和合营企业的投资收益", None),
          ("以摊余成本计量的金融资产终止确认收益（损失以“－”号填列）", None), ("汇兑收益（损失以“－”号填列）", None),
          ("净敞口套期收益（损失以“－”号填列）", None), ("公允价值变动收益（损失以“－”号填列）", "公允价值变动收益"),
          ("信用减值损失（损失以“－”号填列）", "信用减值损失"), ("资产减值损失（损失以“－”号填列）", "资产减值损失"),
          ("资产处置收益（损失以“－”号填列）", "资产处置收益"), ("三、营业利润（亏损以“－”号填列）", "营业利润"),
          ("加：营业外收入", "营业外收入"), ("减：营业外支出", "营业外支出"),
          ("四、利润总额（亏损总额以“－”号填列）", "利润总额"), ("减：所得税费用", "所得税费用"),
          ("五、净利润（净亏损以“－”号填列）", "净利润"), ("（一）按经营持续性分类", None),
          ("1．持续经营净利润（净亏损以“－”号填列）", None), ("2．终止经营净利润（净亏损以“－”号填列）", None),
          ("（二）按所有权归属分类", None), ("1．归属于母公司股东的净利润（净亏损以“－”号填列）", "归属于母公司所有者的净利润"),
          ("2．少数股东损益（净亏损以“－”号填列）", "少数股东损益"), ("六、其他综合收益的税后净额", None),
          ("七、综合收益总额", None), ("八、每股收益：", None), ("（一）基本每股收益（元/股）", None),
          ("（二）稀释每股收益（元/股）", None)]
CASH = [("一、经营活动产生的现金流量：", None), ("销售商品、提供劳务收到的现金", None), ("收到的税费返还", None),
        ("收到其他与经营活动有关的现金", None), ("经营活动现金流入小计", "经营活动现金流入小计"),
        ("购买商品、接受劳务支付的现金", None), ("支付给职工以及为职工支付的现金", None), ("支付的各项税费", None),
        ("支付其他与经营活动有关的现金", None), ("经营活动现金流出小计", "经营活动现金流出小计"),
        ("经营活动产生的现金流量净额", "经营活动产生的现金流量净额"), ("二、投资活动产生的现金流量：", None),
        ("收回投资收到的现金", None), ("投资活动现金流入小计", "投资活动现金流入小计"),
        ("购建固定资产、无形资产和其他长期资产支付的现金", None), ("投资活动现金流出小计", "投资活动现金流出小计"),
        ("投资活动产生的现金流量净额", "投资活动产生的现金流量净额"), ("三、筹资活动产生的现金流量：", None),
        ("吸收投资收到的现金", None), ("取得借款收到的现金", None), ("筹资活动现金流入小计", "筹资活动现金流入小计"),
        ("偿还债务支付的现金", None), ("筹资活动现金流出小计", "筹资活动现金流出小计"),
        ("筹资活动产生的现金流量净额", "筹资活动产生的现金流量净额"),
        ("四、汇率变动对现金及现金等价物的影响", "汇率变动对现金及现金等价物的影响"),
        ("五、现金及现金等价物净增加额", "现金及现金等价物净增加额"),
        ("加：期初现金及现金等价物余额", "期初现金及现金等价物余额"),
        ("六、期末现金及现金等价物余额", "期末现金及现金等价物余额")]


def figures(rows: list[Row]) -> dict[tuple[str, str, str], Any]:
    return {(s, i, c): v for s, i, c, v in rows}


def cover_of(rows: list[Row]) -> dict[str, Any]:
    return {i: v for s, i, _, v in rows if s == "封面"}


def _lines(ws, fig, sheet: str, lines, cols: tuple[str, str], start: int, col0: int, line_no: bool, first_no: int = 1):
    """Write label (| 行次) | value | value rows from `start` at column `col0` (1-based); returns the next row."""
    r = start
    for n, (label, item) in enumerate(lines, start=first_no):
        ws.cell(r, col0, label)
        c = col0 + 1
        if line_no:
            ws.cell(r, c, n)
            c += 1
        for j, col in enumerate(cols):
            v = fig.get((sheet, item, col)) if item else None
            if v is not None:
                ws.cell(r, c + j, v).number_format = "#,##0.00"
        r += 1
    return r


def _heading(ws, title: str, code: str, company: str, date: str, unit: str, width: int) -> None:
    ws.cell(1, 1, title)
    ws.cell(2, width, code)
    ws.cell(3, 1, f"编制单位：{company}")
    ws.cell(3, max(2, width // 2), date)
    ws.cell(3, width, f"单位：{unit}")


def balance_account(ws, fig, *, company: str, unit: str, code: str = "会合01表", line_no: bool = True,
                    gap: int = 1) -> None:
    """账户式: 资产 on the left, 负债和所有者权益 on the right, `gap` blank columns between, 上年年末余额."""
    cols = ("期末余额", "年初余额")
    w = 3 + line_no
    right = 1 + w + gap
    _heading(ws, "合并资产负债表", code, company, "2024年12月31日", unit, right + w - 1)
    for c0 in (1, right):
        heads = ["资产" if c0 == 1 else "负债和所有者权益（或股东权益）", *(["行次"] if line_no else []), "期末余额", "上年年末余额"]
        for j, h in enumerate(heads):
            ws.cell(5, c0 + j, h)
    _lines(ws, fig, BS, ASSETS, cols, 6, 1, line_no)
    _lines(ws, fig, BS, LIABILITIES, cols, 6, right, line_no, len(ASSETS) + 1)


def statement(ws, fig, sheet: str, lines, cols: tuple[str, str], heads: tuple[str, str], *, title: str, code: str,
              company: str, date: str, unit: str, line_no: bool = True, stray: bool = False, two_rows: bool = False) -> None:
    """报告式: one label column (a 科目编码 column before it and a 备注 column after it when `stray`)."""
    c0 = 2 if stray else 1
    width = c0 + line_no + 2 + stray
    _heading(ws, title, code, company, date, unit, width)
    h = 5
    ws.cell(h, c0, "项目")
    if line_no:
        ws.cell(h, c0 + 1, "行次")
    vc = c0 + 1 + line_no
    if two_rows:  # 本年累计 above 金额 (merged over the two header rows for the labels)
        ws.cell(h, vc, heads[0])
        ws.cell(h, vc + 1, heads[1])
        ws.cell(h + 1, vc, "金额")
        ws.cell(h + 1, vc + 1, "金额")
        ws.merge_cells(start_row=h, start_column=c0, end_row=h + 1, end_column=c0)
        h += 1
    else:
        ws.cell(h, vc, heads[0])
        ws.cell(h, vc + 1, heads[1])
    if stray:
        ws.cell(5, 1, "科目编码")
        ws.cell(5, vc + 2, "备注")
    end = _lines(ws, fig, sheet, lines, cols, h + 1, c0, line_no)
    if stray:
        for r in range(h + 1, end):
            ws.cell(r, 1, 1000 + r)
            ws.cell(r, vc + 2, "")


def supplement(ws, fig, heads: tuple[str, str] = ("本年", "上年")) -> None:
    from sasac_check.model.catalog import catalog

    ws.append(["补充资料"])
    ws.append(["项目", "行次", *heads])
    for n, it in enumerate(catalog().sheet(SUP).items, start=1):
        ws.append([it.name, n, fig.get((SUP, it.name, "本期")), fig.get((SUP, it.name, "上期"))])


def jiuqi_cover(ws, cover: dict[str, Any], scope: str = "合并报表") -> None:
    ws.append(["项目", "内容"])
    for label, value in (("单位名称", cover["企业名称"]), ("统一社会信用代码", cover["统一社会信用代码"]),
                         ("报表期间", cover["报告期"]), ("报表类型", cover["报表类型"]), ("金额单位", cover["金额单位"]),
                         ("行业", cover["行业类型"]), ("企业类别", cover["企业类别"]),
                         ("国资监管机构", cover["监管机构"]), ("报表类别", scope)):
        ws.append([label, value])


LAYOUTS = ("account", "report", "continued", "jiuqi", "ledger", "single")


def write_export(rows: list[Row], path: str | Path, layout: str) -> Path:
    """One return in `layout` (LAYOUTS) with the figures of `rows`."""
    fig, cover = figures(rows), cover_of(rows)
    company, unit = cover["企业名称"], cover["金额单位"]
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    kw = {"company": company, "unit": unit}
    is_ = ("本期金额", "上期金额")
    single = layout == "single"
    codes = ("会企01表", "会企02表", "会企03表") if single else ("会合01表", "会合02表", "会合03表")
    if layout in ("jiuqi", "single"):
        jiuqi_cover(wb.create_sheet("FMDM 封面代码"), cover, "单户报表" if single else "合并报表")
        names = ("Z01 资产负债表(企财01表)", "Z02 利润表(企财02表)", "Z03 现金流量表(企财03表)")
    else:
        names = ("合并资产负债表", "合并利润表", "合并现金流量表")
    if layout == "account":
        balance_account(wb.create_sheet(names[0]), fig, code=codes[0], **kw)
    elif layout == "continued":
        statement(wb.create_sheet("资产负债表"), fig, BS, ASSETS, ("期末余额", "年初余额"), ("期末余额", "年初余额"),
                  title="合并资产负债表", code=codes[0], date="2024年12月31日", **kw)
        statement(wb.create_sheet("资产负债表（续）"), fig, BS, LIABILITIES, ("期末余额", "年初余额"), ("期末余额", "年初余额"),
                  title="合并资产负债表（续）", code=codes[0], date="2024年12月31日", **kw)
    else:
        ledger = layout == "ledger"
        statement(wb.create_sheet(names[0]), fig, BS, ASSETS + LIABILITIES, ("期末余额", "年初余额"),
                  ("期末数", "年初数") if layout != "ledger" else ("期末金额", "年初金额"), title="合并资产负债表", code=codes[0],
                  date="2024年12月31日", line_no=not ledger, stray=ledger, **kw)
    if layout in ("jiuqi", "ledger"):
        wb.create_sheet("科目余额表").append(["科目编码", "科目名称", "期初余额", "本期借方", "本期贷方", "期末余额"])
        wb["科目余额表"].append([1001, "库存现金", 12.5, 3.0, 2.0, 13.5])
    ledger = layout == "ledger"
    statement(wb.create_sheet(names[1]), fig, IS, INCOME, is_, ("本年累计", "上年同期") if ledger else ("本期金额", "上期金额"),
              title="合并利润表", code=codes[1], date="2024年度", line_no=not ledger, stray=ledger, two_rows=ledger, **kw)
    statement(wb.create_sheet(names[2]), fig, CF, CASH, is_, ("本年累计数", "上年累计数") if ledger else ("本期金额", "上期金额"),
              title="合并现金流量表", code=codes[2], date="2024年度", line_no=not ledger, stray=ledger, **kw)
    supplement(wb.create_sheet("Z04 补充资料" if layout == "jiuqi" else "补充资料"), fig)
    if layout == "jiuqi":  # exported in another order, a ledger sheet between
        wb.move_sheet("Z03 现金流量表(企财03表)", offset=-3)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return Path(path)


def convert_with_soffice(src: Path, fmt: str, out_dir: Path) -> Path:
    """`src` converted by LibreOffice headless to `fmt` (xls / ods) in `out_dir`."""
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([shutil.which("soffice") or "soffice", f"-env:UserInstallation=file://{profile}", "--headless",
                        "--convert-to", fmt, "--outdir", str(out_dir), str(src)],
                       check=True, capture_output=True, timeout=180)
    return out_dir / f"{src.stem}.{fmt}"
