"""The extractor on the real texts and on small texts of the genre, against hand-counted facts."""

from __future__ import annotations

from decimal import Decimal

import pytest

from policygraph.corpus import Corpus
from policygraph.errors import ExtractionError
from policygraph.text.amounts import find_amounts
from policygraph.text.spans import Span
from policygraph.text.structure import (
    cn_to_int,
    parse_interpretation,
    parse_measures,
    parse_outline,
)


def read(home: Corpus, name: str) -> str:
    return (home.root / name).read_text(encoding="utf-8")


GX_FILE = "data/sources/2021-gx-guizhengbanfa-2021-81-measures.txt"
LZ_FILE = "data/sources/2022-02-24-liuzhou-liuzhenggui-2021-18-interpretation.txt"
CN_FILE = "data/reference/national-opinions-outline.md"


@pytest.mark.parametrize(
    ("numeral", "value"),
    [
        ("一", 1),
        ("十", 10),
        ("十一", 11),
        ("二十", 20),
        ("二十七", 27),
        ("一百零五", 105),
        ("百", 100),
    ],
)
def test_chinese_numerals(numeral: str, value: int) -> None:
    assert cn_to_int(numeral) == value


def test_not_a_numeral() -> None:
    with pytest.raises(ValueError):
        cn_to_int("甲")


def test_guangxi_structure_counts(home: Corpus) -> None:
    s = parse_measures(read(home, GX_FILE), "gx")
    assert [p.title.text for p in s.parts] == [
        "总体要求",
        "优化高新区布局",
        "提升高新区创新能力",
        "壮大高新技术产业",
        "加大开放创新力度",
        "营造高质量发展环境",
        "建立健全保障机制",
    ]
    assert [p.ordinal for p in s.provisions] == list(range(1, 28))
    assert [p.ordinal for p in s.provisions if p.general] == [1, 2, 3]
    assert sum(1 for p in s.provisions if p.annotation) == 24
    # Items per part, counted by hand: 3, 2, 5, 5, 3, 7, 2.
    per_part = [sum(1 for p in s.provisions if p.part == k) for k in range(1, 8)]
    assert per_part == [3, 2, 5, 5, 3, 7, 2]


def test_guangxi_titles_are_opening_sentences(home: Corpus) -> None:
    s = {p.ordinal: p for p in parse_measures(read(home, GX_FILE), "gx").provisions}
    assert s[3].title.text == "发展目标"  # no full stop after this heading
    assert s[11].title.text == "加速产业集聚发展"
    assert s[27].title.text == "落实考核评价和激励约束机制"
    # The last measure stops at its annotation: the web page's footer is not part of it.
    assert s[27].span.text.endswith("(牵头:自治区科技厅,配合:设区市人民政府、自治区财政厅)")
    assert "发布时间" not in s[27].span.text


def test_stray_space_and_full_stop_kept_as_written(home: Corpus) -> None:
    s = {p.ordinal: p for p in parse_measures(read(home, GX_FILE), "gx").provisions}
    assert [e.name.text for e in s[24].annotation.names("lead")] == ["自治区住房城乡 建设厅"]
    co = [e.name.text for e in s[21].annotation.names("co-lead")]
    assert co[-1] == "广西证监局"  # written 广西证监局。) in the source


def test_liuzhou_from_interpretation(home: Corpus) -> None:
    s = parse_interpretation(read(home, LZ_FILE), "lz")
    assert [p.title.text for p in s.parts] == [
        "提高产业自主创新能力",
        "发展壮大高新技术产业",
        "推进高新区科学规划建设",
        "加大创新改革开放力度",
        "加强组织保障",
    ]
    assert [p.ordinal for p in s.provisions] == list(range(1, 22))
    titles = {p.ordinal: p.title.text for p in s.provisions}
    assert titles[1] == "加强关键核心技术攻关"
    assert titles[16] == "“放管服”优化营商环境"
    assert titles[21] == "承上开展评价考核"
    assert [sum(1 for p in s.provisions if p.part == k) for k in range(1, 6)] == [5, 4, 5, 4, 3]


