"""Responsibility annotations: who leads, who co-leads, who is responsible, and by when.

A concrete measure ends with an annotation in brackets, in any of the genre's forms:
``(牵头:A,配合:B、C)``, ``（牵头单位：A；配合单位：B、C；完成时限：2023年底前）``,
``（A牵头，B、C配合）``, ``（A牵头，B配合，2023年6月底前完成）``, ``（A负责）``,
``（责任单位：A、B）``, or a deadline alone (``（2023年底前完成）``). Names may contain brackets
of their own (各县（区）人民政府).

Nothing is guessed: a piece that reads as a deadline is a deadline, a catch-all phrase
(各有关单位, 市直各单位) is kept as the text of a responsibility with no department, and text the
reader does not understand (a label it does not know, words with no role) is kept as ``unread``
for the checks to report; it never becomes a department.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from policygraph.errors import ExtractionError
from policygraph.text.deadlines import is_deadline
from policygraph.text.names import is_catch_all
from policygraph.text.spans import SPACE, Span

ROLES = ("lead", "co-lead", "responsible")
_ROLE_WORD = re.compile(r"牵头|配合|负责|责任单位|责任部门|协办")
_OPENS_ANNOTATION = re.compile(r"[(（][\s\u3000]*(牵头|配合|责任单位|责任部门)")
# A label at the start of a segment: 牵头单位： 配合部门： 完成时限： … (and any other, unread)
_KEY = re.compile(r"(?:^|(?<=[；;，,\s\u3000]))(?P<key>[\u4e00-\u9fff]{2,6})[\s\u3000]*[:：]")
_KEY_ROLE = {"牵头": "lead", "配合": "co-lead", "协办": "co-lead", "责任": "responsible"}
_KEY_ROLE["负责"] = "responsible"
_DEADLINE_KEYS = ("完成时限", "完成时间", "时间节点", "时限要求", "完成期限", "时限", "进度安排")
_SUFFIX = re.compile(r"(?P<suffix>牵头|配合|负责|协办)(?P<tail>[\s\u3000。.]*)$")
LIST_SEPARATORS = "、，,；;"
_OPEN, _CLOSE = "(（", ")）"


@dataclass(frozen=True)
class NameEntry:
    role: str  # "lead" | "co-lead" | "responsible"
    position: int  # 1-based within its list
    name: Span  # the name exactly as written
    catch_all: bool = False  # 各有关单位 and the like: no department is meant


@dataclass(frozen=True)
class Annotation:
    span: Span  # the whole bracketed annotation, brackets included
    entries: tuple[NameEntry, ...]
    deadlines: tuple[Span, ...] = ()
    unread: tuple[Span, ...] = ()  # text kept as written, reported by the checks

    def names(self, role: str) -> list[NameEntry]:
        return [e for e in self.entries if e.role == role]


def _bracket_start(body: str) -> int:
    """Index of the bracket that opens the group closing ``body``, or -1."""
    depth, i = 0, len(body) - 1
    while i >= 0:
        if body[i] in _CLOSE:
            depth += 1
        elif body[i] in _OPEN:
            depth -= 1
            if depth == 0:
                return i
        i -= 1
    return -1


def find_annotation(text: str, para: Span, where: str) -> Annotation | None:
    """The responsibility annotation closing ``para``, if it has one.

    Raises ExtractionError when an annotation is opened but never closed.
    """
    body = para.text.rstrip(SPACE + "。.；;")
    if body and body[-1] in _CLOSE:
        i = _bracket_start(body)
        inside = body[i + 1 : -1] if i >= 0 else ""
        if i >= 0 and (_ROLE_WORD.search(inside) or (len(inside) <= 40 and is_deadline(inside))):
            span = Span.of(text, para.start + i, para.start + len(body))
            inner = Span.of(text, span.start + 1, span.end - 1)
            return read_annotation(text, span, inner, where)
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


@dataclass
class _Reading:
    """What an annotation is found to say, piece by piece."""

    lists: list[tuple[str, list[Span]]]
    deadlines: list[Span]
    unread: list[Span]

    def names(self, text: str, role: str, pieces: list[Span]) -> None:
        """A list of names for ``role``; a piece that is a deadline is one."""
        names = []
        for piece in pieces:
            if is_deadline(piece.text) and not is_catch_all(piece.text):
                self.deadlines.append(piece)
            elif piece.text:
                names.append(piece)
        if names:
            self.lists.append((role, names))


def read_annotation(text: str, span: Span, inner: Span, where: str = "") -> Annotation:
    """Read the inside of an annotation into role lists, deadlines and unread text."""
    reading = _Reading([], [], [])
    keys = list(_KEY.finditer(inner.text))
    if keys and keys[0].start() == 0:
        _labelled(text, inner, keys, reading)
    else:
        _suffixed(text, inner, reading)
    entries = [
        NameEntry(role, pos, name, is_catch_all(name.text))
        for role, names in reading.lists
        for pos, name in enumerate(names, start=1)
    ]
    return Annotation(span, tuple(entries), tuple(reading.deadlines), tuple(reading.unread))


def _labelled(text: str, inner: Span, keys: list[re.Match[str]], reading: _Reading) -> None:
    """``牵头单位：A；配合单位：B、C；完成时限：…`` — each label starts a segment."""
    for k, m in enumerate(keys):
        end = keys[k + 1].start() if k + 1 < len(keys) else len(inner.text)
        seg = Span.of(text, inner.start + m.end(), inner.start + end).strip(SPACE + "；;，,。.")
        key = m.group("key")
        role = _KEY_ROLE.get(key[:2])
        if role is not None and not key.startswith(_DEADLINE_KEYS):
            reading.names(text, role, split_top(text, seg, LIST_SEPARATORS))
        elif key.startswith(_DEADLINE_KEYS) and seg.text:
            reading.deadlines.append(seg)
        elif seg.text:
            reading.unread.append(Span.of(text, inner.start + m.start(), seg.end))


def _suffixed(text: str, inner: Span, reading: _Reading) -> None:
    """``A牵头，B、C配合，2023年底前完成`` — a role word ends each list."""
    pending: int | None = None
    for piece in split_top(text, inner, "，,；;"):
        start = piece.start if pending is None else pending
        sm = _SUFFIX.search(piece.text)
        if sm is not None:
            names = Span.of(text, start, piece.start + sm.start())
            reading.names(text, _KEY_ROLE[sm.group("suffix")], split_top(text, names, "、"))
            pending = None
        elif pending is None and is_deadline(piece.text):
            reading.deadlines.append(piece)
        elif piece.text:
            pending = start  # names without a role word join the next list
    if pending is not None:
        reading.unread.append(Span.of(text, pending, inner.end).strip(SPACE + "；;，,。."))


def split_top(text: str, span: Span, separators: str) -> list[Span]:
    """Split at separators outside brackets; strip spaces, a final full stop and a trailing 等."""
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
    pieces = [p.strip(SPACE + "\r\n。.") for p in out]
    return [
        Span(p.start, p.end - 1, p.text[:-1]).strip() if p.text.endswith("等") else p
        for p in pieces
    ]
