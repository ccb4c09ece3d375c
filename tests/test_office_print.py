"""Office files print as offices hand them out (issue 26): each xlsx and docx we write, converted
to PDF by LibreOffice, has 第 N 页 共 M 页 and the document's 文号 on every page, and columns as
wide as their content needs (序号 narrow, the department columns wide) — in the table grid
LibreOffice reads, not only in the cells Word reads; no docx row splits across pages."""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from typer.testing import CliRunner

from policygraph.cli.app import app

runner = CliRunner()
OFFICE = shutil.which("soffice") or shutil.which("libreoffice")
NUMBER = "桂政办发〔2021〕81号"
OUTPUTS = {  # file name: the command that writes it
    "tasks.xlsx": ["tasks"],
    "tasks.docx": ["tasks"],
    "by-department.docx": ["tasks", "--by", "department"],
    "dept.docx": ["tasks", "--dept", "科技厅"],
    "dept.xlsx": ["tasks", "--dept", "科技厅"],
    "form.xlsx": ["tasks", "--return-form"],
    "form.docx": ["tasks", "--return-form"],
    "progress.xlsx": ["progress"],
    "progress.docx": ["progress"],
}
WITH_NUMBER = {"tasks", "by-department", "form", "progress"}  # one document's table: its 文号


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("office")
    for name, args in OUTPUTS.items():
        result = runner.invoke(app, [*args, "-o", str(out / name)])
        assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def pdfs(written: Path) -> Path:
    if OFFICE is None:
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-calc-nogui …)")
    out = written / "pdf"
    for suffix in ("xlsx", "docx"):  # one conversion per kind: the PDFs are named by the stem
        files = [str(p) for p in sorted(written.glob(f"*.{suffix}"))]
        result = subprocess.run(
            [
                OFFICE,
                f"-env:UserInstallation=file://{written}/profile",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out / suffix),
                *files,
            ],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert result.returncode == 0, result.stderr
    return out


def pages(pdf: Path) -> list[str]:
    import pdfplumber

    with pdfplumber.open(pdf) as opened:
        return [page.extract_text() or "" for page in opened.pages]


@pytest.mark.parametrize("name", sorted(OUTPUTS))
def test_every_page_has_its_number_and_the_document(pdfs: Path, name: str) -> None:
    stem, suffix = name.rsplit(".", 1)
    texts = pages(pdfs / suffix / f"{stem}.pdf")
    for n, text in enumerate(texts, start=1):
        assert re.search(rf"第\s*{n}\s*页\s*共\s*{len(texts)}\s*页", text), (n, text[-200:])
        if stem in WITH_NUMBER:
            assert NUMBER in text.replace(" ", ""), (n, text[:200])


@pytest.mark.parametrize("name", ["tasks.xlsx", "tasks.docx", "form.docx", "progress.docx"])
def test_columns_are_as_wide_as_their_content(pdfs: Path, name: str) -> None:
    """The ruled table on the first page: the column edges LibreOffice drew are not evenly
    spaced, the first column (序号 or 条目) is the narrowest and much narrower than the widest."""
    import pdfplumber

    stem, suffix = name.rsplit(".", 1)
    with pdfplumber.open(pdfs / suffix / f"{stem}.pdf") as opened:
        edges = opened.pages[0].edges
    xs = sorted({round(e["x0"]) for e in edges if e["orientation"] == "v"})
    widths = [b - a for a, b in itertools.pairwise(xs) if b - a > 3]
    assert len(widths) >= 4, xs
    assert widths[0] == min(widths) and widths[0] * 3 < max(widths), widths


@pytest.mark.parametrize("name", [n for n in OUTPUTS if n.endswith(".docx")])
def test_docx_tables_set_the_grid_and_keep_rows_whole(written: Path, name: str) -> None:
    for table in Document(str(written / name)).tables:
        grid = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        assert len(set(grid)) > 1, grid  # not the equal columns python-docx starts with
        layout = table._tbl.tblPr.find(qn("w:tblLayout"))
        assert layout is not None and layout.get(qn("w:type")) == "fixed"
        for row in table.rows:
            assert row._tr.trPr is not None and row._tr.trPr.find(qn("w:cantSplit")) is not None


def test_the_cells_styled_once_are_styled_as_each_one_styled_on_its_own() -> None:
    """xlsx: every cell of the body carries the style the first one was given (a copy of it,
    made once); docx: a run's properties copied from the first run with the same ones are that
    run's, element for element, and each run holds its own."""
    from docx.oxml.ns import qn as docx_qn
    from docx.shared import Pt
    from lxml import etree

    from policygraph.render import office
    from policygraph.render.table import Column, Sheet

    columns = [Column("n", "序号"), Column("task", "任务", wide=True), Column("lead", "牵头单位")]
    rows = [[i, f"任务{i}" * i, ["科技厅", "财政厅"]] for i in range(1, 6)]
    ws = office.xlsx(Sheet("表", columns, rows)).active
    styled = {
        (c.font.name, c.alignment.vertical, c.alignment.wrap_text, c.border.left.style)
        for row in ws.iter_rows(min_row=3)
        for c in row
    }
    assert styled == {(office.CJK_FONT, "top", True, "thin")}
    doc = Document()
    made = [
        office.cjk_run(doc.add_paragraph(), t, office.CJK_FONT, 9, bold=b, hidden=h)
        for t, b, h in [("甲", True, False), ("乙", True, False), ("丙", False, True)] * 2
    ]
    props = [etree.tostring(r._element.find(docx_qn("w:rPr"))) for r in made]
    assert props[0] == props[1] == props[3] == props[4] and props[2] == props[5] != props[0]
    assert b'w:eastAsia="' in props[0] and b"<w:vanish/>" in props[2]
    made[1].font.size = Pt(20)  # one run changed: no other with it
    now = [etree.tostring(r._element.find(docx_qn("w:rPr"))) for r in made]
    assert now[1] != props[1] and now[0] == now[3] == now[4] == props[0]
    assert [r.text for r in made] == ["甲", "乙", "丙"] * 2
