"""Consistency checks: the SHACL shapes of ``ontology/shapes/`` over the graph.

Severities have a fixed meaning. ``Violation``: our graph is wrong (fails CI). ``Warning``: a
source is inconsistent with itself or with another source (reported, never fixed). ``Info``:
worth knowing. :func:`validate` never touches the data graph of a store: it builds its own
in-memory copy (data, ontology, and each source's text as ``pg:content`` so that quotes can be
checked at their offsets) and returns a frozen :class:`Report`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDFS, SH

from policygraph.errors import GraphSyntaxError, InputError
from policygraph.namespaces import PG
from policygraph.paths import Home
from policygraph.sources import decode, parse_turtle
from policygraph.store import load_into

SEVERITIES = ("Violation", "Warning", "Info")


@dataclass(frozen=True, order=True)
class Result:
    severity: str
    rule: str  # the shape's local name, e.g. LeadAndCoLead
    focus: str
    value: str
    path: str
    message: str
    rule_label: str
    quote: str  # the focus node's own quote, where it has one (messages carry the others)

    def as_json(self) -> dict[str, str]:
        return {k: getattr(self, k) for k in sorted(self.__dataclass_fields__)}


@dataclass(frozen=True)
class Report:
    results: tuple[Result, ...]
    graph_ttl: str  # the SHACL validation report as Turtle

    def of(self, severity: str) -> list[Result]:
        return [r for r in self.results if r.severity == severity]

    @property
    def conforms(self) -> bool:
        return not self.of("Violation")

    def failed(self, strict: bool = False) -> bool:
        return bool(self.of("Violation") or (strict and self.of("Warning")))

    def as_json(self) -> str:
        counts = {s.lower(): len(self.of(s)) for s in SEVERITIES}
        data = {
            "conforms": self.conforms,
            "counts": counts,
            "results": [r.as_json() for r in self.results],
        }
        return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def shapes_graph(home: Home) -> Graph:
    g = Graph()
    for path in sorted(home.shapes.glob("*.ttl")):
        parse_turtle(path, g)
    return g


def data_store(files: Iterable[Path], home: Home | None = None) -> Any:
    """A fresh in-memory Oxigraph store of ``files`` plus, for each source text whose file exists
    under ``home``, its content as ``pg:content``. pySHACL validates it directly: its SPARQL
    constraints run on Oxigraph, an order of magnitude faster than on rdflib's store."""
    import pyoxigraph as ox

    store = load_into(ox.Store(), list(files))
    if home is not None:
        file_name, content = ox.NamedNode(str(PG.fileName)), ox.NamedNode(str(PG.content))
        for quad in list(store.quads_for_pattern(None, file_name, None)):
            name = str(getattr(quad.object, "value", ""))
            path = home.root / name
            if (
                name
                and path.is_file()
                and not list(store.quads_for_pattern(quad.subject, content, None))
            ):
                text = decode(path.read_bytes(), name)
                store.add(ox.Quad(quad.subject, content, ox.Literal(text), ox.DefaultGraph()))
    return store


ENGINES = ("auto", "pyshacl", "sparql")
AUTO_LIMIT = 200_000  # triples: above this, auto uses the compiled engine


