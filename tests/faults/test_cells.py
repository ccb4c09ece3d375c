"""Faults catalogue (issue 27, items 6 and 8): text of a document that looks like a formula or
like markup stays text in every file we write — an xlsx cell is a string, never a formula; a
csv/tsv cell starting with ``= + - @``, a tab or a carriage return gets OWASP's leading ``'``
(plain numbers excepted); Markdown carries no raw HTML."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from policygraph.cli.app import app
from policygraph.corpus import Corpus
from policygraph.render import office
from policygraph.render.table import Column, Sheet, inert

runner = CliRunner()
HOSTILE = ["=1+1", '=HYPERLINK("http://evil.example/","点击")', "+SUM(A1)", "@SUM(A1)", "-2+3"]
HOSTILE += ["\t=1+1", "\r=1+1", "<script>alert(1)</script>"]
LITERALS = " ".join(
    '"'
    + v.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\r", "\\r")
    + '"'
    for v in HOSTILE
)
QUERY = f"SELECT ?x WHERE {{ VALUES ?x {{ {LITERALS} }} }}"


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+SUM(A1)", "'+SUM(A1)"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-5", "-5"),  # a number runs nothing
        ("+3.5", "+3.5"),
        ("科技厅", "科技厅"),
        ("", ""),
    ],
)
def test_a_cell_that_starts_like_a_formula_is_made_inert(text: str, written: str) -> None:
    assert inert(text) == written


def test_csv_and_tsv_cells_never_start_a_formula() -> None:
    result = runner.invoke(app, ["query", "-", "-f", "csv"], input=QUERY)
    assert result.exit_code == 0, result.output
    cells = [row[0] for row in csv.reader(io.StringIO(result.stdout.removeprefix("\ufeff")))][1:]
    assert sorted(cells) == sorted(inert(v) for v in HOSTILE)
    assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)
    tsv = runner.invoke(app, ["query", "-", "-f", "tsv"], input=QUERY)
    lines = tsv.stdout.splitlines()[1:]
    assert len(lines) == len(HOSTILE)
    assert not any(line.startswith(("=", "+", "-", "@", "\t", "\r")) for line in lines)


def test_xlsx_cells_are_strings_never_formulas(tmp_path: Path) -> None:
    out = tmp_path / "q.xlsx"
    result = runner.invoke(app, ["query", "-", "-f", "xlsx", "-o", str(out)], input=QUERY)
    assert result.exit_code == 0, result.output
    cells = [c for row in load_workbook(out).active.iter_rows(min_row=2) for c in row]
    found = {c.value for c in cells if c.value}
    assert found >= set(HOSTILE) - {"\r=1+1"}  # the xlsx keeps the text as written
    assert all(c.data_type == "s" for c in cells if c.value), [
        (c.value, c.data_type) for c in cells
    ]


def test_a_staff_table_with_formula_text_stays_text() -> None:
    """The task table's own writer (tasks, depts, progress, the site's downloads)."""
    sheet = Sheet("=标题", [Column("title", "任务"), Column("lead", "牵头单位")], [])
    sheet.rows.append(['=HYPERLINK("http://evil.example/")', ["@科技厅", "财政厅"]])
    ws = office.xlsx(sheet).active
    assert ws["A1"].data_type == "s" and ws["A1"].value == "=标题"
    assert ws["A3"].data_type == "s" and ws["B3"].data_type == "s"


def test_markdown_carries_no_raw_html() -> None:
    result = runner.invoke(app, ["query", "-", "-f", "md"], input=QUERY)
    assert result.exit_code == 0, result.output
    assert "<script>" not in result.stdout and "&lt;script&gt;" in result.stdout


@pytest.mark.parametrize(
    "title", ["<!--<script>", "</script><script>alert(1)</script>", "a & b > c", "行\u2028分隔"]
)
def test_json_in_a_page_script_holds_nothing_the_html_parser_reads(title: str) -> None:
    """A title beginning ``<!--<script>`` once blanked the document and measure pages: inside the
    JSON-LD <script>, the parser's escaped states swallowed the rest of the page."""
    import json

    from policygraph.render.site import json_ld

    text = json_ld("https://example.org/doc", ["eli:LegalResource"], title=title)
    assert not any(c in text for c in "<>&\u2028\u2029"), text
    assert json.loads(text)["title"] == title


def test_the_ingest_report_is_written_as_every_output(
    tmp_home: Corpus, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Item 1 for --report: never into the corpus; a file name that starts like a formula is
    made inert in the report's csv."""
    monkeypatch.chdir(tmp_path)
    bad = Path("=HYPERLINK(1).txt")
    bad.write_text("not a policy document", encoding="utf-8")
    home = ["--home", str(tmp_home.root)]
    inside = tmp_home.root / "data" / "ttl" / "report.csv"
    refused = runner.invoke(app, ["ingest", str(bad), "--report", str(inside), *home])
    assert refused.exit_code == 2 and not inside.exists(), refused.output
    runner.invoke(app, ["ingest", str(bad), "--report", "report.csv", *home])
    rows = list(csv.DictReader(io.StringIO(Path("report.csv").read_text(encoding="utf-8"))))
    assert [r["file"] for r in rows] == ["'=HYPERLINK(1).txt"], rows
