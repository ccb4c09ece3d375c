"""One place per vocabulary, per server and per reader (issue 28, items 2-4): each value is
defined in one module and imported everywhere else; the registries answer for every entry."""

from __future__ import annotations

import ast
import datetime as dt
import functools
import importlib
import io
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from policygraph.cli.app import app
from policygraph.corpus import Corpus
from policygraph.errors import InputError
from policygraph.rdf import formats, namespaces, roles
from policygraph.store import defaults, profiles, remote, sparql
from policygraph.text import readers
from policygraph.text.dates import read_day

runner = CliRunner()

SRC = Path(__file__).parents[1] / "src" / "policygraph"

# Each literal value and the one module that may spell it out
ONE_PLACE: dict[object, str] = {
    namespaces.BASE: "rdf/namespaces.py",
    str(namespaces.PG): "rdf/namespaces.py",
    str(namespaces.PGSH): "rdf/namespaces.py",
    namespaces.BASE + "graph": "rdf/namespaces.py",
    defaults.DEFAULT_TIMEOUT: "store/defaults.py",
    defaults.LOAD_TIMEOUT: "store/defaults.py",
    **{f.media_type: "rdf/formats.py" for f in formats.GRAPH_FORMATS},
    **{f.oxigraph: "rdf/formats.py" for f in formats.GRAPH_FORMATS},
}


@functools.cache
def _modules() -> list[tuple[str, ast.Module]]:
    return [
        (path.relative_to(SRC).as_posix(), ast.parse(path.read_text(encoding="utf-8")))
        for path in sorted(SRC.rglob("*.py"))
        if "_corpus" not in path.parts
    ]


def _copies(value: object, home: str, modules: list[tuple[str, ast.Module]]) -> list[str]:
    found = []
    for name, tree in modules:
        if name == home:
            continue
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and type(node.value) is type(value)
                and node.value == value
            ):
                found.append(f"{name}:{node.lineno}")
    return found


@pytest.mark.parametrize(("value", "home"), ONE_PLACE.items(), ids=[str(v) for v in ONE_PLACE])
def test_each_value_of_the_vocabulary_is_written_in_one_module(value: object, home: str) -> None:
    assert _copies(value, home, _modules()) == [], f"{value!r} belongs in {home} only"


def test_the_role_labels_are_one_map() -> None:
    """A dict of the three roles' Chinese labels is written once (rdf/roles.py)."""
    copies = []
    for name, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Dict) and name != "rdf/roles.py":
                values = {v.value for v in node.values if isinstance(v, ast.Constant)}
                if set(roles.ROLE_ZH.values()) <= values:
                    copies.append(f"{name}:{node.lineno}")
    assert copies == []
    assert roles.ROLES == ("lead", "co-lead", "responsible")


def test_the_check_finds_a_copy() -> None:
    """The check above can fail: a module that spells the base IRI or the timeout is found."""
    copy = ("render/x.py", ast.parse('BASE = "https://w3id.org/policygraph/"\nT = 30.0\n'))
    assert _copies(namespaces.BASE, "rdf/namespaces.py", [copy]) == ["render/x.py:1"]
    assert _copies(defaults.DEFAULT_TIMEOUT, "store/defaults.py", [copy]) == ["render/x.py:2"]


def test_every_graph_format_maps_to_its_libraries() -> None:
    import pyoxigraph
    from rdflib.plugin import Serializer, get

    for f in formats.GRAPH_FORMATS:
        assert f.ox() == getattr(pyoxigraph.RdfFormat, f.oxigraph)
        assert f.ox().media_type == f.media_type
        assert get(f.rdflib, Serializer) is not None
    assert formats.BY_EXTENSION[".json"].name == "jsonld"


# --- server profiles (issue 28 item 2) ----------------------------------------------------------

# What each server's ``Server`` header says, and the endpoints beside its query endpoint
SERVERS = {
    "oxigraph": (
        "Oxigraph/0.5.13",
        "http://h:7878/query",
        ("http://h:7878/update", "http://h:7878/store"),
    ),
    "virtuoso": (
        "Virtuoso/07.20.3240 (Linux) x86_64-pc-linux-gnu",
        "http://h:8890/sparql",
        ("http://h:8890/sparql-auth", "http://h:8890/sparql-graph-crud-auth"),
    ),
    "generic": ("nginx/1.24.0", "http://h/ds/sparql", ("http://h/ds/update", "http://h/ds/store")),
}


