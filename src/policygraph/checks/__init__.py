"""Consistency checks: the SHACL shapes of ``ontology/shapes/`` over the graph.

:func:`validate` never touches the data graph of a store: it builds its own in-memory copy (data,
ontology, and each source's text as ``pg:content`` so that quotes can be checked at their
offsets) and returns a frozen :class:`~policygraph.checks.report.Report`. Two engines give the same
results: pySHACL (the reference) and the shapes compiled to whole-graph SPARQL (large graphs).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rdflib import Graph

from policygraph.checks import compiled, kept, kept_shapes, parts, pyshacl_engine
from policygraph.checks.compiled import Check
from policygraph.checks.report import Report, Result, build
from policygraph.checks.shapes import NotCompiled
from policygraph.checks.sparql_based import SHAPES_GRAPH, SKOLEM
from policygraph.corpus import Corpus, parse_turtle, source_files
from policygraph.errors import GraphSyntaxError, InputError
from policygraph.i18n import N_
from policygraph.rdf import PG
from policygraph.rdf.formats import BY_EXTENSION
from policygraph.store.embedded import load_into
from policygraph.text.encoding import decode
from policygraph.text.notes import Note

REQUIRED_SHAPES = (
    "core.shapes.ttl",
    "integrity.shapes.ttl",
    "sources.shapes.ttl",
    "progress.shapes.ttl",
)


def shapes_graph(corpus: Corpus) -> Graph:
    """The shapes of the corpus; every one of the project's shapes files must be there, or the
    checks would pass for want of anything to check."""
    return parse_turtle(_shapes_files(corpus))


def compiled_shapes(corpus: Corpus) -> tuple[Graph, list[Check], list[NotCompiled]]:
    """The shapes of the corpus (:func:`shapes_graph`), their checks and the shapes the compiler
    refuses (``compiled.compile_each``), kept between runs where none is refused
    (``kept_shapes``: parsing and compiling them was 0.15 s of every validation)."""
    files = _shapes_files(corpus)
    given = kept_shapes.read(files)  # (each file read once: hashed, then parsed)
    shapes_key = kept_shapes.key(given) if given is not None else ""
    found = kept_shapes.load(shapes_key) if shapes_key else None
    if found is not None:
        return found[0], found[1], []
    shapes = parse_turtle(files, given=given)
    checks, refused = compiled.compile_each(shapes)
    if shapes_key and not refused:
        kept_shapes.save(shapes_key, shapes, checks)
    return shapes, checks, refused


def _shapes_files(corpus: Corpus) -> list[Path]:
    for name in REQUIRED_SHAPES:
        if not (corpus.shapes / name).is_file():
            raise InputError(
                N_(
                    "{path}: missing; without it validation would pass vacuously "
                    "(restore ontology/shapes/ from the project)"
                ),
                code="shapes-missing",
                path=corpus.shapes / name,
            )
    return sorted(corpus.shapes.glob("*.ttl"))


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
    return add_texts(store, texts or {})


def add_texts(store: Any, texts: dict[str, str]) -> Any:
    """Each source's text as its ``pg:content``, where it has none."""
    import pyoxigraph as ox

    content = ox.NamedNode(str(PG.content))
    for iri, text in texts.items():
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
    part_size: int | None = None,
) -> Report:
    """Run every shape over the graph of ``corpus`` (or over ``files``, with the ontology).

    A corpus of more than ``parts.ABOVE`` data files (or ``part_size``, when given) is validated
    in parts of ``part_size`` files (``parts.SIZE``), each in a store of its own, where
    ``checks.parts`` shows that gives the same report.

    ``engine``: ``pyshacl`` (the reference), ``sparql`` (the shapes compiled to whole-graph
    queries), or ``auto``: the compiled shapes, which give the same results (tested on the real
    graph and every fixture) 3–15× sooner at every size, and pySHACL for shapes the compiler
    does not cover (it refuses them rather than skip them).
    """
    corpus = Corpus.of(corpus)
    if engine not in ENGINES:
        raise InputError(
            N_("the engine must be one of {engines}, not {engine}"),
            code="engine",
            engines=", ".join(ENGINES),
            engine=repr(engine),
        )
    report_key = kept.key(corpus, engine) if files is None else None
    found = kept.load(report_key) if report_key else None
    if found is not None:  # these very files validated before (by ingest, say)
        return found
    made: tuple[list[Check], list[NotCompiled]] | None = None
    if engine == "pyshacl":
        shapes = shapes_graph(corpus)
    else:
        shapes, checks, refused = compiled_shapes(corpus)
        made = (checks, refused)
    in_parts = None
    if files is None and engine != "pyshacl":
        above = parts.ABOVE if part_size is None else part_size
        size = part_size or parts.SIZE
        in_parts = parts.validate(corpus, shapes, size, above=above, made=made)
    if in_parts is not None:
        if report_key:
            kept.save(report_key, in_parts)
        return in_parts
    texts = source_texts(corpus) if files is None else None  # each text read once, checked
    graph_files = list(files) if files is not None else corpus.graph_files()
    if corpus.ontology not in graph_files:
        graph_files.insert(0, corpus.ontology)
    store = data_store(graph_files, corpus, texts)
    report = _run(store, shapes, engine, made)
    if report_key:
        kept.save(report_key, report)
    return report


