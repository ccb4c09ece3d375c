"""Text to structure: parts, numbered provisions and responsibility annotations.

Generic over the conventions of Chinese policy documents, not over one file:

* parts are lines headed ``一、`` ``二、`` …; provisions are paragraphs headed ``(一)`` or ``（一）``
  (or ``第一条``), numbered through the whole document; a provision's title is its opening
  sentence;
* a concrete measure ends with a responsibility annotation in brackets, in any of the forms
  ``(牵头:A,配合:B、C)``, ``（牵头单位：A；配合单位：B、C）``, ``（A牵头，B、C配合）``,
  ``（A负责）``, ``（责任单位：A、B）``; names may contain brackets of their own (各县（区）人民政府);
* half-width and full-width punctuation both occur, and so do stray spaces inside names.

Every piece of text the extractor returns is a :class:`Span` into the decoded source, so the graph
can quote it with exact offsets. Resolving names to departments is :mod:`policygraph.departments`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from policygraph.errors import ExtractionError
from policygraph.i18n import N_
from policygraph.text.annotations import Annotation, find_annotations
from policygraph.text.rules import apply_rules
from policygraph.text.spans import SPACE, Span
from policygraph.text.tasktables import SourceTaskRow, SourceTaskTable, task_tables

NUMERAL = "零〇一二两三四五六七八九十百"
_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7}
_DIGITS |= {"八": 8, "九": 9}


def cn_to_int(numeral: str) -> int:
    """Read a Chinese numeral up to 999: 十一 -> 11, 二十七 -> 27, 一百零五 -> 105."""
    if not numeral or any(ch not in NUMERAL for ch in numeral):
        raise ValueError(f"not a Chinese numeral: {numeral!r}")
    total, current = 0, 0
    for ch in numeral:
        if ch == "百":
            total += (current or 1) * 100
            current = 0
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = _DIGITS[ch]
    return total + current


@dataclass
class Part:
    ordinal: int
    label: str  # 二、
    numeral: str
    title: Span
    span: Span  # the heading as quoted
    key: str = ""  # its IRI segment where the number repeats in one text (a notice's 一、 and
    # then its plan's 一、): 1-2; else the ordinal

    @property
    def segment(self) -> str:
        return self.key or str(self.ordinal)


@dataclass
class Provision:
    ordinal: int
    label: str  # (十一)
    numeral: str
    title: Span
    span: Span  # the whole provision text as quoted
    part: int | None
    general: bool  # an item of 总体要求 rather than a concrete measure
    annotations: list[Annotation] = field(default_factory=list)  # in order; sentences may carry one
    body: Span | None = None  # the text without its annotation (where amounts are read)
    table_row: SourceTaskRow | None = None  # its row of the document's task table (任务分工表)
    group: Provision | None = None  # the (一) group a numbered sub-item (1. （1）) belongs to
    part_item: bool = False  # a 一、 paragraph that is a measure itself, beside parts with items
    part_key: str | None = None  # the part's IRI segment where it is not its ordinal

    @property
    def part_segment(self) -> str | None:
        """The IRI segment of the provision's part: its ordinal, or 1-2 for a repeated 一、."""
        return self.part_key or (str(self.part) if self.part else None)

    @property
    def annotation(self) -> Annotation | None:
        """The first of the measure's own annotations."""
        return self.annotations[0] if self.annotations else None

    @property
    def assignments(self) -> list[Annotation]:
        """Who does it, by when: the measure's own annotations, else its task-table row."""
        if self.annotations:
            return self.annotations
        return [self.table_row.annotation] if self.table_row else []


@dataclass
class Structure:
    parts: list[Part] = field(default_factory=list)
    provisions: list[Provision] = field(default_factory=list)
    style: str = "cn"  # the numbering style of the provisions: cn, article, arabic, arabic-paren
    unmatched_rows: list[SourceTaskRow] = field(
        default_factory=list
    )  # task-table rows of no measure
    unknown_headers: list[str] = field(default_factory=list)  # task-table headers not understood

    @property
    def restarts_per_part(self) -> bool:
        """True when item numbers start again in each part (1. 2. … in every part)."""
        seen: set[int] = set()
        tops: list[Provision] = []  # each item of the first level once (a group for its items)
        for p in self.provisions:
            top = p
            while top.group is not None:
                top = top.group
            if not p.part_item and all(top is not t for t in tops):
                tops.append(top)
        for top in tops:
            if top.ordinal in seen:
                return True
            seen.add(top.ordinal)
        return False

    @property
    def groups(self) -> list[Provision]:
        """The groups of numbered sub-items, in order."""
        out: list[Provision] = []
        for p in self.provisions:
            if p.group is not None and p.group not in out:
                out.append(p.group)
        return out


