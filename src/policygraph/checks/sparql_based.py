"""SHACL-SPARQL (SHACL 5 and 6) for the compiled engine: sh:sparql constraints and custom
constraint components with SELECT and ASK validators.

Pre-binding is done as the spec says: each focus node is substituted for ``$this`` (with
``$currentShape``, ``$shapesGraph`` and a component's parameters) by Oxigraph itself
(``substitutions``, SPARQL-dev SEP-0007), one query per focus node. Where ``$this`` is only
used where a join on it is the same thing (the query's top group, an OPTIONAL or an EXISTS
directly inside it), the focus nodes are joined into one whole-graph query instead: the
project's own constraints run that way at a million triples. Queries the spec forbids where
variables are pre-bound (MINUS, SERVICE, VALUES, AS $this, a nested SELECT not projecting
$this) are refused with the spec's reason, in every engine.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from policygraph.checks.native import NATIVE
from policygraph.checks.shapes import NotCompiled, deactivated, declared_prefixes, is_true
from policygraph.errors import ShapesError
from policygraph.i18n import N_
from policygraph.store.sparql import where_brace

SHAPES_GRAPH = "urn:x-policygraph:shapes-graph"  # $shapesGraph, where a query names it
Row = dict[str, Any]


# --- what the spec forbids ---------------------------------------------------------------------

_FORBIDDEN = (  # what the spec forbids where $this is pre-bound, and the error saying so
    (
        re.compile(r"\bMINUS\b", re.I),
        N_(
            "the SHACL-SPARQL query of {shape} uses MINUS, which the spec forbids where "
            "$this is pre-bound (SHACL 5.2.1)"
        ),
    ),
    (
        re.compile(r"\bSERVICE\b", re.I),
        N_(
            "the SHACL-SPARQL query of {shape} uses a federated query (SERVICE), which the "
            "spec forbids where $this is pre-bound (SHACL 5.2.1)"
        ),
    ),
    (
        re.compile(r"\bVALUES\b", re.I),
        N_(
            "the SHACL-SPARQL query of {shape} uses VALUES, which the spec forbids where "
            "$this is pre-bound (SHACL 5.2.1)"
        ),
    ),
    (
        re.compile(r"\bAS\s+[$?](this|shapesGraph|currentShape)\b", re.I),
        N_(
            "the SHACL-SPARQL query of {shape} uses AS for a pre-bound variable, which the "
            "spec forbids where $this is pre-bound (SHACL 5.2.1)"
        ),
    ),
)
_NESTED_SELECT = re.compile(r"\{\s*SELECT\b(?P<head>[^{]*)\{", re.I)


def _code(query: str) -> str:
    """The query without its strings, IRIs and comments (where keywords cannot be)."""
    return re.sub(r'"""[\s\S]*?"""|"[^"\n]*"|\'[^\'\n]*\'|<[^>\s]*>|#[^\n]*', " ", query)


def forbidden_in_sparql(shape: Node, select: str) -> None:
    """Refuse (ShapesError, in every engine) a SHACL-SPARQL query the spec forbids where
    variables are pre-bound: MINUS, SERVICE, VALUES, AS ?this, and a nested SELECT that does
    not project $this (SELECT * projects it only where its pattern binds it)."""
    body = _code(select)
    for pattern, template in _FORBIDDEN:
        if pattern.search(body):
            raise ShapesError(template, code="sparql-forbidden", shape=str(shape))
    for m in _NESTED_SELECT.finditer(body):
        head = m.group("head")
        if re.search(r"[$?]this\b", head):
            continue
        inner = _without_expressions(_group(body[m.end() :]))  # FILTER and BIND bind no $this
        if "*" in head and re.search(r"[$?]this\b", inner):
            continue
        raise ShapesError(
            N_(
                "the SHACL-SPARQL query of {shape} has a nested SELECT that does not project "
                "$this, which the spec forbids (SHACL 5.2.1)"
            ),
            code="sparql-nested-select",
            shape=str(shape),
        )


def _group(text: str) -> str:
    """``text`` up to the end of the group it starts inside."""
    depth = 1
    for i, ch in enumerate(text):
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth == 0:
            return text[:i]
    return text


def _close(text: str, at: int) -> int:
    """The index after the parenthesis that closes the one at ``at``."""
    depth = 0
    for i in range(at, len(text)):
        depth += {"(": 1, ")": -1}.get(text[i], 0)
        if depth == 0:
            return i + 1
    return len(text)


_PREBOUND = re.compile(r"[$?](this|currentShape|shapesGraph)\b")


def join_safe(query: str) -> bool:
    """Whether joining the focus nodes into the query's top group gives what pre-binding gives:
    every group inside it that names $this binds it there by a triple pattern (not only in a
    FILTER or BIND), or is an EXISTS (evaluated with $this bound); no subquery names $this; no
    $currentShape or $shapesGraph."""
    body = _code(query)
    if re.search(r"[$?](currentShape|shapesGraph)\b", body):
        return False
    frames: list[list[str]] = []  # [kind, own text]
    for m in re.finditer(r"(?P<kw>EXISTS\s*)?\{(?P<sel>\s*SELECT\b)?|\}|[^{}]+", body, re.I):
        token = m.group()
        if token.endswith("{") or m.group("sel"):
            kind = "EXISTS" if m.group("kw") else "SELECT" if m.group("sel") else "GROUP"
            frames.append([kind, m.group("sel") or ""])
        elif token == "}":
            kind, own = frames.pop() if frames else ("GROUP", "")
            if len(frames) >= 1 and not _binds_this(kind, own):
                return False
        elif frames:
            frames[-1][1] += token
    return True


def _binds_this(kind: str, own: str) -> bool:
    """A nested group (not the top one) is safe with $this joined from outside."""
    if not re.search(r"[$?]this\b", own) or kind == "EXISTS":
        return True
    if kind == "SELECT":
        return False
    return bool(re.search(r"[$?]this\b", _without_expressions(own)))


def _without_expressions(text: str) -> str:
    """``text`` without its FILTER and BIND expressions."""
    out, i = [], 0
    while i < len(text):
        m = re.match(r"(FILTER|BIND)\s*\w*\s*\(", text[i:], re.I)
        if m:
            i = _close(text, i + m.end() - 1)
            continue
        out.append(text[i])
        i += 1
    return "".join(out)


# --- sh:sparql constraints --------------------------------------------------------------------


def constraint_checks(
    g: Graph, shape: Node, focus: str, p: str | None, base: dict[str, Any], make: Callable[..., Any]
) -> Iterator[Any]:
    """A check for each sh:sparql constraint of ``shape`` (SHACL 5)."""
    for constraint in sorted(g.objects(shape, SH.sparql), key=str):
        if deactivated(g, constraint):
            continue
        select = g.value(constraint, SH.select)
        if select is None:
            raise NotCompiled(shape, N_("an sh:sparql constraint without sh:select"))
        said = [m for m in g.objects(constraint, SH.message) if isinstance(m, Literal)]
        fields = {
            **base,
            "component": SH.SPARQLConstraintComponent,
            "constraint": constraint,
            "node_level": p is None,
            "messages": tuple(sorted(said)) or base["messages"],
        }
        if isinstance(shape, URIRef) and shape in NATIVE:  # the same rows, computed in Python
            yield make(sparql="", rows=NativeRows(shape, focus), **fields)
            continue
        forbidden_in_sparql(shape, str(select))
        text = declared_prefixes(g, constraint) + with_path(shape, str(select), p)
        yield make(sparql=text, rows=SelectRows(text, focus, shape), **fields)


def with_path(shape: Node, query: str, p: str | None) -> str:
    """``$PATH`` replaced by the shape's path (SHACL 5.2.3); in a node shape, an error."""
    if not re.search(r"\$PATH\b", query):
        return query
    if p is None:
        raise ShapesError(
            N_("the SHACL-SPARQL query of {shape} uses $PATH in a node shape"),
            code="sparql-path-in-node-shape",
            shape=str(shape),
        )
    return re.sub(r"\$PATH\b", lambda _: p, query)


