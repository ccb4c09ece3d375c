"""The W3C SHACL test suites (core, SPARQL), read from their manifests, and each test's expected
results in a comparable form.

A result is compared on (focus node, result path, value, severity), as the project's report gives
them (blank nodes and complex paths empty, literals by their lexical form): the
suite's own comparison (isomorphic report graphs) also holds the source shape and constraint
component, which the project's report does not carry yet (issue 23, item 4).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH

HERE = Path(__file__).parent
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")
Key = tuple[str, str, str, str]


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
    """A term as the project's report writes it: blank nodes (and complex paths) empty,
    literals by their lexical form."""
    if term is None or isinstance(term, BNode):
        return ""
    return str(term)


def expected(report: Graph, node: object) -> tuple[bool | None, Counter[Key]]:
    if (node, RDF.type, SH.ValidationReport) not in report:
        return None, Counter()
    conforms = bool(report.value(node, SH.conforms).toPython())  # type: ignore[union-attr]
    keys: Counter[Key] = Counter()
    for r in report.objects(node, SH.result):
        severity = str(report.value(r, SH.resultSeverity)).rsplit("#", 1)[-1]
        keys[
            (
                show(report.value(r, SH.focusNode)),
                show(report.value(r, SH.resultPath)),
                show(report.value(r, SH.value)),
                severity,
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
    conforms, report, _ = validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True
    )
    node = (
        report.value(None, RDF.type, SH.ValidationReport, any=True)
        if False
        else next(report.subjects(RDF.type, SH.ValidationReport))
    )
    got = expected(report, node)
    return bool(conforms), got[1]


def project(case: Case, engine: str) -> tuple[bool, Counter[Key]]:
    """The project's validator (``policygraph validate --data … --shapes …``) with ``engine``."""
    from policygraph.checks import validate_files

    report = validate_files([case.data], [case.shapes], engine)
    keys: Counter[Key] = Counter((r.focus, r.path, r.value, r.severity) for r in report.results)
    return not report.results, keys
