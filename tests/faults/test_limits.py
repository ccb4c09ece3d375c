"""Faults catalogue (issue 27, item 9): no input is read without bound. A file over the input
limit, a package that unpacks to more than its limit or holds too many members, text of more
characters than the limit, and a device that never ends are each one ``Error:`` line naming the
limit and the variable that raises it — before the memory is spent."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from servers import one_line_error, runner

from policygraph.cli.app import app
from policygraph.corpus import Corpus
from policygraph.errors import InputError, SourceError
from policygraph.text import limits
from policygraph.text.readers import read_source

MEASURES = (
    Path(__file__).resolve().parents[2] / "data/sources/2021-gx-guizhengbanfa-2021-81-measures.txt"
)


def extract(path: Path) -> str:
    return one_line_error(["extract", str(path), "--jurisdiction", "cn-gx", "--level", "region"])


def docx_bomb(member_bytes: int, members: int = 1) -> bytes:
    """A zip that says it is a Word document, each member ``member_bytes`` of zeros."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        for n in range(members):
            z.writestr(f"word/m{n}.xml", b"\0" * member_bytes)
    return buf.getvalue()


def test_a_file_over_the_input_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLICYGRAPH_MAX_INPUT_BYTES", "10000")
    path = tmp_path / "措施.txt"
    path.write_bytes(MEASURES.read_bytes())
    err = extract(path)
    assert "措施.txt" in err and "10000" in err and "POLICYGRAPH_MAX_INPUT_BYTES" in err


def test_a_package_that_unpacks_to_more_than_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "bomb.docx"
    path.write_bytes(docx_bomb(129 * 2**20))  # 129 MiB of zeros in about 130 KB
    assert path.stat().st_size < 1_000_000
    err = extract(path)
    assert "bomb.docx" in err and "POLICYGRAPH_MAX_UNPACKED_BYTES" in err