def ordinal(numeral: str) -> int:
    return int(numeral) if numeral.isdigit() else cn_to_int(numeral)


# --- headings -------------------------------------------------------------------------------

_PART = re.compile(
    rf"^[{SPACE}]*(?P<label>(?P<num>[{NUMERAL}]+)、)[{SPACE}]*(?P<title>.*?)[{SPACE}]*$"
)
# Numbered items, by style; a document's provisions are the items of the first style it uses
# (so the 1. 2. inside a (一) item stay part of its text).
_ITEM_STYLES = [
    ("cn", re.compile(rf"^[{SPACE}]*(?P<label>[(（](?P<num>[{NUMERAL}]+)[)）])")),
    ("article", re.compile(rf"^[{SPACE}]*(?P<label>第(?P<num>[{NUMERAL}]+)条)")),
    ("arabic", re.compile(rf"^[{SPACE}]*(?P<label>(?P<num>\d{{1,5}})[.、．])(?!\d)")),
    ("arabic-paren", re.compile(rf"^[{SPACE}]*(?P<label>[(（](?P<num>\d{{1,5}})[)）])")),
]
_TRAILER = re.compile(
    rf"^[{SPACE}]*(发布时间|发布日期|来源|文件下载|附件[:：]|责任编辑|打印本页|关闭窗口|扫一扫|[(（]此件)"
)
# A signature: the issuer on a short line, then the date alone on the next
_SIGNED = re.compile(rf"^[{SPACE}]*\d{{4}}年\d{{1,2}}月\d{{1,2}}日[{SPACE}]*$")
_ISSUER = re.compile(r"(人民政府|办公厅|办公室|委员会|[厅局部委院])$")
_GENERAL_PART = re.compile(r"总体要求|总则|指导思想|基本原则")
_SENTENCE_END = "。"


