"""Documents as they are published (issue 12): portal HTML, DOCX with Word's numbering, PDF with a
task table across pages; each read by content, ingested without editing, its task table whole
(deadlines included) and its chain reaching 国发〔2020〕7号."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import copy_home
from typer.testing import CliRunner

from policygraph.cli.app import app
from policygraph.corpus import Corpus
from policygraph.errors import SourceError
from policygraph.text.readers import read_source, sniff

FIX = Path(__file__).resolve().parent / "fixtures"
PAGE = FIX / "readers" / "portal-page.html"
YUNNAN = FIX / "ingest" / "yunnan-measures.txt"
CN = "国发〔2020〕7号"
runner = CliRunner()


def cli(home: Corpus, *args: str) -> tuple[int, str, str]:
    r = runner.invoke(app, [*args, "--home", str(home.root)], env={"POLICYGRAPH_ENDPOINT": ""})
    return r.exit_code, r.stdout, r.stderr


def task_table(home: Corpus, number: str) -> list[tuple[object, ...]]:
    code, out, err = cli(home, "tasks", "--doc", number, "-f", "json")
    assert code == 0, err
    return [
        (r["number"], r["lead"], r["co_lead"], r["responsible"], r["deadline"])
        for r in json.loads(out)
    ]


def chain_documents(home: Corpus, measure: str) -> set[tuple[str, str]]:
    code, out, err = cli(home, "chain", measure, "-f", "json")
    assert code == 0, err
    data = json.loads(out)
    return {(s["lower"], s["higher"]) for s in data["document_level"]}


# --- HTML ------------------------------------------------------------------------------------


def test_portal_page_drops_chrome_and_reads_the_metadata_panel() -> None:
    doc = read_source(PAGE.read_bytes(), PAGE.name)
    assert doc.reader == "html"
    assert doc.metadata["number"] == "粤府办〔2023〕9号"
    assert doc.metadata["issuer"] == "广东省人民政府办公厅"
    assert doc.metadata["date"] == "2023年4月10日"
    assert doc.metadata["index"] == "006939748/2023-00127"
    for chrome in (
        "首页",
        "当前位置",
        "分享",
        "字体",
        "网站标识码",
        "相关链接",
        "不是措施",
        "索引号",
    ):
        assert chrome not in doc.text, chrome
    assert "（一）加强创新平台建设。" in doc.text
    (table,) = doc.tables
    assert table.header == ("序号", "重点任务", "牵头单位", "配合单位", "完成时限")
    assert len(table.rows) == 5
    # A cell merged over two rows (rowspan) is the same unit in both.
    assert table.rows[3][2].text == table.rows[4][2].text == "省政务服务数据管理局"
    for row in table.rows:  # every cell is a quote at its offsets
        assert all(doc.text[c.start : c.end] == c.text for c in row)


@pytest.fixture(scope="module")
def guangdong(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    home = copy_home(tmp_path_factory.mktemp("gd") / "home")
    code, out, err = cli(home, "ingest", str(PAGE), "--jurisdiction", "cn-gd")
    assert code == 0, out + err
    return home


def test_portal_page_ingests_with_its_attached_task_table(guangdong: Corpus) -> None:
    assert task_table(guangdong, "粤府办〔2023〕9号") == [
        (1, ["省科技厅"], ["省发展改革委", "省财政厅"], [], ["2023年底前"]),
        (2, ["省科技厅"], ["省税务局", "各地级以上市人民政府"], [], ["持续推进"]),
        (3, ["省政务服务数据管理局"], ["省市场监管局", "各有关单位"], [], ["2024年6月底前"]),
        (4, ["省政务服务数据管理局"], ["省财政厅"], [], ["每年"]),
    ]
    original = guangdong.sources / "cn-gd-2023-9.html"
    assert original.read_bytes() == PAGE.read_bytes()  # kept byte for byte
    meta = (guangdong.sources / "cn-gd-2023-9.ttl").read_text(encoding="utf-8")
    assert 'pg:reader "html 4"' in meta and "cn-gd-2023-9.plain.txt" in meta
    assert cli(guangdong, "validate")[0] == 0  # every quote checked against the derived text


def test_portal_page_chain_reaches_the_national_document(guangdong: Corpus) -> None:
    assert ("粤府办〔2023〕9号", CN) in chain_documents(guangdong, "粤府办〔2023〕9号:3")


# --- DOCX ------------------------------------------------------------------------------------


def _numbering(doc: object) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    root = doc.part.numbering_part.element  # type: ignore[attr-defined]
    abstract = OxmlElement("w:abstractNum")
    abstract.set(qn("w:abstractNumId"), "90")
    for ilvl, fmt, text in ((0, "chineseCounting", "%1、"), (1, "chineseCounting", "（%2）")):
        lvl = OxmlElement("w:lvl")
        lvl.set(qn("w:ilvl"), str(ilvl))
        for tag, val in (("w:start", "1"), ("w:numFmt", fmt), ("w:lvlText", text)):
            el = OxmlElement(tag)
            el.set(qn("w:val"), val)
            lvl.append(el)
        abstract.append(lvl)
    root.insert(0, abstract)
    num = OxmlElement("w:num")
    num.set(qn("w:numId"), "90")
    ref = OxmlElement("w:abstractNumId")
    ref.set(qn("w:val"), "90")
    num.append(ref)
    root.append(num)


def _numbered(doc: object, text: str, ilvl: int) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    p = doc.add_paragraph(text)  # type: ignore[attr-defined]
    num_pr = OxmlElement("w:numPr")
    for tag, val in (("w:ilvl", str(ilvl)), ("w:numId", "90")):
        el = OxmlElement(tag)
        el.set(qn("w:val"), val)
        num_pr.append(el)
    p._p.get_or_add_pPr().append(num_pr)


CITY_ITEMS = [
    ("提升创新能力", 0),
    ("建设创新平台。支持高新区建设重点实验室。（市科技局牵头，市财政局配合；2023年底前完成）", 1),
    (
        "引育创新人才。落实人才引进政策。"
        "（牵头单位：市委组织部；配合单位：市人力资源社会保障局；完成时限：2024年6月底前）",
        1,
    ),
    ("优化发展环境", 0),
    ("深化放管服改革。推行企业开办一网通办。（市政务服务局负责，每季度调度）", 1),
]
CITY_TABLE = [
    ("1.1", ["市科技局"], ["市财政局"], [], ["2023年底前"]),
    ("1.2", ["市委组织部"], ["市人力资源社会保障局"], [], ["2024年6月底前"]),
    ("2.1", [], [], ["市政务服务局"], ["每季度调度"]),
]


def city_plan(path: Path, rows: int = 0) -> Path:
    """A city plan as the office system writes it: Word's numbering, a signature, and a task
    table with ``rows`` extra rows (enough to run over a page)."""
    from docx import Document

    doc = Document()
    _numbering(doc)
    doc.add_paragraph("曲政办发〔2023〕8号")
    doc.add_paragraph("曲靖市人民政府办公室关于推动高新技术产业开发区高质量发展的实施方案")
    doc.add_paragraph(
        "为贯彻落实《云南省人民政府办公厅关于促进高新技术产业开发区高质量发展的实施意见》"
        "（云政办发〔2022〕12号），制定本方案。"
    )
    for text, level in CITY_ITEMS:
        _numbered(doc, text, level)
    doc.add_paragraph("曲靖市人民政府办公室")
    doc.add_paragraph("2023年3月15日")
    if rows:
        doc.add_paragraph("附件：进度安排")
        table = doc.add_table(rows=1, cols=3)
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, ("序号", "工作内容", "完成时限"), strict=True):
            cell.text = text
        for k in range(1, rows + 1):
            cells = table.add_row().cells
            cells[0].text, cells[1].text = str(k), f"第{k}项调度工作，按月报送进展情况"
            cells[2].text = "2023年底前"
    doc.save(str(path))
    return path


@pytest.fixture(scope="module")
def with_yunnan(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    home = copy_home(tmp_path_factory.mktemp("yn") / "home")
    code, out, err = cli(home, "ingest", str(YUNNAN), "--jurisdiction", "cn-yn")
    assert code == 0, out + err
    return home


def test_docx_numbering_is_written_out() -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        doc = read_source(city_plan(Path(tmp) / "plan.docx").read_bytes(), "plan.docx")
    assert doc.reader == "docx"
    lines = doc.text.splitlines()
    assert "一、提升创新能力" in lines and "二、优化发展环境" in lines
    assert any(line.startswith("（二）引育创新人才。") for line in lines)
    assert any(line.startswith("（一）深化放管服改革。") for line in lines)  # restarts, as in Word


def test_docx_ingests_and_chains_to_the_national_document(
    with_yunnan: Corpus, tmp_path: Path
) -> None:
    plan = city_plan(tmp_path / "曲靖方案.docx")
    code, out, err = cli(with_yunnan, "ingest", str(plan), "--jurisdiction", "cn-yn-qujing")
    assert code == 0, out + err
    assert task_table(with_yunnan, "曲政办发〔2023〕8号") == CITY_TABLE
    steps = chain_documents(with_yunnan, "曲政办发〔2023〕8号:2.1")
    assert {("曲政办发〔2023〕8号", "云政办发〔2022〕12号"), ("云政办发〔2022〕12号", CN)} <= steps
    assert cli(with_yunnan, "validate")[0] == 0


# --- PDF -------------------------------------------------------------------------------------

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(docx: Path) -> Path:
    if SOFFICE is None:
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-writer-nogui)")
    subprocess.run(
        [SOFFICE, "--headless", "--convert-to", "pdf", "--outdir", str(docx.parent), str(docx)],
        capture_output=True,
        timeout=180,
        check=True,
    )
    return docx.with_suffix(".pdf")


def test_pdf_table_across_pages_is_one_table(tmp_path: Path) -> None:
    pdf = to_pdf(city_plan(tmp_path / "plan.docx", rows=60))
    doc = read_source(pdf.read_bytes(), "plan.pdf")
    assert doc.reader == "pdf"
    import pdfplumber

    with pdfplumber.open(pdf) as opened:
        assert len(opened.pages) >= 2  # the table runs over a page
    (table,) = doc.tables
    assert table.header == ("序号", "工作内容", "完成时限")
    assert [r[0].text for r in table.rows[1:]] == [str(k) for k in range(1, 61)]
    assert all(r[1].text.endswith("按月报送进展情况") for r in table.rows[1:])


def test_pdf_ingests_like_the_docx(with_yunnan: Corpus, tmp_path: Path) -> None:
    pdf = to_pdf(city_plan(tmp_path / "qj.docx"))
    home = copy_home(tmp_path / "home")
    cli(home, "ingest", str(YUNNAN), "--jurisdiction", "cn-yn")
    code, out, err = cli(home, "ingest", str(pdf), "--jurisdiction", "cn-yn-qujing")
    assert code == 0, out + err
    assert task_table(home, "曲政办发〔2023〕8号") == CITY_TABLE


def test_pdf_without_a_text_layer_is_refused(tmp_path: Path) -> None:
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(_blank_pdf())
    with pytest.raises(SourceError, match=r"scan.pdf: no text layer \(a scan\?\)"):
        read_source(scan.read_bytes(), str(scan))
    home = copy_home(tmp_path / "home")
    code, _out, err = cli(home, "ingest", str(scan), "--jurisdiction", "cn-yn")
    assert code == 2 and err.startswith("Error: ") and "no text layer (a scan?)" in err
    assert not list(home.sources.glob("cn-yn*"))


def _blank_pdf() -> bytes:
    """One empty A4 page: what a scanner's PDF is to a text reader."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length 0 >>\nstream\n\nendstream",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for k, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{k} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out