def test_national_from_outline(home: Corpus) -> None:
    s = parse_outline(read(home, CN_FILE), "cn")
    assert len(s.parts) == 7
    assert [p.ordinal for p in s.provisions] == list(range(1, 22))
    measures = [p.ordinal for p in s.provisions if not p.general]
    assert measures == list(range(4, 22))  # the 18 measures are items (四)–(二十一)
    titles = {p.ordinal: p.title.text for p in s.provisions}
    assert titles[4] == "大力集聚高端创新资源"
    assert titles[21] == "强化动态管理"


# --- the conventions of the genre, on small texts written for the tests ----------------------


def annotation_of(text: str) -> dict[str, list[str]]:
    s = parse_measures(text, "test")
    a = s.provisions[-1].annotation
    assert a is not None
    return {
        role: [e.name.text for e in a.names(role)] for role in ("lead", "co-lead", "responsible")
    }


@pytest.mark.parametrize(
    ("annotation", "expected"),
    [
        (
            "(牵头:A局,配合:B局、C局)",
            {"lead": ["A局"], "co-lead": ["B局", "C局"], "responsible": []},
        ),
        (
            "（牵头单位：A局；配合单位：B局、C局）",
            {"lead": ["A局"], "co-lead": ["B局", "C局"], "responsible": []},
        ),
        (
            "（A局、D局牵头，B局、C局配合）",
            {"lead": ["A局", "D局"], "co-lead": ["B局", "C局"], "responsible": []},
        ),
        ("（A局负责）", {"lead": [], "co-lead": [], "responsible": ["A局"]}),
        (
            "（责任单位：A局（牵头）、B局）",
            {"lead": ["A局"], "co-lead": ["B局"], "responsible": []},
        ),
        ("（A局（牵头）、B局）", {"lead": ["A局"], "co-lead": ["B局"], "responsible": []}),
        ("（A局会同B局负责）", {"lead": ["A局"], "co-lead": ["B局"], "responsible": []}),
        ("（A局牵头负责）", {"lead": ["A局"], "co-lead": [], "responsible": []}),
        ("（A局指导，B局参与）", {"lead": ["A局"], "co-lead": ["B局"], "responsible": []}),
        ("（A局、B局指导）", {"lead": [], "co-lead": [], "responsible": ["A局", "B局"]}),
        (
            "（各地区各部门按职责分工负责）",
            {"lead": [], "co-lead": [], "responsible": ["各地区各部门"]},
        ),
        ("（责任单位：A局、B局）", {"lead": [], "co-lead": [], "responsible": ["A局", "B局"]}),
        (
            "（牵头：市科技局，配合：各县（区）人民政府、市财政局）",
            {
                "lead": ["市科技局"],
                "co-lead": ["各县（区）人民政府", "市财政局"],
                "responsible": [],
            },
        ),
    ],
)
def test_annotation_forms(annotation: str, expected: dict[str, list[str]]) -> None:
    text = f"一、主要措施\n（一）支持创新。对企业给予支持。{annotation}\n"
    assert annotation_of(text) == expected


def test_unclosed_annotation_is_an_error() -> None:
    text = "一、主要措施\n（一）支持创新。对企业给予支持。（牵头：A局，配合：B局\n（二）其他。\n"
    with pytest.raises(ExtractionError, match=r"（一）.*no closing bracket"):
        parse_measures(text, "测试文件")


def test_no_numbered_items_is_an_error() -> None:
    with pytest.raises(ExtractionError, match="no numbered items"):
        parse_measures("这是一段没有编号的文字。\n", "测试文件")


# --- amounts -------------------------------------------------------------------------------


