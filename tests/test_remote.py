"""One query interface, embedded or on a SPARQL server.

Starts a real Oxigraph server on a free loopback port (skipped, with the reason, only where it
cannot start), loads the graph with `policygraph load`, and checks that every query of queries/
gives the same results in both places. Error handling is tested against small local stub servers;
every request here goes to 127.0.0.1 and every server stops by itself.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from servers import free_port, one_line_error, wait_until_up
from typer.testing import CliRunner

from policygraph.cli.app import app
from policygraph.corpus import Corpus
from policygraph.store import results
from policygraph.store import sparql as query
from policygraph.store.embedded import EmbeddedStore
from policygraph.store.remote import RemoteStore
from policygraph.store.server import oxigraph_binary

runner = CliRunner()
CATALOGUE = sorted(p.stem for p in (Path(__file__).parents[1] / "queries").glob("*.rq"))
GX = "https://w3id.org/policygraph/eli/cn-gx/guizhengbanfa/2021/81"
PARAMS = {
    "doc": URIRef(GX),
    "dept": URIRef("https://w3id.org/policygraph/org/gx/liuzhou/government"),
    "ref": Literal("桂政办发〔2021〕81号"),
    "name": Literal("科技厅"),
    "from": URIRef("https://w3id.org/policygraph/eli/cn-gx-liuzhou/liuzhenggui/2021/18"),
    "to": URIRef(GX),
    "measure": URIRef(f"{GX}/measure/9"),
}


@pytest.fixture(scope="module")
def loaded(server: str) -> str:
    result = runner.invoke(app, ["load", "--endpoint", server])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Loaded ")
    assert "Warning" not in result.output  # Oxigraph applies each request at once
    return server


def test_load_replaces_and_counts(loaded: str, store: EmbeddedStore, home: Corpus) -> None:
    """load sends what export writes (the graph and its VoID description), counted on the
    server after the MOVE."""
    from policygraph.store.dataset import dataset, merged

    again = runner.invoke(app, ["load", "--endpoint", loaded])
    assert again.exit_code == 0
    total = len(merged(dataset(home)))
    graph = int(str(store.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0][0]))
    assert total > graph and f"Loaded {total} triples" in again.stdout


def test_load_into_the_default_graph(tmp_path: Path, home: Corpus, store: EmbeddedStore) -> None:
    """--default-graph: a catalogue query pasted into the server's page, with no FROM and no
    union default graph, answers as embedded; a second load replaces, never adds."""
    binary = oxigraph_binary()
    port = free_port()
    process = subprocess.Popen(
        [binary, "serve", "--location", str(tmp_path / "db"), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/query"
    try:
        wait_until_up(url, process, "the Oxigraph server")
        for _ in range(2):
            result = runner.invoke(app, ["load", "--endpoint", url, "--default-graph"])
            assert result.exit_code == 0, result.output
            assert "into the default graph" in result.stdout
        q = query.load(home.queries, "document-summary")
        pasted = RemoteStore(url, graph=None).select(q.text)
        assert results.multiset(pasted) == results.multiset(store.select(q.text))
        both = one_line_error(["load", "--endpoint", url, "--default-graph", "--graph", "urn:x"])
        assert "not both" in both
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_load_drops_stale_staging_graphs(loaded: str) -> None:
    stale = "https://w3id.org/policygraph/graph/staging/died-1"
    server = RemoteStore(loaded, graph=None)
    server.update(f"INSERT DATA {{ GRAPH <{stale}> {{ <urn:a> <urn:b> <urn:c> }} }}")
    assert runner.invoke(app, ["load", "--endpoint", loaded]).exit_code == 0
    graphs = server.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert [str(g) for (g,) in graphs.rows] == ["https://w3id.org/policygraph/graph"]


def test_load_refuses_a_graph_name_that_is_no_iri(loaded: str) -> None:
    result = runner.invoke(app, ["load", "--endpoint", loaded, "--graph", 'urn:x" } DROP ALL #'])
    assert result.exit_code == 2 and "not a valid IRI" in result.stderr


@pytest.mark.parametrize(
    "name", sorted(p.stem for p in (Path(__file__).parents[1] / "queries").glob("*.rq"))
)
def test_parity_embedded_and_remote(
    loaded: str, store: EmbeddedStore, home: Corpus, name: str
) -> None:
    q = query.load(home.queries, name)
    bindings = {p.name: PARAMS[p.name] for p in q.params}
    embedded = store.select(q.text, bindings)
    remote = RemoteStore(loaded).select(q.text, bindings)
    assert remote.vars == embedded.vars
    unordered = tuple(q.unordered)
    assert results.multiset(remote, unordered) == results.multiset(embedded, unordered)
    assert len(embedded) > 0 or name in {"unreported-measures"}


EVIL = "x\" } UNION { ?s ?p ?o } #\n}} 'quoted' \\ UNION {"


def test_bound_values_cannot_change_the_query(loaded: str, store: EmbeddedStore) -> None:
    echo = "SELECT ?x WHERE { BIND(?v AS ?x) }"
    for s in (store, RemoteStore(loaded)):
        rows = s.select(echo, {"v": Literal(EVIL)})
        assert [str(r[0]) for r in rows.rows] == [EVIL]
        none = s.select(
            "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?d WHERE { ?d skos:prefLabel ?name }",
            {"name": Literal(EVIL, lang="zh")},
        )
        assert none.rows == []


def test_cli_params_are_typed(loaded: str) -> None:
    out = runner.invoke(
        app,
        [
            "query",
            "find-department",
            "-p",
            "name=广西壮族自治区科学技术厅",
            "-f",
            "sparql-json",
            "--endpoint",
            loaded,
        ],
    )
    data = json.loads(out.stdout)
    assert data["results"]["bindings"][0]["department"]["value"].endswith("gx/science-technology")
    assert results.parse_param("n=42")[1] == Literal(42)
    assert results.parse_param('t="文本"@zh')[1] == Literal("文本", lang="zh")
    assert results.parse_param("d=<https://x.org/a>")[1] == URIRef("https://x.org/a")
    assert results.parse_param("s=gx")[1] == Literal("gx")


def test_a_broken_query_shows_the_servers_message(loaded: str) -> None:
    bad = runner.invoke(app, ["query", "-", "--endpoint", loaded], input="SELEC ?x WHERE {}")
    assert bad.exit_code == 2
    assert (
        bad.stderr.startswith("Error: ")
        and bad.stderr.count("\n") == 1
        and "Traceback" not in bad.output
    )


@pytest.mark.parametrize("name", CATALOGUE)
def test_serve_answers_pasted_queries(
    served: str, home: Corpus, store: EmbeddedStore, name: str
) -> None:
    """A catalogue query as pasted into the server's query page: no FROM, no default graph."""
    q = query.load(home.queries, name)
    bindings = {p.name: PARAMS[p.name] for p in q.params}
    remote = RemoteStore(served, graph=None).select(q.text, bindings)
    unordered = tuple(q.unordered)
    assert results.multiset(remote, unordered) == results.multiset(
        store.select(q.text, bindings), unordered
    )


