"""Virtuoso 7 (Debian's virtuoso-opensource, the server behind DBpedia and many government
endpoints), started by the test on free loopback ports with a temporary database: `load` with
its Digest-authenticated Graph Store and update endpoints, and the catalogue's queries answered
as embedded. Known differences are listed with their reason and fail the suite if they go
away (strict xfail), so the list stays true. Skipped where Virtuoso is not installed."""

from __future__ import annotations

import shutil
import subprocess
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import REPO
from rdflib import Graph, Literal, URIRef
from servers import start_virtuoso, virtuoso_for_tests
from test_remote import readme_query
from typer.testing import CliRunner

from policygraph.cli.app import app
from policygraph.corpus import Corpus
from policygraph.errors import EndpointError
from policygraph.store import profiles, sparql
from policygraph.store.embedded import EmbeddedStore
from policygraph.store.remote import RemoteStore
from policygraph.store.results import multiset

GX = "https://w3id.org/policygraph/eli/cn-gx/guizhengbanfa/2021/81"
PARAMS = {
    "doc": URIRef(GX),
    "dept": URIRef("https://w3id.org/policygraph/org/gx/liuzhou/government"),
    "measure": URIRef(f"{GX}/measure/9"),
    "from": URIRef(GX),
    "to": URIRef("https://w3id.org/policygraph/eli/cn/guofa/2020/7"),
    "name": Literal("科技厅"),
}
# Where Virtuoso 7.2 answers differently, and why (each fails the suite once it answers alike).
DIFFERS: dict[str, str] = {}


@dataclass(frozen=True)
class Virtuoso:
    url: str  # its SPARQL endpoint
    work: Path  # its database directory, from which its loader may read files
    isql: int  # the port of its SQL interface


@pytest.fixture(scope="module")
def virtuoso(server: Virtuoso) -> str:
    return server.url


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    work = tmp_path_factory.mktemp("virtuoso")
    with virtuoso_for_tests(work) as (url, isql):
        yield Virtuoso(url, work, isql)


@pytest.fixture(scope="module")
def loaded(virtuoso: str) -> str:
    base = virtuoso.removesuffix("/sparql")
    result = CliRunner().invoke(
        app,
        ["load", "--endpoint", virtuoso],  # its profile, recognised, names the endpoints to write
        env={"POLICYGRAPH_USER": "dba", "POLICYGRAPH_PASSWORD": "dba"},
    )
    assert result.exit_code == 0, result.output  # Digest authentication, as Virtuoso asks
    assert profiles.VIRTUOSO.endpoints(virtuoso).store == f"{base}/sparql-graph-crud-auth"
    assert result.stdout.startswith("Loaded ")
    # Measured at 10^6 triples (benchmarks/commands.py): readers see its graph grow.
    assert "Warning: readers may have seen part of the graph while it loaded: Virtuoso/" in (
        result.stderr
    )
    return virtuoso


CATALOGUE = sorted(p.stem for p in (REPO / "queries").glob("*.rq"))


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(n, marks=pytest.mark.xfail(reason=DIFFERS[n], strict=True))
        if n in DIFFERS
        else n
        for n in CATALOGUE
    ],
)
def test_catalogue_answers_as_embedded(loaded: str, home: Corpus, name: str) -> None:
    q = sparql.load(home.queries, name)
    bindings = {p.name: PARAMS[p.name] for p in q.params}
    embedded = EmbeddedStore(home.graph_files()).select(q.text, bindings)
    remote = RemoteStore(loaded).select(q.text, bindings)
    unordered = tuple(q.unordered)
    assert multiset(remote, unordered) == multiset(embedded, unordered)


READ_COMMANDS = [
    ["tasks", "-f", "csv"],
    ["tasks", "--by", "department", "-f", "csv"],
    ["tasks", "--dept", "科技厅", "-f", "csv"],
    ["tasks", "--doc", "gx", "-f", "json"],
    ["chain", "gx:9", "-f", "json"],
    ["chain", "lz:3", "-f", "json"],
    ["depts", "-f", "csv"],
    ["summary", "-f", "json"],
    ["suggest-links", "--from", "lz", "--to", "gx", "-f", "csv"],
]


@pytest.mark.parametrize("args", READ_COMMANDS, ids=" ".join)
def test_commands_answer_as_embedded(loaded: str, args: list[str]) -> None:
    embedded = CliRunner().invoke(app, args, env={"POLICYGRAPH_ENDPOINT": ""})
    remote = CliRunner().invoke(app, [*args, "--endpoint", loaded])
    assert embedded.exit_code == remote.exit_code == 0, remote.output
    assert remote.stdout == embedded.stdout


