"""Deterministic sample returns (consistent, and with planted mistakes) and the shipped workbooks/ artefacts."""

from __future__ import annotations

import csv
import math
import random
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from sasac_check.model.catalog import catalog, key
from sasac_check.read.numbers import format_amount

Row = tuple[str, str, str, Any]  # (sheet, item, column, value)

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
NAMES = ("东胜区城市建设投资集团有限公司", "东胜区国有资产运营有限公司", "东胜区水务集团有限公司",
         "东胜区交通投资有限责任公司", "东胜区文化旅游发展集团有限公司", "东胜区农牧业发展有限公司")

BS, IS, CF, SUP, IND, COVER = "资产负债表", "利润表", "现金流量表", "补充资料", "主要指标", "封面"
CUR_ASSETS = ("货币资金", "交易性金融资产", "衍生金融资产", "应收票据", "应收账款", "应收款项融资", "预付款项",
              "其他应收款", "存货", "合同资产", "持有待售资产", "一年内到期的非流动资产", "其他流动资产")
NC_ASSETS = ("债权投资", "其他债权投资", "长期应收款", "长期股权投资", "其他权益工具投资", "其他非流动金融资产",
             "投资性房地产", "固定资产", "在建工程", "生产性生物资产", "油气资产", "使用权资产", "无形资产", "开发支出",
             "商誉", "长期待摊费用", "递延所得税资产", "其他非流动资产")
CUR_LIAB = ("短期借款", "交易性金融负债", "衍生金融负债", "应付票据", "应付账款", "预收款项", "合同负债", "应付职工薪酬",
            "应交税费", "其他应付款", "持有待售负债", "一年内到期的非流动负债", "其他流动负债")
NC_LIAB = ("长期借款", "应付债券", "租赁负债", "长期应付款", "预计负债", "递延收益", "递延所得税负债", "其他非流动负债")
EQUITY = ("实收资本", "其他权益工具", "资本公积", "库存股", "其他综合收益", "专项储备", "盈余公积", "未分配利润")
ZERO = {"衍生金融资产", "持有待售资产", "生产性生物资产", "油气资产", "衍生金融负债", "持有待售负债", "交易性金融负债",
        "其他权益工具", "库存股"}
COSTS = (("营业成本", 0.74), ("税金及附加", 0.012), ("销售费用", 0.03), ("管理费用", 0.05), ("研发费用", 0.026))


# --- 统一社会信用代码 (GB 32100-2015) -------------------------------------------------------------


