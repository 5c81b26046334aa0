"""Test articles for the store and batch tests, written for these tests (not from any dataset).

`articles(n)` builds n distinct articles by drawing different sentences from pools, so any two
share little text; `edited(texts)` makes the kind of copy a portal syndicates: re-punctuated, a
word changed, a credit line added.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

ZH_SUBJECTS = [
    "宁德时代",
    "比亚迪",
    "招商银行",
    "中国平安",
    "贵州茅台",
    "隆基绿能",
    "美的集团",
    "海天味业",
    "中芯国际",
    "药明康德",
    "万科",
    "紫金矿业",
]
ZH_VERBS = [
    "发布公告称",
    "在业绩说明会上表示",
    "披露的季度报告显示",
    "相关负责人介绍",
    "在投资者关系活动中透露",
    "最新数据显示",
]
ZH_OBJECTS = [
    "营业收入同比增长{n}%",
    "净利润达到{n}亿元",
    "计划新增产能{n}万吨",
    "海外订单占比提升至{n}%",
    "研发投入同比增加{n}%",
    "拟每10股派发现金红利{n}元",
    "毛利率回升至{n}%",
    "新开门店{n}家",
    "存货周转天数缩短{n}天",
    "员工总数增至{n}万人",
]
ZH_TAILS = [
    "分析人士认为，这一变化反映出行业景气度正在回暖。",
    "市场对此反应积极，股价盘中一度上涨。",
    "公司表示将继续加大在核心技术上的投入。",
    "业内预计下半年需求仍将保持稳定。",
    "不过也有观点指出，原材料价格波动仍是主要风险。",
    "监管部门近期出台的政策为行业带来新的机遇。",
]
EN_SUBJECTS = [
    "Northwind Motors",
    "Harbor Bank",
    "Silverline Foods",
    "Apex Semiconductors",
    "Greenfield Energy",
    "Bluewater Shipping",
    "Cobalt Mining",
    "Orchid Pharma",
]
EN_VERBS = [
    "said on Tuesday that",
    "reported that",
    "told investors that",
    "announced that",
    "confirmed in a filing that",
]
EN_OBJECTS = [
    "quarterly revenue rose {n} percent",
    "it would cut {n} jobs",
    "net profit reached {n} million dollars",
    "exports to Europe grew by {n} percent",
    "it plans to open {n} new plants",
    "its dividend would rise to {n} cents a share",
    "research spending climbed {n} percent",
    "its order backlog hit {n} billion dollars",
]
EN_TAILS = [
    "Analysts said the figures beat expectations.",
    "Shares rose in early trading.",
    "The company expects demand to stay firm next year.",
    "Critics warned that tariffs remain a risk.",
    "Regulators are reviewing the sector's pricing practices.",
]


def _paragraph(rng: random.Random, lang: str) -> str:
    if lang == "zh":
        parts = []
        for _ in range(rng.randint(2, 3)):
            obj = rng.choice(ZH_OBJECTS).format(n=rng.randint(2, 999))
            parts.append(f"{rng.choice(ZH_SUBJECTS)}{rng.choice(ZH_VERBS)}，{obj}。")
        parts.append(rng.choice(ZH_TAILS))
        return "".join(parts)
    parts = []
    for _ in range(rng.randint(2, 3)):
        obj = rng.choice(EN_OBJECTS).format(n=rng.randint(2, 999))
        parts.append(f"{rng.choice(EN_SUBJECTS)} {rng.choice(EN_VERBS)} {obj}.")
    parts.append(rng.choice(EN_TAILS))
    return " ".join(parts)


def article_record(i: int, lang: str | None = None, seed: int = 7) -> dict:
    rng = random.Random(seed * 100_003 + i)
    lang = lang or ("zh" if i % 3 else "en")
    paragraphs = [_paragraph(rng, lang) for _ in range(rng.randint(4, 6))]
    day = 1 + i % 28
    return {
        "id": f"art-{i:05d}",
        "lang": lang,
        "title": f"测试新闻第{i}号" if lang == "zh" else f"Test story number {i}",
        "source": "测试财经" if lang == "zh" else "Test Wire",
        "published": f"2024-03-{day:02d} 09:{i % 60:02d}",
        "paragraphs": paragraphs,
    }


def edited(paragraphs: list[str]) -> list[str]:
    """A syndicated copy: other punctuation, one word swapped, a credit line appended."""
    out = [p.replace("，", ",").replace("。", ". ") for p in paragraphs]
    out[0] = out[0].replace("表示", "称", 1).replace("said", "stated", 1)
    out[-1] = out[-1] + "（来源：测试转载网）"
    return out


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return path
