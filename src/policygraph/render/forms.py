"""Return forms (反馈表): a department's rows of a task table, sent out to be filled in and read
back by ``policygraph progress import``.

xlsx: a sheet per department. Column A is hidden and holds each row's identity (the
responsibility's IRI), with the sheet's identity (document, department, when the form was
written, by which version) above it in A1; so a returned form is read back unambiguously after
its rows are sorted or filtered, columns added, or the file re-saved by LibreOffice or Excel.
The columns the department fills in are unlocked, the rest protected; 完成状态 is a drop-down,
完成日期 takes a date.

docx: a table per department, each preceded by the sheet's identity and each 序号 cell holding
the row's identity, both as hidden text; 完成状态 is a drop-down content control.

序号 and 条目 are the task's in the task table (序号 its place there, 条目 its label as the
source writes it), so a form, the table and ``progress`` name a task alike; a task the source
lists twice for one department is one row (``views.progress.forms``).
"""

from __future__ import annotations

import json
import re
from typing import Any

from policygraph.render.office import (
    CJK_FONT,
    CJK_TITLE_FONT,
    cjk_run,
    fixed_grid,
    landscape_document,
    page_frame,
    print_frame,
    text_cell,
)
from policygraph.views.progress import FILLED_IN, FORM_KIND, IDENTITY_HEADER, STATUSES, Form

HEADERS = (
    ("序号", 6),
    ("条目", 9),
    ("任务", 34),
    ("本单位职责", 11),
    ("完成时限", 14),
    ("进展情况", 40),
    ("完成状态", 10),
    ("完成日期", 12),
    ("佐证材料", 20),
    ("填报人", 10),
)


def _letter(header: str) -> str:
    """The column of a header on the xlsx sheet: identity in A, then the headers (B…)."""
    return chr(ord("B") + [h for h, _ in HEADERS].index(header))


LAST = _letter(HEADERS[-1][0])  # the last column


def identity(form: Form, generated: str, version: str) -> str:
    """The sheet's identity, as JSON."""
    return json.dumps(
        {
            "form": FORM_KIND,
            "document": str(form.document.iri),
            "department": str(form.department),
            "generated": generated,
            "version": version,
        },
        ensure_ascii=False,
    )


def title(form: Form) -> str:
    return f"{form.document.label}《{form.document.title}》重点任务落实情况反馈表（{form.name}）"


def sheet_names(forms: list[Form]) -> list[str]:
    """Each department's sheet name: its official name, made a legal, unique sheet name."""
    names: list[str] = []
    for form in forms:
        base = re.sub(r"[\[\]:*?/\\]", "", form.name)[:28] or "单位"
        name, n = base, 2
        while name in names:
            name, n = f"{base[:26]}{n}", n + 1
        names.append(name)
    return names


def row_values(form: Form) -> list[list[Any]]:
    return [
        [row.seq, row.label, row.task, row.role, row.deadline, None, None, None, None, None]
        for row in form.rows
    ]


def xlsx(forms: list[Form], generated: str, version: str) -> Any:
    from openpyxl import Workbook

    wb = Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    for form, name in zip(forms, sheet_names(forms), strict=True):
        ws = wb.create_sheet(name)
        _xlsx_sheet(ws, form, identity(form, generated, version))
        end = len(form.rows) + 2
        if form.rows:
            _validations(ws, end)
        _protect_and_print(ws, end)
    return wb