def test_queries_to_a_digest_protected_endpoint(
    loaded: str, home: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Queries, not only updates, answer Digest challenges (/sparql-auth asks for Digest)."""
    monkeypatch.setenv("POLICYGRAPH_USER", "dba")
    monkeypatch.setenv("POLICYGRAPH_PASSWORD", "dba")
    q = sparql.load(home.queries, "corpus-totals")
    remote = RemoteStore(loaded.removesuffix("/sparql") + "/sparql-auth").select(q.text)
    assert multiset(remote) == multiset(EmbeddedStore(home.graph_files()).select(q.text))
    monkeypatch.setenv("POLICYGRAPH_PASSWORD", "wrong")
    with pytest.raises(EndpointError, match="refused the credentials"):
        RemoteStore(loaded.removesuffix("/sparql") + "/sparql-auth").select(q.text)


@pytest.mark.parametrize("name", CATALOGUE)
def test_pasted_queries_need_no_from(loaded: str, home: Corpus, name: str) -> None:
    """Virtuoso's queries without FROM see every graph: a catalogue query pasted into its page
    answers as embedded (the README says so)."""
    q = sparql.load(home.queries, name)
    bindings = {p.name: PARAMS[p.name] for p in q.params}
    embedded = EmbeddedStore(home.graph_files()).select(q.text, bindings)
    pasted = RemoteStore(loaded, graph=None).select(q.text, bindings)
    unordered = tuple(q.unordered)
    assert multiset(pasted, unordered) == multiset(embedded, unordered)


def test_default_graph_is_refused_with_the_servers_reason(loaded: str) -> None:
    base = loaded.removesuffix("/sparql")
    result = CliRunner().invoke(
        app,
        [
            *("load", "--endpoint", loaded, "--default-graph"),
            *("--store-endpoint", f"{base}/sparql-graph-crud-auth"),
            *("--update-endpoint", f"{base}/sparql-auth"),
        ],
        env={"POLICYGRAPH_USER": "dba", "POLICYGRAPH_PASSWORD": "dba"},
    )
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
    assert "plain default graph" in result.stderr  # Virtuoso's own words
    assert "dba" not in result.stderr.replace(f"{base}/sparql-auth", "")
    rows = RemoteStore(loaded, graph=None).select(
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
        'FILTER(STRSTARTS(STR(?g), "https://w3id.org/policygraph/graph/staging/")) }'
    )
    assert str(rows.rows[0][0]) == "0"  # the staging graph was dropped


def test_a_reload_after_a_change_holds_the_new_graph(
    loaded: str, tmp_home: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Load, change a label and add a triple, load again, and again unchanged: the graph holds
    the new label, the new triple and as many triples as the dataset (the first load goes
    through a staging graph, the others send the difference, blank nodes in a template)."""
    from policygraph.store.dataset import dataset, ntriples

    base = loaded.removesuffix("/sparql")
    graph = "https://example.org/policygraph-test/virtuoso-reload"
    args = [
        *("load", "--endpoint", loaded, "--graph", graph, "--home", str(tmp_home.root)),
        *("--server", "virtuoso"),  # named: its endpoints and upload path, not recognised
    ]
    env = {"POLICYGRAPH_USER": "dba", "POLICYGRAPH_PASSWORD": "dba"}
    server = RemoteStore(loaded, graph=graph)
    try:
        assert CliRunner().invoke(app, args, env=env).exit_code == 0
        departments = tmp_home.ttl / "departments.ttl"
        text = departments.read_text(encoding="utf-8")
        departments.write_text(
            text.replace('"广西壮族自治区科学技术厅"@zh', '"广西壮族自治区科技厅（测试）"@zh', 1)
            + '\n<urn:policygraph-test:new> <urn:policygraph-test:p> "新增" .\n',
            encoding="utf-8",
        )
        for _ in range(2):
            result = CliRunner().invoke(app, args, env=env)
            assert result.exit_code == 0, result.output
            labels = server.select(
                "SELECT ?l WHERE { ?d <http://www.w3.org/2004/02/skos/core#prefLabel> ?l "
                'FILTER(STRSTARTS(STR(?l), "广西壮族自治区科")) }'
            )
            found = {str(row[0]) for row in labels.rows}
            assert (
                "广西壮族自治区科技厅（测试）" in found and "广西壮族自治区科学技术厅" not in found
            )
            added = server.select('ASK { <urn:policygraph-test:new> ?p "新增" }')
            assert str(added.rows[0][0]) == "true"
            count = server.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
            assert int(str(count.rows[0][0])) == ntriples(dataset(tmp_home))[1]
    finally:  # queries without FROM see every graph: leave only the one copy
        monkeypatch.setenv("POLICYGRAPH_USER", "dba")
        monkeypatch.setenv("POLICYGRAPH_PASSWORD", "dba")
        server.update(f"DROP SILENT GRAPH <{graph}>", f"{base}/sparql-auth")


def test_a_large_upload_reaches_the_digest_protected_graph_store(
    loaded: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Some MB into the Graph Store: Virtuoso answers an upload without credentials with its
    Digest challenge and closes the connection before reading the body, which the client saw as
    "connection reset" (`load` failed so from ~100,000 triples) instead of a challenge to
    answer. The credentials now go with the upload. (The whole `load` at 10^6 triples is
    measured by benchmarks/commands.py.)"""
    from policygraph.store.http import send

    base = loaded.removesuffix("/sparql")
    graph = "https://example.org/policygraph-test/virtuoso-large"
    body = "".join(
        f'<urn:policygraph-test:{k}> <urn:policygraph-test:p> "{k}" .\n' for k in range(60_000)
    ).encode("utf-8")
    monkeypatch.setenv("POLICYGRAPH_USER", "dba")
    monkeypatch.setenv("POLICYGRAPH_PASSWORD", "dba")
    # Virtuoso pauses about 30 s now and then after such an upload (the same with curl
    # --digest): more than the default timeout.
    server = RemoteStore(loaded, graph=graph, timeout=120)
    store = f"{base}/sparql-graph-crud-auth?graph={graph}"
    try:
        send("PUT", store, body, "application/n-triples", 120)
        assert _count_when_settled(server, 60_000) == 60_000
    finally:
        _drop_when_free(server, graph, f"{base}/sparql-auth")


def _count_when_settled(server: RemoteStore, expected: int, within: float = 180) -> int:
    """The test triples the server holds, asked until it holds ``expected`` or ``within``
    seconds pass (Virtuoso, busy with its pause after an upload, may not answer or may not yet
    count them all): the server's state is waited on, never a fixed time; the last thing seen is
    what the test reports."""
    patient = RemoteStore(server.endpoint, graph=server.graph, timeout=20)
    deadline, seen = time.monotonic() + within, "nothing"
    while True:
        try:
            rows = patient.select(
                "SELECT (COUNT(*) AS ?n) WHERE { ?s <urn:policygraph-test:p> ?o }"
            ).rows
            found = int(str(rows[0][0]))
            if found == expected:
                return found
            seen = f"{found} triples"
        except EndpointError as exc:
            seen = str(exc)
        if time.monotonic() > deadline:
            pytest.fail(
                f"the server did not settle on {expected} triples within {within} s: {seen}"
            )
        time.sleep(2)


def _drop_when_free(server: RemoteStore, graph: str, endpoint: str, within: float = 180) -> None:
    """Drop the test graph; Virtuoso, still busy with the upload (its pause, minutes on a loaded
    machine), may answer "Transaction timed out" or not answer at all: asked again, each time
    for at most 20 s, for 3 minutes in all. Still busy then: the graph (its own IRI, read by no
    other test) stays in this throwaway server, and a warning says so; what the test checks was
    checked before."""
    patient = RemoteStore(server.endpoint, graph=graph, timeout=20)
    deadline, said = time.monotonic() + within, ""
    while time.monotonic() < deadline:
        try:
            patient.update(f"DROP SILENT GRAPH <{graph}>", endpoint)
            return
        except EndpointError as exc:
            if "timed out" not in str(exc) and "did not answer" not in str(exc):
                raise
            said = str(exc)
            time.sleep(5)
    warnings.warn(f"Virtuoso still busy after {within:g} s; {graph} left: {said}", stacklevel=2)


def test_virtuosos_own_loader_reads_our_turtle_as_rdflib_does(server: Virtuoso) -> None:
    """Every Turtle file we publish, bulk-loaded by Virtuoso's own loader (ld_dir and
    rdf_loader_run, as DBpedia is loaded), holds the triples rdflib reads from it (no backslash
    kept in an IRI, numbers by value)."""
    from test_portable import FILES

    isql = shutil.which("isql-vt") or shutil.which("isql")
    if isql is None:
        pytest.skip("Virtuoso's isql client is not installed")
    folder = server.work / "portable"
    folder.mkdir(exist_ok=True)
    for n, path in enumerate(FILES):
        shutil.copyfile(path, folder / f"{n}.ttl")
        (folder / f"{n}.ttl.graph").write_text(f"urn:portable:{n}", encoding="utf-8")
    script = (
        "ld_dir('portable', '*.ttl', NULL); rdf_loader_run(); "
        "SELECT ll_file, ll_error FROM DB.DBA.load_list WHERE ll_error IS NOT NULL;"
    )
    done = subprocess.run(
        [isql, str(server.isql), "dba", "dba", f"exec={script}"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    try:
        assert done.returncode == 0, done.stdout + done.stderr
        assert "0 Rows." in done.stdout, done.stdout  # no file failed to load
        compare_loaded(server.url)
    finally:  # the other tests query every graph (Virtuoso's default): leave only ours
        drop = " ".join(f"SPARQL CLEAR GRAPH <urn:portable:{n}>;" for n in range(len(FILES)))
        subprocess.run([isql, str(server.isql), "dba", "dba", f"exec={drop}"], timeout=300)


def compare_loaded(url: str) -> None:
    from rdflib.compare import isomorphic
    from test_portable import FILES

    remote = RemoteStore(url, graph=None)
    for n, path in enumerate(FILES):
        loaded = remote.query(
            f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <urn:portable:{n}> {{ ?s ?p ?o }} }}"
        )
        assert isinstance(loaded, Graph)
        by_rdflib = Graph().parse(path, format="turtle")
        assert isomorphic(whole_numbers(by_rdflib), whole_numbers(loaded)), path


def whole_numbers(g: Graph) -> Graph:
    """Numbers by value, and a whole xsd:decimal as the xsd:integer Virtuoso stores it as
    (500.0 comes back as 500, an integer: the same value, another datatype)."""
    from decimal import Decimal

    from rdflib.namespace import XSD
    from test_portable import by_value

    out = Graph()
    for s, p, o in by_value(g):
        if isinstance(o, Literal) and o.datatype == XSD.decimal and Decimal(str(o)) % 1 == 0:
            o = Literal(str(int(Decimal(str(o)))), datatype=XSD.integer)
        out.add((s, p, o))
    return out


def test_the_readmes_pasted_query_answers_on_virtuoso(loaded: str, home: Corpus) -> None:
    text = readme_query()
    pasted = RemoteStore(loaded, graph=None).select(text)
    assert multiset(pasted) == multiset(EmbeddedStore(home.graph_files()).select(text))


def test_a_task_table_of_a_large_corpus_answers_as_embedded(tmp_path: Path) -> None:
    """At 10^5 synthetic triples (benchmarks/generate.py: measures in parts), Virtuoso 7.2
    returned no row of `document-provisions` for a region's document once ?doc was bound and
    the OPTIONALs followed, so `tasks --doc r00 --endpoint` said it had no task-division table;
    the same query at 10^4 triples, or on the real corpus, answered. A fresh server of its own:
    `load` replaces the graph the other tests read."""
    import sys

    sys.path.insert(0, str(REPO / "benchmarks"))
    from generate import generate

    home = tmp_path / "home"
    generate(home, 100_000, REPO)
    db = tmp_path / "db"
    db.mkdir()
    started = start_virtuoso(db)
    if started is None:
        pytest.skip("Virtuoso is not installed (apt-get install virtuoso-opensource)")
    process, url, _ = started
    base = url.removesuffix("/sparql")
    env = {"POLICYGRAPH_USER": "dba", "POLICYGRAPH_PASSWORD": "dba"}
    runner = CliRunner()
    try:
        load = [
            *("load", "--endpoint", url, "--store-endpoint", f"{base}/sparql-graph-crud-auth"),
            *("--update-endpoint", f"{base}/sparql-auth", "--home", str(home)),
        ]
        assert runner.invoke(app, load, env=env).exit_code == 0
        tasks = ["tasks", "--doc", "r00", "-f", "json", "--home", str(home)]
        remote = runner.invoke(app, [*tasks, "--endpoint", url], env=env)
        embedded = runner.invoke(app, [*tasks, "--endpoint", ""])
        assert remote.exit_code == 0, remote.stderr
        assert embedded.exit_code == 0 and remote.stdout == embedded.stdout
    finally:
        process.kill()
        process.wait(timeout=60)
