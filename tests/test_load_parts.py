"""`load` of a large dataset in parts (issue 24 item 5): read file by file, sent in parts of
bounded size into a staging graph, then one MOVE. A dataset sent in many small parts (the part
size of the server's profile set tiny) is the dataset the one-request load sends; whatever stops a
load in parts (a part refused, Ctrl-C, a file that does not parse) leaves the target as it was
and no staging graph. Against a real Oxigraph server, and Virtuoso where it is installed."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pyoxigraph as ox
import pytest
from servers import virtuoso_for_tests
from test_load import held, split, wanted
from typer.testing import CliRunner

from policygraph.cli.app import app
from policygraph.corpus import Corpus
from policygraph.errors import EndpointError, GraphSyntaxError
from policygraph.store import parts, profiles, remote
from policygraph.store.dataset import dataset, ntriples
from policygraph.store.http import exchange
from policygraph.store.parts import Stream, Tally

runner = CliRunner()
GRAPH = "https://example.org/policygraph-test/parts"
TINY = dataclasses.replace(profiles.OXIGRAPH, whole_bytes=0, part_bytes=20_000)
CREDENTIALS = {"POLICYGRAPH_USER": "dba", "POLICYGRAPH_PASSWORD": "dba"}


@pytest.fixture
def posts(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, bytes]]]:
    """Every Graph Store request `load` sends, as (url, body)."""
    log: list[tuple[str, bytes]] = []
    send = remote.send

    def logged(method: str, url: str, body: bytes, *rest: Any) -> bytes:
        log.append((url, body))
        return send(method, url, body, *rest)

    monkeypatch.setattr(remote, "send", logged)
    yield log


def staging_graphs(endpoint: str) -> list[str]:
    rows = remote.RemoteStore(endpoint, graph=None).select(
        'SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } FILTER(CONTAINS(STR(?g), "/staging/")) }'
    )
    return [str(row[0]) for row in rows.rows]


def test_the_parts_are_the_dataset(tmp_home: Corpus) -> None:
    """Without a server: the parts hold the triples the one-request load sends (blank nodes
    kept apart per file, one file's together), count them alike, and none is much larger than
    the part size; a triple in two graphs is one triple, a blank node in two files two."""
    (tmp_home.ttl / "twice.ttl").write_text(
        '<urn:pg:a> <urn:pg:p> "x" .\n_:b <urn:pg:q> <urn:pg:a> .\n', encoding="utf-8"
    )
    (tmp_home.ttl / "again.ttl").write_text(
        '<urn:pg:a> <urn:pg:p> "x" .\n_:b <urn:pg:q> <urn:pg:a> .\n'
        + "".join(f'_:big <urn:pg:n{k}> "{k}" .\n' for k in range(2_000)),  # more than a part
        encoding="utf-8",
    )
    stream = Stream(tmp_home, 20_000)
    parts = list(stream)
    count = ntriples(dataset(tmp_home))[1]
    assert stream.count == count and len(parts) > 10
    assert stream.read == stream.total
    stored = ox.Store()  # as a server stores them: "1.0"^^xsd:decimal is "1"
    stored.load(b"".join(parts), format=ox.RdfFormat.N_TRIPLES)
    assert split(stored.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())) == (
        wanted(tmp_home)
    )
    where: dict[str, set[int]] = {}  # each blank node with all its triples in one part
    for k, part in enumerate(parts):
        for t in ox.parse(part, format=ox.RdfFormat.N_TRIPLES):
            for term in (t.subject, t.object):
                if isinstance(term, ox.BlankNode):
                    where.setdefault(term.value, set()).add(k)
    assert len(where) > 3 and all(len(found) == 1 for found in where.values())
    assert max(len(p) for p in parts if b"_:" not in p) < 20_000 + 2_000


def test_the_tally_counts_distinct_lines_in_buckets(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parts, "_HELD", 16)  # most records go to the buckets' files
    tally = Tally(tmp_path)
    for k in range(30_000):  # graph 0: lines 0-19,999 and 0-4,999 again; graph 1: 5,000-9,999
        n = k % 20_000
        tally.add(f"<urn:{n}> <urn:p> <urn:o> .\n".encode(), k // 25_000, n % 3 - 1)
    distinct, sizes, classes = tally.counts()
    assert distinct == 20_000
    assert sizes == {0: 20_000, 1: 5_000}  # each graph holds its own copy
    assert classes == {0: 6_667 + 1_666, 1: 6_666 + 1_667}  # n % 3 == 1, n % 3 == 2
    assert sum(1 for b in range(parts.BUCKETS) if (tmp_path / str(b)).exists()) > 200


def test_many_small_parts_equal_the_one_request_load(
    server: str, tmp_home: Corpus, posts: list[tuple[str, bytes]]
) -> None:
    whole = GRAPH + "-whole"
    args = ["load", "--endpoint", server, "--home", str(tmp_home.root)]
    assert runner.invoke(app, [*args, "--graph", whole]).exit_code == 0
    assert len(posts) == 1
    posts.clear()
    said: list[tuple[int, int]] = []
    loaded = remote.load(
        tmp_home, server, graph=GRAPH, server=TINY, progress=lambda *a: said.append(a)
    )
    assert loaded.count == ntriples(dataset(tmp_home))[1] and loaded.atomic
    assert len(posts) > 10 and all("%2Fstaging%2F" in url for url, _ in posts)
    assert all(url.endswith("&no_transaction") for url, _ in posts)  # its bulk loader
    assert held(server, GRAPH) == held(server, whole) == wanted(tmp_home)
    assert said[-1][0] == said[-1][1] and [d for d, _ in said] == sorted(d for d, _ in said)
    assert staging_graphs(server) == []

    departments = tmp_home.ttl / "departments.ttl"  # onto a graph that holds the old one
    departments.write_text(
        departments.read_text(encoding="utf-8") + '\n<urn:pg:new> <urn:pg:p> "新增" .\n',
        encoding="utf-8",
    )
    remote.load(tmp_home, server, graph=GRAPH, server=TINY)
    assert held(server, GRAPH) == wanted(tmp_home) != held(server, whole)
    assert staging_graphs(server) == []


def refuse_after(monkeypatch: pytest.MonkeyPatch, parts: int, failure: BaseException) -> None:
    """The part after ``parts`` parts fails with ``failure``."""
    send, seen = remote.send, []

    def failing(method: str, url: str, body: bytes, *rest: Any) -> bytes:
        seen.append(url)
        if len(seen) > parts:
            raise failure
        return send(method, url, body, *rest)

    monkeypatch.setattr(remote, "send", failing)


def changed(home: Corpus) -> None:
    (home.ttl / "extra.ttl").write_text(
        "".join(f'<urn:pg:{k}> <urn:pg:p> "{k}" .\n' for k in range(2_000)), encoding="utf-8"
    )


def test_a_part_refused_midway_leaves_the_target_and_no_staging_graph(
    server: str, tmp_home: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    graph = GRAPH + "-refused"
    remote.load(tmp_home, server, graph=graph)
    before = held(server, graph)
    changed(tmp_home)
    send = remote.send

    def garbled(method: str, url: str, body: bytes, *rest: Any) -> bytes:
        if b"<urn:pg:1000>" in body:  # the server refuses this part: not N-Triples
            body = b"<urn:pg:broken> .\n" + body
        return send(method, url, body, *rest)

    monkeypatch.setattr(remote, "send", garbled)
    monkeypatch.setattr(remote, "recognise", lambda software: TINY)
    result = runner.invoke(
        app, ["load", "--endpoint", server, "--graph", graph, "--home", str(tmp_home.root)]
    )
    assert result.exit_code == 2, result.output
    line = result.stderr
    assert line.startswith("Error: ") and line.count("\n") == 1, line
    assert server.removesuffix("/query") in line and "HTTP 400" in line
    assert "(not the new graph)" in line
    assert held(server, graph) == before
    assert staging_graphs(server) == []


@pytest.mark.parametrize(
    "failure",
    [KeyboardInterrupt(), EndpointError("gone", code="connection-refused")],
    ids=["ctrl-c", "server-gone"],
)
def test_an_interrupted_load_leaves_the_target_and_no_staging_graph(
    server: str, tmp_home: Corpus, monkeypatch: pytest.MonkeyPatch, failure: BaseException
) -> None:
    graph = GRAPH + "-interrupted"
    remote.load(tmp_home, server, graph=graph)
    before = held(server, graph)
    changed(tmp_home)
    refuse_after(monkeypatch, 3, failure)
    with pytest.raises(type(failure)):
        remote.load(tmp_home, server, graph=graph, server=TINY)
    assert held(server, graph) == before
    assert staging_graphs(server) == []


def test_a_file_that_does_not_parse_leaves_the_target(server: str, tmp_home: Corpus) -> None:
    graph = GRAPH + "-syntax"
    remote.load(tmp_home, server, graph=graph)
    before = held(server, graph)
    (tmp_home.sources / "zz-broken.ttl").write_text("<urn:pg:a> <urn:pg:b> .\n", "utf-8")
    with pytest.raises(GraphSyntaxError, match=r"zz-broken\.ttl"):
        remote.load(tmp_home, server, graph=graph, server=TINY)
    assert held(server, graph) == before
    assert staging_graphs(server) == []


def test_a_stale_staging_graph_is_dropped_by_the_next_load(
    server: str, tmp_home: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server gone mid-way cannot drop the staging graph: the next load does."""
    graph = GRAPH + "-stale"
    monkeypatch.setattr(remote._Load, "drop_staging", lambda self: None)  # the drop lost
    refuse_after(monkeypatch, 2, EndpointError("gone", code="connection-refused"))
    with pytest.raises(EndpointError):
        remote.load(tmp_home, server, graph=graph, server=TINY)
    assert [g for g in staging_graphs(server) if g.startswith(graph)]
    monkeypatch.undo()
    remote.load(tmp_home, server, graph=graph, server=TINY)
    assert [g for g in staging_graphs(server) if g.startswith(graph)] == []
    assert held(server, graph) == wanted(tmp_home)


# Virtuoso


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    work = tmp_path_factory.mktemp("virtuoso-parts")
    with virtuoso_for_tests(work) as (url, _):
        yield url


def virtuoso_held(url: str, graph: str) -> tuple[set[str], list[str]]:
    store = profiles.VIRTUOSO.endpoints(url).store
    body = exchange("GET", f"{store}?graph={graph}", 60, accept="application/n-triples").body
    return split(body)


def test_parts_into_virtuoso_equal_the_one_request_load(
    virtuoso: str, tmp_home: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    tiny = dataclasses.replace(profiles.VIRTUOSO, whole_bytes=0, part_bytes=200_000)
    whole, parted = GRAPH + "-v-whole", GRAPH + "-v-parts"
    remote.load(tmp_home, virtuoso, graph=whole, timeout=300)
    loaded = remote.load(tmp_home, virtuoso, graph=parted, server=tiny, timeout=300)
    assert loaded.count == ntriples(dataset(tmp_home))[1] and not loaded.atomic
    assert virtuoso_held(virtuoso, parted) == virtuoso_held(virtuoso, whole)
    assert len(virtuoso_held(virtuoso, parted)[0]) > 5_000
    assert staging_graphs(virtuoso) == []

    before = virtuoso_held(virtuoso, parted)
    changed(tmp_home)
    refuse_after(monkeypatch, 3, EndpointError("gone", code="connection-refused"))
    with pytest.raises(EndpointError, match="not the new graph"):
        remote.load(tmp_home, virtuoso, graph=parted, server=tiny, timeout=300)
    assert virtuoso_held(virtuoso, parted) == before
    assert staging_graphs(virtuoso) == []
