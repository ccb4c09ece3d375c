"""Responsibility annotations: who leads, who co-leads, who is responsible, and by when.

A measure carries its annotations in brackets, at its end or after any sentence of it, in any of
the genre's forms: ``(牵头:A,配合:B、C)``, ``（牵头单位：A；配合单位：B、C；完成时限：2023年底前）``,
``（A牵头，B、C配合）``, ``（A牵头，B、C参与）``, ``（A牵头负责）``, ``（A、B负责）``,
``（负责部门：A，适用范围：Y）``, ``（A会同有关部门负责）``, ``（A指导）``, ``（A指导，B参与）``,
``（责任单位：A、B）``, or a deadline alone (``（2023年底前完成）``). Names may contain brackets of
their own (各县（区）人民政府) and collectives may contain 、 (各区、县级市, 各市、县人民政府).

How roles are read (docs/conventions.md says it for people):

* 牵头 leads; 配合, 协办, 参与 co-lead; 负责 (and 负责落实, 按职责分工负责) is responsible;
* ``A会同B负责``: A leads, B co-leads;
* 指导 leads where the same annotation names co-leads (``A指导，B参与``), else it is responsible;
* a lead rule stated in prose (排在第一位的部门为牵头部门，下同) and standing notes (以下均需…落实，
  不再列出) are read by :mod:`policygraph.text.rules`, not here: the rule's sentence is skipped.

Nothing is guessed: a catch-all phrase (各有关单位, 有关部门) or marker (人民银行 **等部门**) is kept
as the text of a responsibility with no department; text the reader does not understand is kept
as ``unread`` for the checks to report; neither ever becomes a department.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from policygraph.errors import ExtractionError
from policygraph.i18n import N_
from policygraph.text.deadlines import is_deadline
from policygraph.text.names import is_catch_all, is_collective, split_collectives, without_alias
from policygraph.text.spans import SPACE, Span

_ROLE_WORD = re.compile(r"牵头|配合|负责|责任单位|责任部门|协办|参与|指导")
_OPENS_ANNOTATION = re.compile(r"[(（][\s\u3000]*(牵头|配合|责任单位|责任部门|负责部门)")
# A label at the start of a segment: 牵头单位： 配合部门： 完成时限： … (and any other, unread)
_KEY = re.compile(r"(?:^|(?<=[；;，,。\s\u3000]))(?P<key>[\u4e00-\u9fff]{2,7})[\s\u3000]*[:：]")
# A label's role, by the whole label: 牵头单位, 主要牵头单位, 配合部门, 责任单位, 指导部门, or the
# bare word (牵头:A,配合:B); any other label (主要内容：, 督办方式：) is kept as unread
_KEY_ROLE = re.compile(
    r"^(?:主要)?(?P<word>牵头|配合|协办|参与|协助|责任|负责|实施|承办|指导)"
    r"(?:单位|部门|主体|处室|科室)?$"
)
_WORD_ROLE = {
    "牵头": "lead",
    "配合": "co-lead",
    "协办": "co-lead",
    "参与": "co-lead",
    "协助": "co-lead",
    "责任": "responsible",
    "负责": "responsible",
    "实施": "responsible",
    "承办": "responsible",
    "指导": "guide",
}
_DEADLINE_KEYS = ("完成时限", "完成时间", "时间节点", "时限要求", "完成期限", "时限", "进度安排")
SCOPE_KEYS = ("适用范围", "推广范围", "实施范围")
# The role word that ends a list: longer forms first (牵头负责 is one word, not 牵头 + 负责)
_SUFFIX = re.compile(
    r"(?P<glue>(?:按照?|根据)(?:各自)?职责(?:分工)?|分别)?"
    r"(?P<suffix>牵头负责|牵头|配合|协办|参与|指导|负责落实|负责实施|负责|落实)"
    r"(?P<tail>[\s\u3000。.]*)$"
)
_SUFFIX_ROLE = {
    "牵头负责": "lead",
    "牵头": "lead",
    "配合": "co-lead",
    "协办": "co-lead",
    "参与": "co-lead",
    "指导": "guide",
    "负责落实": "responsible",
    "负责实施": "responsible",
    "负责": "responsible",
    "落实": "responsible",
}
_WITH = "会同"
_DONE = re.compile(r"(?:完成|办结|落实到位|完成任务)$")
_BEFORE = re.compile(r"^.*?(?:以前|之前|前)")  # 2022年12月底前出台实施细则 → 2022年12月底前
_MARKED_LEAD = re.compile(r"[(（]\s*牵头(?:单位|部门)?\s*[)）]$")
# A catch-all marker closing a list: 人民银行等部门, 发展改革委、财政部等, 商务部等有关部门
_MARKER = re.compile(r"等(?:有关|相关|其他)?(?:部门|单位|方面|机构)?(?:和单位)?$")
# Pieces that are a rule or note of the document, read by text.rules, never names
RULE_PIECE = re.compile(
    r"(第一|首)(位|个)?[^，,；;。]{0,8}(为|是|作为)牵头|^下同$|^以下.{0,40}(不再|均|都)"
    r"|不再(一一)?(列出|列明|标注|注明)"
)
# Text that is a clause of running prose, not a list of names
_PROSE = re.compile(r"^(由|按照|根据|经过?|请|凡)|[，。；]|的.{6,}|.{6,}的")
# The sentence of a lead rule, from the start of its clause to 牵头(部门|单位) and a following 下同
LEAD_RULE = re.compile(
    r"[^。；;，,\n|（()）]{0,20}?(?:第一|首)(?:位|个)?(?:单位|部门)?(?:的|者)?(?:部门|单位)?"
    r"(?:为|是|作为)牵头(?:部门|单位)?(?:[，,][\s\u3000]*下同)?"
)
# The name of a body, as a list under a lead rule may give it with no role word at all
_ORG = re.compile(
    r"(局|厅|委|办|部|院|会|行|政府|公司|中心|署|室|社|所|馆|队|团|处|组|站|关|联|协|校|学|台"
    r"|央|班|区|县|市|州|旗|镇|乡|街道|电网|移动|电信|联通|铁塔|石油|石化|邮政)$"
)


def looks_like_body(name: str) -> bool:
    """A name that can be a body: its ending says so (…局, …厅, …人民政府, …公司), or it is a
    collective or a catch-all. 鼓励社会资本 or 市领导任组长 cannot."""
    return bool(_ORG.search(without_alias(name))) or is_catch_all(name) or is_collective(name)


LIST_SEPARATORS = "、，,；;"
_OPEN, _CLOSE = "(（", ")）"


@dataclass(frozen=True)
class NameEntry:
    role: str  # "lead" | "co-lead" | "responsible"
    position: int  # 1-based within its list
    name: Span  # the name exactly as written
    catch_all: bool = False  # 各有关单位, 等部门 and the like: no department is meant
    rule: Span | None = None  # the sentence of the document by which the role was read


@dataclass(frozen=True)
class Annotation:
    span: Span  # the whole bracketed annotation, brackets included
    entries: tuple[NameEntry, ...]
    deadlines: tuple[Span, ...] = ()
    unread: tuple[Span, ...] = ()  # text kept as written, reported by the checks
    scopes: tuple[Span, ...] = ()  # 适用范围：… where the measure applies

    def names(self, role: str) -> list[NameEntry]:
        return [e for e in self.entries if e.role == role]

    def lists(self) -> list[list[NameEntry]]:
        """The entries by the list the source wrote them in, in order (where level prefixes
        are inherited): one per role, except that the roles a rule gave came from one list."""
        lists: dict[object, list[NameEntry]] = {}
        for e in self.entries:
            lists.setdefault(e.role if e.rule is None else e.rule.start, []).append(e)
        return list(lists.values())


def _groups(s: str) -> list[tuple[int, int]]:
    """(start, end) of every top-level bracketed group of ``s``, brackets included; and the
    group closing ``s``, found backwards, where a stray bracket before it (（含高新区。) left
    it inside another."""
    out, depth, start = [], 0, 0
    for i, ch in enumerate(s):
        if ch in _OPEN:
            if depth == 0:
                start = i
            depth += 1
        elif ch in _CLOSE and depth > 0:
            depth -= 1
            if depth == 0:
                out.append((start, i + 1))
    end = len(s.rstrip(SPACE + "。.；;"))
    if end and s[end - 1] in _CLOSE and not any(j == end for _, j in out):
        depth = 0
        for i in range(end - 1, -1, -1):
            depth += 1 if s[i] in _CLOSE else -1 if s[i] in _OPEN else 0
            if depth == 0:
                out = [g for g in out if g[1] <= i] + [(i, end)]
                break
    return out


def find_annotations(text: str, para: Span, where: str) -> list[Annotation]:
    """Every responsibility annotation of ``para``, in order: at its end or after any sentence.

    Raises ExtractionError when an annotation is opened but never closed.
    """
    found = []
    body_end = len(para.text.rstrip(SPACE + "。.；;"))
    for i, j in _groups(para.text):
        inside = para.text[i + 1 : j - 1]
        at_end = j == body_end
        span = Span.of(text, para.start + i, para.start + j)
        inner = Span.of(text, span.start + 1, span.end - 1)
        after_sentence = i == 0 or para.text[i - 1] in "。；;.！" or para.text[j : j + 1] in "。；;"
        if _ROLE_WORD.search(inside) or (at_end and len(inside) <= 40 and is_deadline(inside)):
            annotation = read_annotation(text, span, inner, where)
            if _is_annotation(annotation, at_end, after_sentence):
                found.append(annotation)
            elif at_end and _ROLE_WORD.search(inside):  # never silently dropped: said
                found.append(Annotation(span, (), (), (inner,)))
        elif at_end and _has_lead_rule(text) and (bare := _bare_list(text, span, inner)):
            found.append(bare)
    opened = _OPENS_ANNOTATION.search(para.text)
    if opened and not any(i <= opened.start() < j for i, j in _groups(para.text)):
        line = text.count("\n", 0, para.start + opened.start()) + 1
        raise ExtractionError(
            N_(
                "{document}: responsibility annotation opened at line {line} "
                "({opening}…) has no closing bracket"
            ),
            code="annotation-unclosed",
            document=where,
            line=line,
            opening=para.text[opened.start() : opened.start() + 12],
        )
    return found


@functools.lru_cache(maxsize=8)
def _has_lead_rule(text: str) -> bool:
    return LEAD_RULE.search(text) is not None


def _bare_list(text: str, span: Span, inner: Span) -> Annotation | None:
    """``（A、B、C）`` closing a measure in a document that states a lead rule: a list of bodies
    with no role word, read as a plain (responsible) list for the rule to read."""
    names = split_names(text, inner)
    if not names or any(
        not _ORG.search(n.text) or len(n.text) > 25 or _PROSE.search(n.text) for n in names
    ):
        return None
    entries = [NameEntry("responsible", k, n, is_catch_all(n.text)) for k, n in enumerate(names, 1)]
    return Annotation(span, tuple(entries))


def _is_annotation(a: Annotation, at_end: bool, after_sentence: bool) -> bool:
    """An annotation names someone, or (at a paragraph's end) gives a deadline; a parenthesis of
    running prose that happens to hold a role word (（由省级人民政府负责审批）) is not one. Inside
    a paragraph, an annotation closes a sentence (…。（A负责）…) and names bodies only:
    模式（鼓励社会资本参与）， is prose."""
    if any(_PROSE.search(e.name.text) or len(e.name.text) > 40 for e in a.entries):
        return False
    if not at_end and not after_sentence:
        return False
    if a.entries:
        return True
    return at_end and bool(a.deadlines) and not a.unread


@dataclass
class _Reading:
    """What an annotation is found to say, piece by piece."""

    lists: list[tuple[str, list[Span]]]
    deadlines: list[Span]
    unread: list[Span]
    scopes: list[Span]

    def deadline(self, text: str, piece: Span) -> None:
        """A deadline without the verb after it: 2023年底前完成 → 2023年底前."""
        m = _DONE.search(piece.text) or _BEFORE.match(piece.text)
        cut = m.start() if m is not None and m.re is _DONE else m.end() if m is not None else 0
        if 0 < cut < len(piece.text) and is_deadline(piece.text[:cut]):
            piece = Span.of(text, piece.start, piece.start + cut)
        self.deadlines.append(piece)

    def names(self, text: str, role: str, pieces: list[Span]) -> None:
        """A list of names for ``role``; a piece that is a deadline is one. A name marked
        ``（牵头）`` inside a list (责任单位：A（牵头）、B) leads, and the others co-lead."""
        names, marked = [], []
        for piece in pieces:
            m = _MARKED_LEAD.search(piece.text)
            if m is not None and m.start() > 0:
                marked.append(Span.of(text, piece.start, piece.start + m.start()).strip())
            elif is_deadline(piece.text) and not is_catch_all(piece.text):
                self.deadline(text, piece)
            elif piece.text:
                names.append(piece)
        if marked:
            self.lists.append(("lead", marked))
            role = "co-lead" if role in ("responsible", "lead") else role
        if names:
            self.lists.append((role, names))


def read_annotation(text: str, span: Span, inner: Span, where: str = "") -> Annotation:
    """Read the inside of an annotation into role lists, deadlines, scopes and unread text."""
    reading = _Reading([], [], [], [])
    keys = list(_KEY.finditer(inner.text))
    if keys and keys[0].start() == 0:
        _labelled(text, inner, keys, reading)
    else:
        _suffixed(text, inner, reading)
    roles = {role for role, _ in reading.lists}
    guide = "lead" if "co-lead" in roles and "lead" not in roles else "responsible"
    entries: list[NameEntry] = []
    for role, names in reading.lists:
        role = guide if role == "guide" else role
        for name in names:
            if looks_like_body(name.text):
                entries.append(_entry(role, name, entries))
            else:  # words, not a body: kept as written and reported, never a department
                reading.unread.append(name)
    return Annotation(
        span,
        tuple(entries),
        tuple(reading.deadlines),
        tuple(reading.unread),
        tuple(reading.scopes),
    )


def _entry(role: str, name: Span, before: list[NameEntry]) -> NameEntry:
    position = 1 + sum(1 for e in before if e.role == role)
    return NameEntry(role, position, name, is_catch_all(name.text))


def _labelled(text: str, inner: Span, keys: list[re.Match[str]], reading: _Reading) -> None:
    """``牵头单位：A；配合单位：B、C；完成时限：…`` — each label starts a segment."""
    for k, m in enumerate(keys):
        end = keys[k + 1].start() if k + 1 < len(keys) else len(inner.text)
        seg = Span.of(text, inner.start + m.end(), inner.start + end).strip(SPACE + "；;，,。.")
        key = m.group("key")
        role_key = _KEY_ROLE.match(key)
        role = _WORD_ROLE[role_key.group("word")] if role_key else None
        if key.startswith(_DEADLINE_KEYS):
            if seg.text:
                reading.deadline(text, seg)
        elif key.startswith(SCOPE_KEYS):
            _scope(text, seg, reading)
        elif role is not None:
            reading.names(text, role, split_names(text, seg))
        elif seg.text:
            reading.unread.append(Span.of(text, inner.start + m.start(), seg.end))


def _scope(text: str, seg: Span, reading: _Reading) -> None:
    """``适用范围：所有自贸试验区，以下除标注…外，适用范围均为…``: the scope is the first clause; a
    standing default after it is a note of the document, not part of this scope."""
    first = re.split(r"[，,；;。]", seg.text, maxsplit=1)[0]
    if first:
        reading.scopes.append(Span.of(text, seg.start, seg.start + len(first)))


def _suffixed(text: str, inner: Span, reading: _Reading) -> None:
    """``A牵头，B、C配合，2023年底前完成`` — a role word ends each list."""
    pending: int | None = None
    for piece in split_top(text, inner, "，,；;。"):
        start = piece.start if pending is None else pending
        if RULE_PIECE.search(piece.text):
            pending = None  # the sentence of a rule or a standing note: text.rules reads it
            continue
        sm = _SUFFIX.search(piece.text)
        if sm is not None and sm.start() > 0:
            names = Span.of(text, start, piece.start + sm.start()).strip(SPACE + "，,；;")
            _list(text, names, _SUFFIX_ROLE[sm.group("suffix")], reading)
            pending = None
        elif pending is None and is_deadline(piece.text):
            reading.deadline(text, piece)
        elif piece.text:
            pending = start  # names without a role word join the next list
    if pending is not None:
        rest = Span.of(text, pending, inner.end).strip(SPACE + "；;，,。.")
        pieces = split_names(text, rest)
        if any(_MARKED_LEAD.search(p.text) for p in pieces):  # （A（牵头）、B、C）
            reading.names(text, "responsible", pieces)
        else:
            reading.unread.append(rest)


def _list(text: str, names: Span, role: str, reading: _Reading) -> None:
    """One list before its role word; ``A会同B`` is A leading and B co-leading; a leading 由
    (由市发展改革委牵头) is not part of the name."""
    if names.text.startswith("由"):
        names = Span.of(text, names.start + 1, names.end)
    at = names.text.find(_WITH)
    if at > 0 and role in ("responsible", "lead"):
        reading.names(text, "lead", split_names(text, Span.of(text, names.start, names.start + at)))
        rest = Span.of(text, names.start + at + len(_WITH), names.end)
        reading.names(text, "co-lead", split_names(text, rest))
        return
    reading.names(text, role, split_names(text, names))


def split_names(text: str, span: Span) -> list[Span]:
    """A list of names: split at 、，；, and at 和/及 before a collective or catch-all (…等和
    各省级人民政府); a catch-all marker at the end of a name (人民银行等部门) is a piece of its own;
    collectives that contain 、 (各区、县级市) stay one name."""
    pieces: list[Span] = []
    for piece in split_top(text, span, LIST_SEPARATORS + "。"):
        if RULE_PIECE.search(piece.text):
            continue  # a rule's sentence in a labelled list (责任单位：A、B，排在第一位的…，下同)
        for part in _split_and(text, piece):
            pieces += _split_marker(text, part)
    return split_collectives(text, pieces)


_AND = re.compile(r"(?:和|及|以及)(?=各|有关|相关|其他)")


def _split_and(text: str, piece: Span) -> list[Span]:
    out, start = [], 0
    for m in _AND.finditer(piece.text):
        if m.start() > 0 and _depths(piece.text)[m.start()] == 0:
            out.append(Span.of(text, piece.start + start, piece.start + m.start()))
            start = m.end()
    out.append(Span.of(text, piece.start + start, piece.end))
    return [p.strip() for p in out if p.text.strip()]


def _split_marker(text: str, piece: Span) -> list[Span]:
    """``人民银行等部门`` → 人民银行, 等部门; ``等`` alone stays (a catch-all of its own)."""
    m = _MARKER.search(piece.text)
    if m is None or m.start() == 0:
        return [piece]
    name = Span.of(text, piece.start, piece.start + m.start()).strip()
    marker = Span.of(text, piece.start + m.start(), piece.end)
    return [name, marker] if name.text else [marker]


def split_top(text: str, span: Span, separators: str) -> list[Span]:
    """Split at separators outside brackets; strip spaces and a final full stop."""
    out, start = [], 0
    s = span.text
    depths = _depths(s)
    for i, ch in enumerate(s):
        if ch in separators and depths[i] == 0:
            out.append(Span.of(text, span.start + start, span.start + i))
            start = i + 1
    out.append(Span.of(text, span.start + start, span.end))
    return [p.strip(SPACE + "\r\n。.") for p in out]


def _depths(s: str) -> list[int]:
    """The bracket depth at each character of ``s`` (a bracket itself counts as outside)."""
    out, depth = [], 0
    for ch in s:
        if ch in _CLOSE:
            depth = max(0, depth - 1)
        out.append(depth)
        if ch in _OPEN:
            depth += 1
    return out
