"""What a query answers, and the typed parameters it is asked with.

A SELECT gives :class:`Rows`, an ASK a ``bool``, a CONSTRUCT or DESCRIBE an rdflib ``Graph``.
``--param name=value`` is typed: ``<https://…>`` is an IRI; ``"text"@zh`` a language-tagged
literal; ``"text"`` a plain string; a bare integer or decimal a number; anything else a plain
string. Values become RDF terms and are bound by :func:`policygraph.store.sparql.bind`, never
pasted into query text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Union

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from policygraph.errors import QueryError
from policygraph.i18n import N_
from policygraph.rdf.terms import ntriples_or_blank

# What a query parameter is bound to: one term, or a tuple of terms (one row of VALUES each).
Bound = Union[URIRef, Literal, BNode, "tuple[URIRef | Literal, ...]"]

if TYPE_CHECKING:
    from rdflib import Graph
    from rdflib.term import Identifier


@dataclass(frozen=True)
class Rows:
    """A SELECT result: variable names and rows of rdflib terms (None where unbound)."""

    vars: list[str]
    rows: list[tuple[Identifier | None, ...]]

    def dicts(self) -> list[dict[str, Identifier | None]]:
        return [dict(zip(self.vars, row, strict=True)) for row in self.rows]

    def __len__(self) -> int:
        return len(self.rows)


Answer = Union[Rows, bool, "Graph"]  # SELECT, ASK, CONSTRUCT/DESCRIBE
_LANG = re.compile(r'^"(?P<text>.*)"@(?P<lang>[A-Za-z]+(-[A-Za-z0-9]+)*)$', re.S)
_QUOTED = re.compile(r'^"(?P<text>.*)"$', re.S)


def parse_param(spec: str) -> tuple[str, URIRef | Literal]:
    """``name=value`` to (name, typed RDF term)."""
    if "=" not in spec:
        raise QueryError(
            N_("a parameter needs name=value, not {spec}"), code="param", spec=repr(spec)
        )
    name, value = spec.split("=", 1)
    name = name.strip().lstrip("?$")
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise QueryError(
            N_("not a valid parameter name: {name}"), code="param-name", name=repr(name)
        )
    if value.startswith("<") and value.endswith(">"):
        return name, URIRef(value[1:-1])
    if m := _LANG.match(value):
        return name, Literal(m["text"], lang=m["lang"])
    if m := _QUOTED.match(value):
        return name, Literal(m["text"])
    if re.fullmatch(r"[+-]?\d+", value):
        return name, Literal(int(value))
    if re.fullmatch(r"[+-]?\d*\.\d+", value):
        return name, Literal(value, datatype=XSD.decimal)
    return name, Literal(value)


def multiset(rows: Rows, unordered: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Rows as sorted tuples of N-Triples terms, for comparing results from two stores: blank
    nodes made anonymous, numbers by value, and the 、-joined ``unordered`` columns sorted."""
    out = []
    for row in rows.rows:
        cells = []
        for var, t in zip(rows.vars, row, strict=True):
            if var in unordered and isinstance(t, Literal):
                t = Literal("、".join(sorted(str(t).split("、"))))
            cells.append("_:b" if isinstance(t, BNode) else ntriples_or_blank(_canonical(t)))
        out.append(tuple(cells))
    return sorted(out)


def _canonical(term: Any) -> Any:
    """Literals by value where the engines' lexical forms may differ (1000 vs 1000.0)."""
    if isinstance(term, Literal) and term.datatype in (
        XSD.decimal,
        XSD.double,
        XSD.float,
        XSD.integer,
    ):
        try:
            return Literal(
                format(term.toPython(), "f")
                if term.datatype == XSD.decimal
                else str(term.toPython())
            )
        except (TypeError, ValueError):
            return term
    return term