def test_a_package_of_too_many_members(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLICYGRAPH_MAX_MEMBERS", "10")
    with pytest.raises(SourceError, match="POLICYGRAPH_MAX_MEMBERS") as caught:
        read_source(docx_bomb(10, members=20), "many.docx")
    assert caught.value.code == "limit" and caught.value.params["found"] == 21


def test_text_of_more_characters_than_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POLICYGRAPH_MAX_CHARACTERS", "5000")
    path = tmp_path / "long.txt"
    path.write_bytes(MEASURES.read_bytes())
    err = extract(path)
    assert "long.txt" in err and "5000" in err and "POLICYGRAPH_MAX_CHARACTERS" in err


def test_a_device_is_never_read() -> None:
    with pytest.raises(SourceError, match="not a regular file"):
        limits.read_bounded(Path("/dev/zero"))


def test_a_file_is_read_no_further_than_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POLICYGRAPH_MAX_INPUT_BYTES", "100")
    path = tmp_path / "a.txt"
    path.write_bytes(b"x" * 100)
    assert len(limits.read_bounded(path)) == 100
    path.write_bytes(b"x" * 10_000_000)
    read: list[int] = []
    opened = Path.open

    def counting(self: Path, *args: object, **kwargs: object) -> object:
        f = opened(self, *args, **kwargs)  # type: ignore[call-overload]
        real = f.read

        def read_some(n: int = -1) -> bytes:
            data: bytes = real(n)
            read.append(len(data))
            return data

        f.read = read_some
        return f

    monkeypatch.setattr(Path, "open", counting)
    with pytest.raises(SourceError, match="more than 100"):
        limits.read_bounded(path)
    assert sum(read) <= 101, read  # of ten million bytes, no more than the limit and one


@pytest.mark.parametrize("value", ["abc", "0", "-5", "1e6", "²"])  # "²" is a digit to isdigit()
def test_a_limit_that_is_not_a_number_is_an_error(
    value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POLICYGRAPH_MAX_CHARACTERS", value)
    with pytest.raises(InputError, match="POLICYGRAPH_MAX_CHARACTERS"):
        limits.CHARACTERS.value()
    monkeypatch.setenv("POLICYGRAPH_MAX_CHARACTERS", "2_000_000")
    assert limits.CHARACTERS.value() == 2_000_000


def test_the_real_documents_are_far_under_every_limit() -> None:
    for page in (Path(__file__).resolve().parents[2] / "data/sources").iterdir():
        if page.suffix != ".ttl":
            read_source(limits.read_bounded(page), str(page))


def test_a_device_given_to_ingest_is_one_error(tmp_home: Corpus) -> None:
    err = one_line_error(
        ["ingest", "/dev/zero", "--jurisdiction", "cn", "--home", str(tmp_home.root)]
    )
    assert "/dev/zero" in err and "not a regular file" in err


def returned_form(home: Corpus, where: Path) -> Path:
    path = where / "form.xlsx"
    result = runner.invoke(
        app,
        ["tasks", "--return-form", "--dept", "科技厅", "-o", str(path), "--home", str(home.root)],
    )
    assert result.exit_code == 0, result.output
    return path


def test_a_returned_form_with_a_formula_is_refused_naming_the_cell(
    tmp_home: Corpus, tmp_path: Path
) -> None:
    """Item 7: a formula's value is not in the file unless a spreadsheet computed it; reading
    it as empty would lose 进展情况 or 完成日期 while storing the status."""
    path = returned_form(tmp_home, tmp_path)
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    ws["G3"] = "=TODAY()"
    ws["E3"] = "推进中"
    wb.save(path)
    err = one_line_error(["progress", "import", str(path), "--home", str(tmp_home.root)])
    assert "G3" in err and "=TODAY()" in err and "formula" in err
    assert not list(tmp_home.ttl.glob("progress-*.ttl"))


def test_a_returned_sheet_of_more_rows_than_the_limit(
    tmp_home: Corpus, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = returned_form(tmp_home, tmp_path)
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    for r in range(40, 80):
        ws.cell(row=r, column=2, value="x")
    wb.save(path)
    monkeypatch.setenv("POLICYGRAPH_MAX_ROWS", "50")
    err = one_line_error(["progress", "import", str(path), "--home", str(tmp_home.root)])
    assert "POLICYGRAPH_MAX_ROWS" in err and "50" in err


def test_a_returned_csv_of_more_rows_than_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Read row by row and stopped at the limit (read whole, 32 MiB of line ends took 2.5 GB)."""
    from policygraph.ingest.returns import read_sheets

    monkeypatch.setenv("POLICYGRAPH_MAX_ROWS", "1000")
    with pytest.raises(SourceError, match="POLICYGRAPH_MAX_ROWS"):
        read_sheets(Path("form.csv"), b"\n" * 5000)


def pdf_of(content: bytes) -> bytes:
    """A one-page PDF whose page content (deflated) is ``content``."""
    import zlib

    stream = zlib.compress(content, 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO(b"%PDF-1.4\n")
    out.seek(0, io.SEEK_END)
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % n + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % o for o in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def test_a_small_pdf_that_shows_millions_of_characters_is_refused_before_layout() -> None:
    """10 KB of PDF showing 3 million glyphs took 6 GB and 98 s to lay out: the page's text
    strings are counted first."""
    import resource

    bomb = pdf_of(b"BT /F1 1 Tf 10 10 Td " + b"(xxxxxxxxxx) Tj " * 300_000 + b"ET")
    assert len(bomb) < 20_000
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(SourceError, match="POLICYGRAPH_MAX_CHARACTERS"):
        read_source(bomb, "bomb.pdf")
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kb < 500_000, grown_kb  # far from the gigabytes the layout would take


def test_a_pdf_under_the_limit_is_read() -> None:
    text = read_source(pdf_of(b"BT /F1 12 Tf 72 720 Td (Hello policygraph) Tj ET"), "ok.pdf")
    assert "Hello policygraph" in text.text