# --- sniffing ----------------------------------------------------------------------------------


def test_formats_are_told_by_content_not_by_name(tmp_path: Path) -> None:
    assert sniff(PAGE.read_bytes(), "saved.txt") == "html"
    assert sniff(city_plan(tmp_path / "plan.pdf").read_bytes(), "plan.pdf") == "docx"
    assert sniff(b"%PDF-1.7\n...", "document.docx") == "pdf"
    assert sniff("（一）措施。".encode("gb18030"), "x.html") == "text"
    with pytest.raises(SourceError, match="old Word"):
        read_source(b"\xd0\xcf\x11\xe0" + bytes(100), "old.doc")


def test_jurisdiction_is_read_from_the_issuer(tmp_path: Path) -> None:
    """No --jurisdiction: 广东省 from the portal's issuer; 曲靖市 under the province of the
    document it implements (云政办发〔2022〕12号, cn-yn); shown as inferred in the dry run."""
    home = copy_home(tmp_path / "home")
    assert cli(home, "ingest", str(YUNNAN))[0] == 0  # cn-yn, from 云南省人民政府办公厅
    code, out, err = cli(home, "ingest", str(PAGE), "--dry-run")
    assert code == 0, err
    assert "jurisdiction: cn-gd (inferred from the issuer)" in out
    plan = city_plan(tmp_path / "曲靖方案.docx")
    code, out, err = cli(home, "ingest", str(plan), "--dry-run")
    assert code == 0, err
    assert "jurisdiction: cn-yn-qujing (inferred from the issuer)" in out


