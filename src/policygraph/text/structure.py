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

SPACE = " \t\u3000\xa0"
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


@dataclass(frozen=True)
class Span:
    """A piece of the source: ``text == source[start:end]``."""

    start: int
    end: int
    text: str

    @classmethod
    def of(cls, source: str, start: int, end: int) -> Span:
        return cls(start, end, source[start:end])

    def strip(self, chars: str = SPACE + "\r\n") -> Span:
        lead = len(self.text) - len(self.text.lstrip(chars))
        trail = len(self.text) - len(self.text.rstrip(chars))
        return Span(self.start + lead, self.end - trail, self.text[lead : len(self.text) - trail])


@dataclass(frozen=True)
class NameEntry:
    role: str  # "lead" | "co-lead" | "responsible"
    position: int  # 1-based within its list
    name: Span  # the name exactly as written


@dataclass(frozen=True)
class Annotation:
    span: Span  # the whole bracketed annotation, brackets included
    entries: tuple[NameEntry, ...]

    def names(self, role: str) -> list[NameEntry]:
        return [e for e in self.entries if e.role == role]


@dataclass
class Part:
    ordinal: int
    label: str  # 二、
    numeral: str
    title: Span
    span: Span  # the heading as quoted


@dataclass
class Provision:
    ordinal: int
    label: str  # (十一)
    numeral: str
    title: Span
    span: Span  # the whole provision text as quoted
    part: int | None
    general: bool  # an item of 总体要求 rather than a concrete measure
    annotation: Annotation | None = None
    body: Span | None = None  # the text without its annotation (where amounts are read)