def uscc_check_char(first17: str) -> str:
    """The 18th (check) character of a 统一社会信用代码 for its first 17 characters."""
    total = sum(USCC_CHARS.index(ch) * w for ch, w in zip(first17.upper(), USCC_WEIGHTS, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31]


def _org_check(first8: str) -> str:
    """GB 11714 check character of the 9-character organization code inside a USCC."""
    total = sum((int(ch) if ch.isdigit() else ord(ch) - 55) * w for ch, w in zip(first8, ORG_WEIGHTS, strict=True))
    c = 11 - total % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def make_uscc(seed: int = 0, region: str = "150602") -> str:
    """A valid 18-character 统一社会信用代码 (企业, 东胜区 by default), deterministic in `seed`."""
    rng = random.Random(f"uscc-{seed}")
    org8 = "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))
    first17 = "91" + region + org8 + _org_check(org8)
    return first17 + uscc_check_char(first17)


# --- consistent values ------------------------------------------------------------------------------


def _split(rng: random.Random, total: int, names: tuple[str, ...], zero: set[str] = ZERO) -> dict[str, int]:
    """Split `total` (in cents) over `names` by random weights; the last non-zero line takes the remainder."""
    live = [n for n in names if n not in zero]
    weights = [rng.uniform(0.2, 3.0) for _ in live]
    s = sum(weights)
    out = {n: 0 for n in names}
    acc = 0
    for n, w in zip(live[:-1], weights[:-1], strict=True):
        out[n] = int(total * w / s)
        acc += out[n]
    out[live[-1]] = total - acc
    return out


def _balance_sheet(rng: random.Random, size: int, debt_ratio: float) -> dict[str, int]:
    """One column of 资产负债表 in cents of 万元: every 合计 derived from its lines."""
    v: dict[str, int] = {}
    ca = int(size * rng.uniform(0.3, 0.45))
    v |= _split(rng, ca, CUR_ASSETS)
    v["流动资产合计"] = sum(v[n] for n in CUR_ASSETS)
    v |= _split(rng, size - ca, NC_ASSETS)
    v["非流动资产合计"] = sum(v[n] for n in NC_ASSETS)
    v["资产总计"] = v["流动资产合计"] + v["非流动资产合计"]
    liab = int(v["资产总计"] * debt_ratio)
    cl = int(liab * rng.uniform(0.45, 0.65))
    v |= _split(rng, cl, CUR_LIAB)
    v["流动负债合计"] = sum(v[n] for n in CUR_LIAB)
    v |= _split(rng, liab - cl, NC_LIAB)
    v["非流动负债合计"] = sum(v[n] for n in NC_LIAB)
    v["负债合计"] = v["流动负债合计"] + v["非流动负债合计"]
    equity = v["资产总计"] - v["负债合计"]
    minority = int(equity * rng.uniform(0.05, 0.12))
    parent = equity - minority
    v |= _split(rng, parent, EQUITY)
    v["归属于母公司所有者权益合计"] = sum(v[n] for n in EQUITY) - 2 * v["库存股"]  # 库存股 is 0: 减：库存股
    v["少数股东权益"] = minority
    v["所有者权益合计"] = v["归属于母公司所有者权益合计"] + v["少数股东权益"]
    v["负债和所有者权益总计"] = v["负债合计"] + v["所有者权益合计"]
    return v


def _income(rng: random.Random, revenue: int) -> dict[str, int]:
    """One column of 利润表 in cents: 营业总成本, 营业利润, 利润总额, 净利润 derived from their lines."""
    v = {"营业收入": revenue, "营业总收入": revenue}
    for name, share in COSTS:
        v[name] = int(revenue * share * rng.uniform(0.9, 1.1))
    v["利息费用"] = int(revenue * rng.uniform(0.008, 0.015))
    v["利息收入"] = int(revenue * rng.uniform(0.001, 0.004))
    v["财务费用"] = v["利息费用"] - v["利息收入"] + int(revenue * 0.001)
    v["营业总成本"] = sum(v[n] for n, _ in COSTS) + v["财务费用"]
    v["其他收益"] = int(revenue * rng.uniform(0.002, 0.01))
    v["投资收益"] = int(revenue * rng.uniform(-0.005, 0.02))
    v["公允价值变动收益"] = int(revenue * rng.uniform(-0.003, 0.003))
    v["信用减值损失"] = -int(revenue * rng.uniform(0.001, 0.006))
    v["资产减值损失"] = -int(revenue * rng.uniform(0.0, 0.004))
    v["资产处置收益"] = int(revenue * rng.uniform(-0.001, 0.002))
    v["营业利润"] = (v["营业总收入"] - v["营业总成本"] + v["其他收益"] + v["投资收益"] + v["公允价值变动收益"]
                 + v["信用减值损失"] + v["资产减值损失"] + v["资产处置收益"])
    v["营业外收入"] = int(revenue * rng.uniform(0.0, 0.003))
    v["营业外支出"] = int(revenue * rng.uniform(0.0, 0.002))
    v["利润总额"] = v["营业利润"] + v["营业外收入"] - v["营业外支出"]
    v["所得税费用"] = max(0, int(v["利润总额"] * 0.25))
    v["净利润"] = v["利润总额"] - v["所得税费用"]
    v["少数股东损益"] = int(v["净利润"] * rng.uniform(0.05, 0.12))
    v["归属于母公司所有者的净利润"] = v["净利润"] - v["少数股东损益"]
    return v


def _cash(rng: random.Random, begin: int, end: int, revenue: int) -> dict[str, int]:
    """One column of 现金流量表 in cents: 净增加额 = 期末 − 期初 = Σ 三类净额 + 汇率影响."""
    v = {"期初现金及现金等价物余额": begin, "期末现金及现金等价物余额": end, "现金及现金等价物净增加额": end - begin}
    v["汇率变动对现金及现金等价物的影响"] = int(revenue * rng.uniform(-0.0005, 0.0005))
    v["经营活动产生的现金流量净额"] = int(revenue * rng.uniform(0.05, 0.15))
    v["投资活动产生的现金流量净额"] = -int(revenue * rng.uniform(0.03, 0.12))
    v["筹资活动产生的现金流量净额"] = (v["现金及现金等价物净增加额"] - v["汇率变动对现金及现金等价物的影响"]
                              - v["经营活动产生的现金流量净额"] - v["投资活动产生的现金流量净额"])
    for kind in ("经营", "投资", "筹资"):
        net = v[f"{kind}活动产生的现金流量净额"]
        inflow = abs(net) + int(revenue * rng.uniform(0.1, 1.0))
        v[f"{kind}活动现金流入小计"] = inflow
        v[f"{kind}活动现金流出小计"] = inflow - net
    return v


def _supplement(rng: random.Random, inc: dict[str, int], bs: dict[str, int], sc_begin: int, sc_end: int,
                people: int) -> dict[str, int]:
    """One column of 补充资料 in cents (人数 in 人): 研发经费投入 ≥ 研发费用, 关键领域 ≤ 新增投资额."""
    rev = inc["营业收入"]
    v = {"从业人员平均人数": people, "新增人数": int(people * rng.uniform(0.03, 0.08)),
         "退休人数": int(people * rng.uniform(0.01, 0.04))}
    v["劳动生产总值"] = int(rev * rng.uniform(0.25, 0.4))
    v["研发经费投入"] = inc["研发费用"] + int(rev * rng.uniform(0.0, 0.01))
    v["期初国有资本及权益"], v["期末国有资本及权益"] = sc_begin, sc_end
    v["客观因素增加额"] = int(sc_end * rng.uniform(0.0, 0.02))
    v["客观因素减少额"] = int(sc_end * rng.uniform(0.0, 0.005))
    floor = int(sc_begin * 1.03)  # 保值增值率 ≥ 103%: an equity fall is explained by a reported 客观因素减少额 (划出)
    if sc_end - v["客观因素增加额"] + v["客观因素减少额"] < floor:
        v["客观因素减少额"] = floor - sc_end + v["客观因素增加额"]
    v["利息支出"] = inc["利息费用"]
    v["带息负债"] = bs["短期借款"] + bs["一年内到期的非流动负债"] + bs["长期借款"] + bs["应付债券"]
    v["上缴税费总额"] = inc["税金及附加"] + max(inc["所得税费用"], 0) + int(rev * 0.02)
    v["上缴国有资本收益"] = max(0, int(inc["归属于母公司所有者的净利润"] * 0.1))
    v["经营性资产"] = int(bs["资产总计"] * rng.uniform(0.7, 0.9))
    v["经营性收益"] = inc["营业利润"] - inc["投资收益"]
    v["新增投资额"] = int(rev * rng.uniform(0.05, 0.2))
    v["关键领域新增投资额"] = int(v["新增投资额"] * rng.uniform(0.5, 0.9))
    v["招商引资额"] = int(rev * rng.uniform(0.02, 0.1))
    v["化解债务额"] = int(v["带息负债"] * rng.uniform(0.0, 0.05))
    return v


def cover_values(seed: int = 0, **overrides: str) -> dict[str, str]:
    """A complete, valid 封面."""
    cover = {
        "企业名称": NAMES[seed % len(NAMES)] if seed < len(NAMES) else f"{NAMES[seed % len(NAMES)][:-4]}{seed}有限公司",
        "统一社会信用代码": make_uscc(seed), "报告期": "2024年度", "报表类型": "年报", "金额单位": "万元",
        "企业类别": "商业二类", "行业类型": "工业", "监管机构": "东胜区国资委", "合并范围": "合并",
        "填报人": "张会计", "联系电话": "0477-8512345", "模板版本": catalog().version,
    }
    cover.update(overrides)
    return cover


def consistent_values(seed: int = 0, *, debt_ratio: float | None = None, **cover_overrides: str) -> list[Row]:
    """A realistic return (amounts in 万元, 2 decimals) where every identity of domain.md holds exactly.

    Construction (all in integer cents of 万元, so sums are exact): each 合计 is the sum of its lines;
    负债 = 资产 × debt ratio (< 65% unless `debt_ratio` says otherwise), 所有者权益 = 资产 − 负债, split into
    归母 + 少数; 营业总成本 = Σ cost lines, 营业利润 … 净利润 = 归母净利润 + 少数股东损益; cash: 期末现金 =
    货币资金 − restricted cash, 净增加额 = 期末 − 期初 = Σ net flows + 汇率影响, 期初现金[本期] = 期末现金[上期];
    期初 / 期末国有资本及权益 = 归母权益 (年初 / 期末), 保值增值 ≥ 3% (a fall explained by 客观因素减少额); 研发经费投入 ≥ 研发费用; 关键领域 ≤ 新增投资额.
    主要指标 本期值 are the indicators computed from these amounts, rounded to their precision.
    """
    rng = random.Random(seed)
    size = int(rng.uniform(5e5, 5e6) * 100)  # 资产总计 in cents of 万元: 50亿 … 500亿
    ratio = debt_ratio if debt_ratio is not None else rng.uniform(0.45, 0.6)
    bs_end = _balance_sheet(rng, size, ratio)
    bs_begin = _balance_sheet(rng, int(size / rng.uniform(1.03, 1.12)), ratio + rng.uniform(-0.03, 0.02))
    rev = int(size * rng.uniform(0.3, 0.6))
    inc_cur, inc_prev = _income(rng, rev), _income(rng, int(rev / rng.uniform(1.02, 1.15)))
    restricted = lambda bs: int(bs["货币资金"] * rng.uniform(0.02, 0.08))  # noqa: E731
    cash_end, cash_begin = bs_end["货币资金"] - restricted(bs_end), bs_begin["货币资金"] - restricted(bs_begin)
    cash_prev_begin = int(cash_begin / rng.uniform(0.9, 1.2))
    cf_cur, cf_prev = _cash(rng, cash_begin, cash_end, rev), _cash(rng, cash_prev_begin, cash_begin, inc_prev["营业收入"])
    sc_begin = bs_begin["归属于母公司所有者权益合计"]
    rng.uniform(1.05, 1.1)  # drawn as before, so that every later figure of a seed stays the same
    sc_end = bs_end["归属于母公司所有者权益合计"]  # a wholly state-owned group: 国有资本及权益 = 归母权益 (CAP-002, CAP-003)
    sc_prev_begin = int(sc_begin / rng.uniform(1.02, 1.08))
    people = rng.randint(300, 3000)
    sup_cur = _supplement(rng, inc_cur, bs_end, sc_begin, sc_end, people)
    sup_prev = _supplement(rng, inc_prev, bs_begin, sc_prev_begin, sc_begin, int(people / rng.uniform(0.95, 1.08)))
    rows: list[Row] = [(COVER, k, "值", v) for k, v in cover_values(seed, **cover_overrides).items()]
    cat = catalog()
    columns = {BS: (bs_end, bs_begin), IS: (inc_cur, inc_prev), CF: (cf_cur, cf_prev), SUP: (sup_cur, sup_prev)}
    for sd in cat.sheets:
        for item in sd.items:
            for col, data in zip(sd.columns, columns[sd.name], strict=True):
                cents = data[item.name]
                rows.append((sd.name, item.name, col, cents if item.kind == "count" else round(cents / 100, 2)))
    return rows + indicator_rows(rows)


# --- indicators --------------------------------------------------------------------------------------


class _PointTable:
    """The one-row table evaluator.Evaluator needs, over values in 元 (NaN where blank)."""

    n = 1

    def __init__(self, values: dict[str, float]) -> None:
        self.values = values

    def interval(self, k: str, prior: bool = False):
        from sasac_check.check.interval import Iv

        return Iv.point(np.array([self.values.get(k, math.nan)]))

    def text(self, name: str) -> np.ndarray:
        return np.array([None], dtype=object)


def amounts_in_yuan(rows: list[Row]) -> dict[str, float]:
    """item[column] → value in 元 (counts as they are), from rows in the cover's 金额单位."""
    cat = catalog()
    unit = next((v for s, i, _, v in rows if s == COVER and i == "金额单位"), "元")
    scale = cat.units.get(unit, 1)
    out = {}
    for sheet, item, col, v in rows:
        if sheet in (COVER, IND) or v is None or v == "" or isinstance(v, str):
            continue
        out[key(item, col)] = float(v) * (1 if cat.item(item).kind == "count" else scale)
    return out


def indicator_values(rows: list[Row]) -> dict[str, float]:
    """Each shipped indicator computed from the rows' amounts, rounded to its stated precision (NaN skipped)."""
    from sasac_check.check.evaluator import Evaluator
    from sasac_check.read import shipped_indicators

    table = _PointTable(amounts_in_yuan(rows))
    ev = Evaluator(table, catalog())
    out = {}
    for name, ind in shipped_indicators().items():
        iv = ev.num(ind.value_node)
        x = float(iv.mid[0])
        if math.isfinite(x):
            out[name] = round(x, ind.precision + (2 if ind.unit == "%" else 0))
    return out


def indicator_rows(rows: list[Row]) -> list[Row]:
    return [(IND, name, "本期值", v) for name, v in indicator_values(rows).items()]


# --- planted mistakes --------------------------------------------------------------------------------


class Expected(NamedTuple):
    """One planted mistake: the rule id that must report it and its cell."""

    kind: str  # the rule id that must fire there (READ-* from the reader, the others from rules/*.yaml)
    sheet: str
    item: str
    column: str
    note: str = ""


def _set(rows: list[Row], sheet: str, item: str, column: str, value: Any) -> None:
    for i, (s, it, c, _) in enumerate(rows):
        if (s, it, c) == (sheet, item, column):
            rows[i] = (s, it, c, value)
            return
    rows.append((sheet, item, column, value))


def _get(rows: list[Row], sheet: str, item: str, column: str) -> Any:
    return next(v for s, it, c, v in rows if (s, it, c) == (sheet, item, column))


def plant_mistakes(rows: list[Row]) -> tuple[list[Row], list[Expected]]:
    """The same return with six planted mistakes, and where each must be reported."""
    rows = list(rows)
    col = "期末余额"
    # 1. debt ratio over the 工业 warning line (65%), kept consistent: 未分配利润 → 长期借款.
    assets = _get(rows, BS, "资产总计", col)
    shift = round(assets * 0.68 - _get(rows, BS, "负债合计", col), 2)
    for item, sign in (("长期借款", 1), ("非流动负债合计", 1), ("负债合计", 1), ("未分配利润", -1),
                       ("归属于母公司所有者权益合计", -1), ("所有者权益合计", -1)):
        _set(rows, BS, item, col, round(_get(rows, BS, item, col) + sign * shift, 2))
    for item, sign in (("期末国有资本及权益", -1), ("客观因素减少额", 1)):  # the state's equity falls with 归母 (a 划出)
        _set(rows, SUP, item, "本期", round(_get(rows, SUP, item, "本期") + sign * shift, 2))
    # 2. 营业总成本 left blank (a required item).
    _set(rows, IS, "营业总成本", "本期金额", None)
    stated = {n: v for s, n, _, v in rows if s == IND} | indicator_values(rows)  # blank inputs keep the old value
    rows = [r for r in rows if r[0] != IND] + [(IND, n, "本期值", v) for n, v in stated.items()]
    # 3. 营业收入利润率 stated wrongly (0.7 points off).
    _set(rows, IND, "营业收入利润率", "本期值", round(stated["营业收入利润率"] + 0.007, 4))
    # 4. 流动资产合计 off by 100.
    _set(rows, BS, "流动资产合计", col, round(_get(rows, BS, "流动资产合计", col) + 100, 2))
    # 5. a text number, right in value.
    _set(rows, BS, "应收账款", col, "'" + format_amount(_get(rows, BS, "应收账款", col)))
    # 6. a 统一社会信用代码 with a wrong check character.
    code = _get(rows, COVER, "统一社会信用代码", "值")
    wrong = USCC_CHARS[(USCC_CHARS.index(code[-1]) + 1) % 31]
    _set(rows, COVER, "统一社会信用代码", "值", code[:-1] + wrong)
    expected = [
        Expected("DEBT-IND-W", IND, "资产负债率", "本期值", "资产负债率 68% 超过工业预警线 65%"),
        Expected("SCH-REQUIRED", IS, "营业总成本", "本期金额", "必填项目未填"),
        Expected("IND-I02", IND, "营业收入利润率", "本期值", "填报值与计算值不一致"),
        Expected("BS-001", BS, "流动资产合计", col, "流动资产合计 ≠ 各项之和（差 100）"),
        Expected("READ-TEXT-NUMBER", BS, "应收账款", col, "数字以文本形式存储"),
        Expected("SCH-USCC", COVER, "统一社会信用代码", "值", "校验码错误"),
    ]
    return rows, expected


# --- files -------------------------------------------------------------------------------------------


def write_values_csv(rows: list[Row], path: str | Path) -> Path:
    """The rows as a values table (UTF-8 with BOM, so Excel opens it right): sheet,item,column,value."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["sheet", "item", "column", "value"])
        for sheet, item, col, v in rows:
            w.writerow([sheet, item, col, "" if v is None else v])
    return out


def write_return(rows: list[Row], path: str | Path) -> Path:
    """The rows filled into a fresh template, saved as `path` (values only: every cell has its value)."""
    from sasac_check.authoring.fill import fill_rows

    fill_rows(rows, path, source="<samples>")
    return Path(path)


def regenerate(folder: str | Path | None = None) -> list[Path]:
    """Write the shipped artefacts of workbooks/."""
    from sasac_check.authoring.template import write_template
    from sasac_check.model.resources import data_path

    d = Path(folder) if folder else data_path("workbooks")
    clean = consistent_values(0)
    bad, _ = plant_mistakes(clean)
    return [
        write_template(d / "standard-return-template.xlsx"),
        write_return(clean, d / "sample-clean.xlsx"),
        write_return(bad, d / "sample-mistakes.xlsx"),
        write_values_csv(clean, d / "sample-values.csv"),
    ]


if __name__ == "__main__":
    for p in regenerate():
        print(p)