def _xlsx_sheet(ws: Any, form: Form, sheet_identity: str) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
    from openpyxl.utils import get_column_letter

    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    text_cell(ws, 1, 1, sheet_identity)
    text_cell(ws, 1, 2, title(form))
    ws["B1"].font = Font(name=CJK_TITLE_FONT, bold=True, size=14)
    ws["B1"].alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.merge_cells(f"B1:{LAST}1")
    ws.row_dimensions[1].height = 36
    ws["A2"] = IDENTITY_HEADER
    ws.column_dimensions["A"].hidden = True
    for j, (header, width) in enumerate(HEADERS, start=2):
        cell = ws.cell(row=2, column=j, value=header)
        cell.font = Font(name=CJK_FONT, bold=True)
        cell.fill = PatternFill("solid", fgColor="D9D9D9")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
        ws.column_dimensions[get_column_letter(j)].width = width
    for r, (row, values) in enumerate(zip(form.rows, row_values(form), strict=True), start=3):
        text_cell(ws, r, 1, str(row.responsibility))
        for j, ((header, _), value) in enumerate(zip(HEADERS, values, strict=True), start=2):
            cell = text_cell(ws, r, j, value)
            cell.font = Font(name=CJK_FONT)
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            cell.border = border
            if header in FILLED_IN:
                cell.protection = Protection(locked=False)
                cell.fill = PatternFill("solid", fgColor="FFF9E5")  # to be filled in
            if header == "完成日期":
                cell.number_format = "yyyy-mm-dd"
        ws.row_dimensions[r].height = 16 * max(2, -(-len(row.task) // 20))


def _validations(ws: Any, end: int) -> None:
    """完成状态 from the list only; 完成日期 a date."""
    from openpyxl.worksheet.datavalidation import DataValidation

    status = DataValidation(
        type="list",
        formula1='"' + ",".join(STATUSES) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="完成状态",
        error="请从列表中选择：" + "、".join(STATUSES),
    )
    status.add(f"{_letter('完成状态')}3:{_letter('完成状态')}{end}")
    day = DataValidation(
        type="date",
        operator="greaterThan",
        formula1="DATE(2000,1,1)",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="完成日期",
        error="请填写日期，如 2024-06-30",
    )
    day.add(f"{_letter('完成日期')}3:{_letter('完成日期')}{end}")
    ws.add_data_validation(status)
    ws.add_data_validation(day)


def _protect_and_print(ws: Any, end: int) -> None:
    ws.protection.sheet = True
    ws.protection.formatColumns = False  # may widen columns,
    ws.protection.formatRows = False  # grow rows,
    ws.protection.sort = False  # sort
    ws.protection.autoFilter = False  # and filter
    ws.auto_filter.ref = f"B2:{LAST}{end}"
    ws.freeze_panes = "B3"
    print_frame(ws, "1:2")  # the title and the header row on every printed page, page numbers
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def docx(forms: list[Form], generated: str, version: str) -> Any:
    from docx.enum.text import WD_BREAK

    doc = landscape_document(15)
    if forms:
        document = forms[0].document
        page_frame(doc, f"{document.label}《{document.title}》重点任务落实情况反馈表")
    for n, form in enumerate(forms):
        if n:
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        _docx_form(doc, form, generated, version)
    return doc


def _docx_form(doc: Any, form: Form, generated: str, version: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm

    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    cjk_run(heading, title(form), CJK_TITLE_FONT, 15, bold=True)
    cjk_run(doc.add_paragraph(), identity(form, generated, version), CJK_FONT, 6, hidden=True)
    table = doc.add_table(rows=1, cols=len(HEADERS))
    table.style = "Table Grid"
    table.autofit = False
    header = table.rows[0]
    repeat = OxmlElement("w:tblHeader")  # the header row on every printed page
    repeat.set(qn("w:val"), "true")
    header._tr.get_or_add_trPr().append(repeat)
    for cell, (text, _) in zip(header.cells, HEADERS, strict=True):
        p = cell.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        cjk_run(p, text, CJK_FONT, 10.5, bold=True)
    for row, values in zip(form.rows, row_values(form), strict=True):
        cells = table.add_row().cells
        cjk_run(cells[0].paragraphs[0], f"⟦{row.responsibility}⟧", CJK_FONT, 6, hidden=True)
        for cell, (name, _), value in zip(cells, HEADERS, values, strict=True):
            if name == "完成状态":
                cell.paragraphs[0]._p.append(_drop_down())
            elif value is not None:
                cjk_run(cell.paragraphs[0], str(value), CJK_FONT, 10)
    fixed_grid(table, [width for _, width in HEADERS], Mm(297 - 30))


def _drop_down() -> Any:
    """A drop-down content control offering the 完成状态, empty until one is chosen."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    sdt = OxmlElement("w:sdt")
    pr = OxmlElement("w:sdtPr")
    alias = OxmlElement("w:alias")
    alias.set(qn("w:val"), "完成状态")
    tag = OxmlElement("w:tag")
    tag.set(qn("w:val"), "status")
    choices = OxmlElement("w:dropDownList")
    for status in STATUSES:
        item = OxmlElement("w:listItem")
        item.set(qn("w:displayText"), status)
        item.set(qn("w:value"), status)
        choices.append(item)
    pr.extend([alias, tag, choices])
    content = OxmlElement("w:sdtContent")
    r = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = ""
    r.append(t)
    content.append(r)
    sdt.extend([pr, content])
    return sdt


def form_bytes(forms: list[Form], fmt: str, generated: str, version: str) -> bytes:
    """The return form as the bytes of an .xlsx or .docx file."""
    import io

    made = xlsx(forms, generated, version) if fmt == "xlsx" else docx(forms, generated, version)
    buffer = io.BytesIO()
    made.save(buffer)
    return buffer.getvalue()