# The rows of a SHACL-SPARQL check are made by one of these: values, not closures, so that a
# compiled check is data throughout (kept between runs, ``checks.kept_shapes``) and two checks
# compiled alike compare equal.


@dataclass(frozen=True)
class NativeRows:
    """The rows of one of the project's constraints computed in Python (``native.NATIVE``)."""

    shape: URIRef
    focus: str

    def __call__(self, store: Any) -> Iterator[Row]:
        targets = {s["this"].value for s in store.query(f"SELECT ?this WHERE {{ {self.focus} }}")}
        yield from NATIVE[self.shape](store, targets)


@dataclass(frozen=True)
class SelectRows:
    """The rows of a SELECT for each focus node: joined where that is safe, else pre-bound."""

    text: str
    focus: str
    shape: Node
    params: tuple[tuple[str, Node], ...] = ()

    def __call__(self, store: Any) -> Iterator[Row]:
        fixed = _fixed(self.shape, self.params)
        if join_safe(self.text) and not self.params:
            query = re.sub(r"\$this\b", "?this", self.text)
            at = where_brace(query) + 1
            yield from _solutions(store, query[:at] + " " + self.focus + " " + query[at:], {})
            return
        for this in _focus_nodes(store, self.focus):
            for row in _prebound(store, self.text, this, fixed):
                yield {**row, "this": this}


