"""SHACL shapes compiled to whole-graph SPARQL, for validating large graphs.

pySHACL is the reference validator, but it evaluates each constraint once per focus node; at a
million triples that takes minutes. Here each constraint of each shape becomes ONE query over
the whole store (the target is a pattern of the query, not a loop in Python), run by Oxigraph:
every shape the spec recognises (node and property shapes, with their own targets or reached
through sh:property; implicit class targets; sh:deactivated), every target kind, every SHACL
Core constraint (expressions.py) over any SHACL path, and SHACL-SPARQL (sparql_based.py).

What it does not compile (recursive shapes, SHACL-SPARQL nested inside a logical constraint,
a SHACL term it does not know) is refused per shape with :class:`NotCompiled`: ``auto`` then
runs those shapes with pySHACL, never skips them. The W3C test suites (tests/w3c) and the
project's own fixtures run through both engines.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from policygraph.checks import sparql_based
from policygraph.checks.expressions import SET_LEVEL, Exprs, qualified_test, same_lang, unknown_here
from policygraph.checks.report import Finding
from policygraph.checks.shapes import (
    NotCompiled,
    deactivated,
    is_true,
    items,
    messages,
    path,
    severity,
    targets,
    term,
    top_shapes,
)
from policygraph.i18n import N_

Row = dict[str, Any]


@dataclass(frozen=True)
class Check:
    """One compiled constraint of one shape: a query returning ?this (and ?value, ?path, and
    the variables its message names), or ``rows`` computing them (native.py, per-focus
    SHACL-SPARQL)."""

    shape: Node  # the source shape
    component: URIRef  # the source constraint component
    severity: URIRef
    sparql: str
    messages: tuple[Literal, ...]  # with {?var} / {$this} / {$param} placeholders
    node_level: bool = False  # SHACL: a node shape's result has its focus node as its value
    path: Node | None = None  # the shape's sh:path (a ?path in the row wins)
    rows: Callable[[Any], Iterator[Row]] | None = None
    target: str = ""  # the SPARQL pattern giving ?this
    # An expression over ?this, true where it fails: the checks of one target with a condition
    # are evaluated in one query, the target once (see _shared_target). ``by_value``: its rows
    # also name the failing ?value, found by the check's own query where the condition holds.
    condition: str = ""
    by_value: bool = False
    constraint: Node | None = None  # sh:sourceConstraint (SHACL-SPARQL)
    params: tuple[tuple[str, Node], ...] = field(default=())  # for {$param} in messages
    up: tuple[str, ...] = ()  # the variables naming where a nested shape's focus came from
    fails: str = ""  # a value check: the expression over ?value true where it fails


def default_message(g: Graph, check: Check) -> Literal:
    """A message for a shape that gives none: what failed, where, with which parameter (an
    sh:or / sh:xone names its alternatives by their paths)."""
    what = str(check.component).removeprefix(str(SH)).removesuffix("ConstraintComponent")
    where = "{$this}"
    if check.path is not None:
        where += " -> " + (
            g.namespace_manager.normalizeUri(check.path)
            if isinstance(check.path, URIRef)
            else path(g, check.path)
        )
    said = []
    for name, value in check.params:
        if name in ("or", "xone", "and"):
            shown = []
            for m in items(g, value):
                mp = g.value(m, SH.path)
                shown.append(
                    g.namespace_manager.normalizeUri(mp) if isinstance(mp, URIRef) else "a shape"
                )
            said.append(f"{name} ({', '.join(shown)})")
        elif isinstance(value, (URIRef, Literal)):
            said.append(
                f"{name} {g.namespace_manager.normalizeUri(value) if isinstance(value, URIRef) else value}"
            )
    shown_value = " (value {?value})" if not check.node_level else ""
    ending = f": {'; '.join(said)}" if said else ""
    return Literal(f"{where}{shown_value} fails {what}{ending}")


def component_of(predicate: URIRef) -> URIRef:
    name = str(predicate).removeprefix(str(SH))
    return SH[name[0].upper() + name[1:] + "ConstraintComponent"]


def compile_each(shapes: Graph) -> tuple[list[Check], list[NotCompiled]]:
    """Every constraint of every shape validated at the top, as checks; the shapes it does not
    cover, each refused with its reason (attributed to the shape with the target)."""
    checks: list[Check] = []
    refused: list[NotCompiled] = []
    custom = sparql_based.components(shapes)
    for shape in top_shapes(shapes):
        exprs = Exprs(shapes, custom=sparql_based.parameters(custom))
        try:
            focus = targets(shapes, shape, "?this")
            checks += list(_shape_checks(exprs, custom, shape, focus, shape, ()))
        except NotCompiled as exc:
            refused.append(exc if exc.shape == shape else NotCompiled(shape, exc.reason))
    return checks, refused


def compile_shapes(shapes: Graph) -> list[Check]:
    """Every check, or the first refusal (the ``sparql`` engine runs nothing it cannot run)."""
    checks, refused = compile_each(shapes)
    if refused:
        raise refused[0]
    return checks


def _shape_checks(
    e: Exprs, custom: list[Any], shape: Node, focus: str, top: Node, up: tuple[str, ...]
) -> Iterator[Check]:
    """The checks of ``shape`` for the focus nodes ``focus`` binds to ?this; its property
    shapes with its value nodes as their focus nodes, once for each focus node they come from
    (``up``: the variables naming those, so that a node reached twice is validated twice, as
    the spec counts it)."""
    g = e.shapes
    if deactivated(g, shape):
        return
    if shape in e.stack:
        raise NotCompiled(top, N_("its shapes are recursive (SHACL 3.4.3)"))
    e.stack.append(shape)
    unknown_here(e, shape, nested=False)
    p_node = g.value(shape, SH.path)
    p = path(g, p_node) if p_node is not None else None
    base = {
        "shape": shape,
        "severity": severity(g, shape),
        "messages": tuple(messages(g, shape)),
        "path": p_node,
        "target": focus,
        "up": up,
    }
    own: list[Check] = [
        _value_check(e, shape, pr, o, p, base)
        for pr, o in e.value_components(shape)
        if pr != SH.closed or is_true(g, shape, SH.closed)  # sh:closed false asks nothing
    ]
    for predicate, o in sorted(g.predicate_objects(shape)):
        if isinstance(predicate, URIRef) and predicate in SET_LEVEL:
            own += _set_checks(e, shape, predicate, o, p, base)
    own += sparql_based.constraint_checks(g, shape, focus, p, base, Check)
    own += sparql_based.component_checks(g, custom, shape, focus, p, base, Check)
    for check in _one_gate(own, p):
        yield check if check.messages else replace(check, messages=(default_message(g, check),))
    for prop in sorted(g.objects(shape, SH.property), key=str):
        inner, above = _values_as_focus(e, focus, p, up)
        yield from _shape_checks(e, custom, prop, inner, top, above)
    e.stack.pop()


def _one_gate(own: list[Check], p: str | None) -> list[Check]:
    """The value-level checks of one property shape share one condition (any value failing
    any of them), probed once per focus node; where it holds, each check's own query says
    which value failed which constraint (on a clean graph, never)."""
    gated = [c for c in own if c.fails]
    if p is None or len(gated) < 2:
        return own
    tests = [c.fails for c in gated]
    gate = f"EXISTS {{ ?this {p} ?value FILTER({' || '.join(tests)}) }}"
    return [replace(c, condition=gate) if c in gated else c for c in own]


def _values_as_focus(
    e: Exprs, focus: str, p: str | None, up: tuple[str, ...]
) -> tuple[str, tuple[str, ...]]:
    """A pattern binding ?this to each value node of the focus nodes ``focus`` gives (with the
    variables naming where it came from)."""
    if p is None:
        return focus, up
    f = e.var("f")
    keep = " ".join(up)
    pattern = (
        f"{{ SELECT DISTINCT ?this {f} {keep} WHERE {{ {{ SELECT (?this AS {f}) {keep} WHERE "
        f"{{ {focus} }} }} {f} {p} ?this }} }}"
    )
    return pattern, (*up, f)


def _value_check(
    e: Exprs, shape: Node, predicate: URIRef, o: Node, p: str | None, base: dict[str, Any]
) -> Check:
    """A value-level constraint: a result for each value node that fails it."""
    focus = base["target"]
    component = component_of(predicate)
    if predicate == SH.closed:
        return _closed_check(e, shape, p, base)
    if p is None:
        ok = e.component(shape, predicate, o, "?this")
        return Check(
            component=component,
            sparql=f"SELECT * WHERE {{ {focus} FILTER(!({ok})) }}",
            node_level=True,
            condition=f"!({ok})",
            params=((predicate_name(predicate), o),),
            **base,
        )
    ok = e.component(shape, predicate, o, "?value")
    return Check(
        component=component,
        sparql=f"SELECT DISTINCT * WHERE {{ {focus} ?this {p} ?value FILTER(!({ok})) }}",
        condition=f"EXISTS {{ ?this {p} ?value FILTER(!({ok})) }}",
        fails=f"!({ok})",
        by_value=True,
        params=((predicate_name(predicate), o),),
        **base,
    )


def predicate_name(predicate: Node) -> str:
    return re.split(r"[#/]", str(predicate))[-1]


def _closed_check(e: Exprs, shape: Node, p: str | None, base: dict[str, Any]) -> Check:
    """sh:closed: a result for each triple of a value node whose predicate is not allowed,
    with that predicate as the path and its object as the value."""
    allowed = ", ".join(term(x) for x in e.allowed(shape))
    test = f"FILTER(?path NOT IN ({allowed}))" if allowed else ""
    values = "BIND(?this AS ?__n)" if p is None else f"?this {p} ?__n ."
    return Check(
        component=SH.ClosedConstraintComponent,
        sparql=f"SELECT DISTINCT * WHERE {{ {base['target']} {values} ?__n ?path ?value {test} }}",
        **base,
    )


def _set_checks(
    e: Exprs, shape: Node, predicate: URIRef, o: Node, p: str | None, base: dict[str, Any]
) -> Iterator[Check]:
    """A constraint on the set of value nodes (counts, pairs, hasValue, uniqueLang, qualified
    value shapes): its own query."""
    focus = base["target"]
    params = ((predicate_name(predicate), o),)
    if predicate in (SH.minCount, SH.maxCount):
        if p is None:
            raise NotCompiled(shape, N_("sh:minCount / sh:maxCount on a node shape"))
        op, n = ("<" if predicate == SH.minCount else ">"), int(str(o))
        yield Check(
            component=component_of(predicate),
            sparql=_count_query(focus, p, op, n, base["up"]),
            condition=_count_condition(p, op, n),
            params=params,
            **base,
        )
    elif predicate == SH.hasValue:
        fails = (
            f"!sameTerm(?this, {term(o)})" if p is None else f"NOT EXISTS {{ ?this {p} {term(o)} }}"
        )
        yield Check(
            component=SH.HasValueConstraintComponent,
            sparql=f"SELECT * WHERE {{ {focus} FILTER({fails}) }}",
            condition=fails,
            params=params,
            **base,
        )
    elif predicate == SH.uniqueLang:
        yield from _unique_lang_check(e, shape, p, base)
    elif predicate == SH.qualifiedValueShape:
        yield from _qualified_checks(e, shape, p, base)
    else:
        yield from _pair_checks(shape, predicate, o, p, base)


def _unique_lang_check(
    e: Exprs, shape: Node, p: str | None, base: dict[str, Any]
) -> Iterator[Check]:
    if not is_true(e.shapes, shape, SH.uniqueLang):
        return
    if p is None:
        raise NotCompiled(shape, N_("sh:uniqueLang on a node shape"))
    yield Check(
        component=SH.UniqueLangConstraintComponent,
        sparql=f"SELECT DISTINCT * WHERE {{ {base['target']} {{ SELECT DISTINCT ?this ?__lang "
        f"WHERE {{ ?this {p} ?__a, ?__b FILTER({same_lang('?__a', '?__b')}) "
        f"BIND(LCASE(LANG(?__a)) AS ?__lang) }} }} }}",
        **base,
    )


def _qualified_checks(
    e: Exprs, shape: Node, p: str | None, base: dict[str, Any]
) -> Iterator[Check]:
    if p is None:
        raise NotCompiled(shape, N_("a qualified value shape on a node shape"))
    test = qualified_test(e, shape)
    for bound, component in (
        (SH.qualifiedMinCount, SH.QualifiedMinCountConstraintComponent),
        (SH.qualifiedMaxCount, SH.QualifiedMaxCountConstraintComponent),
    ):
        n = e.shapes.value(shape, bound)
        if n is None:
            continue
        enough = e.at_least("?this", p, int(str(n)) + (bound == SH.qualifiedMaxCount), test)
        fails = f"!({enough})" if bound == SH.qualifiedMinCount else enough
        yield Check(
            component=component,
            sparql=f"SELECT * WHERE {{ {base['target']} FILTER({fails}) }}",
            params=((predicate_name(bound), n),),
            **base,
        )


def _pair_checks(
    shape: Node, predicate: URIRef, o: Node, p: str | None, base: dict[str, Any]
) -> Iterator[Check]:
    """sh:equals, sh:disjoint, sh:lessThan, sh:lessThanOrEquals: a result for each value that
    breaks the pair."""
    focus, q = base["target"], term(o)
    params = ((predicate_name(predicate), o),)
    if p is None and predicate in (SH.lessThan, SH.lessThanOrEquals):
        raise NotCompiled(shape, N_("{predicate} on a node shape"), predicate=str(predicate))
    mine = "BIND(?this AS ?value)" if p is None else f"?this {p} ?value"
    if predicate == SH.equals:
        bodies = [
            f"{mine} FILTER NOT EXISTS {{ ?this {q} ?value }}",
            f"?this {q} ?value FILTER NOT EXISTS {{ "
            + ("FILTER(sameTerm(?value, ?this))" if p is None else f"?this {p} ?value")
            + " }",
        ]
    elif predicate == SH.disjoint:
        bodies = [f"{mine} . ?this {q} ?value"]
    else:
        op = "<" if predicate == SH.lessThan else "<="
        bodies = [f"{mine} . ?this {q} ?__b FILTER(!COALESCE(?value {op} ?__b, false))"]
    for body in bodies:
        yield Check(
            component=component_of(predicate),
            sparql=f"SELECT DISTINCT * WHERE {{ {focus} {body} }}",
            params=params,
            **base,
        )


def _count_query(target: str, p: str, op: str, n: int, up: tuple[str, ...] = ()) -> str:
    """The focus nodes with fewer (``op`` "<") or more (">") than ``n`` distinct values on path
    ``p``: the common bounds as a condition (:func:`_count_condition`), the others counted."""
    condition = _count_condition(p, op, n)
    if condition:
        return f"SELECT * WHERE {{ {target} FILTER({condition}) }}"
    return (
        f"SELECT ?this {' '.join(up)} WHERE {{ {target} OPTIONAL {{ ?this {p} ?value }} }} "
        f"GROUP BY ?this {' '.join(up)} HAVING (COUNT(DISTINCT ?value) {op} {n})"
    )


def _count_condition(p: str, op: str, n: int) -> str:
    """The common bounds without counting, the same rows two to three times sooner on Oxigraph
    (a shape's dozen count checks were half the validation of a 5 MB document): at least one is
    "no value" (NOT EXISTS), at most one is "two values that are not the same term" (sameTerm,
    as COUNT(DISTINCT) counts terms: "1" and "01" are two integers). "" where it needs counting."""
    if op == "<" and n == 1:
        return f"NOT EXISTS {{ ?this {p} ?value }}"
    if op == ">" and n == 1:
        return f"EXISTS {{ ?this {p} ?value , ?__other FILTER(!sameTerm(?value, ?__other)) }}"
    if op == ">" and n == 0:
        return f"EXISTS {{ ?this {p} ?value }}"
    return ""


# --- running --------------------------------------------------------------------------------


def run_checks(store: Any, checks: list[Check]) -> Iterator[tuple[Check, Row]]:
    """Run compiled checks on a pyoxigraph store; yield (check, row) for each result (rows of
    pyoxigraph terms, or of strings from a native check)."""
    for check in checks:
        if check.rows is not None:
            for row in check.rows(store):
                yield check, row
            continue
        solutions = store.query(check.sparql)
        names = [v.value for v in solutions.variables]
        for solution in solutions:
            yield check, {name: solution[name] for name in names}


def _in_parallel(store: Any, checks: list[Check]) -> Iterator[tuple[Check, Row]]:
    """The checks' rows, the checks run on as many threads as there are cores: Oxigraph
    evaluates a query without holding Python's lock (at a million triples, 22 s on one core,
    11 s on two). Checks with a condition on the same target run as one unit. The rows are
    collected per unit; their order does not matter (the report sorts them)."""
    import os
    from concurrent.futures import ThreadPoolExecutor

    shared: dict[str, list[Check]] = {}
    units: list[list[Check]] = []
    for check in checks:
        if check.condition and check.rows is None:
            shared.setdefault(check.target, []).append(check)
        else:
            units.append([check])
    units += [group for group in shared.values()]

    def rows(unit: list[Check]) -> list[tuple[Check, Row]]:
        if len(unit) == 1:
            return list(run_checks(store, unit))
        return list(_shared_target(store, unit))

    workers = max(1, min(len(units), os.cpu_count() or 1))
    with ThreadPoolExecutor(workers, thread_name_prefix="check") as pool:
        for found in pool.map(rows, units):
            yield from found


def _shared_target(store: Any, group: list[Check]) -> Iterator[tuple[Check, Row]]:
    """Checks of one target in one query: the target found once, each condition probed for each
    focus node (a shape's dozen checks over 120,000 quoted nodes: half the time of one query
    each). A check whose rows name the failing value runs its own query where its condition
    held (rarely: on a clean graph, never)."""
    conditions = sorted({c.condition for c in group})
    binds = " ".join(f"BIND({c} AS ?__c{k})" for k, c in enumerate(conditions))
    failing = " || ".join(f"?__c{k}" for k in range(len(conditions)))
    found: dict[int, list[Row]] = {}
    solutions = store.query(f"SELECT * WHERE {{ {group[0].target} {binds} FILTER({failing}) }}")
    names = [v.value for v in solutions.variables if not v.value.startswith("__c")]
    for solution in solutions:
        row = {name: solution[name] for name in names}
        for k, check in enumerate(group):
            flag = solution[f"__c{conditions.index(check.condition)}"]
            if flag is not None and flag.value == "true":
                found.setdefault(k, []).append(row)
    for k, rows in sorted(found.items()):
        check = group[k]
        if not check.by_value:
            for row in rows:
                yield check, row
            continue
        wanted = {r["this"] for r in rows}
        for _, row in run_checks(store, [check]):
            if row.get("this") in wanted:
                yield check, row


def needs_shapes_graph(checks: list[Check]) -> bool:
    return any(re.search(r"[$?]shapesGraph\b", c.sparql) for c in checks)


def findings(
    data: Any,
    checks: list[Check],
    shapes: Graph,
    wanted: Callable[[Check, Row], bool] | None = None,
) -> list[Finding]:
    """The results of ``checks`` on ``data`` (a pyoxigraph store), one per distinct row; with
    ``wanted``, only those of the rows it wants (the others never made into terms)."""
    from policygraph.checks.report import from_row

    return [from_row(check, row, shapes) for _, check, row in distinct_rows(data, checks, wanted)]


RowKey = tuple[int, tuple[tuple[str, str], ...]]


def row_key(position: int, row: Row) -> RowKey:
    """What tells one row of the check at ``position`` of a list of checks from another: the
    words of its terms (the same in any store holding them, blank nodes apart)."""
    return (position, tuple(sorted((k, str(v)) for k, v in row.items())))


def distinct_rows(
    data: Any, checks: list[Check], wanted: Callable[[Check, Row], bool] | None = None
) -> Iterator[tuple[RowKey, Check, Row]]:
    """Each distinct row of ``checks`` on ``data`` (that ``wanted`` wants), with its key."""
    seen: set[RowKey] = set()
    index = {id(c): k for k, c in enumerate(checks)}
    for check, row in _in_parallel(data, checks):
        if wanted is not None and not wanted(check, row):
            continue
        key = row_key(index[id(check)], row)
        if key in seen:
            continue
        seen.add(key)
        yield key, check, row
