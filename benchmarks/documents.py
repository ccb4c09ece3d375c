"""A generator of policy documents of the genre's real shape, deterministic by seed (issue 24).

One national document of opinions; provincial measures implementing it (issued by each
province's 人民政府办公厅, citing it by title and 文号); city measures implementing their
province's (issued by the city's 人民政府办公室). Each item carries what real pages carry:
annotations in the several ways publishers write them (（X牵头，Y、Z配合）, （牵头单位：X；配合单位：
Y）, （责任单位：X、Y）), catch-alls (各有关部门, 各县（市、区）人民政府), amounts, deadlines
(2023年底前), and some documents state their lead rule in prose (排在第一位的为牵头单位) with
bare lists after it. A third of the documents are written as saved HTML pages, the rest as text.

    python benchmarks/documents.py --count 1000 --out /tmp/docs-1000 --seed 7
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

PROVINCES = [
    ("云南省", "云", "cn-yn"),
    ("四川省", "川", "cn-sc"),
    ("贵州省", "黔", "cn-gz"),
    ("湖南省", "湘", "cn-hn"),
    ("湖北省", "鄂", "cn-hb"),
    ("江西省", "赣", "cn-jx"),
    ("浙江省", "浙", "cn-zj"),
    ("福建省", "闽", "cn-fj"),
    ("山东省", "鲁", "cn-sd"),
    ("河南省", "豫", "cn-ha"),
    ("河北省", "冀", "cn-he"),
    ("山西省", "晋", "cn-sx"),
    ("陕西省", "陕", "cn-sn"),
    ("甘肃省", "甘", "cn-gs"),
    ("青海省", "青", "cn-qh"),
    ("吉林省", "吉", "cn-jl"),
    ("辽宁省", "辽", "cn-ln"),
    ("安徽省", "皖", "cn-ah"),
    ("江苏省", "苏", "cn-js"),
    ("广东省", "粤", "cn-gd"),
    ("海南省", "琼", "cn-hi"),
]
CITY_CHARS = "安宁平昌河阳山江城水清远新兴华德永丰泰和庆康乐明光州源宝林云南东西北中"
TOPICS = [
    ("集聚高端创新资源", "对新认定的新型研发机构给予最高{n}万元支持"),
    ("培育一流创新人才", "对引进的领军人才给予{n}万元安家补助"),
    ("加强关键核心技术攻关", "按上级支持资金1:1给予配套"),
    ("支持高新技术企业发展", "对首次认定的高新技术企业给予{n}万元奖励"),
    ("优化园区营商环境", "{d}完成园区审批事项清单梳理"),
    ("强化金融支持", "设立规模{n}亿元的产业发展基金"),
    ("推进开放合作", "支持园区与境外园区共建合作平台"),
    ("完善考核评价", "{d}建立园区发展年度评价制度"),
]
DEPARTMENTS = [
    "科技厅",
    "财政厅",
    "发展改革委",
    "工业和信息化厅",
    "人力资源社会保障厅",
    "自然资源厅",
    "商务厅",
    "税务局",
    "地方金融监管局",
    "市场监管局",
    "教育厅",
]
CITY_DEPARTMENTS = [
    "科技局",
    "财政局",
    "发展改革委",
    "工业和信息化局",
    "人力资源社会保障局",
    "自然资源局",
    "商务局",
    "税务局",
    "金融办",
    "市场监管局",
    "教育局",
]
NUMERALS = "一二三四五六七八九十"
NATIONAL = ("国务院关于促进国家高新技术产业开发区高质量发展的若干意见", "国发〔2020〕7号")


def numeral(n: int) -> str:
    if n <= 10:
        return NUMERALS[n - 1]
    return (
        ("" if n < 20 else NUMERALS[n // 10 - 1]) + "十" + (NUMERALS[n % 10 - 1] if n % 10 else "")
    )


def _annotation(rng: random.Random, prefix: str, names: list[str], prose_rule: bool) -> str:
    picked = rng.sample(names, rng.randint(2, 4))
    lead, co = prefix + picked[0], "、".join(prefix + n for n in picked[1:])
    if rng.random() < 0.15:
        co += "、各有关部门"
    if prose_rule:
        return f"（{lead}、{co}）"
    return rng.choice(
        [
            f"（{lead}牵头，{co}配合）",
            f"（牵头单位：{lead}；配合单位：{co}）",
            f"（责任单位：{lead}、{co}）",
        ]
    )


def _items(rng: random.Random, prefix: str, names: list[str], style: str, prose: bool) -> list[str]:
    out = []
    for k in range(1, rng.randint(6, 14) + 1):
        title, body = rng.choice(TOPICS)
        body = body.format(
            n=rng.choice([50, 100, 200, 500]), d=f"{rng.choice([2023, 2024, 2025])}年底前"
        )
        label = f"第{numeral(k)}条" if style == "articles" else f"（{numeral(k)}）"
        out.append(f"{label} {title}。{body}。{_annotation(rng, prefix, names, prose)}")
    return out


def document(
    rng: random.Random,
    issuer: str,
    number: str,
    title: str,
    parent: tuple[str, str],
    prefix: str,
    names: list[str],
    date: str,
) -> str:
    """One document's text: 文号, title, the sentence naming what it implements, items, signature."""
    prose = rng.random() < 0.2
    style = rng.choice(["articles", "parens"])
    lines = [
        number,
        "",
        title,
        "",
        f"为贯彻落实《{parent[0]}》（{parent[1]}），结合实际，制定如下措施。",
    ]
    if prose:
        lines.append("各项任务排在第一位的为牵头单位，其他为配合单位。")
    lines += _items(rng, prefix, names, style, prose)
    if rng.random() < 0.3:
        lines.append("各县（市、区）人民政府要结合实际抓好落实。")
    lines += ["", issuer, date, ""]
    return "\n".join(lines)


