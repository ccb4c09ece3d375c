"""The W3C SHACL test suites (core, SPARQL), read from their manifests, and each test's expected
results in a comparable form.

Results are compared by the suite's rules: the same set of results (a count of each), each on
focus node, result path (a complex path by its structure), value, severity, source shape, source
constraint component and (SHACL-SPARQL) source constraint; messages are not compared. A blank
node matches any blank node (the suite's isomorphism, less the identity of blank nodes across
results); literals keep their language tag and datatype ("Berg" is not "Berg"@de).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH, XSD

HERE = Path(__file__).parent
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")
Key = tuple[str, str, str, str, str, str, str]


@dataclass(frozen=True)
class Case:
    name: str  # core/node/class-001
    data: Path
    shapes: Path
    conforms: bool | None  # None: the test expects a failure (the shapes are ill-formed)
    results: Counter[Key]


def _manifest(path: Path) -> Graph:
    """A manifest (often the test file itself), its relative IRIs against its own IRI; the
    suite's deliberately ill-formed literals are not worth rdflib's warnings here."""
    import logging
    import warnings

    g = Graph()
    logging.disable(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            g.parse(path, format="turtle", publicID=path.as_uri())
    finally:
        logging.disable(logging.NOTSET)
    return g


def _file(term: object) -> Path:
    assert isinstance(term, URIRef)
    return Path(str(term).removeprefix("file://").split("#")[0])


def show(term: object) -> str:
    """A term comparably: blank nodes as "_", literals with their tag or datatype."""
    if term is None:
        return ""
    if isinstance(term, BNode):
        return "_"
    if isinstance(term, Literal):
        plain = term.datatype in (None, XSD.string) and not term.language
        return f'"{term}"' if plain else term.n3()
    return str(term)


def show_path(g: Graph, node: object) -> str:
    """A SHACL path by its structure (blank nodes are how paths are written)."""
    if node is None or isinstance(node, URIRef):
        return show(node)
    if (node, RDF.first, None) in g:
        return "(" + "/".join(show_path(g, m) for m in Collection(g, node)) + ")"  # type: ignore[arg-type]
    for p, o in sorted(g.predicate_objects(node)):  # type: ignore[arg-type]
        if p == SH.alternativePath:
            return "(" + "|".join(show_path(g, m) for m in Collection(g, o)) + ")"  # type: ignore[arg-type]
        return f"{p.rsplit('#', 1)[-1]}({show_path(g, o)})"
    return "_"


def expected(report: Graph, node: object) -> tuple[bool | None, Counter[Key]]:
    if (node, RDF.type, SH.ValidationReport) not in report:
        return None, Counter()
    conforms = bool(report.value(node, SH.conforms).toPython())  # type: ignore[union-attr]
    keys: Counter[Key] = Counter()
    for r in report.objects(node, SH.result):
        keys[
            (
                show(report.value(r, SH.focusNode)),
                show_path(report, report.value(r, SH.resultPath)),
                show(report.value(r, SH.value)),
                show(report.value(r, SH.resultSeverity)),
                show(report.value(r, SH.sourceShape)),
                show(report.value(r, SH.sourceConstraintComponent)),
                show(report.value(r, SH.sourceConstraint)),
            )
        ] += 1
    return conforms, keys


def cases(suite: str) -> list[Case]:
    """Every test of ``suite`` (core or sparql), in manifest order."""
    out: list[Case] = []
    _collect(HERE / suite / "manifest.ttl", out)
    return out


def _collect(path: Path, out: list[Case]) -> None:
    g = _manifest(path)
    for inc in g.objects(None, MF.include):
        _collect(_file(inc), out)
    for entries in g.objects(None, MF.entries):
        for test in Collection(g, entries):
            action = g.value(test, MF.action)
            conforms, results = expected(g, g.value(test, MF.result))
            name = str(test).removeprefix(HERE.as_uri() + "/")
            out.append(
                Case(
                    name,
                    _file(g.value(action, SHT.dataGraph)),
                    _file(g.value(action, SHT.shapesGraph)),
                    conforms,
                    results,
                )
            )


def pyshacl_direct(case: Case) -> tuple[bool, Counter[Key]]:
    """pySHACL itself, on rdflib graphs: the reference the suite is run against."""
    from pyshacl import validate

    data, shapes = Graph(), Graph()
    data.parse(case.data, format="turtle", publicID=case.data.as_uri())
    shapes.parse(case.shapes, format="turtle", publicID=case.shapes.as_uri())
    conforms, report, _ = validate(data, shacl_graph=shapes, inference="none", advanced=True)
    got = expected(report, next(report.subjects(RDF.type, SH.ValidationReport)))
    return bool(conforms), got[1]


def project(case: Case, engine: str) -> tuple[bool, Counter[Key]]:
    """The project's validator (``policygraph validate --data … --shapes …``) with ``engine``,
    read from the SHACL report graph it writes (``validate -f ttl``)."""
    from policygraph.checks import validate_files

    report = validate_files([case.data], [case.shapes], engine)
    graph = Graph().parse(data=report.graph_ttl, format="turtle")
    node = next(graph.subjects(RDF.type, SH.ValidationReport))
    conforms, keys = expected(graph, node)
    assert conforms == report.conforms == (not report.results)
    return bool(conforms), keys
