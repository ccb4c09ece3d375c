"""Adding a reader, a renderer or a server profile is one new module plus one registry line
(issue 28, what the first pass left): each test registers a toy one, as `docs/architecture.md`
"Where a new thing goes" shows it, and sees ingest, the CLI or `load` take it with nothing else
changed. Department names: one resolution and one suggestion rule for every command."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from policygraph import ingest
from policygraph.cli.app import app
from policygraph.corpus import Corpus
from policygraph.render import formats
from policygraph.render.table import Sheet
from policygraph.store import profiles, remote
from policygraph.text import readers
from policygraph.text.document import SourceDocument
from policygraph.text.readers import plain

runner = CliRunner()
VERSION = "toy 1"  # the toy reader's version, as a reader's module has it

# --- a reader -------------------------------------------------------------------------------------

TOY_MAGIC = b"TOYDOC\n"


def read_toy(data: bytes, name: str) -> SourceDocument:
    """The toy format: a magic line, then UTF-8 text."""
    text = plain.read_text(data.removeprefix(TOY_MAGIC), name)
    return dataclasses.replace(text, reader="toy", version=VERSION, media_type="text/x-toy")


TOY_READER = readers.Reader(
    "toy",
    (".toy",),
    lambda data, name: data.startswith(TOY_MAGIC),
    document=f"{__name__}:read_toy",
)

DOCUMENT = (
    "桂政发〔2030〕1号\n\n广西壮族自治区人民政府关于某事的意见\n\n一、措施\n"
    "（一）支持创新。（牵头：{lead}）\n\n广西壮族自治区人民政府\n2030年1月1日\n"
)


@pytest.fixture
def toy_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    """The one line: the toy reader in READERS (before text, which takes any text)."""
    monkeypatch.setattr(readers, "READERS", (TOY_READER, *readers.READERS))
    monkeypatch.setitem(readers.BY_NAME, "toy", TOY_READER)


def test_a_reader_added_to_the_registry_is_what_ingest_reads_with(
    toy_reader: None, tmp_home: Corpus, tmp_path: Path
) -> None:
    path = tmp_path / "意见.toy"
    path.write_bytes(TOY_MAGIC + DOCUMENT.format(lead="自治区科技厅").encode("utf-8"))
    plan = ingest.plan(tmp_home, path, ingest.Options(jurisdiction="cn-gx"))
    assert plan.reader == f"toy {VERSION}"
    assert "支持创新" in plan.text and "TOYDOC" not in plan.text
    assert list(plan.known) == ["自治区科技厅"]
    assert ".toy" in runner.invoke(app, ["ingest", "--help"]).stdout  # the help lists it


def test_without_the_line_the_same_file_is_not_read_as_the_toy_format(
    tmp_home: Corpus, tmp_path: Path
) -> None:
    """The check above can fail: without the registry's line the magic line is plain text."""
    path = tmp_path / "意见.toy"
    path.write_bytes(TOY_MAGIC + DOCUMENT.format(lead="自治区科技厅").encode("utf-8"))
    assert readers.sniff(path.read_bytes(), path.name) == "text"
    assert ".toy" not in runner.invoke(app, ["ingest", "--help"]).stdout


# --- a renderer -----------------------------------------------------------------------------------


def toy_rows(sheet: Sheet) -> str:
    """The toy renderer: one line per row, cells joined by ' ~ '."""
    return "".join(" ~ ".join(sheet.machine_text(c) for c in row) + "\n" for row in sheet.rows)


TOY_RENDERER = formats.Renderer(
    "toy", formats.TABULAR_GROUP, (".toyrows",), writer=f"{__name__}:toy_rows"
)


@pytest.fixture
def toy_renderer(monkeypatch: pytest.MonkeyPatch) -> None:
    """The one line: the toy renderer in RENDERERS."""
    monkeypatch.setattr(formats, "RENDERERS", (*formats.RENDERERS, TOY_RENDERER))
    monkeypatch.setitem(formats.BY_NAME, "toy", TOY_RENDERER)


@pytest.mark.parametrize("command", [["tasks"], ["depts"], ["summary"], ["progress"]])
def test_a_renderer_added_to_the_registry_is_offered_by_every_command_that_prints_rows(
    toy_renderer: None, command: list[str], tmp_path: Path
) -> None:
    shown = runner.invoke(app, [*command, "-f", "toy"])
    assert shown.exit_code == 0, shown.output
    lines = shown.stdout.splitlines()
    assert lines and all(" ~ " in line for line in lines), shown.stdout
    out = tmp_path / "rows.toyrows"  # the extension chooses it
    written = runner.invoke(app, [*command, "-o", str(out)])
    assert written.exit_code == 0, written.output
    assert out.read_text(encoding="utf-8") == shown.stdout
    assert "toy" in runner.invoke(app, [*command, "--help"]).stdout


