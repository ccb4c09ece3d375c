"""The one --format vocabulary (issue 11): the same tabular formats on every command that prints
rows, json a list of records everywhere, -o with the format from the extension, graph formats for
CONSTRUCT/DESCRIBE, ASK as true/false."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from rdflib import Dataset, Graph
from typer.testing import CliRunner

from policygraph.cli.app import app

runner = CliRunner()
GX = "https://w3id.org/policygraph/eli/cn-gx/guizhengbanfa/2021/81"
ROW_COMMANDS = {
    "tasks": ["tasks"],
    "tasks-by-department": ["tasks", "--by", "department"],
    "tasks-dept": ["tasks", "--dept", "科技厅"],
    "depts": ["depts"],
    "summary": ["summary"],
    "suggest-links": ["suggest-links", "--from", "lz", "--to", "gx", "--top", "1"],
    "validate": ["validate"],
    "query": ["query", "corpus-totals"],
    "queries": ["queries"],
}


def invoke(*args: str) -> tuple[int, bytes, str]:
    r = runner.invoke(app, list(args), env={"POLICYGRAPH_ENDPOINT": ""})
    return r.exit_code, r.stdout_bytes, r.stderr


@pytest.mark.parametrize("name", sorted(ROW_COMMANDS))
def test_json_is_a_list_of_records(name: str) -> None:
    code, out, err = invoke(*ROW_COMMANDS[name], "-f", "json")
    assert code == 0, err
    data = json.loads(out)
    assert isinstance(data, list) and data and all(isinstance(r, dict) for r in data)
    assert len({tuple(sorted(r)) for r in data}) == 1  # every record has the same keys


@pytest.mark.parametrize("name", sorted(ROW_COMMANDS))
@pytest.mark.parametrize("fmt", ["csv", "tsv", "md", "html", "xlsx", "docx"])
def test_every_row_command_writes_every_tabular_format(name: str, fmt: str, tmp_path: Path) -> None:
    out = tmp_path / f"out.{fmt}"
    code, _, err = invoke(*ROW_COMMANDS[name], "-o", str(out))  # the format from the extension
    assert code == 0, err
    assert out.stat().st_size > 0 and err.startswith(f"Wrote {out}")
    if fmt == "xlsx":
        assert load_workbook(out).active.max_row >= 3  # title, header, a row at least


def test_csv_is_the_same_bytes_on_stdout_and_in_a_file(tmp_path: Path) -> None:
    code, stdout, _ = invoke("tasks", "-f", "csv")
    assert code == 0 and stdout.startswith("\ufeff".encode())
    invoke("tasks", "-o", str(tmp_path / "t.csv"))
    assert (tmp_path / "t.csv").read_bytes() == stdout


def test_explicit_format_wins_over_the_extension(tmp_path: Path) -> None:
    out = tmp_path / "rows.txt"
    assert invoke("depts", "-f", "csv", "-o", str(out))[0] == 0
    assert out.read_bytes().startswith("\ufeffofficial,".encode())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["tasks", "-o", "x.pdf"], "cannot tell the format from the extension"),
        (["tasks", "-f", "table", "-o", "x.txt"], "is for the terminal"),
        (["tasks", "-f", "ttl"], "not one this command writes"),
        (["chain", "gx:11", "-f", "csv"], "not one this command writes: tree, json, md"),
        (["query", "corpus-totals", "-f", "ttl"], "a SELECT gives rows, not a graph"),
        (["tasks", "-f", "pdf"], "the format pdf is not one this command writes"),
    ],
)
def test_formats_a_command_does_not_write_are_one_line_errors(
    args: list[str], message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = invoke(*args)
    assert code == 2 and out == b""
    assert err.startswith("Error: ") and message in err and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_ask_prints_true_or_false() -> None:
    ask = f"ASK {{ <{GX}> ?p ?o }}"
    r = runner.invoke(app, ["query", "-"], input=ask, env={"POLICYGRAPH_ENDPOINT": ""})
    assert r.exit_code == 0 and r.stdout == "true\n"
    r = runner.invoke(
        app, ["query", "-"], input="ASK { <urn:x:nothing> ?p ?o }", env={"POLICYGRAPH_ENDPOINT": ""}
    )
    assert r.exit_code == 0 and r.stdout == "false\n"


CONSTRUCT = f"CONSTRUCT {{ <{GX}> ?p ?o }} WHERE {{ <{GX}> ?p ?o }}"


@pytest.mark.parametrize(
    ("fmt", "rdflib_format"),
    [
        (None, "turtle"),
        ("ttl", "turtle"),
        ("nt", "nt"),
        ("nq", "nquads"),
        ("trig", "trig"),
        ("jsonld", "json-ld"),
    ],
)
def test_construct_gives_a_graph(fmt: str | None, rdflib_format: str) -> None:
    args = ["query", "-"] + (["-f", fmt] if fmt else [])
    r = runner.invoke(app, args, input=CONSTRUCT, env={"POLICYGRAPH_ENDPOINT": ""})
    assert r.exit_code == 0, r.output
    g = (Dataset() if fmt in ("nq", "trig") else Graph()).parse(data=r.stdout, format=rdflib_format)
    subjects = [q[0] for q in g.quads()] if isinstance(g, Dataset) else list(g.subjects())
    assert len(subjects) > 5 and all(str(s) == GX for s in subjects)


def test_construct_to_a_file_and_refused_as_rows(tmp_path: Path) -> None:
    out = tmp_path / "doc.nt"
    r = runner.invoke(
        app, ["query", "-", "-o", str(out)], input=CONSTRUCT, env={"POLICYGRAPH_ENDPOINT": ""}
    )
    assert r.exit_code == 0 and len(Graph().parse(out, format="nt")) > 5
    r = runner.invoke(
        app, ["query", "-", "-f", "csv"], input=CONSTRUCT, env={"POLICYGRAPH_ENDPOINT": ""}
    )
    assert r.exit_code == 2 and "gives a graph" in r.stderr


def test_sparql_results_formats() -> None:
    code, out, _ = invoke("query", "corpus-totals", "-f", "sparql-json")
    assert code == 0 and "bindings" in json.loads(out)["results"]
    code, out, _ = invoke("query", "corpus-totals", "-f", "sparql-tsv")
    assert code == 0 and out.decode().startswith("?")


@pytest.mark.parametrize("lines", [True, False])
def test_the_terminal_table_prints_cells_as_written_not_as_markup(lines: bool) -> None:
    """A cell is what the source says: brackets in it are text, never rich's markup (which
    would swallow `[b]` and fail on a stray `[/x]`)."""
    from policygraph.render.formats import Format
    from policygraph.render.table import Column, Sheet, render_text

    cells = ["[b]科技厅[/b]", "见附件[/x]", ":smile: 〔2021〕"]
    sheet = Sheet("t", [Column("a", "A")], [[c] for c in cells], lines=lines)
    shown = render_text(sheet, Format.table).decode("utf-8")
    assert all(c in shown for c in cells), shown


def test_a_listing_aligns_chinese_and_keeps_each_row_on_its_line() -> None:
    """The plain listing of many rows (a batch's outcomes): columns aligned by display width, a
    Chinese character two columns; a control character escaped, not a line break; a cell wider
    than the widest pushes its own line only."""
    from policygraph.render.table import display_width, listing

    rows = [
        ("a.txt", "已添加", "x"),
        ("很长的文件.html", "拒绝", "空的\n第二行"),
        ("z" * 70, "ok", "r"),
    ]
    lines = listing(("文件", "结果", "原因"), rows, widest=60).splitlines()
    assert len(lines) == 2 + len(rows)
    second = {0: "结果", 2: "已添加", 3: "拒绝"}  # where the second column starts on each line
    at = [display_width(lines[k][: lines[k].index(word)]) for k, word in second.items()]
    assert at == [15 + 2] * 3, lines  # 很长的文件.html: 5 characters of two columns, 5 of one
    assert lines[1] == "-" * 15 + "  " + "-" * 6 + "  " + "-" * 6
    assert lines[3].endswith("空的\\x0a第二行")
    assert lines[4] == "z" * 70 + "  ok      r"
