"""Tables as office files people print and edit: xlsx (openpyxl) and docx (python-docx).

Both are A4 landscape with the header row repeated on every printed page, in the faces official
tables use (宋体 for text, 黑体 for titles), so LibreOffice, WPS and Excel show the Chinese text.
"""

from __future__ import annotations

from typing import Any

from policygraph.render.table import Sheet, column_widths, display_width

CJK_FONT = "SimSun"  # 宋体: the conventional face for official tables; has CJK glyphs
CJK_TITLE_FONT = "SimHei"  # 黑体


def xlsx(sheet: Sheet) -> Any:
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


def docx(sheet: Sheet) -> Any:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm

    doc = landscape_document(18)
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    cjk_run(title, sheet.title, CJK_TITLE_FONT, 16, bold=True)
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
        cjk_run(p, sheet.columns[i].header, CJK_FONT, 11, bold=True)
    for row in sheet.rows:
        cells = table.add_row().cells
        for cell, i in zip(cells, idx, strict=True):
            cjk_run(cell.paragraphs[0], sheet.text(row[i]), CJK_FONT, 10.5)
    widths = column_widths(sheet)
    usable = Mm(297 - 2 * 18)
    table.autofit = False
    for j, width in enumerate(widths):
        share = int(usable * width / sum(widths))
        for r in table.rows:
            r.cells[j].width = share
    return doc


def landscape_document(margin_mm: float) -> Any:
    """An empty A4 landscape Word document with even margins."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(margin_mm))
    return doc


def cjk_run(
    paragraph: Any, text: str, face: str, size: float, bold: bool = False, hidden: bool = False
) -> Any:
    """A run in a CJK face (set for East Asian text too, which Word takes from w:eastAsia),
    optionally bold or hidden."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    r = paragraph.add_run(text)
    r.font.name, r.font.size, r.font.bold, r.font.hidden = face, Pt(size), bold, hidden
    rpr = r._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), face)
    return r