def test_without_the_line_the_format_is_refused_in_one_line() -> None:
    result = runner.invoke(app, ["tasks", "-f", "toy"])
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "Error: the format toy is not one this command writes: table, csv, tsv, md, json, html, "
        "xlsx, docx (use --format)"
    )


# --- a server profile -----------------------------------------------------------------------------

TOY_PROFILE = profiles.Profile(
    name="toy",
    software=r"Toy SPARQL",
    query_paths=("query",),
    update_path="update",
    store_path="store",
    upload=lambda software: "put",  # one PUT of the whole graph
    challenge_first=False,
    max_update=1_000_000,
)


def test_a_server_profile_added_to_the_registry_is_what_load_asks(
    server: str, tmp_home: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`load --server toy` on an Oxigraph server goes the toy profile's way: one PUT to its
    Graph Store endpoint, no staging graph (Oxigraph's own profile would POST in bulk)."""
    monkeypatch.setattr(profiles, "PROFILES", (TOY_PROFILE, *profiles.PROFILES))
    sent: list[tuple[str, str]] = []
    send = remote.send

    def logged(method: str, url: str, body: bytes, *rest: Any) -> bytes:
        sent.append((method, url.split("?")[0]))
        return send(method, url, body, *rest)

    monkeypatch.setattr(remote, "send", logged)
    graph = "https://example.org/policygraph-test/toy-profile"
    args = ["load", "--endpoint", server, "--graph", graph, "--server", "toy"]
    result = runner.invoke(app, [*args, "--home", str(tmp_home.root)])
    assert result.exit_code == 0, result.output
    assert sent == [("PUT", server.removesuffix("/query") + "/store")]


def test_without_the_line_the_server_name_is_refused() -> None:
    result = runner.invoke(
        app, ["load", "--endpoint", "http://127.0.0.1:9/query", "--server", "toy"]
    )
    assert result.exit_code == 2 and "toy" in result.stderr and "oxigraph" in result.stderr


# --- department names: one resolution, one suggestion rule ------------------------------------

MISSPELT = "自治区科枝厅"


def _suggested(stderr: str) -> list[str]:
    found = re.search(r"did you mean (.+)\?", stderr)
    assert found, stderr
    return found.group(1).split("、")


def test_a_misspelt_department_gets_the_same_suggestion_from_every_command(
    tmp_home: Corpus, tmp_path: Path
) -> None:
    home = ["--home", str(tmp_home.root)]
    tasks = runner.invoke(app, ["tasks", "--dept", MISSPELT, *home])
    progress = runner.invoke(app, ["progress", "--dept", MISSPELT, *home])
    assert tasks.exit_code == progress.exit_code == 2
    path = tmp_path / "意见.txt"
    path.write_text(DOCUMENT.format(lead=MISSPELT), encoding="utf-8")
    plan = ingest.plan(tmp_home, path, ingest.Options(jurisdiction="cn-gx"))
    (new,) = plan.new
    assert _suggested(tasks.stderr) == _suggested(progress.stderr) == new.suggestions
    assert "自治区科技厅" in new.suggestions


def test_a_department_is_found_by_a_name_written_as_ingest_reads_it(tmp_home: Corpus) -> None:
    """Full-width and traditional forms resolve on --dept as they do in a document
    (text.names.normalize), not only the label with its whitespace removed."""
    home = ["--home", str(tmp_home.root)]
    plain_name = runner.invoke(app, ["tasks", "--dept", "自治区科技厅", "-f", "csv", *home])
    traditional = runner.invoke(app, ["tasks", "--dept", "自治區科技廳", "-f", "csv", *home])
    assert plain_name.exit_code == 0, plain_name.output
    assert traditional.exit_code == 0, traditional.output
    assert traditional.stdout == plain_name.stdout


def test_a_name_far_from_every_department_gets_no_guess() -> None:
    result = runner.invoke(app, ["tasks", "--dept", "月球开发署"])
    assert result.exit_code == 2
    assert result.stderr.strip() == "Error: no such department: '月球开发署'"