# A line ends at a line feed, or at a form feed (what PDF text tools write at a page break, so
# that the page's first line, often a part heading, starts after it); the text is never edited
_BREAK = re.compile(r"[\n\f]")


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of every line, end excluding the line break (and a carriage return)."""
    out, pos = [], 0
    for m in [*_BREAK.finditer(text), None]:
        end = m.start() if m is not None else len(text)
        out.append((pos, end - 1 if text[pos:end].endswith("\r") else end))
        pos = end + 1
    return out


def _is_part_heading(line: str) -> re.Match[str] | None:
    m = _PART.match(line)
    if not m or not m.group("title"):
        return None
    title = m.group("title")
    # A heading is short and is not a sentence that goes on after a full stop.
    if len(title) > 40 or _SENTENCE_END in title.rstrip("。"):
        return None
    return m


def parse_measures(text: str, doc: str = "document") -> Structure:
    """Parts and provisions of a document whose text is held (the 'measures' profile)."""
    lines = _lines(text)
    style, item = _item_style(text, lines)
    structure = Structure(style=style)
    current_part: Part | None = None
    marks = _marks(text, lines, item)
    for k, (idx, kind, m) in enumerate(marks):
        s, e = lines[idx]
        if kind == "part" and m is not None:
            numeral = m.group("num")
            current_part = Part(
                ordinal=cn_to_int(numeral),
                label=m.group("label"),
                numeral=numeral,
                title=Span.of(text, s + m.start("title"), s + m.end("title")),
                span=Span.of(text, s, e).strip(),
            )
            seen = sum(1 for p in structure.parts if p.ordinal == current_part.ordinal)
            current_part.key = f"{current_part.ordinal}-{seen + 1}" if seen else ""
            structure.parts.append(current_part)
        elif kind == "part-item" and m is not None:
            current_part = None
            stop_line = marks[k + 1][0] if k + 1 < len(marks) else len(lines)
            measure = _provision(text, lines[idx:stop_line], m, None, doc)
            measure.part_item = True
            structure.provisions.append(measure)
        elif kind == "item" and m is not None:
            stop_line = marks[k + 1][0] if k + 1 < len(marks) else len(lines)
            structure.provisions += _provision_or_items(
                text, lines[idx:stop_line], m, current_part, doc, style
            )
    _wrapper_paragraphs(structure, [lines[i][0] for i, kind, _ in marks if kind == "signed"])
    _read_rules(text, structure)
    tables = task_tables(text)
    structure.unknown_headers = [h for t in tables for h in t.unknown]
    if not structure.provisions and tables:
        return _table_only(structure, tables)
    if not structure.provisions:
        raise ExtractionError(
            N_("{document}: no numbered items found ((一)…, （一）…, 第一条…, 1. … or （1）…)"),
            code="no-numbered-items",
            document=doc,
        )
    for table in tables:
        _join(structure, table)
    return structure


def _marks(
    text: str, lines: list[tuple[int, int]], item: re.Pattern[str] | None
) -> list[tuple[int, str, re.Match[str] | None]]:
    """Each line that matters: a part heading, a provision's start, or a trailer (page chrome
    after the text)."""
    marks: list[tuple[int, str, re.Match[str] | None]] = []
    for idx, (s, e) in enumerate(lines):
        line = text[s:e]
        if _signature(text, lines, idx):
            marks.append((idx, "signed", None))
        elif _TRAILER.match(line):
            marks.append((idx, "end", None))
        elif item is not None and (m := item.match(line)):
            marks.append((idx, "item", m))
        elif m := _is_part_heading(line):
            marks.append((idx, "part", m))
        elif item is not None and (m := _PART.match(line)) and m.group("title"):
            marks.append((idx, "part-item", m))  # 一、 a measure itself, beside parts with items
    # a long heading (over 40 characters, no full stop) that items follow is a part all the same
    for k, (idx, kind, m) in enumerate(marks[:-1]):
        if kind == "part-item" and marks[k + 1][1] == "item":
            marks[k] = (idx, "part", m)
    return marks


def _wrapper_paragraphs(structure: Structure, signatures: list[int]) -> None:
    """The 一、 二、 paragraphs of a notice that issues a plan (before its signature, the plan's
    items after it) are the notice's instructions, not measures of the plan: general, so no task
    row and no lead is asked of them (an annotated one stays a measure)."""
    if not signatures:
        return
    signed = signatures[0]
    if not any(p.span.start > signed for p in structure.provisions):
        return
    for p in structure.provisions:
        if p.part_item and p.span.start < signed and not p.annotations:
            p.general = True


def _signature(text: str, lines: list[tuple[int, int]], idx: int) -> bool:
    """True for the issuer's line of a signature (a short name, then a date alone)."""
    if idx + 1 >= len(lines):
        return False
    line = text[lines[idx][0] : lines[idx][1]].strip(SPACE)
    after = text[lines[idx + 1][0] : lines[idx + 1][1]]
    return len(line) <= 30 and bool(_ISSUER.search(line)) and bool(_SIGNED.match(after))


def _table_only(structure: Structure, tables: list[SourceTaskTable]) -> Structure:
    """A plan that is only a task table (重点任务分工方案): its rows are the measures."""
    structure.style = "table"
    for k, row in enumerate((r for t in tables for r in t.rows), start=1):
        title = row.task or row.row
        structure.provisions.append(
            Provision(
                ordinal=int(row.number) if row.number.isdigit() else k,
                label=row.number or str(k),
                numeral=row.number or str(k),
                title=title,
                span=row.row,
                part=None,
                general=False,
                body=title,
                table_row=row,
            )
        )
    return structure


def _read_rules(text: str, structure: Structure) -> None:
    """The document's lead rules and standing notes applied to its annotations, in order."""
    owners = [(p, k) for p in structure.provisions for k in range(len(p.annotations))]
    read = apply_rules(text, [p.annotations[k] for p, k in owners])
    for (p, k), annotation in zip(owners, read, strict=True):
        p.annotations[k] = annotation


