"""Parameters from the command line and results to the formats researchers use.

``--param name=value`` is typed: ``<https://…>`` is an IRI; ``"text"@zh`` a language-tagged
literal; ``"text"`` a plain string; a bare integer or decimal a number; anything else a plain
string. Values become RDF terms and are bound by :func:`policygraph.query.bind`, never pasted.
Results: a table, CSV, TSV (SPARQL 1.1 TSV: terms in N-Triples form) or SPARQL 1.1 JSON.
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from policygraph.errors import QueryError
from policygraph.store import Rows

FORMATS = ("table", "csv", "tsv", "json")
_LANG = re.compile(r'^"(?P<text>.*)"@(?P<lang>[A-Za-z]+(-[A-Za-z0-9]+)*)$', re.S)
_QUOTED = re.compile(r'^"(?P<text>.*)"$', re.S)


def parse_param(spec: str) -> tuple[str, URIRef | Literal]:
    """``name=value`` to (name, typed RDF term)."""
    if "=" not in spec:
        raise QueryError(f"--param needs name=value, not {spec!r}")
    name, value = spec.split("=", 1)
    name = name.strip().lstrip("?$")
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise QueryError(f"not a valid parameter name: {name!r}")
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


def ntriples_term(term: Any) -> str:
    from policygraph.turtle import n3

    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    return n3(term)


def sparql_json(rows: Rows) -> str:
    def encode(term: Any) -> dict[str, str]:
        if isinstance(term, URIRef):
            return {"type": "uri", "value": str(term)}
        if isinstance(term, BNode):
            return {"type": "bnode", "value": str(term)}
        out = {"type": "literal", "value": str(term)}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype and str(term.datatype) != str(XSD.string):
            out["datatype"] = str(term.datatype)
        return out

    bindings = [
        {v: encode(t) for v, t in zip(rows.vars, row, strict=True) if t is not None}
        for row in rows.rows
    ]
    return (
        json.dumps(
            {"head": {"vars": rows.vars}, "results": {"bindings": bindings}},
            ensure_ascii=False,
            indent=2,
        )
        + "\n"
    )


def render(rows: Rows, fmt: str) -> str:
    if fmt == "json":
        return sparql_json(rows)
    if fmt == "tsv":
        lines = ["\t".join(f"?{v}" for v in rows.vars)]
        lines += ["\t".join(ntriples_term(t) for t in row) for row in rows.rows]
        return "\n".join(lines) + "\n"
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(rows.vars)
        for row in rows.rows:
            w.writerow(["" if t is None else str(t) for t in row])
        return buf.getvalue()
    raise QueryError(f"unknown format {fmt!r}: one of {', '.join(FORMATS)}")


def multiset(rows: Rows, unordered: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Rows as sorted tuples of N-Triples terms, for comparing results from two stores: blank
    nodes made anonymous, numbers by value, and the 、-joined ``unordered`` columns sorted."""
    out = []
    for row in rows.rows:
        cells = []
        for var, t in zip(rows.vars, row, strict=True):
            if var in unordered and isinstance(t, Literal):
                t = Literal("、".join(sorted(str(t).split("、"))))
            cells.append("_:b" if isinstance(t, BNode) else ntriples_term(_canonical(t)))
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