def test_every_profile_is_described_here() -> None:
    assert set(SERVERS) == set(profiles.NAMES)


@pytest.mark.parametrize("profile", profiles.PROFILES, ids=profiles.NAMES)
def test_each_profile_is_recognised_and_names_its_endpoints(profile: profiles.Profile) -> None:
    software, query, (update, store) = SERVERS[profile.name]
    assert profiles.recognise(software) is profile
    assert profiles.named(profile.name) is profile
    assert profile.endpoints(query) == profiles.Endpoints(query, update, store)
    assert profile.endpoints(query + "/").update == update
    assert profile.quirks, "a profile says what is known of its server"


def test_a_server_hidden_behind_a_proxy_is_generic() -> None:
    assert profiles.recognise("") is profiles.GENERIC
    assert profiles.recognise("Apache/2.4") is profiles.GENERIC


def test_an_unknown_server_name_is_a_one_line_error_naming_the_known_ones() -> None:
    with pytest.raises(InputError) as raised:
        profiles.named("fuseki")
    assert raised.value.code == "server-unknown"
    assert "oxigraph, virtuoso, generic" in str(raised.value)
    for args in (
        ["tasks", "--server", "fuseki", "--endpoint", "http://127.0.0.1:9/query"],
        ["load", "--server", "fuseki", "--endpoint", "http://127.0.0.1:9/query"],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, result.output
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error:"), result.stderr
        assert "fuseki" in lines[0] and "oxigraph, virtuoso, generic" in lines[0]
        assert "--server" in lines[0]


@pytest.mark.parametrize(
    ("name", "requests", "warned"),
    [
        ("oxigraph", [("POST", "store", "&no_transaction")], False),
        ("generic", [("PUT", "store", "staging"), ("UPDATE", "update", "MOVE")], True),
    ],
)
def test_the_named_profile_chooses_the_upload_path(
    server: str,
    tmp_home: Corpus,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    requests: list[tuple[str, str, str]],
    warned: bool,
) -> None:
    """On the same Oxigraph server, --server oxigraph loads with one atomic bulk request and
    --server generic (assuming nothing) through a staging graph, with the warning that says so."""
    sent: list[tuple[str, str, str]] = []
    send, update = remote.send, remote.RemoteStore.update

    def logged_send(method: str, url: str, body: bytes, *rest: Any) -> bytes:
        sent.append((method, url, ""))
        return send(method, url, body, *rest)

    def logged_update(self: remote.RemoteStore, sparql: str, endpoint: str | None = None) -> None:
        sent.append(("UPDATE", endpoint or "", sparql))
        update(self, sparql, endpoint)

    monkeypatch.setattr(remote, "send", logged_send)
    monkeypatch.setattr(remote.RemoteStore, "update", logged_update)
    graph = f"https://example.org/policygraph-test/profile-{name}"
    args = ["load", "--endpoint", server, "--graph", graph, "--server", name]
    result = runner.invoke(app, [*args, "--home", str(tmp_home.root)])
    assert result.exit_code == 0, result.output
    base = server.removesuffix("/query")
    assert [(m, u.split("?")[0]) for m, u, _ in sent] == [
        (m, f"{base}/{e}") for m, e, _ in requests
    ]
    for (_, url, body), (_, _, mark) in zip(sent, requests, strict=True):
        assert mark in url or mark in body
    assert ("readers may have seen part of the graph" in result.stderr) is warned


# --- readers (issue 28 item 4) ------------------------------------------------------------------


def _docx() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("一、总体要求")
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def _xlsx() -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["任务", "完成状态"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


SAMPLES: dict[str, tuple[str, Any]] = {
    "pdf": ("document", lambda: b"%PDF-1.4\n"),
    "docx": ("document", _docx),
    "xlsx": ("grids", _xlsx),
    "html": ("document", lambda: b"<!DOCTYPE html><html><body><p>x</p></body></html>"),
    "text": ("document", lambda: "一、总体要求\n".encode()),
    "csv": ("grids", lambda: "任务,完成状态\n".encode("gb18030")),
}


def test_every_reader_is_described_here() -> None:
    assert set(SAMPLES) == set(readers.BY_NAME)


@pytest.mark.parametrize("reader", readers.READERS, ids=[r.name for r in readers.READERS])
def test_each_reader_is_sniffed_by_content_and_has_a_version(reader: readers.Reader) -> None:
    what, sample = SAMPLES[reader.name]
    assert readers.sniff(sample(), "no-extension", what) == reader.name
    assert reader.version and reader.version.isdigit()
    assert all(e.startswith(".") for e in reader.extensions)
    module = (reader.document or reader.grids or "").split(":")[0]
    assert reader.version == importlib.import_module(module).VERSION


def test_ingest_searches_a_folder_for_the_registrys_extensions() -> None:
    from policygraph.ingest import batch

    assert set(batch.EXTENSIONS) == {e for r in readers.READERS if r.document for e in r.extensions}
    assert ".xlsx" not in batch.EXTENSIONS and ".pdf" in batch.EXTENSIONS


def test_a_format_with_no_reader_is_a_one_line_error_never_a_key_error() -> None:
    with pytest.raises(InputError) as unknown:
        readers.reader("odt")
    assert unknown.value.code == "no-reader"
    assert "pdf, docx, xlsx, html, text, csv" in str(unknown.value)
    with pytest.raises(InputError) as no_document:  # a spreadsheet is no policy document
        readers.reader("xlsx").read(_xlsx(), "form.xlsx")
    assert no_document.value.code == "no-reader"
    with pytest.raises(InputError) as no_grids:
        readers.reader("pdf").tables(b"%PDF-1.4\n", "a.pdf")
    assert no_grids.value.code == "no-reader"


def test_a_spreadsheet_given_as_a_document_is_refused_naming_the_formats(tmp_path: Path) -> None:
    form = tmp_path / "form.xlsx"
    form.write_bytes(_xlsx())
    result = runner.invoke(app, ["extract", str(form), "--jurisdiction", "cn-gx"])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error:"), result.stderr
    assert f"({readers.formats('document')})" in lines[0]
    assert readers.formats("document") == "pdf, docx, html, text"


def test_a_return_form_is_read_through_the_readers() -> None:
    """A CSV form in UTF-16 (as Excel saves "Unicode text") is read as the text reader reads;
    the grids of a docx and an xlsx come from text/readers."""
    from policygraph.ingest.returns import read_sheets

    text = "任务,完成状态\n甲,已完成\n"
    for data in (text.encode("utf-16"), text.encode("gb18030"), text.encode("utf-8-sig")):
        (sheet,) = read_sheets(Path("form.csv"), data)
        assert [r.values for r in sheet.rows] == [{"任务": "甲", "完成状态": "已完成"}]
    (grid,) = readers.read_tables(_xlsx(), "form.xlsx")
    assert grid.reader == "xlsx" and grid.rows[0][:2] == ["任务", "完成状态"]


@pytest.mark.parametrize(
    ("cell", "day"),
    [
        ("2024-06-30", dt.date(2024, 6, 30)),
        ("2024/6/30", dt.date(2024, 6, 30)),
        (" 2024.6.30 ", dt.date(2024, 6, 30)),
        ("2024年6月30日", dt.date(2024, 6, 30)),
        ("2024-02-30", None),  # not a day of the calendar
        ("约2024-06-30", None),  # more than a day
        ("2024年6月", None),
    ],
)
def test_a_forms_completion_day_is_read_by_text_dates(cell: str, day: dt.date | None) -> None:
    assert read_day(cell) == day


# --- SPARQL in .rq files ------------------------------------------------------------------------

# Rooms whose SPARQL is generated (checks compiles shapes)
GENERATED = ("checks/",)
_QUERY = re.compile(
    r"\s*(PREFIX\s+\S*\s*<[^>]*>\s*)*(SELECT|ASK|CONSTRUCT|DESCRIBE)\b.*[{?$]", re.S
)


def _queries_in_python() -> list[str]:
    found = []
    for name, tree in _modules():
        if name.startswith(GENERATED):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr):
                text = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value
            else:
                continue
            if _QUERY.match(text):
                found.append(f"{name}:{node.lineno}")
    return found


def test_the_sparql_of_the_library_lives_in_rq_files() -> None:
    assert _queries_in_python() == []
    assert _QUERY.match('f"ASK {{ ?document <{PG.shortName}> ?short }}"'[2:])
    for name in ("graph-sizes", "holds-documents", "staging-graphs", "take-out-file"):
        assert sparql.internal(name).strip()


def test_a_remote_store_recognises_its_server_or_takes_the_one_named(server: str) -> None:
    assert remote.RemoteStore(server).profile() is profiles.OXIGRAPH
    named = remote.RemoteStore(server, server=profiles.GENERIC)
    assert named.profile() is profiles.GENERIC  # named: not asked