def _key(text: str) -> str:
    return re.sub(r"[\W_]", "", text)


def _join(structure: Structure, table: SourceTaskTable) -> None:
    """Each row to its measure: by title, else by 序号 (the n-th concrete measure)."""
    measures = [p for p in structure.provisions if not p.general]
    for row in table.rows:
        task = _key(row.task.text) if row.task else ""
        by_title = [
            p
            for p in measures
            if task and (_key(p.title.text) in task or task in _key(p.title.text))
        ]
        if len(by_title) == 1:
            found: Provision | None = by_title[0]
        elif row.number.isdigit() and 1 <= int(row.number) <= len(measures) and not by_title:
            found = measures[int(row.number) - 1]
        else:
            found = None
        if found is None or found.table_row is not None:
            structure.unmatched_rows.append(row)
        else:
            found.table_row = row


def _item_style(text: str, lines: list[tuple[int, int]]) -> tuple[str, re.Pattern[str] | None]:
    """The first style any line uses; where no line is an item but parts are not headings (a
    notice whose 一、 二、 paragraphs are themselves its measures), the parts are the items."""
    for style, pattern in _ITEM_STYLES:
        if any(pattern.match(text[s:e]) for s, e in lines):
            return style, pattern
    if any(_PART.match(text[s:e]) and not _is_part_heading(text[s:e]) for s, e in lines):
        return "part", _PART
    return "cn", None


_SUB_ITEMS = tuple(p for name, p in _ITEM_STYLES if name in ("arabic", "arabic-paren"))


def _provision_or_items(
    text: str,
    lines: list[tuple[int, int]],
    m: re.Match[str],
    part: Part | None,
    doc: str,
    style: str,
    patterns: tuple[re.Pattern[str], ...] | None = None,
) -> list[Provision]:
    """The provision; or, where it is a group of numbered sub-items (1. 1、 （1）) that carry
    annotations of their own, the sub-items, each a provision of the group (and so on down:
    a sub-item 2. whose （1） （2） carry annotations is a group of them)."""
    if style not in ("cn", "article"):
        return [_provision(text, lines, m, part, doc)]
    patterns = _SUB_ITEMS if patterns is None else patterns
    for k, pattern in enumerate(patterns):
        starts = [k for k, (s, e) in enumerate(lines) if k > 0 and pattern.match(text[s:e])]
        if not starts:
            continue
        deeper = patterns[k + 1 :]
        items: list[Provision] = []
        heads: list[Provision] = []
        for j, start in enumerate(starts):
            stop = starts[j + 1] if j + 1 < len(starts) else len(lines)
            sub = pattern.match(text[lines[start][0] : lines[start][1]])
            assert sub is not None
            found = _provision_or_items(text, lines[start:stop], sub, part, doc, style, deeper)
            # the sub-item itself, or the group it became
            heads.append(found[0].group if found[0].group is not None else found[0])
            items += found
        # Only the last annotated: that annotation closes the whole group (the group is the
        # measure). An earlier one annotated: each sub-item is a measure of its own.
        if any(item.annotations for item in items[:-1]):
            group = _provision(text, lines[: starts[0]], m, part, doc)
            group.annotations = []
            group.span = Span.of(text, group.span.start, items[-1].span.end)
            for head in heads:
                head.group = group
            return items
    return [_provision(text, lines, m, part, doc)]


def _provision(
    text: str, lines: list[tuple[int, int]], m: re.Match[str], part: Part | None, doc: str
) -> Provision:
    first_start, first_end = lines[0]
    numeral = m.group("num")
    label = m.group("label")
    label_start = first_start + m.start("label")
    # Title: the opening sentence, up to the first full stop on the heading line.
    after = first_start + m.end("label")
    head = text[after:first_end]
    stop = head.find(_SENTENCE_END)
    title = Span.of(text, after, after + (stop if stop >= 0 else len(head))).strip()
    # The provision runs to its last non-blank line, or to the last paragraph that carries an
    # annotation (what follows it is closing prose, not the measure).
    paragraphs = [Span.of(text, s, e).strip() for s, e in lines]
    paragraphs = [p for p in paragraphs if p.text]
    annotations: list[Annotation] = []
    end = paragraphs[-1].end
    where = f"{doc}: {label}"
    for para in paragraphs:
        found = find_annotations(text, para, where)
        if found:
            annotations += found
            end = para.end
    span = Span.of(text, label_start, end).strip()
    last = annotations[-1].span if annotations else None
    body_end = last.start if last is not None and last.end >= span.end - 1 else span.end
    general = bool(part and _GENERAL_PART.search(part.title.text))
    return Provision(
        ordinal=ordinal(numeral),
        label=label,
        numeral=numeral,
        title=title,
        span=span,
        part=part.ordinal if part else None,
        part_key=part.key or None if part else None,
        general=general,
        annotations=annotations,
        body=Span.of(text, label_start, body_end).strip(),
    )


