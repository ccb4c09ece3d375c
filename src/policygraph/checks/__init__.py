"""Consistency checks: the SHACL shapes of ``ontology/shapes/`` over the graph.

:func:`validate` never touches the data graph of a store: it builds its own in-memory copy (data,
ontology, and each source's text as ``pg:content`` so that quotes can be checked at their
offsets) and returns a frozen :class:`~policygraph.checks.report.Report`. Two engines give the same
results: pySHACL (the reference) and the shapes compiled to whole-graph SPARQL (large graphs).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from rdflib import Graph

from policygraph.checks import compiled, pyshacl_engine
from policygraph.checks.report import Report, Result
from policygraph.corpus import Corpus, parse_turtle, source_files
from policygraph.errors import GraphSyntaxError, InputError, ShapesError
from policygraph.rdf import PG
from policygraph.store.embedded import load_into
from policygraph.text.encoding import decode

REQUIRED_SHAPES = (
    "core.shapes.ttl",
    "integrity.shapes.ttl",
    "sources.shapes.ttl",
    "progress.shapes.ttl",
)


def shapes_graph(corpus: Corpus) -> Graph:
    """The shapes of the corpus; every one of the project's shapes files must be there, or the
    checks would pass for want of anything to check."""
    for name in REQUIRED_SHAPES:
        if not (corpus.shapes / name).is_file():
            raise InputError(
                f"{corpus.shapes / name}: missing; without it validation would pass vacuously "
                "(restore ontology/shapes/ from the project)"
            )
    return parse_turtle(sorted(corpus.shapes.glob("*.ttl")))


def source_texts(corpus: Corpus) -> dict[str, str]:
    """The text of every source the metadata records, read with its recorded SHA-256 checked (as
    the build does): a missing or edited text is an error, not a quote check skipped."""
    return {str(s.iri): corpus.read_text(s) for s in source_files(corpus.metadata())}


def data_store(
    files: Iterable[Path], corpus: Corpus | None = None, texts: dict[str, str] | None = None
) -> Any:
    """A fresh in-memory Oxigraph store of ``files`` plus each source's text as ``pg:content``
    (``texts``, by source IRI; else the files the sources name under ``corpus``, unchecked, as
    for test fixtures). pySHACL validates it directly: its SPARQL constraints run on Oxigraph,
    an order of magnitude faster than on rdflib's store."""
    import pyoxigraph as ox

    store = load_into(ox.Store(), list(files))
    if texts is None and corpus is not None:
        texts = {
            subject.value: decode(corpus.path(name).read_bytes(), name)
            for subject, name in _text_files(store)
            if corpus.path(name).is_file()
        }
    content = ox.NamedNode(str(PG.content))
    for iri, text in (texts or {}).items():
        subject = ox.NamedNode(iri)
        if not any(True for _ in store.quads_for_pattern(subject, content, None)):
            store.add(ox.Quad(subject, content, ox.Literal(text), ox.DefaultGraph()))
    return store


def _text_files(store: Any) -> list[tuple[Any, str]]:
    """Each source and the file its plain text is in: the derived text where there is one."""
    import pyoxigraph as ox

    out = {}
    for predicate in (PG.fileName, PG.textFileName):  # the derived text wins
        for quad in store.quads_for_pattern(None, ox.NamedNode(str(predicate)), None):
            out[quad.subject] = str(getattr(quad.object, "value", ""))
    return [(s, name) for s, name in out.items() if name]


ENGINES = ("auto", "pyshacl", "sparql")


def validate(
    corpus: Corpus | Path | str | None = None,
    files: Iterable[Path] | None = None,
    engine: str = "auto",
) -> Report:
    """Run every shape over the graph of ``corpus`` (or over ``files``, with the ontology).

    ``engine``: ``pyshacl`` (the reference), ``sparql`` (the shapes compiled to whole-graph
    queries), or ``auto``: the compiled shapes, which give the same results (tested on the real
    graph and every fixture) 3–15× sooner at every size, and pySHACL for shapes the compiler
    does not cover (it refuses them rather than skip them).
    """
    corpus = Corpus.of(corpus)
    if engine not in ENGINES:
        raise InputError(f"--engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    shapes = shapes_graph(corpus)
    texts = source_texts(corpus) if files is None else None  # each text read once, checked
    graph_files = list(files) if files is not None else corpus.graph_files()
    if corpus.ontology not in graph_files:
        graph_files.insert(0, corpus.ontology)
    return _run(data_store(graph_files, corpus, texts), shapes, engine)


def _run(store: Any, shapes: Graph, engine: str) -> Report:
    """``engine`` over ``store``: pySHACL, the compiled shapes, or (auto) the compiled shapes
    where the compiler covers every shape and pySHACL where it refuses one."""
    if engine == "pyshacl":
        return pyshacl_engine.run(store, shapes)
    try:
        checks = compiled.compile_shapes(shapes, compiled.prefixes_of(shapes))
    except ShapesError:
        raise  # no engine may run them
    except InputError:
        if engine == "auto":  # a shape the compiler does not cover: the reference runs it
            return pyshacl_engine.run(store, shapes)
        raise
    return compiled.run(store, shapes, checks)


# RDF files by their extension: any data, any shapes
FORMATS = {
    ".ttl": "turtle",
    ".nt": "nt",
    ".nq": "nquads",
    ".trig": "trig",
    ".jsonld": "json-ld",
    ".json": "json-ld",
}


def read_rdf(paths: Iterable[Path]) -> Graph:
    """RDF files of any of ``FORMATS`` as one graph (each file's own IRI its base); a file
    that cannot be read or parsed is an error naming it."""
    from rdflib import Dataset

    graph = Graph()
    for path in paths:
        fmt = FORMATS.get(path.suffix.lower())
        if fmt is None:
            known = ", ".join(sorted(FORMATS))
            raise InputError(f"{path}: not an RDF file this tool reads (by extension: {known})")
        if not path.is_file():
            raise InputError(f"{path}: no such file")
        try:
            if fmt in ("nquads", "trig"):  # every graph of the dataset, merged
                ds = Dataset()
                ds.parse(path, format=fmt, publicID=path.resolve().as_uri())
                for s, p, o, _ in ds.quads():
                    graph.add((s, p, o))
            else:
                graph.parse(path, format=fmt, publicID=path.resolve().as_uri())
        except Exception as exc:  # rdflib raises many unrelated types for bad input
            raise GraphSyntaxError(f"{path}: cannot parse: {' '.join(str(exc).split())}") from exc
    return graph


def validate_files(data: Iterable[Path], shapes: Iterable[Path], engine: str = "auto") -> Report:
    """Any data with any shapes (files of ``FORMATS``): not the corpus, no ontology added, so
    the same engines serve any CI."""
    import pyoxigraph as ox

    if engine not in ENGINES:
        raise InputError(f"--engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    shapes_graph_ = read_rdf(list(shapes))
    store = ox.Store()
    body = read_rdf(list(data)).serialize(format="nt", encoding="utf-8")
    if body.strip():
        store.bulk_load(body, format=ox.RdfFormat.N_TRIPLES)
    return _run(store, shapes_graph_, engine)


__all__ = ["ENGINES", "FORMATS", "Report", "Result", "read_rdf", "validate", "validate_files"]
