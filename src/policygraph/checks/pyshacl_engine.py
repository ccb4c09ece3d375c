"""The reference engine: pySHACL, run in place on an Oxigraph store."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

from policygraph.checks.report import Finding, Report, build
from policygraph.errors import GraphSyntaxError
from policygraph.i18n import N_


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


def typed_strings(shapes: Graph, only: list[Node] | None = None) -> Graph:
    """The shapes with every plain literal as ``xsd:string``: Oxigraph hands pySHACL its strings
    typed (RDF 1.1: "A" is "A"^^xsd:string), rdflib compares them unequal to plain ones, and
    sh:in ("A") or sh:hasValue "A" would fail every value. With ``only``, the targets of every
    other shape are left out."""
    from policygraph.checks.shapes import TARGETS, top_shapes

    out = Graph()
    others = set(top_shapes(shapes)) - set(only) if only is not None else set()
    for prefix, ns in shapes.namespaces():
        out.bind(prefix, ns)
    for s, p, o in shapes:
        if s in others and (p in TARGETS or (p, o) == (RDF.type, RDFS.Class)):
            continue
        if isinstance(o, Literal) and o.datatype is None and o.language is None:
            o = Literal(str(o), datatype=XSD.string)
        out.add((s, p, o))
    return out


def run(data: Any, shapes: Graph) -> Report:
    """Validate ``data`` (an Oxigraph store this call owns; pySHACL works on it in place)."""
    return build(findings(data, shapes), shapes, data)


def findings(data: Any, shapes: Graph, only: list[Node] | None = None) -> list[Finding]:
    """pySHACL's results on ``data``: every shape with a target, or ``only`` these (the others'
    targets taken away, so that pySHACL validates nothing the compiled engine did)."""
    from pyshacl import validate as shacl

    patch_pyshacl()
    _, report_graph, _ = shacl(
        data,
        shacl_graph=typed_strings(shapes, only),
        inference="none",
        advanced=True,
        inplace=True,
        allow_warnings=True,
    )
    if not isinstance(report_graph, Graph):  # pySHACL reports a broken shape this way
        raise GraphSyntaxError(
            N_("the shapes cannot be used: {reason}"),
            code="shapes-unusable",
            reason=str(report_graph),
        )
    return [_tagged(f, shapes) for f in _findings(report_graph)]


def _tagged(f: Finding, shapes: Graph) -> Finding:
    """``f`` with each message in the language of the sh:message it was filled from: pySHACL
    fills a SHACL-SPARQL message into a plain literal, losing its @en or @zh. A message that
    matches no template, or several, stays as it is (never a guess)."""
    import re
    from dataclasses import replace

    templates = [
        m
        for node in (f.constraint, f.shape)
        if node is not None
        for m in shapes.objects(node, SH.message)
        if isinstance(m, Literal) and m.language
    ]
    if not templates:
        return f

    def pattern(template: Literal) -> re.Pattern[str]:
        parts = re.split(r"\{[$?]\w+\}", str(template))
        return re.compile(".*".join(re.escape(p) for p in parts), re.DOTALL)

    def tagged(m: Literal) -> Literal:
        if m.language or m.datatype:
            return m
        langs = {t.language for t in templates if pattern(t).fullmatch(str(m))}
        return Literal(str(m), lang=langs.pop()) if len(langs) == 1 else m

    return replace(f, messages=tuple(sorted(tagged(m) for m in f.messages)))


def _findings(report: Graph) -> Iterable[Finding]:
    """The report's own results: not those nested in another's sh:detail."""
    tops = report.subjects(RDF.type, SH.ValidationReport)
    for node in {r for top in tops for r in report.objects(top, SH.result)}:
        severity = report.value(node, SH.resultSeverity)
        messages = sorted(
            m for m in report.objects(node, SH.resultMessage) if isinstance(m, Literal)
        )
        yield Finding(
            focus=report.value(node, SH.focusNode),  # type: ignore[arg-type]
            value=_plain(report.value(node, SH.value)),
            path=report.value(node, SH.resultPath),
            source=report,
            severity=severity if isinstance(severity, URIRef) else SH.Violation,
            shape=report.value(node, SH.sourceShape),
            component=report.value(node, SH.sourceConstraintComponent),
            messages=tuple(messages),
            constraint=report.value(node, SH.sourceConstraint),
        )


def _plain(term: Node | None) -> Node | None:
    """A value as the data has it: Oxigraph types every plain string xsd:string."""
    if isinstance(term, Literal) and term.datatype == XSD.string:
        return Literal(str(term))
    return term
