"""Portable files (issue 14, part 2): the Turtle the project publishes uses no escaped local
names (Virtuoso's loader kept the backslash of dept:cn\\/cbirc in the IRI) and reads into the
same triples with rdflib and with Oxigraph."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import REPO
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

FILES = sorted([*REPO.glob("data/**/*.ttl"), *REPO.glob("ontology/**/*.ttl")], key=lambda p: str(p))
_XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC = {URIRef(_XSD + t) for t in ("decimal", "integer", "double", "float")}
_ESCAPED_LOCAL = re.compile(r"(?<![\"<\w])[A-Za-z][\w-]*:(?:[\w-]*\\[^\s])")


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(REPO)) for p in FILES])
def test_no_escaped_local_names_and_the_same_triples_everywhere(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    outside_strings = re.sub(r'"""(?:.|\n)*?"""|"(?:[^"\\\n]|\\.)*"', '""', text)
    assert not _ESCAPED_LOCAL.search(outside_strings), _ESCAPED_LOCAL.search(outside_strings)
    # Oxigraph's reading, written as N-Triples, is the same graph as rdflib's (blank nodes
    # matched by structure: isomorphic)
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    nt = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    by_oxigraph = Graph().parse(data=nt, format="nt")
    by_rdflib = Graph().parse(path, format="turtle")
    assert len(by_rdflib) > 0 and isomorphic(by_value(by_rdflib), by_value(by_oxigraph))


def by_value(g: Graph) -> Graph:
    """Numbers by value: Oxigraph writes 1.0 (xsd:decimal) as 1, the same value, where rdflib
    keeps the lexical form."""
    out = Graph()
    for s, p, o in g:
        if isinstance(o, Literal) and o.datatype in NUMERIC:
            o = Literal(
                str(Decimal(str(o))).rstrip("0").rstrip(".")
                if "." in str(o)
                else str(o),  # 1.0 → 1
                datatype=o.datatype,
            )
        out.add((s, p, o))
    return out