def test_guangxi_amounts_counted_by_hand(home: Corpus) -> None:
    text = read(home, GX_FILE)
    got = {}
    for p in parse_measures(text, "gx").provisions:
        if p.general:
            continue
        found = [(a.kind, a.text.text, a.wan_yuan) for a in find_amounts(text, p.body)]
        if found:
            got[p.ordinal] = found
    d = Decimal
    assert got == {
        4: [("cap", "1000万元", d(1000))],
        5: [("cap", "800万元", d(800))],
        6: [("cap", "500万元", d(500))],
        8: [("fixed", "1000万元", d(1000)), ("fixed", "50万元", d(50))],
        9: [("ratio", "1:1", None), ("cap", "1000万元", d(1000))],
        10: [("fixed", "300万元", d(300)), ("fixed", "100万元", d(100))],
        14: [
            ("fixed", "100万元", d(100)),
            ("fixed", "50万元", d(50)),
            ("cap", "50万元", d(50)),
            ("cap", "100万元", d(100)),
        ],
        15: [("fixed", "100万元", d(100)), ("fixed", "400万元", d(400))],
        27: [("cap", "1000万元", d(1000)), ("cap", "800万元", d(800)), ("fixed", "300万", d(300))],
    }


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("给予不少于50万元的资助。", "floor", Decimal(50)),
        ("安排资金1.5亿元。", "fixed", Decimal(15000)),
        ("奖励5000元。", "fixed", Decimal("0.5")),
        ("最高可达500万元。", "cap", Decimal(500)),
        ("给予不超过500万的财政奖补。", "cap", Decimal(500)),
    ],
)
def test_amount_units_and_kinds(text: str, kind: str, value: Decimal) -> None:
    (amount,) = find_amounts(text, Span.of(text, 0, len(text)))
    assert (amount.kind, amount.wan_yuan) == (kind, value)


def test_not_money() -> None:
    text = "比例不得突破规定上限7%,排名前35名,共3年,时间16:00。"
    assert find_amounts(text, Span.of(text, 0, len(text))) == []


# --- task tables (issue 12) ------------------------------------------------------------------

TABLE_DOC = """一、主要任务
（一）建设创新平台。支持建设实验室。（牵头：市科技局，配合：市财政局）
（二）培育创新人才。落实人才政策。
附件：重点任务分工表
| 序号 | 重点任务 | 牵头单位 | 配合单位 | 完成时限 |
| 1 | 建设创新平台 | 市科技局 | 市发展改革委 | 2023年底前 |
| 2 | 培育创新人才 | 市委组织部 | 市人力资源社会保障局、各有关单位 | 持续推进 |
| 3 | 建设数据中心 | 市数据局 | 市财政局 | 2024年底前 |
"""


def test_task_table_rows_join_measures_and_disagreements_are_kept() -> None:
    s = parse_measures(TABLE_DOC, "t")
    first, second = s.provisions
    assert first.annotation is not None and first.table_row is not None  # both kept
    assert [e.name.text for e in first.table_row.annotation.names("co-lead")] == ["市发展改革委"]
    assert second.annotation is None and second.assignments == [second.table_row.annotation]
    assert [d.text for d in second.assignments[0].deadlines] == ["持续推进"]
    assert [e.catch_all for e in second.assignments[0].names("co-lead")] == [False, True]
    (unmatched,) = s.unmatched_rows
    assert unmatched.task is not None and unmatched.task.text == "建设数据中心"


def test_a_plan_that_is_only_a_table() -> None:
    text = (
        "重点任务分工方案\n"
        "| 序号 | 工作任务 | 责任单位 | 完成时间 |\n"
        "| 1 | 建设创新平台 | 市科技局、市财政局 | 2023年底前 |\n"
        "| 2 | 培育创新人才 | 市委组织部 | 每年 |\n"
    )
    s = parse_measures(text, "t")
    assert s.style == "table" and [p.title.text for p in s.provisions] == [
        "建设创新平台",
        "培育创新人才",
    ]
    roles = [
        [(e.role, e.name.text) for a in p.assignments for e in a.entries] for p in s.provisions
    ]
    assert roles == [
        [("responsible", "市科技局"), ("responsible", "市财政局")],
        [("responsible", "市委组织部")],
    ]


def test_a_stated_convention_makes_the_first_responsible_unit_lead() -> None:
    text = (
        "重点任务分工方案\n注：责任单位中列第一位的为牵头单位。\n"
        "| 序号 | 工作任务 | 责任单位 |\n"
        "| 1 | 建设创新平台 | 市科技局、市财政局、市税务局 |\n"
    )
    (p,) = parse_measures(text, "t").provisions
    roles = [(e.role, e.name.text) for a in p.assignments for e in a.entries]
    assert roles == [("lead", "市科技局"), ("co-lead", "市财政局"), ("co-lead", "市税务局")]
    assert (
        p.table_row.convention is not None and "列第一位的为牵头单位" in p.table_row.convention.text
    )
