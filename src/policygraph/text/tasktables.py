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

from policygraph.text.annotations import (
    LIST_SEPARATORS,
    Annotation,
    NameEntry,
    split_top,
)
from policygraph.text.names import is_catch_all, normalize
from policygraph.text.spans import Span

_COLUMNS = {
    "number": re.compile(r"^(序号|编号|序)$"),
    "task": re.compile(r"任务|措施|工作内容|内容|事项|举措|具体工作"),
    "lead": re.compile(r"牵头"),
    "co-lead": re.compile(r"配合|协办|参与"),
    "responsible": re.compile(r"责任单位|责任部门|负责单位|实施单位|承办单位|主体|责任"),
    "deadline": re.compile(r"时限|时间|期限|节点|进度"),
}
_ROLE_COLUMNS = ("lead", "co-lead", "responsible")
_CONVENTION = re.compile(
    r"[^。；;\n|]{0,20}(排在?(第一|首)位|列(第一|首)位|第一个|排名第一|居首)[^。；;\n|]{0,12}牵头[^。；;\n|]{0,12}"
)


@dataclass(frozen=True)
class TaskRow:
    number: str
    task: Span | None
    row: Span  # the whole row as quoted
    annotation: Annotation  # what the row assigns, read as an annotation would be
    convention: Span | None = None  # the note by which the first 责任单位 leads


@dataclass(frozen=True)
class TaskTable:
    columns: dict[str, int]
    rows: tuple[TaskRow, ...]


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


def _header(cells: list[Span]) -> dict[str, int] | None:
    columns: dict[str, int] = {}
    for k, cell in enumerate(cells):
        name = normalize(cell.text)
        for key in ("number", "lead", "co-lead", "deadline", "responsible", "task"):
            if key not in columns and _COLUMNS[key].search(name) and len(name) <= 12:
                columns[key] = k
                break
    roles = [k for k in (*_ROLE_COLUMNS, "deadline") if k in columns]
    return columns if roles and ("task" in columns or "number" in columns) else None


def task_tables(text: str) -> list[TaskTable]:
    """Every task table of the plain text."""
    convention = _CONVENTION.search(text)
    note = Span.of(text, convention.start(), convention.end()).strip() if convention else None
    out = []
    for run in _table_lines(text):
        rows = [(_cells(text, s, e), Span.of(text, s, e)) for s, e in run]
        for k, (cells, _) in enumerate(rows):
            columns = _header(cells)
            if columns is not None:
                body = [_row(text, c, r, columns, note) for c, r in rows[k + 1 :]]
                out.append(TaskTable(columns, tuple(r for r in body if r is not None)))
                break
    return out


def _row(
    text: str, cells: list[Span], row: Span, columns: dict[str, int], note: Span | None
) -> TaskRow | None:
    def cell(key: str) -> Span | None:
        k = columns.get(key)
        return cells[k] if k is not None and k < len(cells) and cells[k].text else None

    task, number = cell("task"), cell("number")
    if task is None and number is None:
        return None
    numbered = number is not None and re.fullmatch(r"\d{1,3}|[一二三四五六七八九十]+", number.text)
    if not numbered and (task is None or (number is not None and task.text == number.text)):
        return None  # a section row (一、…) spanning the table
    entries: list[NameEntry] = []
    for role in _ROLE_COLUMNS:
        found = cell(role)
        if found is None:
            continue
        names = [n for n in split_top(text, found, LIST_SEPARATORS) if n.text]
        if role == "responsible" and note is not None and "lead" not in columns:
            roles = ["lead"] + ["co-lead"] * (len(names) - 1)
        else:
            roles = [role] * len(names)
        positions: dict[str, int] = {}
        for name, r in zip(names, roles, strict=True):
            positions[r] = positions.get(r, 0) + 1
            entries.append(NameEntry(r, positions[r], name, is_catch_all(name.text)))
    deadline = cell("deadline")
    used = note if note is not None and "lead" not in columns and cell("responsible") else None
    annotation = Annotation(row, tuple(entries), (deadline,) if deadline else ())
    return TaskRow(number.text if number else "", task, row, annotation, used)
