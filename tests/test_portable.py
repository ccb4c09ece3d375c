"""Portable files (issue 14, part 2): the Turtle the project publishes uses no escaped local
names (Virtuoso's loader kept the backslash of dept:cn\\/cbirc in the IRI) and reads into the
same triples with rdflib and with Oxigraph."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import REPO
from rdflib import Graph
from rdflib.compare import isomorphic

FILES = sorted([*REPO.glob("data/**/*.ttl"), *REPO.glob("ontology/**/*.ttl")], key=lambda p: str(p))
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
    by_oxigraph = Graph().parse(data=store.dump(format=ox.RdfFormat.N_TRIPLES), format="nt")
    by_rdflib = Graph().parse(path, format="turtle")
    assert len(by_rdflib) > 0 and isomorphic(by_rdflib, by_oxigraph)
