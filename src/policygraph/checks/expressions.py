"""SHACL Core constraints as SPARQL expressions (SHACL 4): for each constraint of a shape, an
expression true where a value node (or a focus node) conforms to it, and for any shape an
expression true where a node conforms to the whole shape (sh:node, sh:not, sh:and, sh:or,
sh:xone and qualified value shapes nest shapes inside expressions).

The compiled engine (compiled.py) turns each top-level constraint into one whole-graph query
with these expressions in its FILTER. Recursive shapes are refused (the spec leaves them
undefined); so is anything of a shape this module does not know.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

from policygraph.checks.shapes import NotCompiled, deactivated, is_true, items, path, term
from policygraph.i18n import N_

_SUB = f"<{RDF.type}>/<{RDFS.subClassOf}>*"

# Predicates of a shape that are no constraint (targets, documentation, report settings, and
# the parameters of a constraint read with another).
NOT_CONSTRAINTS = {
    RDF.type,
    RDFS.label,
    RDFS.comment,
    RDFS.isDefinedBy,
    RDFS.seeAlso,
    SH.targetClass,
    SH.targetNode,
    SH.targetSubjectsOf,
    SH.targetObjectsOf,
    SH.path,
    SH.message,
    SH.severity,
    SH.deactivated,
    SH.name,
    SH.description,
    SH.order,
    SH.group,
    SH.defaultValue,
    SH.flags,
    SH.ignoredProperties,
    SH.qualifiedMinCount,
    SH.qualifiedMaxCount,
    SH.qualifiedValueShapesDisjoint,
    SH.property,
    SH.sparql,
    SH.prefixes,
    SH.declare,
    SH.select,  # a shape that is its own SHACL-SPARQL constraint (sh:sparql itself)
    SH.ask,
    SH.parameter,
    SH.validator,
    SH.nodeValidator,
    SH.propertyValidator,
    SH.labelTemplate,
    SH.optional,
}

# Datatypes whose well-formed literals Oxigraph can cast: "c"^^xsd:boolean is no boolean.
_CASTABLE = {
    XSD.boolean,
    XSD.integer,
    XSD.decimal,
    XSD.float,
    XSD.double,
    XSD.date,
    XSD.dateTime,
    XSD.time,
    XSD.gYear,
    XSD.gYearMonth,
    XSD.gMonth,
    XSD.gDay,
    XSD.gMonthDay,
    XSD.duration,
    XSD.dayTimeDuration,
    XSD.yearMonthDuration,
}
_INTEGERS = {
    XSD.byte: (-128, 127),
    XSD.short: (-32768, 32767),
    XSD.int: (-(2**31), 2**31 - 1),
    XSD.long: (-(2**63), 2**63 - 1),
    XSD.unsignedByte: (0, 255),
    XSD.unsignedShort: (0, 65535),
    XSD.unsignedInt: (0, 2**32 - 1),
    XSD.unsignedLong: (0, 2**64 - 1),
    XSD.nonNegativeInteger: (0, None),
    XSD.positiveInteger: (1, None),
    XSD.nonPositiveInteger: (None, 0),
    XSD.negativeInteger: (None, -1),
}
_PATTERNS = {  # lexical spaces of string-derived types
    XSD.normalizedString: r"^[^\t\n\r]*$",
    XSD.token: r"^([^\s]+( [^\s]+)*)?$",
    XSD.language: r"^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$",
    XSD.NMTOKEN: r"^[\w.:-]+$",
}


def well_formed(v: str, datatype: Node) -> str:
    """True where literal ``v`` (of ``datatype``) has a lexical form of that datatype."""
    if datatype in _CASTABLE:
        return f"COALESCE(isLiteral({term(datatype)}(STR({v}))), false)"
    if datatype in _INTEGERS:
        low, high = _INTEGERS[datatype]  # type: ignore[index]
        n = f"<{XSD.integer}>(STR({v}))"
        tests = [f"isLiteral({n})"]
        tests += [f"{n} >= {low}"] if low is not None else []
        tests += [f"{n} <= {high}"] if high is not None else []
        return f"COALESCE({' && '.join(tests)}, false)"
    if datatype == XSD.dateTimeStamp:
        return f'COALESCE(TZ(<{XSD.dateTime}>(STR({v}))) != "", false)'
    if datatype in _PATTERNS:
        return f"REGEX(STR({v}), {term(Literal(_PATTERNS[datatype]))})"  # type: ignore[index]
    return "true"  # xsd:string, rdf:langString, and datatypes with no lexical rules known


_NODE_KINDS = {
    SH.IRI: "isIRI({v})",
    SH.BlankNode: "isBlank({v})",
    SH.Literal: "isLiteral({v})",
    SH.BlankNodeOrIRI: "(isBlank({v}) || isIRI({v}))",
    SH.BlankNodeOrLiteral: "(isBlank({v}) || isLiteral({v}))",
    SH.IRIOrLiteral: "(isIRI({v}) || isLiteral({v}))",
}
_COMPARE = {
    SH.minInclusive: ">=",
    SH.maxInclusive: "<=",
    SH.minExclusive: ">",
    SH.maxExclusive: "<",
}


@dataclass
class Exprs:
    """Expressions over one shapes graph; fresh variable names for each nesting."""

    shapes: Graph
    n: int = 0
    stack: list[Node] = field(default_factory=list)
    custom: set[Node] = field(default_factory=set)  # parameters of custom components

    def var(self, stem: str = "v") -> str:
        self.n += 1
        return f"?__{stem}{self.n}"

    def component(self, shape: Node, predicate: URIRef, o: Node, v: str) -> str | None:
        """The expression true where value ``v`` conforms to the value-level constraint
        ``predicate o`` of ``shape``; None if ``predicate`` is no value-level constraint."""
        g = self.shapes
        if predicate == SH["class"]:
            return f"EXISTS {{ {v} {_SUB} {term(o)} }}"
        if predicate == SH.datatype:
            return f"(isLiteral({v}) && DATATYPE({v}) = {term(o)} && {well_formed(v, o)})"
        if predicate == SH.nodeKind:
            if o not in _NODE_KINDS:
                raise NotCompiled(shape, N_("an unknown sh:nodeKind {kind}"), kind=str(o))
            return _NODE_KINDS[o].format(v=v)  # type: ignore[index]
        if predicate in _COMPARE:
            return f"COALESCE({v} {_COMPARE[predicate]} {term(o)}, false)"
        if predicate in (SH.minLength, SH.maxLength):
            op = ">=" if predicate == SH.minLength else "<="
            return f"(!isBlank({v}) && STRLEN(STR({v})) {op} {int(str(o))})"
        if predicate == SH.pattern:
            flags = g.value(shape, SH.flags)
            extra = f", {term(Literal(str(flags)))}" if flags is not None else ""
            return f"(!isBlank({v}) && REGEX(STR({v}), {term(Literal(str(o)))}{extra}))"
        if predicate == SH.languageIn:
            langs = [f"LANGMATCHES(LANG({v}), {term(Literal(str(x)))})" for x in items(g, o)]
            return f"COALESCE(isLiteral({v}) && ({' || '.join(langs) or 'false'}), false)"
        if predicate == SH["in"]:
            return (
                "("
                + " || ".join([f"sameTerm({v}, {term(x)})" for x in items(g, o)] or ["false"])
                + ")"
            )
        return self._logical(shape, predicate, o, v)

    def _logical(self, shape: Node, predicate: URIRef, o: Node, v: str) -> str | None:
        if predicate == SH.node:
            return self.conforms(o, v)
        if predicate == SH["not"]:
            return f"!({self.conforms(o, v)})"
        if predicate in (SH["and"], SH["or"]):
            joined = (" && " if predicate == SH["and"] else " || ").join(
                self.conforms(m, v) for m in items(self.shapes, o)
            )
            return f"({joined or ('true' if predicate == SH['and'] else 'false')})"
        if predicate == SH.xone:
            ones = [f"IF({self.conforms(m, v)}, 1, 0)" for m in items(self.shapes, o)]
            return f"(({' + '.join(ones) or '0'}) = 1)"
        if predicate == SH.closed:
            return self.closed(shape, v) if is_true(self.shapes, shape, SH.closed) else "true"
        return None

    def allowed(self, shape: Node) -> list[Node]:
        """The properties a closed shape allows: its property shapes' paths (IRIs) and
        sh:ignoredProperties."""
        g = self.shapes
        out = [g.value(p, SH.path) for p in g.objects(shape, SH.property)]
        for ignored in g.objects(shape, SH.ignoredProperties):
            out += items(g, ignored)
        return sorted({p for p in out if isinstance(p, URIRef)}, key=str)

    def closed(self, shape: Node, v: str) -> str:
        p, o = self.var("p"), self.var("o")
        allowed = ", ".join(term(x) for x in self.allowed(shape))
        test = f"FILTER({p} NOT IN ({allowed}))" if allowed else ""
        return f"NOT EXISTS {{ {v} {p} {o} {test} }}"

    def value_components(self, shape: Node) -> list[tuple[URIRef, Node]]:
        """The value-level constraints of ``shape`` (predicate, parameter)."""
        out: list[tuple[URIRef, Node]] = []
        for predicate, o in sorted(self.shapes.predicate_objects(shape)):
            if isinstance(predicate, URIRef) and predicate in VALUE_LEVEL:
                out.append((predicate, o))
        return out

    def conforms(self, shape: Node, v: str) -> str:
        """True where node ``v`` conforms to ``shape``, every constraint of it (nested)."""
        if deactivated(self.shapes, shape):
            return "true"
        if shape in self.stack:
            raise NotCompiled(self.stack[0], N_("its shapes are recursive (SHACL 3.4.3)"))
        self.stack.append(shape)
        try:
            return self._conforms(shape, v)
        finally:
            self.stack.pop()

    def _conforms(self, shape: Node, v: str) -> str:
        g = self.shapes
        unknown_here(self, shape, nested=True)
        p_node = g.value(shape, SH.path)
        p = path(g, p_node) if p_node is not None else None
        tests = []
        for pr, o in self.value_components(shape):
            test = partial(self.component, shape, pr, o)
            tests.append(self.each_value(v, p, test))
        for predicate, o in sorted(g.predicate_objects(shape)):
            if predicate in SET_LEVEL:
                tests.append(SET_LEVEL[predicate](self, shape, o, v, p))
        for prop in sorted(g.objects(shape, SH.property), key=str):
            tests.append(self.each_value(v, p, partial(self.conforms, prop)))
        tests = [t for t in tests if t != "true"]
        return "(" + " && ".join(tests or ["true"]) + ")"

    def each_value(self, v: str, p: str | None, test: Callable[[str], str | None]) -> str:
        """``test`` holds for every value node of ``v`` (``v`` itself where there is no path)."""
        if p is None:
            return test(v) or "true"
        a = self.var()
        inner = test(a) or "true"
        return "true" if inner == "true" else f"NOT EXISTS {{ {v} {p} {a} FILTER(!({inner})) }}"

    def at_least(self, v: str, p: str, n: int, test: Callable[[str], str] | None = None) -> str:
        """``v`` has ``n`` distinct values on path ``p`` (each passing ``test``, if given)."""
        if n <= 0:
            return "true"
        if n == 1:
            a = self.var()
            cond = f" FILTER({test(a)})" if test else ""
            return f"EXISTS {{ {v} {p} {a}{cond} }}"
        if n == 2:  # two values that are not the same term, read from ``v`` alone: the
            # aggregate below counts every subject's values for each focus node (Oxigraph runs
            # it again per ``v``): 641 s for one sh:maxCount 1 at 10,000 documents
            a, b = self.var(), self.var()
            conds = [f"!sameTerm({a}, {b})", *((f"({test(a)})", f"({test(b)})") if test else ())]
            return f"EXISTS {{ {v} {p} {a}, {b} FILTER({' && '.join(conds)}) }}"
        g, a = self.var("g"), self.var()
        cond = f" FILTER({test(a)})" if test else ""
        return (
            f"EXISTS {{ {{ SELECT {g} WHERE {{ {g} {p} {a}{cond} }} GROUP BY {g} "
            f"HAVING (COUNT(DISTINCT {a}) >= {n}) }} FILTER(sameTerm({g}, {v})) }}"
        )


def _count(minimum: bool) -> Callable[[Exprs, Node, Node, str, str | None], str]:
    def build(e: Exprs, shape: Node, o: Node, v: str, p: str | None) -> str:
        if p is None:
            raise NotCompiled(shape, N_("sh:minCount / sh:maxCount on a node shape"))
        n = int(str(o))
        return e.at_least(v, p, n) if minimum else f"!({e.at_least(v, p, n + 1)})"

    return build


def _has_value(e: Exprs, shape: Node, o: Node, v: str, p: str | None) -> str:
    return f"sameTerm({v}, {term(o)})" if p is None else f"EXISTS {{ {v} {p} {term(o)} }}"


def _unique_lang(e: Exprs, shape: Node, o: Node, v: str, p: str | None) -> str:
    if not is_true(e.shapes, shape, SH.uniqueLang):
        return "true"  # only the literal true asks for it
    if p is None:
        raise NotCompiled(shape, N_("sh:uniqueLang on a node shape"))
    a, b = e.var(), e.var()
    return f"NOT EXISTS {{ {v} {p} {a}, {b} FILTER({same_lang(a, b)}) }}"


def same_lang(a: str, b: str) -> str:
    """Two distinct values with one non-empty language tag (tags compare case-insensitively)."""
    return f'!sameTerm({a}, {b}) && LANG({a}) != "" && LCASE(LANG({a})) = LCASE(LANG({b}))'


def _pair(kind: URIRef) -> Callable[[Exprs, Node, Node, str, str | None], str]:
    def build(e: Exprs, shape: Node, o: Node, v: str, p: str | None) -> str:
        q, a, b = term(o), e.var(), e.var()
        mine = f"{v} {p} {a}" if p is not None else f"BIND({v} AS {a})"
        if kind == SH.equals:
            return (
                f"(NOT EXISTS {{ {mine} FILTER NOT EXISTS {{ {v} {q} {a} }} }} && "
                f"NOT EXISTS {{ {v} {q} {b} FILTER NOT EXISTS {{ {_is_mine(v, p, b)} }} }})"
            )
        if kind == SH.disjoint:
            return f"NOT EXISTS {{ {mine} . {v} {q} {a} }}"
        op = "<" if kind == SH.lessThan else "<="
        return f"NOT EXISTS {{ {mine} . {v} {q} {b} FILTER(!COALESCE({a} {op} {b}, false)) }}"

    return build


def _is_mine(v: str, p: str | None, b: str) -> str:
    return f"{v} {p} {b}" if p is not None else f"FILTER(sameTerm({b}, {v}))"


def qualified_test(e: Exprs, shape: Node) -> Callable[[str], str]:
    """True where a value conforms to the qualified value shape of ``shape`` (and, where the
    siblings are disjoint, to none of its siblings' qualified value shapes)."""
    g = e.shapes
    q = g.value(shape, SH.qualifiedValueShape)
    if q is None:
        raise NotCompiled(shape, N_("sh:qualifiedValueShape without a shape"))
    siblings: list[Node] = []
    if is_true(g, shape, SH.qualifiedValueShapesDisjoint):
        for parent in g.subjects(SH.property, shape):
            for sib in g.objects(parent, SH.property):
                other = g.value(sib, SH.qualifiedValueShape)
                if sib != shape and other is not None:
                    siblings.append(other)

    def test(a: str) -> str:
        out = [e.conforms(q, a)] + [f"!({e.conforms(s, a)})" for s in sorted(siblings, key=str)]
        return " && ".join(out)

    return test


def _qualified(e: Exprs, shape: Node, o: Node, v: str, p: str | None) -> str:
    if p is None:
        raise NotCompiled(shape, N_("a qualified value shape on a node shape"))
    g, test = e.shapes, qualified_test(e, shape)
    tests = []
    if (low := g.value(shape, SH.qualifiedMinCount)) is not None:
        tests.append(e.at_least(v, p, int(str(low)), test))
    if (high := g.value(shape, SH.qualifiedMaxCount)) is not None:
        tests.append(f"!({e.at_least(v, p, int(str(high)) + 1, test)})")
    return "(" + " && ".join(tests or ["true"]) + ")"


VALUE_LEVEL = {
    SH["class"],
    SH.datatype,
    SH.nodeKind,
    SH.minInclusive,
    SH.maxInclusive,
    SH.minExclusive,
    SH.maxExclusive,
    SH.minLength,
    SH.maxLength,
    SH.pattern,
    SH.languageIn,
    SH["in"],
    SH.node,
    SH["not"],
    SH["and"],
    SH["or"],
    SH.xone,
    SH.closed,
}
SET_LEVEL: dict[Node, Callable[[Exprs, Node, Node, str, str | None], str]] = {
    SH.minCount: _count(True),
    SH.maxCount: _count(False),
    SH.hasValue: _has_value,
    SH.uniqueLang: _unique_lang,
    SH.equals: _pair(SH.equals),
    SH.disjoint: _pair(SH.disjoint),
    SH.lessThan: _pair(SH.lessThan),
    SH.lessThanOrEquals: _pair(SH.lessThanOrEquals),
    SH.qualifiedValueShape: _qualified,
}


def unknown_here(e: Exprs, shape: Node, nested: bool) -> None:
    """Refuse a constraint this module does not know (a SHACL term it does not compile, or,
    nested in an expression, SHACL-SPARQL): never skipped."""
    for predicate in set(e.shapes.predicates(shape)):
        known = predicate in NOT_CONSTRAINTS or predicate in VALUE_LEVEL or predicate in SET_LEVEL
        if nested and (predicate == SH.sparql or predicate in e.custom):
            raise NotCompiled(shape, N_("SHACL-SPARQL inside sh:node / sh:not / sh:or"))
        if not known and str(predicate).startswith(str(SH)):
            raise NotCompiled(shape, N_("{predicate} is not compiled"), predicate=str(predicate))