def _run(
    store: Any,
    shapes: Graph,
    engine: str,
    made: tuple[list[Check], list[NotCompiled]] | None = None,
) -> Report:
    """``engine`` over ``store``: pySHACL, the compiled shapes, or (auto) the compiled shapes
    and pySHACL for each shape the compiler refuses (with its targets only); ``made``: the
    shapes' checks and the shapes the compiler refused, else compiled here."""
    if engine == "pyshacl":
        return pyshacl_engine.run(store, shapes)
    checks, refused = made if made is not None else compiled.compile_each(shapes)
    if refused and engine == "sparql":
        raise refused[0]
    if compiled.needs_shapes_graph(checks):
        load_shapes_graph(store, shapes)
    found = compiled.findings(store, checks, shapes)
    if refused:
        found += pyshacl_engine.findings(store, shapes, [r.shape for r in refused])
    return build(found, shapes, store)


def load_shapes_graph(store: Any, shapes: Graph) -> None:
    """The shapes as a named graph of the store, for SHACL-SPARQL queries that name
    $shapesGraph (SHACL 5.2.2)."""
    import pyoxigraph as ox
    from rdflib import BNode, URIRef

    def named(term: Any) -> Any:  # the blank nodes by the names queries give them
        return URIRef(SKOLEM + str(term)) if isinstance(term, BNode) else term

    named_graph = Graph()
    for triple in shapes:
        named_graph.add(tuple(named(t) for t in triple))
    body = named_graph.serialize(format="nt", encoding="utf-8")
    store.load(body, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(SHAPES_GRAPH))


# RDF files by their extension (pyoxigraph's format names): any data, any shapes
FORMATS = {ext: f.oxigraph for ext, f in BY_EXTENSION.items()}


def parse_files(paths: Iterable[Path]) -> list[Any]:
    """The triples of RDF files of any of ``FORMATS`` (every graph of a dataset merged), their
    literals as written (Oxigraph's parser: rdflib would rewrite "none"^^xsd:boolean as
    "false"); a file that cannot be read or parsed is an error naming it."""
    import pyoxigraph as ox

    out = []
    for path in paths:
        fmt = FORMATS.get(path.suffix.lower())
        if fmt is None:
            raise InputError(
                N_("{path}: not an RDF file this tool reads (by extension: {extensions})"),
                code="rdf-extension",
                path=path,
                extensions=", ".join(sorted(FORMATS)),
            )
        if not path.is_file():
            raise InputError(N_("{path}: no such file"), code="rdf-missing", path=path)
        try:
            for quad in ox.parse(
                path=path, format=getattr(ox.RdfFormat, fmt), base_iri=path.resolve().as_uri()
            ):
                out.append(ox.Triple(quad.subject, quad.predicate, quad.object))
        except (SyntaxError, ValueError, OSError) as exc:
            raise GraphSyntaxError(
                N_("{path}: cannot parse: {reason}"),
                code="rdf-syntax",
                path=path,
                reason=" ".join(str(exc).split()),
            ) from exc
    return out


