"""Faults catalogue (issue 27, item 12): the smaller faults. A return form is never xlsx bytes
under a .csv name; XHTML with its XML declaration is read; a form feed (a PDF page break) does
not hide the part heading after it, and offsets stay exact; a Word document with an external
entity is refused, never read with the text after it lost; a returned form with a 245-byte
name is imported; an endpoint answering other variable names is one `Error:` line."""

from __future__ import annotations

import http.server
import io
import json
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO, copy_home
from openpyxl import load_workbook
from servers import free_port, one_line_error, runner

from policygraph.cli.app import app
from policygraph.corpus import Corpus
from policygraph.errors import SourceError
from policygraph.text.readers import read_source
from policygraph.text.structure import parse_measures

HOME = ["--home", str(REPO)]


def test_a_return_form_is_never_xlsx_under_a_csv_name(tmp_path: Path) -> None:
    out = tmp_path / "form.csv"
    err = one_line_error(["tasks", "--return-form", "-o", str(out), *HOME])
    assert "a return form is written as .xlsx, not under a .csv name" in err
    assert not out.exists()
    mismatch = tmp_path / "form.xlsx"
    err = one_line_error(["tasks", "--return-form", "-f", "docx", "-o", str(mismatch), *HOME])
    assert "written as .docx, not under a .xlsx name" in err and not mismatch.exists()


XHTML = (
    '<?xml version="1.0" encoding="{encoding}"?>\n'
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
    '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n'
    '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>实施意见</title></head><body>'
    "<p>一、总体要求</p><p>1. 加强组织领导。（省科技厅牵头）</p></body></html>\n"
)


@pytest.mark.parametrize("encoding", ["UTF-8", "GB2312"])
def test_xhtml_with_its_xml_declaration_is_read(encoding: str) -> None:
    data = XHTML.format(encoding=encoding).encode("gb18030" if encoding == "GB2312" else "utf-8")
    source = read_source(data, "page.html")
    assert source.reader == "html"
    assert source.text == "一、总体要求\n1. 加强组织领导。（省科技厅牵头）\n"


def test_a_form_feed_does_not_hide_the_part_heading_after_it() -> None:
    text = (FIXTURES / "ingest" / "yunnan-measures.txt").read_text(encoding="utf-8")
    paged = text.replace("\n二、", "\n\f二、").replace("\n三、", "\f三、")  # pdftotext's breaks
    plain, read = parse_measures(text), parse_measures(paged)
    assert [p.title.text for p in read.parts] == [p.title.text for p in plain.parts]
    assert len(read.parts) == 4 and len(read.provisions) == len(plain.provisions)
    for part in read.parts:  # offsets into the text as it is, form feeds and all
        assert paged[part.title.start : part.title.end] == part.title.text
        assert "\f" not in part.title.text
    assert [pv.part for pv in read.provisions] == [pv.part for pv in plain.provisions]


def _docx_with_entity() -> bytes:
    import docx

    made = docx.Document()
    made.add_paragraph("一、总体要求")
    made.add_paragraph("1. 加强组织领导MARK，其后的文字。（省科技厅牵头）")
    plain = io.BytesIO()
    made.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "word/document.xml":
                doctype = b'<!DOCTYPE w:document [<!ENTITY ext SYSTEM "file:///etc/hostname">]>'
                data = data.replace(b"?>", b"?>\n" + doctype, 1).replace(b"MARK", b"&ext;")
            zout.writestr(info, data)
    return out.getvalue()


def test_a_word_document_with_an_external_entity_is_refused(tmp_path: Path) -> None:
    data = _docx_with_entity()
    with pytest.raises(SourceError) as refused:
        read_source(data, "entity.docx")
    assert refused.value.code == "docx-entities"
    path = tmp_path / "entity.docx"
    path.write_bytes(data)
    err = one_line_error(["extract", str(path), "--jurisdiction", "cn-yn", "--level", "region"])
    assert "entity.docx: the Word document refers to XML entities (&ext;)" in err


@pytest.fixture(scope="module")
def qujing(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    home = copy_home(tmp_path_factory.mktemp("smaller") / "home")
    for name in ("yunnan-measures.txt", "qujing-plan.txt"):
        done = runner.invoke(
            app, ["ingest", str(FIXTURES / "ingest" / name), "--home", str(home.root)]
        )
        assert done.exit_code == 0, done.output
    return home


def test_a_form_with_a_245_byte_name_is_imported(qujing: Corpus, tmp_path: Path) -> None:
    name = "财政局反馈表" * 13 + "x" * 6 + ".xlsx"  # 18 × 13 + 6 + 5 bytes
    assert len(name.encode("utf-8")) == 245
    form = tmp_path / name
    args = ["tasks", "--doc", "曲政办发〔2023〕8号", "--return-form", "--dept", "曲靖市财政局"]
    made = runner.invoke(app, [*args, "-o", str(form), "--home", str(qujing.root)])
    assert made.exit_code == 0, made.output
    wb = load_workbook(form)
    ws = wb.worksheets[0]
    headers = {ws.cell(row=2, column=c).value: c for c in range(1, ws.max_column + 1)}
    ws.cell(row=3, column=headers["完成状态"], value="推进中")
    wb.save(form)
    done = runner.invoke(app, ["progress", "import", str(form), "--home", str(qujing.root)])
    assert done.exit_code == 0 and "from 1 file(s)" in done.stdout, done.output
    (kept,) = (qujing.root / "data" / "returns").iterdir()
    assert kept.read_bytes() == form.read_bytes() and kept.name.endswith(".xlsx")
    assert kept.name.split("-", 1)[1].startswith("财政局反馈表")


class _OtherNames(http.server.BaseHTTPRequestHandler):
    """A SPARQL endpoint that answers every query with variables of its own."""

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        body = {
            "head": {"vars": ["x", "y"]},
            "results": {"bindings": [{"x": {"type": "literal", "value": "1"}}]},
        }
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def other_names() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), _OtherNames)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/sparql"
    server.shutdown()
    server.server_close()


def test_an_endpoint_answering_other_variables_is_one_error_line(other_names: str) -> None:
    query = "SELECT ?s ?p WHERE { ?s ?p ?o }"
    err = one_line_error(["query", "-", "--endpoint", other_names], input=query)
    assert "answered with the variables x, y, not those the query selects: s, p" in err
    err = one_line_error(["tasks", "--doc", "gx", "--endpoint", other_names])
    assert "answered with the variables x, y" in err


def test_a_comment_in_the_projection_is_not_a_variable() -> None:
    from policygraph.store.remote import projected

    assert projected("SELECT ?a  # ?b was here\nWHERE { ?a ?p ?o }") == ["a"]
    assert projected('SELECT ?a WHERE { ?a ?p "#?b" }') == ["a"]