def as_html(text: str, title: str) -> str:
    paragraphs = "\n".join(f"<p>{line}</p>" for line in text.splitlines() if line.strip())
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>'
        f'{title}</title></head><body><div class="article">{paragraphs}</div></body></html>\n'
    )


def generate(out: Path, count: int, seed: int = 7) -> list[Path]:
    """``count`` documents in ``out`` (provinces first, then their cities), deterministic; their
    names sort the provinces first (``1-p000``, then ``2-c00000``), so that a batch of the
    folder, which takes its files in that order, holds each province when its cities come."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    provinces = []
    for k, (name, abbr, _code) in enumerate(
        PROVINCES[: max(1, min(len(PROVINCES), count // 20 or 1))]
    ):
        number = f"{abbr}政办发〔2021〕{k + 1}号"
        title = f"{name}人民政府办公厅关于促进高新技术产业开发区高质量发展的实施意见"
        text = document(
            rng, f"{name}人民政府办公厅", number, title, NATIONAL, "省", DEPARTMENTS, "2021年6月1日"
        )
        written.append(_write(out, f"1-p{k:03d}", text, title, rng))
        provinces.append((name, (title, number)))
    n = 0
    while len(written) < count:
        province, parent = provinces[n % len(provinces)]
        city = "".join(rng.sample(CITY_CHARS, 2)) + "市"
        number = f"{city[0]}政办〔2022〕{n + 1}号"
        title = f"{city}人民政府办公室关于促进高新技术产业开发区高质量发展的若干措施"
        text = document(
            rng,
            f"{province}{city}人民政府办公室",
            number,
            title,
            parent,
            "市",
            CITY_DEPARTMENTS,
            "2022年5月20日",
        )
        written.append(_write(out, f"2-c{n:05d}", text, title, rng))
        n += 1
    return written


def _write(out: Path, stem: str, text: str, title: str, rng: random.Random) -> Path:
    if rng.random() < 1 / 3:
        path = out / f"{stem}.html"
        path.write_text(as_html(text, title), encoding="utf-8")
    else:
        path = out / f"{stem}.txt"
        path.write_text(text, encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    paths = generate(args.out, args.count, args.seed)
    print(f"{len(paths)} documents in {args.out}")


if __name__ == "__main__":
    main()
