"""One way in to the graph: every command reads it through :func:`open_store`.

The embedded store is an rdflib ``Graph`` on Oxigraph (oxrdflib): rdflib's API with Oxigraph's
parser and query engine, which the measurements in ``benchmarks/`` show to be an order of
magnitude faster than rdflib's in-memory store on property paths and large graphs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from policygraph.errors import GraphSyntaxError, QueryError
from policygraph.paths import Home

if TYPE_CHECKING:
    from rdflib import Graph
    from rdflib.term import Identifier


@dataclass(frozen=True)
class Rows:
    """A SELECT result: variable names and rows of rdflib terms (None where unbound)."""

    vars: list[str]
    rows: list[tuple[Identifier | None, ...]]

    def dicts(self) -> list[dict[str, Identifier | None]]:
        return [dict(zip(self.vars, row, strict=True)) for row in self.rows]

    def __len__(self) -> int:
        return len(self.rows)


ENV_ENDPOINT = "POLICYGRAPH_ENDPOINT"


class Store(Protocol):
    location: str

    def select(self, sparql: str, bindings: Mapping[str, Identifier] | None = None) -> Rows: ...


class EmbeddedStore:
    """The graph in process: rdflib on an Oxigraph store."""

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
        from policygraph.query import bind

        text = bind(sparql, dict(bindings) if bindings else None)
        try:
            result = self.graph.query(text)
            variables = [str(v) for v in (result.vars or [])]
            rows = [tuple(row) for row in result]  # type: ignore[arg-type]
        except SyntaxError as exc:
            raise QueryError(f"query does not parse: {' '.join(str(exc).split())}") from exc
        except (OSError, ValueError) as exc:
            raise QueryError(f"query failed: {' '.join(str(exc).split())}") from exc
        return Rows(variables, rows)  # type: ignore[arg-type]


def open_store(home: Home, endpoint: str | None = None, timeout: float | None = None) -> Store:
    """The graph of the corpus home, in process, or the one loaded on a SPARQL ``endpoint``
    (``None``: the ``POLICYGRAPH_ENDPOINT`` environment variable; ``""``: always in process)."""
    import os

    if endpoint is None:  # not given: the environment decides; "" means embedded
        endpoint = os.environ.get(ENV_ENDPOINT) or ""
    if endpoint:
        from policygraph.remote import DEFAULT_TIMEOUT, RemoteStore

        return RemoteStore(endpoint, timeout=timeout or DEFAULT_TIMEOUT)
    return EmbeddedStore(home.graph_files())


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