# --- interpretation and outline profiles ----------------------------------------------------

_INTERP_PART = re.compile(
    rf"^[{SPACE}]*(?P<label>(?P<num>[{NUMERAL}]+)、)(?P<title>[^。\n]+)。分别为[:：](?P<items>.*)$"
)
_INTERP_ITEM = re.compile(rf"(?P<label>[(（](?P<num>[{NUMERAL}]+)[)）])(?P<title>[^。(（\n]+)。?")


_OUTLINE_ROW = re.compile(
    rf"^\|[{SPACE}]*(?P<label>(?P<num>[{NUMERAL}]+)、)(?P<title>[^|]+?)[{SPACE}]*\|(?P<items>[^|]+)\|[{SPACE}]*$"
)
_OUTLINE_ITEM = re.compile(
    rf"(?P<label>[(（](?P<num>[{NUMERAL}]+)[)）])(?P<title>[^·|]+?)(?=[{SPACE}]*(·|$))"
)


def _listed(text: str, row: re.Pattern[str], item: re.Pattern[str], part_end: str) -> Structure:
    """Structure from lines that each name a part and list its items (interpretations, outlines).

    ``row`` has groups label, num, title and items; ``item`` has label, num and title. A part's
    quote runs from its label to the end of its title, plus ``part_end`` if the source has it.
    """
    structure = Structure()
    for s, e in _lines(text):
        m = row.match(text[s:e])
        if not m:
            continue
        end = s + m.end("title")
        if text.startswith(part_end, end):
            end += len(part_end)
        part = Part(
            ordinal=cn_to_int(m.group("num")),
            label=m.group("label"),
            numeral=m.group("num"),
            title=Span.of(text, s + m.start("title"), s + m.end("title")),
            span=Span.of(text, s + m.start("label"), end),
        )
        structure.parts.append(part)
        general = bool(_GENERAL_PART.search(part.title.text))
        base = s + m.start("items")
        for im in item.finditer(m.group("items")):
            structure.provisions.append(
                Provision(
                    ordinal=cn_to_int(im.group("num")),
                    label=im.group("label"),
                    numeral=im.group("num"),
                    title=Span.of(text, base + im.start("title"), base + im.end("title")),
                    span=Span.of(text, base + im.start(), base + im.end()),
                    part=part.ordinal,
                    general=general,
                )
            )
    return structure


def parse_interpretation(text: str, doc: str = "document") -> Structure:
    """Parts and article titles listed by an interpretation: ``一、标题。分别为:(一)…。(二)…。``"""
    structure = _listed(text, _INTERP_PART, _INTERP_ITEM, "。")
    if not structure.provisions:
        raise ExtractionError(
            N_("{document}: no parts listed with 分别为 and article titles found"),
            code="no-interpretation-parts",
            document=doc,
        )
    return structure


def parse_outline(text: str, doc: str = "document") -> Structure:
    """Parts and items from a markdown table ``| 一、总体要求 | (一)指导思想 · (二)… |``."""
    structure = _listed(text, _OUTLINE_ROW, _OUTLINE_ITEM, "")
    if not structure.provisions:
        raise ExtractionError(
            N_("{document}: no outline table rows (| 一、… | (一)… · (二)… |) found"),
            code="no-outline-rows",
            document=doc,
        )
    return structure


PROFILES = {
    "measures": parse_measures,
    "interpretation": parse_interpretation,
    "outline": parse_outline,
}
