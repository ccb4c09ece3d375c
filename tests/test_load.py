"""How `load` replaces a graph on a server, and what it sends: a first load into an empty graph
on Oxigraph is one request its bulk loader applies atomically; a reload sends only the
difference from the server's copy, in one update; the server then holds exactly the dataset,
blank nodes included. Against a real Oxigraph server."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from policygraph.cli.app import app
from policygraph.corpus import Corpus
from policygraph.store import profiles, remote
from policygraph.store.dataset import dataset, ntriples
from policygraph.store.http import exchange

runner = CliRunner()
GRAPH = "https://example.org/policygraph-test/reload"


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, str, bytes]]]:
    """Every write `load` sends: Graph Store requests and updates, as (method, url, body)."""
    log: list[tuple[str, str, bytes]] = []
    send, update = remote.send, remote.RemoteStore.update

    def logged_send(method: str, url: str, body: bytes, *rest: Any) -> bytes:
        log.append((method, url, body))
        return send(method, url, body, *rest)

    def logged_update(self: remote.RemoteStore, sparql: str, endpoint: str | None = None) -> None:
        log.append(("UPDATE", endpoint or "", sparql.encode("utf-8")))
        update(self, sparql, endpoint)

    monkeypatch.setattr(remote, "send", logged_send)
    monkeypatch.setattr(remote.RemoteStore, "update", logged_update)
    yield log


def held(endpoint: str, graph: str) -> tuple[set[str], list[str]]:
    """The server's copy of ``graph``: its triples without blank nodes, and the others with
    their blank nodes blanked out (sorted), to compare with the dataset's."""
    body = exchange(
        "GET",
        remote.sibling(endpoint, "store") + f"?graph={graph}",
        30,
        accept="application/n-triples",
    ).body
    return split(body)


def split(data: bytes) -> tuple[set[str], list[str]]:
    ground, blank = set(), []
    for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES):
        if isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode):
            s = "_" if isinstance(t.subject, ox.BlankNode) else str(t.subject)
            o = "_" if isinstance(t.object, ox.BlankNode) else str(t.object)
            blank.append(f"{s} {t.predicate} {o}")
        else:
            ground.add(str(t))
    return ground, sorted(blank)


def wanted(home: Corpus) -> tuple[set[str], list[str]]:
    data, _ = ntriples(dataset(home))
    return split(b"\n".join(set(data.split(b"\n"))))  # a triple in two graphs is one triple


def test_first_load_is_one_bulk_request_and_a_reload_sends_the_difference(
    server: str,
    tmp_home: Corpus,
    sent: list[tuple[str, str, bytes]],
) -> None:
    args = ["load", "--endpoint", server, "--graph", GRAPH, "--home", str(tmp_home.root)]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert [(m, "staging" in u, u.endswith("&no_transaction")) for m, u, _ in sent] == [
        ("POST", False, True)
    ]
    assert held(server, GRAPH) == wanted(tmp_home)

    sent.clear()
    departments = tmp_home.ttl / "departments.ttl"
    text = departments.read_text(encoding="utf-8")
    assert text.count('"广西壮族自治区科学技术厅"@zh') >= 1
    departments.write_text(
        text.replace('"广西壮族自治区科学技术厅"@zh', '"广西壮族自治区科技厅（测试）"@zh', 1)
        + '\n<urn:policygraph-test:new> <urn:policygraph-test:p> "新增" .\n',
        encoding="utf-8",
    )
    again = runner.invoke(app, args)
    assert again.exit_code == 0, again.output
    assert [m for m, _, _ in sent] == ["POST"]  # one update, no PUT, no MOVE
    body = sent[0][2].decode("utf-8")
    assert len(body) < 20_000
    assert "科学技术厅" in body and "（测试）" in body and "新增" in body
    assert held(server, GRAPH) == wanted(tmp_home)

    sent.clear()
    unchanged = runner.invoke(app, args)
    assert unchanged.exit_code == 0, unchanged.output
    assert held(server, GRAPH) == wanted(tmp_home)  # blank nodes replaced, not added again
    assert all(m != "PUT" for m, _, _ in sent)


def test_a_large_difference_goes_through_a_staging_graph(
    server: str,
    tmp_home: Corpus,
    sent: list[tuple[str, str, bytes]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    graph = GRAPH + "-large"
    args = ["load", "--endpoint", server, "--graph", graph, "--home", str(tmp_home.root)]
    assert runner.invoke(app, args).exit_code == 0
    sent.clear()
    small = dataclasses.replace(profiles.OXIGRAPH, max_update=10)  # no difference fits
    monkeypatch.setattr(remote, "recognise", lambda software: small)
    (tmp_home.ttl / "extra.ttl").write_text(
        "".join(
            f'<urn:policygraph-test:{k}> <urn:policygraph-test:p> "{k}" .\n' for k in range(50)
        ),
        encoding="utf-8",
    )
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert [(m, "staging" in u or b"MOVE" in b) for m, u, b in sent] == [
        ("POST", True),  # the staging graph filled by the bulk loader
        ("UPDATE", True),
    ]
    assert held(server, graph) == wanted(tmp_home)


@pytest.mark.parametrize(
    ("software", "how"),
    [
        ("Oxigraph/0.5.13", "bulk"),
        ("Oxigraph/1.0.0", "bulk"),
        ("Oxigraph/0.4.11", "put"),  # its bulk loader wrote as it went: readers saw half
        ("Virtuoso/07.20.3240 (Linux) x86_64-pc-linux-gnu", None),
        ("nginx/1.24.0", None),  # a proxy in front hides the software: the staging graph
        ("", None),
    ],
)
def test_only_a_server_known_to_load_atomically_gets_the_graph_in_one_request(
    software: str, how: str | None
) -> None:
    assert remote.atomic_upload(software) == how


def test_the_difference_reads_lines_as_triples() -> None:
    """A server escaping characters its own way holds the same triples: nothing to send;
    blank nodes are replaced by pattern; a difference too large is left to the staging path."""
    ours = '<urn:a> <urn:b> "广西" .\n<urn:a> <urn:c> _:x .\n_:x <urn:d> "1" .\n'.encode()
    theirs = b'<urn:a> <urn:b> "\\u5E7F\\u897F" .\n<urn:a> <urn:c> _:b0 .\n_:b0 <urn:d> "1" .\n'
    update = remote.difference_update(theirs, ours, "GRAPH <urn:g>")
    assert update is not None and "广西" not in update and "DELETE DATA" not in update
    assert "FILTER(isBlank(?s) || isBlank(?o))" in update
    assert update.count("_:x") == 2
    plain = b'<urn:a> <urn:b> "\\u5E7F\\u897F" .\n'
    assert remote.difference_update(plain, '<urn:a> <urn:b> "广西" .\n'.encode(), "") == ""
    changed = remote.difference_update(plain, '<urn:a> <urn:b> "广东" .\n'.encode(), "")
    assert changed == (
        'DELETE DATA {\n<urn:a> <urn:b> "\\u5E7F\\u897F" .\n} ;\n'
        'INSERT DATA {\n<urn:a> <urn:b> "广东" .\n}'
    )
    big = "".join(f'<urn:a> <urn:b> "{k}" .\n' for k in range(100_000)).encode()
    assert remote.difference_update(b"", big, "") is None


def test_the_readme_names_the_load_paths() -> None:
    text = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    assert "only the difference" in text
