"""A SHACL shapes graph read as the spec defines it (SHACL 2.1): which nodes are shapes and
validated at the top, their targets as SPARQL, their paths as SPARQL property paths, their
severities and messages. Shared by the compiled engine and the report of either engine.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

from policygraph.errors import InputError, ShapesError
from policygraph.i18n import N_
from policygraph.rdf.terms import n3
from policygraph.text.notes import Note

TRUE = Literal(True)


class NotCompiled(InputError):
    """A shape the compiled engine does not cover (``auto`` runs it with the reference engine,
    ``sparql`` refuses): never skipped."""

    def __init__(self, shape: Node, reason: str, **params: str) -> None:
        """``reason``: a template (marked ``N_``) with ``params``, or a note already made."""
        said = reason if isinstance(reason, Note) else Note(reason, reason, params)
        super().__init__(
            N_("cannot compile the shape {shape}: {reason}"),
            code="not-compiled",
            shape=show(shape),
            reason=said,
        )
        self.shape = shape
        self.reason = said


def show(term: Node | None) -> str:
    """A shapes-graph term in a message: IRIs and literals as Turtle, a blank node as such."""
    if term is None:
        return ""
    if isinstance(term, BNode):
        return "a blank-node shape"
    return n3(term) if isinstance(term, (URIRef, Literal)) else str(term)


def term(node: Node) -> str:
    """A term of the shapes graph in SPARQL (a blank node cannot be one: it is refused)."""
    if isinstance(node, (URIRef, Literal)):
        return n3(node)
    raise NotCompiled(
        node, N_("a blank node ({node}) where SPARQL needs an IRI or a literal"), node=str(node)
    )


def items(shapes: Graph, node: Node) -> list[Node]:
    """The members of an RDF list; an ill-formed list is a shapes error."""
    try:
        return list(Collection(shapes, node))
    except Exception as exc:  # rdflib raises on a broken list in several ways
        raise ShapesError(
            N_("an ill-formed RDF list in the shapes ({node}): {reason}"),
            code="shapes-list",
            node=str(node),
            reason=str(exc),
        ) from exc


def is_true(shapes: Graph, shape: Node, predicate: URIRef) -> bool:
    """``predicate true`` (the literal true itself: "1"^^xsd:boolean is another term)."""
    return any(
        isinstance(o, Literal) and o.datatype == XSD.boolean and str(o) == "true"
        for o in shapes.objects(shape, predicate)
    )


def deactivated(shapes: Graph, shape: Node) -> bool:
    return is_true(shapes, shape, SH.deactivated)


TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)


def implicit_class(shapes: Graph, shape: Node) -> bool:
    """A shape that is also an rdfs:Class targets its instances (SHACL 2.1.3.3)."""
    kinds = set(shapes.objects(shape, RDF.type))
    return RDFS.Class in kinds and bool(kinds & {SH.NodeShape, SH.PropertyShape})


def top_shapes(shapes: Graph) -> list[Node]:
    """Every shape with a target (explicit or implicit), deactivated ones left out: the shapes
    validated at the top, in a fixed order."""
    found = {s for t in TARGETS for s in shapes.subjects(t, None)}
    found |= {s for s in shapes.subjects(RDF.type, RDFS.Class) if implicit_class(shapes, s)}
    return sorted((s for s in found if not deactivated(shapes, s)), key=str)


def targets(shapes: Graph, shape: Node, var: str) -> str:
    """A SPARQL pattern binding ``var`` to each focus node of ``shape`` (each once)."""
    sub = f"<{RDF.type}>/<{RDFS.subClassOf}>*"
    classes = list(shapes.objects(shape, SH.targetClass))
    if implicit_class(shapes, shape):
        classes.append(shape)
    parts = [f"{{ {var} {sub} {term(c)} }}" for c in classes]
    nodes = list(shapes.objects(shape, SH.targetNode))
    if nodes:
        parts.append(f"{{ VALUES {var} {{ {' '.join(term(n) for n in nodes)} }} }}")
    parts += [f"{{ {var} {term(p)} [] }}" for p in shapes.objects(shape, SH.targetSubjectsOf)]
    parts += [f"{{ [] {term(p)} {var} }}" for p in shapes.objects(shape, SH.targetObjectsOf)]
    if not parts:
        return ""
    return f"{{ SELECT DISTINCT {var} WHERE {{ {' UNION '.join(parts)} }} }}"


_UNARY = {
    SH.inversePath: "^{}",
    SH.zeroOrMorePath: "{}*",
    SH.oneOrMorePath: "{}+",
    SH.zeroOrOnePath: "{}?",
}


def path(shapes: Graph, node: Node) -> str:
    """A SHACL property path as a SPARQL property path (SHACL 2.3.1); an ill-formed path is a
    shapes error."""
    if isinstance(node, URIRef):
        return f"<{node}>"
    if (node, RDF.first, None) in shapes:  # a sequence path
        members = items(shapes, node)
        if len(members) < 2:
            raise ShapesError(
                N_("a sequence path needs two members or more ({node})"),
                code="shapes-sequence-path",
                node=str(node),
            )
        return "(" + "/".join(path(shapes, m) for m in members) + ")"
    alt = shapes.value(node, SH.alternativePath)
    if alt is not None:
        return "(" + "|".join(path(shapes, m) for m in items(shapes, alt)) + ")"
    for predicate, form in _UNARY.items():
        inner = shapes.value(node, predicate)
        if inner is not None:
            return "(" + form.format(path(shapes, inner)) + ")"
    raise ShapesError(
        N_("an ill-formed SHACL property path in the shapes ({node})"),
        code="shapes-path",
        node=str(node),
    )


def severity(shapes: Graph, shape: Node) -> URIRef:
    sev = shapes.value(shape, SH.severity)
    return sev if isinstance(sev, URIRef) else SH.Violation


def messages(shapes: Graph, *nodes: Node | None) -> list[Literal]:
    """The sh:message of the first of ``nodes`` that has one (the constraint, then the shape)."""
    for node in nodes:
        found = sorted(m for m in shapes.objects(node, SH.message) if isinstance(m, Literal))
        if node is not None and found:
            return found
    return []


def parent(shapes: Graph, shape: Node) -> Node | None:
    """The shape whose sh:property ``shape`` is, where there is one."""
    return next(iter(sorted(shapes.subjects(SH.property, shape), key=str)), None)


def rule_of(shapes: Graph, shape: Node | None) -> tuple[str, str]:
    """The rule a result is filed under in the project's reports (its local name, its label):
    the shape, or for a blank property shape the shape it belongs to."""
    node = shape
    seen: set[Node] = set()
    while isinstance(node, BNode) and node not in seen:
        seen.add(node)
        node = parent(shapes, node) or node
    if not isinstance(node, URIRef):
        return "shape", "shape"
    rule = str(node).rsplit("#", 1)[-1]
    return rule, in_language(shapes.objects(node, RDFS.label), "en") or rule


def rule_label(shapes: Graph, shape: Node | None, lang: str) -> str:
    """The label in ``lang`` of the rule a result is filed under ("" where it has none)."""
    node = shape
    seen: set[Node] = set()
    while isinstance(node, BNode) and node not in seen:
        seen.add(node)
        node = parent(shapes, node) or node
    return in_language(shapes.objects(node, RDFS.label), lang) if node is not None else ""


def in_language(values: Iterable[Node], lang: str) -> str:
    """Of literals in several languages (sh:message, rdfs:label with @en and @zh), the one in
    ``lang``: for "en", an untagged or @en one (else the first of any: a shapes graph written in
    one other language still has messages); for another language, a tagged one or ""."""
    found = sorted(
        (v for v in values if isinstance(v, Literal)), key=lambda v: (v.language or "", str(v))
    )
    for value in found:
        tag = (value.language or "").lower()
        if (lang == "en" and tag in ("", "en")) or (tag and tag.split("-")[0] == lang):
            return str(value)
    return str(found[0]) if found and lang == "en" else ""


def declared_prefixes(shapes: Graph, *nodes: Node) -> str:
    """The PREFIX lines of the sh:prefixes of ``nodes`` (SHACL 5.2.2); one prefix declared with
    two namespaces is a shapes error."""
    found: dict[str, str] = {}
    for node in nodes:
        for owner in shapes.objects(node, SH.prefixes):
            for decl in _declarations(shapes, owner):
                prefix = str(shapes.value(decl, SH.prefix))
                namespace = str(shapes.value(decl, SH.namespace))
                if found.setdefault(prefix, namespace) != namespace:
                    raise ShapesError(
                        N_("the prefix {prefix}: is declared twice, differently"),
                        code="shapes-prefix",
                        prefix=prefix,
                    )
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(found.items()))


def _declarations(shapes: Graph, owner: Node) -> Iterator[Node]:
    """sh:declare of ``owner`` and of the ontologies it imports (owl:imports, as the spec's
    examples use them)."""
    from rdflib.namespace import OWL

    seen: set[Node] = set()
    todo = [owner]
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        yield from shapes.objects(node, SH.declare)
        todo += list(shapes.objects(node, OWL.imports))