@dataclass
class Structure:
    parts: list[Part] = field(default_factory=list)
    provisions: list[Provision] = field(default_factory=list)
    style: str = "cn"  # the numbering style of the provisions: cn, article, arabic, arabic-paren

    @property
    def restarts_per_part(self) -> bool:
        """True when item numbers start again in each part (1. 2. … in every part)."""
        seen: set[int] = set()
        for p in self.provisions:
            if p.ordinal in seen:
                return True
            seen.add(p.ordinal)
        return False


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
    ("arabic", re.compile(rf"^[{SPACE}]*(?P<label>(?P<num>\d{{1,3}})[.、．])(?!\d)")),
    ("arabic-paren", re.compile(rf"^[{SPACE}]*(?P<label>[(（](?P<num>\d{{1,3}})[)）])")),
]
_TRAILER = re.compile(
    rf"^[{SPACE}]*(发布时间|发布日期|来源|文件下载|附件[:：]|责任编辑|打印本页|关闭窗口|扫一扫)"
)
_GENERAL_PART = re.compile(r"总体要求|总则|指导思想|基本原则")
_SENTENCE_END = "。"


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of every line, end excluding the line break."""
    out, pos = [], 0
    for line in text.split("\n"):
        end = pos + len(line)
        out.append((pos, end - 1 if line.endswith("\r") else end))
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
    # Classify lines: part heading, provision start, trailer (page chrome after the text).
    marks: list[tuple[int, str, re.Match[str] | None]] = []
    for idx, (s, e) in enumerate(lines):
        line = text[s:e]
        if _TRAILER.match(line):
            marks.append((idx, "end", None))
        elif item is not None and (m := item.match(line)):
            marks.append((idx, "item", m))
        elif m := _is_part_heading(line):
            marks.append((idx, "part", m))
    current_part: Part | None = None
    for k, (idx, kind, m) in enumerate(marks):
        s, e = lines[idx]
        assert m is not None or kind == "end"
        if kind == "part" and m is not None:
            numeral = m.group("num")
            current_part = Part(
                ordinal=cn_to_int(numeral),
                label=m.group("label"),
                numeral=numeral,
                title=Span.of(text, s + m.start("title"), s + m.end("title")),
                span=Span.of(text, s, e).strip(),
            )
            structure.parts.append(current_part)
        elif kind == "item" and m is not None:
            stop_line = marks[k + 1][0] if k + 1 < len(marks) else len(lines)
            structure.provisions.append(
                _provision(text, lines[idx:stop_line], m, current_part, doc)
            )
    if not structure.provisions:
        raise ExtractionError(
            f"{doc}: no numbered items found ((一)…, （一）…, 第一条…, 1. … or （1）…)"
        )
    return structure


def _item_style(text: str, lines: list[tuple[int, int]]) -> tuple[str, re.Pattern[str] | None]:
    for style, pattern in _ITEM_STYLES:
        if any(pattern.match(text[s:e]) for s, e in lines):
            return style, pattern
    return "cn", None


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
    # The provision runs to its last non-blank line; a closing annotation ends it early.
    paragraphs = [Span.of(text, s, e).strip() for s, e in lines]
    paragraphs = [p for p in paragraphs if p.text]
    annotation, end = None, paragraphs[-1].end
    where = f"{doc}: {label}"
    for para in paragraphs:
        found = find_annotation(text, para, where)
        if found is not None:
            annotation, end = found, para.end
            break
    span = Span.of(text, label_start, end).strip()
    body_end = annotation.span.start if annotation else span.end
    general = bool(part and _GENERAL_PART.search(part.title.text))
    return Provision(
        ordinal=ordinal(numeral),
        label=label,
        numeral=numeral,
        title=title,
        span=span,
        part=part.ordinal if part else None,
        general=general,
        annotation=annotation,
        body=Span.of(text, label_start, body_end).strip(),
    )


# --- responsibility annotations -------------------------------------------------------------

_ROLE_WORD = re.compile(r"牵头|配合|负责|责任单位|责任部门")
_OPENS_ANNOTATION = re.compile(r"[(（][\s\u3000]*(牵头|配合|责任单位|责任部门)")
_KEY = re.compile(
    r"(?P<key>牵头单位|牵头部门|牵头|配合单位|配合部门|配合|责任单位|责任部门|负责单位)[\s\u3000]*[:：]"
)
_KEY_ROLE = {"牵头": "lead", "配合": "co-lead", "责任": "responsible", "负责": "responsible"}
_SUFFIX = re.compile(r"(?P<suffix>牵头|配合|负责)(?P<tail>[\s\u3000。.]*)$")
LIST_SEPARATORS = "、，,；;"
_OPEN, _CLOSE = "(（", ")）"


def find_annotation(text: str, para: Span, where: str) -> Annotation | None:
    """The responsibility annotation closing ``para``, if it has one.

    Raises ExtractionError when an annotation is opened but never closed.
    """
    body = para.text.rstrip(SPACE + "。.")
    if body and body[-1] in _CLOSE:
        close = len(body) - 1
        depth, i = 0, close
        while i >= 0:
            if body[i] in _CLOSE:
                depth += 1
            elif body[i] in _OPEN:
                depth -= 1
                if depth == 0:
                    break
            i -= 1
        if i >= 0 and _ROLE_WORD.search(body[i + 1 : close]):
            span = Span.of(text, para.start + i, para.start + close + 1)
            inner = Span.of(text, span.start + 1, span.end - 1)
            return Annotation(span=span, entries=tuple(parse_annotation(text, inner, where)))
    opened = _OPENS_ANNOTATION.search(para.text)
    if opened and not _closes(para.text[opened.start() :]):
        line = text.count("\n", 0, para.start + opened.start()) + 1
        raise ExtractionError(
            f"{where}: responsibility annotation opened at line {line} "
            f"({para.text[opened.start() : opened.start() + 12]}…) has no closing bracket"
        )
    return None


def _closes(fragment: str) -> bool:
    depth = 0
    for ch in fragment:
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth -= 1
            if depth == 0:
                return True
    return False


def parse_annotation(text: str, inner: Span, where: str) -> list[NameEntry]:
    """Split the inside of an annotation into role lists of names, in source order."""
    keys = list(_KEY.finditer(inner.text))
    segments: list[tuple[str, Span]] = []
    if keys:
        for k, m in enumerate(keys):
            seg_end = keys[k + 1].start() if k + 1 < len(keys) else len(inner.text)
            role = _KEY_ROLE[m.group("key")[:2]]
            segments.append((role, Span.of(text, inner.start + m.end(), inner.start + seg_end)))
    else:
        pending_start: int | None = None
        for piece in _split_top(text, inner, "，,；;"):
            sm = _SUFFIX.search(piece.text)
            start = piece.start if pending_start is None else pending_start
            if sm is None:
                pending_start = start  # names without a role word join the next list
                continue
            role = _KEY_ROLE[sm.group("suffix")]
            segments.append((role, Span.of(text, start, piece.start + sm.start())))
            pending_start = None
        if pending_start is not None or not segments:
            raise ExtractionError(
                f"{where}: cannot read the responsibility annotation ({inner.text}): "
                "expected 牵头:…/配合:… or …牵头/…配合/…负责"
            )
    entries: list[NameEntry] = []
    for role, seg in segments:
        names = [n for n in _split_top(text, seg, LIST_SEPARATORS) if n.text]
        for pos, name in enumerate(names, start=1):
            entries.append(NameEntry(role=role, position=pos, name=name))
        if not names:
            raise ExtractionError(f"{where}: empty {role} list in annotation ({inner.text})")
    return entries


def _split_top(text: str, span: Span, separators: str) -> list[Span]:
    """Split at separators outside brackets; strip spaces and a final full stop from each piece."""
    out, depth, start = [], 0, 0
    s = span.text
    for i, ch in enumerate(s):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif ch in separators and depth == 0:
            out.append(Span.of(text, span.start + start, span.start + i))
            start = i + 1
    out.append(Span.of(text, span.start + start, span.end))
    return [p.strip(SPACE + "\r\n。.") for p in out]


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
        raise ExtractionError(f"{doc}: no parts listed with 分别为 and article titles found")
    return structure


def parse_outline(text: str, doc: str = "document") -> Structure:
    """Parts and items from a markdown table ``| 一、总体要求 | (一)指导思想 · (二)… |``."""
    structure = _listed(text, _OUTLINE_ROW, _OUTLINE_ITEM, "")
    if not structure.provisions:
        raise ExtractionError(f"{doc}: no outline table rows (| 一、… | (一)… · (二)… |) found")
    return structure


PROFILES = {
    "measures": parse_measures,
    "interpretation": parse_interpretation,
    "outline": parse_outline,
}
