"""Tables to files people use: csv, md, json, xlsx, docx (and GraphML for networks).

Every tabular view becomes a :class:`Sheet`; each format renders a sheet. Lists of departments are
joined with 、 in text cells and kept as lists in JSON. Files are written through a temporary file
and a rename, so a failed export never leaves half a file.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from policygraph.errors import InputError

Cell = str | int | list[str]
TEXT_FORMATS = ("table", "csv", "md", "json")
FILE_FORMATS = ("xlsx", "docx")
FORMATS = TEXT_FORMATS + FILE_FORMATS
JOIN = "、"
CJK_FONT = "SimSun"  # 宋体: the conventional face for official tables; has CJK glyphs
CJK_TITLE_FONT = "SimHei"  # 黑体


@dataclass(frozen=True)
class Column:
    key: str  # machine name (csv header, json key)
    header: str  # what a person reads (table, md, xlsx, docx)
    printed: bool = True  # shown in the human formats (the document column is in the title)
    wide: bool = False  # long text: wraps, gets a wide column


@dataclass
class Sheet:
    title: str
    columns: list[Column]
    rows: list[list[Cell]]

    def text(self, cell: Cell) -> str:
        return JOIN.join(cell) if isinstance(cell, list) else str(cell)

    def printed(self) -> list[int]:
        return [i for i, c in enumerate(self.columns) if c.printed]


def render_text(sheet: Sheet, fmt: str) -> str:
    """csv, md or json as a string."""
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow([c.key for c in sheet.columns])
        for row in sheet.rows:
            w.writerow([sheet.text(c) for c in row])
        return buf.getvalue()
    if fmt == "json":
        data = {
            "title": sheet.title,
            "columns": [c.key for c in sheet.columns],
            "rows": [
                {c.key: v for c, v in zip(sheet.columns, row, strict=True)} for row in sheet.rows
            ],
        }
        return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    if fmt == "md":
        idx = sheet.printed()
        esc = lambda s: s.replace("|", "\\|").replace("\n", "<br>")  # noqa: E731
        lines = [f"## {sheet.title}", ""]
        lines.append("| " + " | ".join(sheet.columns[i].header for i in idx) + " |")
        lines.append("|" + "|".join("---" for _ in idx) + "|")
        for row in sheet.rows:
            lines.append("| " + " | ".join(esc(sheet.text(row[i])) for i in idx) + " |")
        return "\n".join(lines) + "\n"
    raise InputError(f"unknown text format {fmt!r} (one of {', '.join(TEXT_FORMATS)})")


def print_table(sheet: Sheet, console: object) -> None:
    """A rich table on the terminal."""
    from rich.table import Table

    table = Table(title=sheet.title, title_justify="left", show_lines=True)
    idx = sheet.printed()
    for i in idx:
        col = sheet.columns[i]
        table.add_column(col.header, overflow="fold", ratio=3 if col.wide else 1)
    for row in sheet.rows:
        table.add_row(*(sheet.text(row[i]) for i in idx))
    console.print(table)  # type: ignore[attr-defined]


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def column_widths(sheet: Sheet) -> list[int]:
    """Width of each printed column, in characters: fits the content, long text wraps."""
    widths = []
    for i in sheet.printed():
        col = sheet.columns[i]
        longest = max(
            [display_width(col.header)] + [display_width(sheet.text(row[i])) for row in sheet.rows]
        )
        widths.append(min(max(6, longest + 2), 48 if col.wide else 24))
    return widths


def write(sheet: Sheet, fmt: str, path: Path) -> None:
    """Write ``sheet`` as ``fmt`` to ``path`` atomically."""
    if fmt in ("csv", "md", "json"):
        text = render_text(sheet, fmt)
        # UTF-8 with a BOM for CSV, so that Excel opens Chinese text correctly.
        data = text.encode("utf-8-sig" if fmt == "csv" else "utf-8")
        write_atomic(path, lambda fh: fh.write(data))
    elif fmt == "xlsx":
        write_atomic(path, lambda fh: _xlsx(sheet).save(fh))
    elif fmt == "docx":
        write_atomic(path, lambda fh: _docx(sheet).save(fh))
    else:
        raise InputError(
            f"cannot write format {fmt!r} to a file (one of csv, md, json, xlsx, docx)"
        )


def write_text(path: Path, text: str) -> None:
    """Write a UTF-8 text file atomically."""
    data = text.encode("utf-8")
    write_atomic(path, lambda fh: fh.write(data))


def write_atomic(path: Path, write_to: Callable[[io.BufferedWriter], object]) -> None:
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise InputError(f"{path}: directory {directory} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            write_to(fh)
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)
        os.replace(tmp, path)
    except OSError as exc:
        raise InputError(f"{path}: cannot write ({exc.strerror})") from exc
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _xlsx(sheet: Sheet) -> Any:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "任务分工表"[:31]
    idx = sheet.printed()
    ncols = len(idx)
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    ws.cell(row=1, column=1, value=sheet.title).font = Font(name=CJK_TITLE_FONT, bold=True, size=14)
    ws.cell(row=1, column=1).alignment = Alignment(
        horizontal="center", vertical="center", wrap_text=True
    )
    if ncols > 1:
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncols)
    ws.row_dimensions[1].height = 30
    for j, i in enumerate(idx, start=1):
        c = ws.cell(row=2, column=j, value=sheet.columns[i].header)
        c.font = Font(name=CJK_FONT, bold=True)
        c.fill = PatternFill("solid", fgColor="D9D9D9")
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        c.border = border
    for r, row in enumerate(sheet.rows, start=3):
        for j, i in enumerate(idx, start=1):
            value = row[i]
            c = ws.cell(
                row=r, column=j, value=value if isinstance(value, int) else sheet.text(value)
            )
            c.font = Font(name=CJK_FONT)
            c.alignment = Alignment(vertical="top", wrap_text=True)
            c.border = border
    widths = column_widths(sheet)
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
    for r, row in enumerate(sheet.rows, start=3):  # spreadsheet apps do not grow rows themselves
        lines = max(
            -(-display_width(sheet.text(row[i])) // max(1, w - 1))
            for i, w in zip(idx, widths, strict=True)
        )
        ws.row_dimensions[r].height = 16 * max(1, lines)
    ws.freeze_panes = "A3"  # title and header row stay in view
    ws.print_title_rows = "2:2"  # the header row repeats on every printed page
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    return wb


def _docx(sheet: Sheet) -> Any:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(18))

    def font(run: object, name: str, size: float, bold: bool = False) -> None:
        run.font.name = name  # type: ignore[attr-defined]
        run.font.size = Pt(size)  # type: ignore[attr-defined]
        run.font.bold = bold  # type: ignore[attr-defined]
        rpr = run._element.get_or_add_rPr()  # type: ignore[attr-defined]
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = OxmlElement("w:rFonts")
            rpr.append(fonts)
        fonts.set(qn("w:eastAsia"), name)  # the face used for Chinese characters

    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    font(title.add_run(sheet.title), CJK_TITLE_FONT, 16, bold=True)
    idx = sheet.printed()
    table = doc.add_table(rows=1, cols=len(idx))
    table.style = "Table Grid"
    header = table.rows[0]
    tr_pr = header._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")  # repeat the header row on every page
    repeat.set(qn("w:val"), "true")
    tr_pr.append(repeat)
    for cell, i in zip(header.cells, idx, strict=True):
        p = cell.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        font(p.add_run(sheet.columns[i].header), CJK_FONT, 11, bold=True)
    for row in sheet.rows:
        cells = table.add_row().cells
        for cell, i in zip(cells, idx, strict=True):
            font(cell.paragraphs[0].add_run(sheet.text(row[i])), CJK_FONT, 10.5)
    widths = column_widths(sheet)
    usable = Mm(297 - 2 * 18)
    table.autofit = False
    for j, width in enumerate(widths):
        share = int(usable * width / sum(widths))
        for r in table.rows:
            r.cells[j].width = share
    return doc
