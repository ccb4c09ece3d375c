"""Query answers to output: SELECT rows as a sheet (every tabular format), the SPARQL 1.1 JSON
and TSV result formats, ASK as true/false."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Protocol

from rdflib import BNode, URIRef
from rdflib.namespace import XSD

from policygraph.rdf.terms import ntriples_or_blank
from policygraph.render.table import Column, Sheet


class Rows(Protocol):
    """A SELECT's answer as render reads it (``policygraph.store.results.Rows``, which render
    does not import): variable names, and rows of RDF terms (None where unbound)."""

    @property
    def vars(self) -> list[str]: ...

    @property
    def rows(self) -> Sequence[tuple[Any, ...]]: ...


def sheet(rows: Rows, footer: str = "") -> Sheet:
    """SELECT rows as a sheet: one column per variable, the terms' lexical forms as cells."""
    return Sheet(
        "",
        [Column(v, v) for v in rows.vars],
        [["" if t is None else str(t) for t in row] for row in rows.rows],
        footer=footer,
    )


def sparql_json(rows: Rows) -> bytes:
    """SPARQL 1.1 Query Results JSON."""

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
    data = {"head": {"vars": rows.vars}, "results": {"bindings": bindings}}
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def sparql_tsv(rows: Rows) -> bytes:
    """SPARQL 1.1 Query Results TSV: terms in N-Triples form."""
    lines = ["\t".join(f"?{v}" for v in rows.vars)]
    lines += ["\t".join(ntriples_or_blank(t) for t in row) for row in rows.rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def boolean(answer: bool) -> bytes:
    return b"true\n" if answer else b"false\n"