def _fixed(shape: Node, params: tuple[tuple[str, Node], ...]) -> dict[str, str]:
    """What a SHACL-SPARQL query has pre-bound besides $this: $currentShape, $shapesGraph and
    the component's parameters."""
    fixed = {"currentShape": _sparql(shape), **{k: _sparql(v) for k, v in params}}
    fixed["shapesGraph"] = f"<{SHAPES_GRAPH}>"
    return fixed


def _prebound(store: Any, text: str, this: Any, fixed: dict[str, str]) -> Iterator[Row]:
    """The solutions of ``text`` with $this and ``fixed`` pre-bound (SHACL 5.2.1): written
    into the query where they are; a blank focus node, which no query text can name, through
    Oxigraph's substitutions (SEP-0007: the same, except in FILTERs of inner groups)."""
    import pyoxigraph as ox

    if isinstance(this, ox.BlankNode):
        yield from _solutions(store, prebind(text, fixed), {"this": this})
    else:
        yield from _solutions(store, prebind(text, {**fixed, "this": str(this)}), {})


_TOKENS = re.compile(
    r'(?P<skip>"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
    r"|<[^<>\"{}|^`\\\s]*>|#[^\n]*)"
    r"|(?P<bound>\bbound\s*\(\s*[$?](?P<bv>\w+)\s*\))"
    r"|(?P<kw>\bSELECT\b|\bWHERE\b|\{|\bGROUP\s+BY\b|\bHAVING\b|\bORDER\s+BY\b|\bLIMIT\b|\}|\bOFFSET\b)"
    r"|(?P<var>[$?](?P<name>\w+)\b)",
    re.I,
)


def prebind(query: str, values: dict[str, str]) -> str:
    """``query`` with each variable of ``values`` replaced by its term (SPARQL syntax): in a
    SELECT clause as ``(term AS ?var)``, in GROUP BY left out, ``bound(?var)`` as true."""
    out, at, state, depth = [], 0, "", 0
    for m in _TOKENS.finditer(query):
        out.append(query[at : m.start()])
        at = m.end()
        token = m.group()
        if m.group("skip"):
            out.append(token)
        elif m.group("bound"):
            out.append("(true)" if m.group("bv") in values else token)
        elif m.group("kw"):
            word = " ".join(token.upper().split())
            depth += {"{": 1, "}": -1}.get(word, 0)
            state = {"SELECT": "select", "GROUP BY": "group"}.get(word, "")
            if state == "select" and depth:
                state = "subselect"  # a nested SELECT: its $this is the constant outside too
            out.append(token)
        elif m.group("name") in values:
            term = values[m.group("name")]
            shown = {"select": f"({term} AS ?{m.group('name')})", "subselect": "", "group": ""}
            out.append(shown.get(state, term))
        else:
            out.append(token)
    out.append(query[at:])
    text = re.sub(r"GROUP\s+BY\s*(?=HAVING|ORDER|LIMIT|OFFSET|\}|$)", "", "".join(out), flags=re.I)
    return re.sub(
        r"(SELECT(?:\s+(?:DISTINCT|REDUCED))?)\s+(?=WHERE\b|\{)", r"\1 * ", text, flags=re.I
    )


def _sparql(term: Node) -> str:
    """A shapes-graph term in a query; a blank node by the name it has in $shapesGraph."""
    from policygraph.rdf.terms import n3

    if isinstance(term, BNode):
        return f"<{SKOLEM}{term}>"
    return n3(term)


SKOLEM = "urn:x-policygraph:shapes-bnode:"


def _focus_nodes(store: Any, focus: str) -> list[Any]:
    return [s["this"] for s in store.query(f"SELECT ?this WHERE {{ {focus} }}")]


def _solutions(store: Any, query: str, bound: dict[str, Any]) -> Iterator[Row]:
    """The solutions of a SELECT (``bound``: substituted by Oxigraph); a solution with
    ?failure true is a failure of the validation (SHACL 5.3.1), an error."""
    import pyoxigraph as ox

    subs = {ox.Variable(k): v for k, v in bound.items()} or None
    try:
        solutions = store.query(query, substitutions=subs)
    except SyntaxError as exc:
        raise ShapesError(
            N_("a SHACL-SPARQL query cannot be parsed: {reason}"),
            code="sparql-syntax",
            reason=str(exc),
        ) from exc
    names = [v.value for v in solutions.variables]
    for solution in solutions:
        row = {name: solution[name] for name in names}
        failure = row.get("failure")
        if failure is not None and getattr(failure, "value", "") == "true":
            raise ShapesError(
                N_("a SHACL-SPARQL query reported a failure (?failure true)"),
                code="sparql-failure",
            )
        yield row


