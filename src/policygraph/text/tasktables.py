"""Task tables (重点任务分工表) as a source of responsibilities and deadlines.

A table of the plain text (rows written ``| a | b |`` by every reader) is a task table when a row
of it names the columns: the task (任务, 重点任务, 工作任务, 主要措施, …), and at least one of the
lead (牵头单位), co-lead (配合单位), responsible (责任单位) or deadline (完成时限, 时间节点, …)
columns. Each row after that header is read cell by cell, every cell a quote with its offsets.

A 责任单位 column is ``responsible``, never guessed as lead, unless the document states the
convention that the first unit listed leads (列第一位的为牵头单位): then it is read so, with the
note as its basis.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from policygraph.text.annotations import LEAD_RULE, Annotation, NameEntry, split_names
from policygraph.text.names import is_catch_all, normalize
from policygraph.text.rules import first_leads
from policygraph.text.spans import Span

# What each header means, by meaning not by spelling: the first field whose pattern a header
# matches. Roles may have several columns (指导部门 beside 责任部门); fields that are neither a role,
# the task, its number nor its deadline (主要内容, 推广范围, 备注) are known and kept in the row.
_HEADERS = (
    ("number", re.compile(r"^(序号|编号|序)$")),
    ("lead", re.compile(r"牵头")),
    ("co-lead", re.compile(r"配合|协办|参与|协助")),
    ("guide", re.compile(r"指导")),
    ("responsible", re.compile(r"责任|负责|实施单位|承办|主体|主办")),
    ("deadline", re.compile(r"时限|时间|期限|节点|进度")),
    ("task", re.compile(r"任务|措施|举措|工作内容|事项|具体工作|改革事项|重点工作")),
    ("other", re.compile(r"内容|范围|说明|要求|目标|成果|备注|指标|依据|方式|领域|类别|项目")),
)
_ROLE_COLUMNS = ("lead", "co-lead", "guide", "responsible")


@dataclass(frozen=True)
class SourceTaskRow:
    number: str
    task: Span | None
    row: Span  # the whole row as quoted
    annotation: Annotation  # what the row assigns, read as an annotation would be
    convention: Span | None = None  # the note by which the first 责任单位 leads


@dataclass(frozen=True)
class SourceTaskTable:
    columns: dict[str, list[int]]  # field → the columns that give it
    rows: tuple[SourceTaskRow, ...]
    unknown: tuple[str, ...] = ()  # headers whose meaning is not known: said, never guessed


def _table_lines(text: str) -> list[list[tuple[int, int]]]:
    """Runs of consecutive ``| … |`` lines: (start, end) of each."""
    runs: list[list[tuple[int, int]]] = []
    pos, current = 0, []
    for line in text.split("\n"):
        end = pos + len(line.rstrip("\r"))
        if line.startswith("| ") and line.rstrip("\r").endswith(" |"):
            current.append((pos, end))
        elif current:
            runs.append(current)
            current = []
        pos += len(line) + 1
    if current:
        runs.append(current)
    return runs


def _cells(text: str, start: int, end: int) -> list[Span]:
    cells, i = [], start + 2
    while i < end:
        stop = text.find(" |", i)
        if stop < 0 or stop >= end:
            break
        cells.append(Span.of(text, i, stop))
        i = stop + 3
    return cells


def _header(cells: list[Span]) -> dict[str, list[int]] | None:
    """The columns of a header row by field, or None when the row is not one."""
    columns: dict[str, list[int]] = {}
    for k, cell in enumerate(cells):
        # a note in brackets (责任单位（列第一位的为牵头单位）) does not make a header long
        name = re.sub(r"[(（][^()（）]*[)）]", "", normalize(cell.text))
        if len(name) > 12:
            return None
        field = next((f for f, pattern in _HEADERS if pattern.search(name)), "unknown")
        columns.setdefault(field, []).append(k)
    roles = [k for k in (*_ROLE_COLUMNS, "deadline") if k in columns]
    return columns if roles and ("task" in columns or "number" in columns) else None


def task_tables(text: str) -> list[SourceTaskTable]:
    """Every task table of the plain text."""
    convention = LEAD_RULE.search(text)
    note = Span.of(text, convention.start(), convention.end()).strip() if convention else None
    out = []
    for run in _table_lines(text):
        rows = [(_cells(text, s, e), Span.of(text, s, e)) for s, e in run]
        for k, (cells, _) in enumerate(rows):
            columns = _header(cells)
            if columns is not None:
                body = [_row(text, c, r, columns, note) for c, r in rows[k + 1 :]]
                unknown = tuple(cells[i].text for i in columns.get("unknown", []))
                out.append(
                    SourceTaskTable(columns, tuple(r for r in body if r is not None), unknown)
                )
                break
    return out


def _roles(columns: dict[str, list[int]], note: Span | None) -> dict[str, str]:
    """The role each role column gives: 指导 leads opposite co-leads (else responsible); a
    责任单位 column under a stated lead rule gives its first unit the lead."""
    guide = "lead" if "co-lead" in columns and "lead" not in columns else "responsible"
    out = {"lead": "lead", "co-lead": "co-lead", "guide": guide, "responsible": "responsible"}
    if note is not None and "lead" not in columns:
        out["responsible"] = "first-leads"
    return out


def _row(
    text: str, cells: list[Span], row: Span, columns: dict[str, list[int]], note: Span | None
) -> SourceTaskRow | None:
    def cell(key: str, n: int = 0) -> Span | None:
        ks = columns.get(key, [])
        k = ks[n] if n < len(ks) else None
        return cells[k] if k is not None and k < len(cells) and cells[k].text else None

    task, number = cell("task"), cell("number")
    if task is None and number is None:
        return None
    numbered = number is not None and re.fullmatch(r"\d{1,3}|[一二三四五六七八九十]+", number.text)
    if not numbered and (task is None or (number is not None and task.text == number.text)):
        return None  # a section row (一、…) spanning the table
    if len({c.text for c in cells}) == 1:
        return None  # a group row: one text spanning every column
    entries: list[NameEntry] = []
    roles = _roles(columns, note)
    used = None
    for column in _ROLE_COLUMNS:
        for n in range(len(columns.get(column, []))):
            found = cell(column, n)
            if found is None:
                continue
            names = [x for x in split_names(text, found) if x.text]
            role = "responsible" if roles[column] == "first-leads" else roles[column]
            listed: list[NameEntry] = []
            for name in names:
                position = 1 + sum(1 for e in entries + listed if e.role == role)
                listed.append(NameEntry(role, position, name, is_catch_all(name.text)))
            if roles[column] == "first-leads" and note is not None:
                used, listed = note, first_leads(listed, note)
            entries += listed
    deadline = cell("deadline")
    annotation = Annotation(row, tuple(entries), (deadline,) if deadline else ())
    return SourceTaskRow(number.text if number else "", task, row, annotation, used)
