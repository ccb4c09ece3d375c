"""The tables of a returned form, as grids of cells: an xlsx's sheets (streamed, a formula refused
with its cell), a docx's tables (hidden text included: the form's identities are hidden) with
the paragraphs before each, a CSV file's rows. What the cells mean is the importer's
(:mod:`policygraph.ingest.returns`); here only how each format holds them."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from policygraph.errors import InputError
from policygraph.i18n import N_
from policygraph.text.limits import ROWS

VERSION = "1"
MAX_COLUMNS = 64  # a return form has ten; what lies further right is not read


@dataclass
class Grid:
    """One table of a file: its cells row by row, as the format holds them."""

    name: str  # the sheet's title, "table N" (docx), the file's name (csv)
    rows: list[list[Any]]  # the cells' values: as typed in an xlsx, text elsewhere
    reader: str  # xlsx, docx, csv: how a cell is named (F12, table 2 row 3, line 4)
    before: tuple[str, ...] = ()  # docx: the text of the paragraphs before the table


def xlsx_grids(data: bytes, name: str) -> list[Grid]:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data), read_only=True)
    return [Grid(ws.title, _sheet(name, ws), "xlsx") for ws in wb.worksheets]


def _sheet(name: str, ws: Any) -> list[list[Any]]:
    """A sheet's values, row by row, streamed: no more rows than the limit, no more columns than
    a form has; a formula is refused with its cell (its value is not in the file unless a
    spreadsheet program computed it, and a value left out would be a silent loss)."""
    grid: list[list[Any]] = []
    for row in ws.iter_rows(max_col=MAX_COLUMNS):
        if len(grid) >= ROWS.value():
            raise ROWS.over(name)
        for cell in row:
            if getattr(cell, "data_type", None) == "f":
                raise InputError(
                    N_("{path}: cell {cell} holds a formula ({formula}): type its value instead"),
                    code="return-formula",
                    path=name,
                    cell=f"{ws.title}!{cell.coordinate}",
                    formula=str(cell.value)[:80],
                )
        grid.append([cell.value for cell in row])
    return grid


def csv_grids(data: bytes, name: str) -> list[Grid]:
    """A CSV file's rows (in the encodings plain text is read in), no more than the limit."""
    from policygraph.text.readers.plain import detect

    try:
        text = data.decode(detect(data))
    except UnicodeDecodeError as exc:
        raise InputError(
            N_("{path}: not a CSV file in UTF-8, UTF-16 or GB18030"),
            code="return-encoding",
            path=name,
        ) from exc
    text = text.removeprefix("\ufeff")
    grid: list[list[Any]] = []
    for row in csv.reader(io.StringIO(text)):
        if len(grid) >= ROWS.value():
            raise ROWS.over(name)
        grid.append(row[:MAX_COLUMNS])
    return [Grid(name.rsplit("/", 1)[-1], grid, "csv")]


def docx_grids(data: bytes, name: str) -> list[Grid]:
    """Each table of the document with the paragraphs between it and the table before."""
    from docx import Document
    from docx.oxml.ns import qn

    doc = Document(io.BytesIO(data))
    out: list[Grid] = []
    before: list[str] = []
    for block in doc.element.body.iterchildren():
        if block.tag == qn("w:p"):
            before.append("".join(t.text or "" for t in block.iter(qn("w:t"))))
        elif block.tag == qn("w:tbl"):
            rows = [
                ["".join(t.text or "" for t in tc.iter(qn("w:t"))) for tc in tr.iter(qn("w:tc"))]
                for tr in block.iter(qn("w:tr"))
            ]
            out.append(Grid(f"table {len(out) + 1}", rows, "docx", tuple(before)))
            before = []
    return out