# --- custom constraint components ---------------------------------------------------------------


@dataclass(frozen=True)
class Component:
    iri: Node
    params: tuple[tuple[URIRef, bool], ...]  # (parameter path, optional)

    def names(self) -> dict[URIRef, str]:
        return {p: re.split(r"[#/]", str(p))[-1] for p, _ in self.params}


def components(g: Graph) -> list[Component]:
    """The custom constraint components of a shapes graph (SHACL 6)."""
    out = []
    kinds = set(g.transitive_subjects(RDFS.subClassOf, SH.ConstraintComponent))
    found = {s for kind in kinds for s in g.subjects(RDF.type, kind)}
    for iri in sorted(found, key=str):
        params = []
        for param in g.objects(iri, SH.parameter):
            p = g.value(param, SH.path)
            if not isinstance(p, URIRef):
                raise ShapesError(
                    N_("a parameter of the component {iri} has no IRI sh:path"),
                    code="component-parameter",
                    iri=str(iri),
                )
            params.append((p, is_true(g, param, SH.optional)))
        out.append(Component(iri, tuple(sorted(params))))
    return out


def parameters(found: list[Component]) -> set[Node]:
    return {p for c in found for p, _ in c.params}


def component_checks(
    g: Graph,
    found: list[Component],
    shape: Node,
    focus: str,
    p: str | None,
    base: dict[str, Any],
    make: Callable[..., Any],
) -> Iterator[Any]:
    """A check for each custom component ``shape`` has every mandatory parameter of, for each
    combination of parameter values (SHACL 6.2)."""
    for comp in found:
        values = {q: sorted(g.objects(shape, q), key=str) for q, _ in comp.params}
        if any(not values[q] for q, optional in comp.params if not optional):
            continue
        if not any(values.values()):
            continue
        validator, ask = _validator(g, comp, p is not None)
        if validator is None:
            raise NotCompiled(
                shape,
                N_("no validator of {component} fits this kind of shape"),
                component=str(comp.iri),
            )
        query = str(g.value(validator, SH.ask if ask else SH.select))
        forbidden_in_sparql(shape, query)
        text = declared_prefixes(g, validator) + with_path(shape, query, p)
        said = [m for m in g.objects(validator, SH.message) if isinstance(m, Literal)]
        names = comp.names()
        present = [(names[q], vs) for q, vs in values.items() if vs]
        for combo in itertools.product(*(vs for _, vs in present)):
            params = {name: v for (name, _), v in zip(present, combo, strict=True)}
            bound = tuple(params.items())
            rows: AskRows | SelectRows = (
                AskRows(text, focus, shape, bound, p)
                if ask
                else SelectRows(text, focus, shape, bound)
            )
            yield make(
                **{**base, "messages": tuple(sorted(said)) or base["messages"]},
                component=comp.iri,
                sparql=text,
                rows=rows,
                node_level=p is None,
                params=tuple(sorted(params.items())),
            )


def _validator(g: Graph, comp: Component, property_shape: bool) -> tuple[Node | None, bool]:
    """The validator for a node or property shape, and whether it is an ASK validator."""
    kind = SH.propertyValidator if property_shape else SH.nodeValidator
    for validator in sorted(g.objects(comp.iri, kind), key=str):
        if g.value(validator, SH.select) is not None:
            return validator, False
    for validator in sorted(g.objects(comp.iri, SH.validator), key=str):
        if g.value(validator, SH.ask) is not None:
            return validator, True
    return None, False


@dataclass(frozen=True)
class AskRows:
    """An ASK validator: a result for each value node it answers false for."""

    text: str
    focus: str
    shape: Node
    params: tuple[tuple[str, Node], ...]
    p: str | None

    def __call__(self, store: Any) -> Iterator[Row]:
        import pyoxigraph as ox

        fixed = _fixed(self.shape, self.params)
        for this in _focus_nodes(store, self.focus):
            values = [this] if self.p is None else _values(store, this, self.p)
            for value in values:
                bound, subs = dict(fixed), {}
                for name, term in (("this", this), ("value", value)):
                    if isinstance(term, ox.BlankNode):
                        subs[ox.Variable(name)] = term
                    else:
                        bound[name] = str(term)
                query = prebind(self.text, bound)
                if not bool(store.query(query, substitutions=subs or None)):
                    yield {"this": this, "value": value}


def _values(store: Any, this: Any, p: str) -> list[Any]:
    import pyoxigraph as ox

    found = store.query(
        f"SELECT DISTINCT ?v WHERE {{ ?this {p} ?v }}", substitutions={ox.Variable("this"): this}
    )
    return [s["v"] for s in found]