def validate(home: Home, files: Iterable[Path] | None = None, engine: str = "auto") -> Report:
    """Run every shape over the corpus home's graph (or over ``files``, with the ontology).

    ``engine``: ``pyshacl`` (the reference), ``sparql`` (the shapes compiled to whole-graph
    queries, for large graphs), or ``auto`` (pyshacl up to AUTO_LIMIT triples).
    """
    if engine not in ENGINES:
        raise InputError(f"--engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    graph_files = list(files) if files is not None else home.graph_files()
    if home.ontology not in graph_files:
        graph_files.insert(0, home.ontology)
    store = data_store(graph_files, home)
    if engine == "sparql" or (engine == "auto" and len(store) > AUTO_LIMIT):
        return run_compiled(store, shapes_graph(home))
    return run(store, shapes_graph(home))


def run_compiled(data: Any, shapes: Graph) -> Report:
    """Validate with the shapes compiled to SPARQL (see :mod:`policygraph.shacl_sparql`)."""
    from policygraph.shacl_sparql import compile_shapes, fill, prefixes_of, run_checks

    checks = compile_shapes(shapes, prefixes_of(shapes))
    found = set()
    for check, row in run_checks(data, checks):
        focus = str(row.get("this") or "")
        label = shapes.value(URIRef(check.rule), RDFS.label)
        found.add(
            Result(
                severity=check.severity,
                rule=check.rule.rsplit("#", 1)[-1],
                focus=focus,
                value=str(row.get("value") or (focus if check.node_level else "")),
                path="",
                message=" ".join(fill(check.message, row).split()),
                rule_label=str(label) if label is not None else check.rule,
                quote=_quote(data, URIRef(focus)) if focus else "",
            )
        )
    return Report(tuple(sorted(found, key=_order)), "")


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


def run(data: Any, shapes: Graph) -> Report:
    """Validate ``data`` (an Oxigraph store this call owns; pySHACL works on it in place)."""
    from pyshacl import validate as shacl

    patch_pyshacl()
    _, report_graph, _ = shacl(
        data, shacl_graph=shapes, inference="none", advanced=True, inplace=True, allow_warnings=True
    )
    if not isinstance(report_graph, Graph):  # pySHACL reports a broken shape this way
        raise GraphSyntaxError(f"the shapes cannot be used: {report_graph}")
    results = sorted(_results(report_graph, shapes, data), key=_order)
    report_graph.bind("sh", SH)
    return Report(tuple(results), report_graph.serialize(format="turtle"))


def _order(r: Result) -> tuple[int, str, str, str, str]:
    return (SEVERITIES.index(r.severity), r.rule, r.focus, r.value, r.message)


def _quote(data: Any, focus: Any) -> str:
    import pyoxigraph as ox

    if not isinstance(focus, URIRef):
        return ""
    quads = data.quads_for_pattern(ox.NamedNode(str(focus)), ox.NamedNode(str(PG.quote)), None)
    return next((q.object.value for q in quads), "")


def _results(report: Graph, shapes: Graph, data: Any) -> Iterable[Result]:
    for node in report.subjects(SH.resultSeverity, None):
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
            quote=_quote(data, focus),
        )


def _show(term: Any) -> str:
    if term is None or isinstance(term, BNode):
        return ""
    return str(term)


# --- human reports --------------------------------------------------------------------------


def grouped(report: Report) -> list[tuple[str, list[tuple[str, list[Result]]]]]:
    """Results by severity, then by rule, in a fixed order."""
    out = []
    for severity in SEVERITIES:
        rules: dict[str, list[Result]] = {}
        for r in report.of(severity):
            rules.setdefault(r.rule_label, []).append(r)
        if rules:
            out.append((severity, sorted(rules.items())))
    return out


def render_text(report: Report) -> str:
    lines = []
    counts = ", ".join(f"{len(report.of(s))} {s.lower()}(s)" for s in SEVERITIES)
    lines.append(f"{'Conforms' if report.conforms else 'Does not conform'}: {counts}")
    for severity, rules in grouped(report):
        lines += ["", f"== {severity} =="]
        for label, results in rules:
            lines.append(f"-- {label} ({len(results)})")
            for r in results:
                lines.append(f"   {r.focus}")
                lines.append(f"      {r.message or r.path}")
                if r.quote and r.quote not in r.message:
                    lines.append(f"      quote: “{_short(r.quote)}”")
    return "\n".join(lines) + "\n"


def _sentence(r: Result) -> str:
    """The message, with the focus node's quote where the message does not carry it."""
    if r.quote and r.quote not in r.message:
        return f"{r.message}: “{_short(r.quote)}” ({r.focus})"
    return r.message


def _short(text: str, n: int = 120) -> str:
    one = " ".join(text.split())
    return one if len(one) <= n else one[: n - 1] + "…"


DEFECTS_HEADER = """# Known source defects

Generated from the report of `policygraph validate` (`policygraph validate --defects
docs/source-defects.md`); do not edit by hand. A test fails when this file is not current.

These are the places where a source text is inconsistent with itself or with another source.
The graph keeps what each source says and reports the inconsistency here; it fixes nothing.
"""


def render_defects(report: Report) -> str:
    lines = [DEFECTS_HEADER]
    titles = {"Warning": "Source defects (warnings)", "Info": "Worth knowing (info)"}
    for severity, rules in grouped(report):
        if severity not in titles:
            continue
        lines.append(f"## {titles[severity]}\n")
        for label, results in rules:
            lines.append(f"### {label[0].upper()}{label[1:]} ({len(results)})\n")
            lines += [f"- {_sentence(r)}" for r in results]
            lines.append("")
    if not report.of("Warning") and not report.of("Info"):
        lines.append("No source defects found.\n")
    return "\n".join(lines).rstrip() + "\n"