def read_rdf(paths: Iterable[Path]) -> Graph:
    """RDF files of any of ``FORMATS`` as one rdflib graph, literals as written."""
    return _graph_of(parse_files(paths))


@contextmanager
def _quiet_rdflib_terms() -> Iterator[None]:
    """rdflib logs a traceback for each literal that is not of its datatype; the report says
    so itself, once, with the value."""
    import logging

    logger = logging.getLogger("rdflib.term")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def _graph_of(triples: list[Any]) -> Graph:
    """pyoxigraph triples as an rdflib graph, literals as written."""
    from policygraph.checks.report import to_rdflib

    graph = Graph()
    with _quiet_rdflib_terms():
        for t in triples:
            graph.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))  # type: ignore[arg-type]
    return graph


def normalised(triples: list[Any]) -> list[str]:
    """The literals an Oxigraph store would not keep as written: it stores "01"^^xsd:integer as
    "1" and "5"^^xsd:int as "5"^^xsd:integer (oxigraph issue 526), so checks of datatypes
    and exact terms on it would see what the file does not say."""
    import pyoxigraph as ox

    xsd = "http://www.w3.org/2001/XMLSchema#"
    typed = {
        t.object
        for t in triples
        if isinstance(t.object, ox.Literal)
        and t.object.datatype.value.startswith(xsd)
        and t.object.datatype.value != xsd + "string"
    }
    probe, p = ox.Store(), ox.NamedNode("urn:x-policygraph:probe")
    probe.extend(ox.Quad(p, p, lit, ox.DefaultGraph()) for lit in typed)
    kept = {q.object for q in probe}
    return sorted(str(lit) for lit in typed - kept)


REWRITTEN = N_(
    "{count} literal(s) of the data would be rewritten by Oxigraph's store "
    "(e.g. {example}; oxigraph issue 526)"
)


def validate_files(data: Iterable[Path], shapes: Iterable[Path], engine: str = "auto") -> Report:
    """Any data with any shapes (files of ``FORMATS``): not the corpus, no ontology added, so
    the same engines serve any CI. Data with literals an Oxigraph store would rewrite is
    validated by pySHACL on an rdflib graph (``auto``, ``pyshacl``; said in the report's notes)
    or refused (``sparql``)."""
    import pyoxigraph as ox

    if engine not in ENGINES:
        raise InputError(
            N_("the engine must be one of {engines}, not {engine}"),
            code="engine",
            engines=", ".join(ENGINES),
            engine=repr(engine),
        )
    shapes_graph_ = read_rdf(list(shapes))
    triples = parse_files(list(data))
    altered = normalised(triples)
    if altered:
        why = Note("literals-rewritten", REWRITTEN, {"count": len(altered), "example": altered[0]})
        if engine == "sparql":
            raise InputError(
                N_("{why}: the compiled engine cannot check them as written; the auto engine can"),
                code="engine-auto",
                why=why,
            )
        with _quiet_rdflib_terms():  # ill-formed literals are what the checks report
            graph = _graph_of(triples)
            found = pyshacl_engine.findings(graph, shapes_graph_)
        note = Note(
            "validated-by-pyshacl", N_("{why}: validated by pySHACL on rdflib"), {"why": why}
        )
        return build(found, shapes_graph_, graph, (note,))
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
    return _run(store, shapes_graph_, engine)


__all__ = ["ENGINES", "FORMATS", "Report", "Result", "read_rdf", "validate", "validate_files"]