def readme_query() -> str:
    """The query the README says works pasted into a server's page."""
    import re

    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    found = re.search(r"```sparql\n(.*?)```", readme, re.S)
    assert found, "README.md shows no ```sparql block"
    return "\n".join(line.strip() for line in found.group(1).splitlines())


def test_the_readmes_pasted_query_answers_on_serve(served: str, store: EmbeddedStore) -> None:
    text = readme_query()
    pasted = RemoteStore(served, graph=None).select(text)
    assert len(pasted) > 10 and results.multiset(pasted) == results.multiset(store.select(text))


def test_commands_give_the_same_output_remotely(loaded: str) -> None:
    for args in (
        ["tasks", "-f", "csv"],
        ["tasks", "--dept", "柳州市人民政府", "-f", "csv"],
        ["chain", "gx:9", "-f", "json"],
        ["summary", "-f", "json"],
        ["depts", "-f", "csv"],
    ):
        embedded = runner.invoke(app, args)
        remote = runner.invoke(app, [*args, "--endpoint", loaded])
        assert embedded.exit_code == remote.exit_code == 0, remote.output
        assert remote.stdout == embedded.stdout


def test_ask_and_construct_remotely(loaded: str) -> None:
    gx = "https://w3id.org/policygraph/eli/cn-gx/guizhengbanfa/2021/81"
    ask = runner.invoke(app, ["query", "-", "--endpoint", loaded], input=f"ASK {{ <{gx}> ?p ?o }}")
    assert ask.exit_code == 0 and ask.stdout == "true\n", ask.output
    construct = f"CONSTRUCT {{ <{gx}> ?p ?o }} WHERE {{ <{gx}> ?p ?o }}"
    embedded = runner.invoke(app, ["query", "-", "-f", "nt"], input=construct)
    remote = runner.invoke(app, ["query", "-", "-f", "nt", "--endpoint", loaded], input=construct)
    assert embedded.exit_code == remote.exit_code == 0, remote.output
    assert sorted(remote.stdout.splitlines()) == sorted(embedded.stdout.splitlines())
    assert len(embedded.stdout.splitlines()) > 5


def test_build_summarises_the_graph_it_built_even_with_an_endpoint_set(
    tmp_home: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POLICYGRAPH_ENDPOINT", f"http://127.0.0.1:{free_port()}/query")
    result = runner.invoke(app, ["build", "--home", str(tmp_home.root)])
    assert result.exit_code == 0, result.output
    assert "153 responsibilities" in result.stdout
