"""The graph in process: an rdflib ``Graph`` on an Oxigraph store (oxrdflib).

rdflib's API with Oxigraph's parser and query engine, which the measurements in ``benchmarks/``
show to be an order of magnitude faster than rdflib's in-memory store on property paths and
large graphs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from policygraph.errors import GraphSyntaxError, QueryError
from policygraph.store.results import Answer, Rows
from policygraph.store.sparql import bind, query_type

if TYPE_CHECKING:
    from rdflib import Graph
    from rdflib.term import Identifier


class EmbeddedStore:
    """The graph of some Turtle files, in process."""

    def __init__(self, files: Sequence[Path]) -> None:
        from rdflib import Graph

        self.location = "embedded"
        self.files = list(files)
        self.graph: Graph = Graph(store="Oxigraph")
        for path in self.files:
            try:
                self.graph.parse(path, format="ox-turtle")
            except SyntaxError as exc:
                raise GraphSyntaxError(f"{path}: {' '.join(str(exc).split())}") from exc
            except OSError as exc:
                raise GraphSyntaxError(f"{path}: cannot read ({exc.strerror})") from exc

    def select(self, sparql: str, bindings: Mapping[str, Identifier] | None = None) -> Rows:
        answer = self.query(sparql, bindings)
        if not isinstance(answer, Rows):
            raise QueryError("expected a SELECT query")
        return answer

    def query(self, sparql: str, bindings: Mapping[str, Identifier] | None = None) -> Answer:
        """Any query: Rows for SELECT, a bool for ASK, a Graph for CONSTRUCT and DESCRIBE."""
        kind = query_type(sparql)
        text = bind(sparql, dict(bindings) if bindings else None)
        try:
            result = self.graph.query(text)
            if kind == "ASK":
                return bool(result.askAnswer)
            if kind in ("CONSTRUCT", "DESCRIBE"):
                return _graph(result.graph)
            variables = [str(v) for v in (result.vars or [])]
            rows = [tuple(row) for row in result]  # type: ignore[arg-type]
        except SyntaxError as exc:
            raise QueryError(f"query does not parse: {' '.join(str(exc).split())}") from exc
        except (OSError, ValueError) as exc:
            raise QueryError(f"query failed: {' '.join(str(exc).split())}") from exc
        return Rows(variables, rows)  # type: ignore[arg-type]


def _graph(source: Any) -> Graph:
    """A plain in-memory copy of a CONSTRUCT result; xsd:string literals written as simple
    literals (the same term in RDF 1.1), as a SPARQL server sends them."""
    from rdflib import Graph, Literal
    from rdflib.namespace import XSD

    from policygraph.rdf import bind_prefixes

    g = bind_prefixes(Graph())
    for s, p, o in source or ():
        if isinstance(o, Literal) and o.datatype == XSD.string:
            o = Literal(str(o))
        g.add((s, p, o))
    return g


def load_into(store: Any, files: Sequence[Path], graph: str | None = None) -> Any:
    """Bulk-load Turtle ``files`` into a pyoxigraph ``store`` (its default graph, or ``graph``);
    a syntax error names the file and the line."""
    import pyoxigraph as ox

    target = ox.NamedNode(graph) if graph else ox.DefaultGraph()
    for path in files:
        try:
            store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=target)
        except SyntaxError as exc:
            raise GraphSyntaxError(f"{path}: {' '.join(str(exc).split())}") from exc
        except OSError as exc:
            raise GraphSyntaxError(f"{path}: cannot read ({exc.strerror})") from exc
    return store