def test_an_issuer_that_names_no_place_asks_for_the_option(tmp_path: Path) -> None:
    home = copy_home(tmp_path / "home")
    text = tmp_path / "x.txt"
    text.write_text(
        "某局关于加强管理的通知\n一、措施\n（一）加强管理。（牵头：甲局）\n", encoding="utf-8"
    )
    code, _, err = cli(home, "ingest", str(text))
    assert (
        code == 2
        and "give the jurisdiction" in err
        and "--jurisdiction" in err
        and err.count("\n") == 1
    )


def test_an_old_table_laid_out_page_in_gb2312(tmp_path: Path) -> None:
    """A page laid out with tables, in GB2312, its body one <div> of <br>-separated lines."""
    old = FIX / "readers" / "old-portal-page.html"
    doc = read_source(old.read_bytes(), old.name)
    assert doc.metadata["published"] == "2023-03-20"
    assert "网站首页" not in doc.text and "版权所有" not in doc.text and "通知公告" not in doc.text
    assert doc.tables == ()  # layout tables are not data
    home = copy_home(tmp_path / "home")
    cli(home, "ingest", str(YUNNAN))
    code, out, err = cli(home, "ingest", str(old))
    assert code == 0, out + err
    assert task_table(home, "曲政办发〔2023〕8号") == [
        (1, ["市科技局"], ["市财政局"], [], ["2023年底前"]),
        (2, ["市委组织部"], ["市人力资源社会保障局"], [], ["2024年6月底前"]),
        (3, [], [], ["市政务服务局"], ["每季度调度"]),
    ]
    steps = chain_documents(home, "曲政办发〔2023〕8号:1")
    assert {("曲政办发〔2023〕8号", "云政办发〔2022〕12号"), ("云政办发〔2022〕12号", CN)} <= steps
