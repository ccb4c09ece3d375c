"""The reference engine: pySHACL, run in place on an Oxigraph store."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD

from policygraph.checks.report import Report, Result, order, quote_of
from policygraph.errors import GraphSyntaxError


def patch_pyshacl() -> None:
    """Workaround for pySHACL 0.40.1 on an Oxigraph store (report upstream).

    For each result pySHACL evaluates ``datagraph or shapes_graph``; its ``OxigraphDataGraph``
    defines ``__len__`` (a full-store COUNT) but not ``__bool__``, so Python counts the store,
    twice per result: quadratic in practice. A data graph object is always truthy.
    ``tests/test_validate.py`` shows the difference. Remove when pySHACL defines ``__bool__``.
    """
    from pyshacl import graph_abstraction

    cls = getattr(graph_abstraction, "OxigraphDataGraph", None)
    if cls is not None and "__bool__" not in vars(cls):
        cls.__bool__ = lambda self: True


def typed_strings(shapes: Graph) -> Graph:
    """The shapes with every plain literal as ``xsd:string``: Oxigraph hands pySHACL its strings
    typed (RDF 1.1: "A" is "A"^^xsd:string), rdflib compares them unequal to plain ones, and
    sh:in ("A") or sh:hasValue "A" would fail every value."""
    out = Graph()
    for prefix, ns in shapes.namespaces():
        out.bind(prefix, ns)
    for s, p, o in shapes:
        if isinstance(o, Literal) and o.datatype is None and o.language is None:
            o = Literal(str(o), datatype=XSD.string)
        out.add((s, p, o))
    return out


def run(data: Any, shapes: Graph) -> Report:
    """Validate ``data`` (an Oxigraph store this call owns; pySHACL works on it in place)."""
    from pyshacl import validate as shacl

    patch_pyshacl()
    _, report_graph, _ = shacl(
        data,
        shacl_graph=typed_strings(shapes),
        inference="none",
        advanced=True,
        inplace=True,
        allow_warnings=True,
    )
    if not isinstance(report_graph, Graph):  # pySHACL reports a broken shape this way
        raise GraphSyntaxError(f"the shapes cannot be used: {report_graph}")
    results = sorted(_results(report_graph, shapes, data), key=order)
    report_graph.bind("sh", SH)
    return Report(tuple(results), report_graph.serialize(format="turtle"))


def _results(report: Graph, shapes: Graph, data: Any) -> Iterable[Result]:
    """The report's own results: not those nested in another's sh:detail."""
    tops = report.subjects(RDF.type, SH.ValidationReport)
    for node in {r for top in tops for r in report.objects(top, SH.result)}:
        severity = str(report.value(node, SH.resultSeverity)).rsplit("#", 1)[-1]
        source = report.value(node, SH.sourceShape)
        rule_node = source
        if isinstance(source, BNode):  # a property shape: name it by its node shape
            rule_node = shapes.value(None, SH.property, source) or source
        rule = str(rule_node).rsplit("#", 1)[-1] if isinstance(rule_node, URIRef) else "shape"
        label = shapes.value(rule_node, RDFS.label) if rule_node is not None else None
        focus = report.value(node, SH.focusNode)
        value = report.value(node, SH.value)
        path = report.value(node, SH.resultPath)
        messages = sorted(str(m) for m in report.objects(node, SH.resultMessage))
        yield Result(
            severity=severity,
            rule=rule,
            focus=_show(focus),
            value=_show(value),
            path=_show(path),
            message=" ".join(messages[0].split()) if messages else "",
            rule_label=str(label) if label is not None else rule,
            quote=quote_of(data, focus),
        )


def _show(term: Any) -> str:
    if term is None or isinstance(term, BNode):
        return ""
    return str(term)
