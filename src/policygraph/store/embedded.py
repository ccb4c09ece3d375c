"""The graph in process: an Oxigraph store (pyoxigraph), its answers as rdflib terms.

Oxigraph's parser and query engine, which the measurements in ``benchmarks/`` show to be an
order of magnitude faster than rdflib's in-memory store on property paths and large graphs; the
answers in rdflib's terms, the same as a remote store's. A large corpus is kept on disk between
commands (:mod:`policygraph.store.cache`).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from policygraph.errors import GraphSyntaxError, QueryError
from policygraph.i18n import N_
from policygraph.rdf.terms import rdflib_term
from policygraph.store.results import Answer, Bound, Rows
from policygraph.store.sparql import bind, query_type

if TYPE_CHECKING:
    from rdflib import Graph


class EmbeddedStore:
    """The graph of some Turtle files, in process: a pyoxigraph store, its results converted to
    rdflib terms once each (a chain at 10^6 triples spent a third of its time in oxrdflib's
    conversion of every term of every row)."""

    def __init__(self, files: Sequence[Path]) -> None:
        import pyoxigraph as ox

        from policygraph.store.cache import cached

        self.location = "embedded"
        self.files = list(files)
        try:
            kept = cached(self.files, parse_file)  # a large corpus: parsed once, kept on disk
        except OSError as exc:
            raise _unreadable(exc.filename, exc) from exc
        self.store: Any = kept if kept is not None else load_into(ox.Store(), self.files)

    def select(self, sparql: str, bindings: Mapping[str, Bound] | None = None) -> Rows:
        answer = self.query(sparql, bindings)
        if not isinstance(answer, Rows):
            raise QueryError(N_("expected a SELECT query"), code="not-select")
        return answer

    def query(self, sparql: str, bindings: Mapping[str, Bound] | None = None) -> Answer:
        """Any query: Rows for SELECT, a bool for ASK, a Graph for CONSTRUCT and DESCRIBE."""
        kind = query_type(sparql)
        text = bind(sparql, dict(bindings) if bindings else None)
        term = _Terms()
        try:
            # The default graph only: a kept store also holds each file as a named graph of its
            # own (store.cache), which parsing in memory does not.
            result = self.store.query(text, prefixes=_prefixes(), named_graphs=[])
            if kind == "ASK":
                return bool(result)
            if kind in ("CONSTRUCT", "DESCRIBE"):
                return _graph((term(t.subject), term(t.predicate), term(t.object)) for t in result)
            variables = [v.value for v in result.variables]
            rows = []
            room = MemoryCap()
            for solution in result:
                rows.append(tuple(term(value) for value in solution))
                room.check(len(rows))
        except SyntaxError as exc:
            raise QueryError(
                N_("query does not parse: {reason}"), code="query-syntax", reason=_one_line(exc)
            ) from exc
        except (OSError, ValueError) as exc:
            raise QueryError(
                N_("query failed: {reason}"), code="query-failed", reason=_one_line(exc)
            ) from exc
        return Rows(variables, rows)


@functools.lru_cache(maxsize=1)
def _prefixes() -> dict[str, str]:
    """The prefixes a query may use undeclared, as it could on an rdflib graph (rdf, rdfs, xsd,
    owl, skos, prov, …): rdflib binds them to every graph, and oxrdflib passed them on."""
    from rdflib import Graph

    return {prefix: str(ns) for prefix, ns in Graph().namespaces()}


class _Terms:
    """pyoxigraph terms as rdflib terms, as oxrdflib made them, each distinct term made once."""

    def __init__(self) -> None:
        import pyoxigraph as ox
        from rdflib import BNode, Literal, URIRef

        self.ox = ox
        self.BNode, self.Literal, self.URIRef = BNode, Literal, URIRef
        self.made: dict[Any, Any] = {}

    def __call__(self, value: Any) -> Any:
        if value is None:
            return None
        found = self.made.get(value)
        if found is None:
            found = self.made[value] = self._make(value)
        return found

    def _make(self, value: Any) -> Any:
        return rdflib_term(value)


class MemoryCap:
    """Under an address-space cap (``ulimit -v``, RLIMIT_AS), stop collecting rows with a
    MemoryError (one ``Error:`` line at the CLI) while the process still has room: left to run
    into the cap, the allocation that fails may be Oxigraph's, whose Rust allocator aborts the
    process with no message of ours."""

    SHARE = 0.8  # of the cap, leaving room for Oxigraph and for writing what was asked
    EVERY = 4096  # rows between two looks at the process size

    def __init__(self) -> None:
        self.limit: float | None = None
        try:
            import resource  # not on Windows
        except ImportError:
            return
        soft = resource.getrlimit(resource.RLIMIT_AS)[0]
        if soft != resource.RLIM_INFINITY:
            self.limit = soft * self.SHARE

    def check(self, count: int) -> None:
        if self.limit is None or count % self.EVERY:
            return
        try:
            with open("/proc/self/statm", "rb") as statm:
                pages = int(statm.read().split()[0])
        except (OSError, ValueError, IndexError):  # not Linux: the MemoryError boundary only
            self.limit = None
            return
        import os

        if pages * os.sysconf("SC_PAGE_SIZE") > self.limit:
            raise MemoryError(f"{count} rows fill {self.SHARE:.0%} of the memory cap")


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


def parse_file(path: Path) -> Iterator[Any]:
    """The triples of the Turtle file ``path`` as pyoxigraph quads of the default graph, its
    blank nodes given ids of their own; a syntax error names the file and the line."""
    import pyoxigraph as ox

    try:
        yield from ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, rename_blank_nodes=True)
    except SyntaxError as exc:
        raise _bad_turtle(path, exc) from exc
    except OSError as exc:
        raise _unreadable(path, exc) from exc


def load_into(store: Any, files: Sequence[Path], graph: str | None = None) -> Any:
    """Bulk-load Turtle ``files`` into a pyoxigraph ``store`` (its default graph, or ``graph``);
    a syntax error names the file and the line."""
    import pyoxigraph as ox

    target = ox.NamedNode(graph) if graph else ox.DefaultGraph()
    for path in files:
        try:
            store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=target)
        except SyntaxError as exc:
            raise _bad_turtle(path, exc) from exc
        except OSError as exc:
            raise _unreadable(path, exc) from exc
    return store


def _one_line(exc: BaseException) -> str:
    """What ``exc`` says, on one line."""
    return " ".join(str(exc).split())


def _bad_turtle(path: Path, exc: SyntaxError) -> GraphSyntaxError:
    """A Turtle file that does not parse: the file, then Oxigraph's line and column."""
    return GraphSyntaxError(
        N_("{path}: {reason}"), code="turtle-syntax", path=path, reason=_one_line(exc)
    )


def _unreadable(path: object, exc: OSError) -> GraphSyntaxError:
    """A Turtle file that cannot be read (missing, no permission, …)."""
    return GraphSyntaxError(
        N_("{path}: cannot read ({reason})"),
        code="turtle-unreadable",
        path=path,
        reason=exc.strerror,
    )
