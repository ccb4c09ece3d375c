"""Tables as office files people print and edit: xlsx (openpyxl) and docx (python-docx).

Both are A4 landscape with the title and the header row repeated on every printed page, the
page number in the footer (第 N 页 共 M 页), in the faces official tables use (宋体 for text, 黑体
for titles), so LibreOffice, WPS and Excel show the Chinese text. Column widths are set where
every program reads them: in xlsx the column dimensions; in docx the table grid (``w:tblGrid``,
which LibreOffice follows) with a fixed layout, and each cell (which Word follows). A docx row is
never split across pages (``w:cantSplit``).
"""

from __future__ import annotations

from typing import Any

from policygraph.render.table import Sheet, column_widths, display_width

CJK_FONT = "SimSun"  # 宋体: the conventional face for official tables; has CJK glyphs
CJK_TITLE_FONT = "SimHei"  # 黑体


def xlsx_bytes(sheet: Sheet) -> bytes:
    """The renderer ``xlsx`` (``render.formats.RENDERERS``): the workbook's bytes."""
    return _saved(xlsx(sheet))


def docx_bytes(sheet: Sheet) -> bytes:
    """The renderer ``docx``: the document's bytes."""
    return _saved(docx(sheet))


def _saved(document: Any) -> bytes:
    import io

    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def xlsx(sheet: Sheet) -> Any:
    from copy import copy

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
    text_cell(ws, 1, 1, sheet.title).font = Font(name=CJK_TITLE_FONT, bold=True, size=14)
    ws.cell(row=1, column=1).alignment = Alignment(
        horizontal="center", vertical="center", wrap_text=True
    )
    if ncols > 1:
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncols)
    ws.row_dimensions[1].height = 30
    for j, i in enumerate(idx, start=1):
        c = text_cell(ws, 2, j, sheet.columns[i].header)
        c.font = Font(name=CJK_FONT, bold=True)
        c.fill = PatternFill("solid", fgColor="D9D9D9")
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        c.border = border
    body = None  # the style of every cell of the body, made once (set on each cell, it was
    for r, row in enumerate(sheet.rows, start=3):  # half of an xlsx's time: 0.06 s of 80 rows)
        for j, i in enumerate(idx, start=1):
            value = row[i]
            c = text_cell(ws, r, j, value if isinstance(value, int) else sheet.text(value))
            if body is not None:
                c._style = copy(body)  # (as openpyxl copies a cell's style)
                continue
            c.font = Font(name=CJK_FONT)
            c.alignment = Alignment(vertical="top", wrap_text=True)
            c.border = border
            body = c._style
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
    print_frame(ws, "1:2")  # the title and the header row on every printed page
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
    page_frame(doc, sheet.title)
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
    fixed_grid(table, column_widths(sheet), Mm(297 - 2 * 18))
    return doc


def text_cell(ws: Any, row: int, column: int, value: Any) -> Any:
    """A cell holding ``value``; text is always text (an inline string), never a formula, whatever
    it starts with (``=HYPERLINK(…)`` in a measure's title stays the title)."""
    cell = ws.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


PAGE_NUMBER = "第 &P 页 共 &N 页"  # the footer of every printed page (Excel's codes)


def print_frame(ws: Any, title_rows: str) -> None:
    """Rows ``title_rows`` on top of every printed page, 第 N 页 共 M 页 at its foot."""
    ws.print_title_rows = title_rows
    ws.oddFooter.center.text = PAGE_NUMBER
    ws.oddFooter.center.font = CJK_FONT


def fixed_grid(table: Any, widths: list[int], usable: int) -> None:
    """Column widths in proportion to ``widths`` over ``usable`` (EMU), in the table grid and in
    every cell, with a fixed layout; no row split across pages."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    table.autofit = False
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)
    shares = [int(usable * w / sum(widths)) for w in widths]
    for column, share in zip(table.columns, shares, strict=True):
        column.width = share  # w:gridCol
    for row in table.rows:
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        for cell, share in zip(row.cells, shares, strict=True):
            cell.width = share


def page_frame(doc: Any, title: str) -> None:
    """The title at the head of every page and 第 N 页 共 M 页 at its foot."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    section = doc.sections[0]
    head = section.header.paragraphs[0]
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    cjk_run(head, title, CJK_FONT, 9)
    foot = section.footer.paragraphs[0]
    foot.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for text, field in (("第 ", "PAGE"), (" 页 共 ", "NUMPAGES"), (" 页", None)):
        cjk_run(foot, text, CJK_FONT, 9)
        if field:
            page_field(foot, field)


def page_field(paragraph: Any, name: str) -> None:
    """A Word field (PAGE, NUMPAGES) in ``paragraph``, as programs update it when they print:
    begin, the instruction, separate, the last value shown, end — each in a run of its own."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for kind, tag, text in (
        ("begin", "w:fldChar", None),
        (None, "w:instrText", f" {name} "),
        ("separate", "w:fldChar", None),
        (None, "w:t", "1"),
        ("end", "w:fldChar", None),
    ):
        element = OxmlElement(tag)
        if kind:
            element.set(qn("w:fldCharType"), kind)
        else:
            element.set(qn("xml:space"), "preserve")
            element.text = text
        cjk_run(paragraph, "", CJK_FONT, 9)._r.append(element)


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
    from copy import deepcopy

    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    r = paragraph.add_run(text)
    made = _RUN_PROPERTIES.get((face, size, bold, hidden))
    if made is not None:  # the same properties as a run made before: a copy of them
        r._element.insert(0, deepcopy(made))
        return r
    r.font.name, r.font.size, r.font.bold, r.font.hidden = face, Pt(size), bold, hidden
    rpr = r._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), face)
    _RUN_PROPERTIES[(face, size, bold, hidden)] = deepcopy(rpr)
    return r


# a run's properties (its w:rPr) by face, size, bold and hidden, as python-docx first made them:
# made for every run of a table, they were two thirds of a docx's time (0.4 s of 80 rows)
_RUN_PROPERTIES: dict[tuple[str, float, bool, bool], Any] = {}
