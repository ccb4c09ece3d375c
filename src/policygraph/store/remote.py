"""A SPARQL 1.1 endpoint as a store, and loading the graph onto one.

Queries and updates go through SPARQLWrapper (SPARQL 1.1 Protocol, JSON results for SELECT and
ASK, Turtle for CONSTRUCT and DESCRIBE). Loading uses the Graph Store HTTP Protocol: the graph
is PUT into a fresh staging graph, then ``MOVE``d onto the target in one update, so readers see
the old graph or the new one, never half of it; the triple count is checked afterwards.
Credentials, timeouts and errors: :mod:`policygraph.store.http`.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
import urllib.parse
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from rdflib import BNode, Literal, URIRef

from policygraph.errors import EndpointError, InputError, QueryError
from policygraph.store.http import run_sparql, send
from policygraph.store.results import Answer, Rows
from policygraph.store.sparql import bind, query_type

if TYPE_CHECKING:
    from rdflib import Graph
    from rdflib.term import Identifier

    from policygraph.corpus import Corpus

DEFAULT_GRAPH = "https://w3id.org/policygraph/graph"
DEFAULT_TIMEOUT = 30.0


def sibling(endpoint: str, name: str) -> str:
    """The update or store endpoint next to a query endpoint (.../query -> .../update)."""
    return (
        re.sub(r"/(query|sparql)/?$", f"/{name}", endpoint)
        if re.search(r"/(query|sparql)/?$", endpoint)
        else endpoint.rstrip("/") + f"/{name}"
    )


class RemoteStore:
    """A SPARQL 1.1 endpoint, queried with the same query files and bindings as the embedded store."""

    def __init__(
        self, endpoint: str, graph: str | None = DEFAULT_GRAPH, timeout: float = DEFAULT_TIMEOUT
    ) -> None:
        if not re.match(r"https?://", endpoint):
            raise InputError(f"not an http(s) endpoint URL: {endpoint!r}")
        self.location = endpoint
        self.endpoint, self.graph, self.timeout = endpoint, graph, timeout

    def select(self, sparql: str, bindings: Mapping[str, Identifier] | None = None) -> Rows:
        answer = self.query(sparql, bindings)
        if isinstance(answer, bool):
            return Rows(["boolean"], [(Literal(answer),)])
        if not isinstance(answer, Rows):
            raise QueryError("expected a SELECT query")
        return answer

    def query(self, sparql: str, bindings: Mapping[str, Identifier] | None = None) -> Answer:
        """Any query: Rows for SELECT, a bool for ASK, a Graph for CONSTRUCT and DESCRIBE."""
        kind = query_type(sparql)
        text = "\n".join(
            line
            for line in bind(sparql, dict(bindings) if bindings else None).splitlines()
            if not line.lstrip().startswith("#")
        )
        if kind in ("CONSTRUCT", "DESCRIBE"):
            return self._graph(text, kind)
        data = self.request(text, kind)
        if "boolean" in data:
            return bool(data["boolean"])
        variables = list(data.get("head", {}).get("vars", []))
        rows = [
            tuple(_term(b.get(v)) for v in variables)
            for b in data.get("results", {}).get("bindings", [])
        ]
        return Rows(variables, rows)

    def _prepare(self, sparql: str, kind: str, fmt: str) -> Callable[[Any], None]:
        def prepare(sw: Any) -> None:
            sw.setQuery(sparql)
            sw.queryType = kind  # its own sniffing matches keywords inside words
            sw.setReturnFormat(fmt)
            if self.graph:
                sw.addDefaultGraph(self.graph)

        return prepare

    def request(self, sparql: str, kind: str = "SELECT") -> dict[str, Any]:
        """Run a SELECT or ASK and return the SPARQL 1.1 JSON results."""
        from SPARQLWrapper import JSON

        prepare = self._prepare(sparql, kind, JSON)
        result = run_sparql(self.endpoint, self.timeout, prepare, lambda sw: sw.queryAndConvert())
        if not isinstance(result, dict):
            raise EndpointError(f"{self.endpoint} did not answer with SPARQL JSON results")
        return result

    def _graph(self, sparql: str, kind: str) -> Graph:
        from rdflib import Graph
        from SPARQLWrapper import TURTLE

        from policygraph.rdf import bind_prefixes

        prepare = self._prepare(sparql, kind, TURTLE)
        data = run_sparql(
            self.endpoint, self.timeout, prepare, lambda sw: sw.query().response.read()
        )
        g = bind_prefixes(Graph())
        try:
            g.parse(data=data, format="turtle")  # N-Triples is Turtle too
        except Exception as exc:  # rdflib raises several types for a body it cannot read
            raise EndpointError(f"{self.endpoint} did not answer with RDF: {exc}") from exc
        return g

    def update(self, sparql: str, endpoint: str | None = None) -> None:
        """Run a SPARQL 1.1 Update on ``endpoint`` (default: the update endpoint beside this one)."""
        url = endpoint or sibling(self.endpoint, "update")
        run_sparql(url, self.timeout, lambda sw: sw.setQuery(sparql), lambda sw: sw.query())


def _term(value: Mapping[str, str] | None) -> Identifier | None:
    if value is None:
        return None
    kind, text = value.get("type"), value.get("value", "")
    if kind == "uri":
        return URIRef(text)
    if kind == "bnode":
        return BNode(text)
    if "xml:lang" in value:
        return Literal(text, lang=value["xml:lang"])
    datatype = value.get("datatype")
    return Literal(text, datatype=URIRef(datatype) if datatype else None)


def load(corpus: Corpus, endpoint: str, **options: Any) -> int:
    """Replace the graph on the server with what ``export`` writes of ``corpus`` (every part of
    the graph and the dataset's description, in one graph; options as :func:`load_data`): what
    the ``load`` command does, and what the benchmark times."""
    from policygraph.store.dataset import dataset, ntriples

    data, count = ntriples(dataset(corpus))
    return load_data(data, count, endpoint, **options)


def load_data(
    data: bytes,
    count: int,
    endpoint: str,
    graph: str | None = DEFAULT_GRAPH,
    update_endpoint: str | None = None,
    store_endpoint: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> int:
    """Replace ``graph`` on the server (None: its default graph) with the N-Triples ``data``
    (``count`` triples), through a staging graph moved onto it in one update; return the
    checked triple count.

    Staging graphs are dropped on every path, and stale ones (of a load that died) at the start
    of the next. When the update fails or times out on the client's side, the target is counted
    again: the error says what the server ended up holding (it may have finished the MOVE)."""
    from policygraph.rdf.terms import check_iri

    if graph is not None:
        check_iri(graph)
    server = RemoteStore(endpoint, graph=None, timeout=timeout)
    gsp = store_endpoint or sibling(endpoint, "store")
    staged_under = f"{graph or DEFAULT_GRAPH}/staging/"
    _drop_stale(server, staged_under, update_endpoint)
    staging = f"{staged_under}{os.getpid()}-{int(time.time() * 1000)}"
    target = f"{gsp}?{urllib.parse.urlencode({'graph': staging})}"
    try:
        send("PUT", target, data, "application/n-triples", timeout)
        server.update(f"MOVE SILENT <{staging}> TO {_graph_ref(graph)}", update_endpoint)
    except EndpointError as exc:
        held = _count(server, graph)
        with contextlib.suppress(EndpointError):
            server.update(f"DROP SILENT GRAPH <{staging}>", update_endpoint)
        state = (
            f"the server now holds {held} triples in {graph_label(graph)} "
            f"({'the new graph' if held == count else 'not the new graph'})"
            if held is not None
            else "what the server holds could not be read"
        )
        raise EndpointError(f"{exc}; {state}") from exc
    on_server = _count(server, graph)
    if on_server != count:
        raise EndpointError(
            f"{endpoint}: {graph_label(graph)} holds {on_server} triples after loading, "
            f"expected {count}"
        )
    return count


def graph_label(graph: str | None) -> str:
    return f"<{graph}>" if graph else "the default graph"


def _graph_ref(graph: str | None) -> str:
    return f"<{graph}>" if graph else "DEFAULT"


def _count(server: RemoteStore, graph: str | None) -> int | None:
    pattern = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
    try:
        rows = server.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}")
        return int(str(rows.rows[0][0])) if rows.rows else 0
    except EndpointError:
        return None


def _drop_stale(server: RemoteStore, staged_under: str, update_endpoint: str | None) -> None:
    """Drop the staging graphs of loads that died (never the target itself)."""
    rows = server.select(
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
        f'FILTER(STRSTARTS(STR(?g), "{staged_under}")) }}'
    )
    for (stale,) in rows.rows:
        server.update(f"DROP SILENT GRAPH <{stale}>", update_endpoint)
