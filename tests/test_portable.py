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

FILES = sorted([*REPO.glob("data/**/*.ttl"), *REPO.glob("ontology/**/*.ttl")], key=lambda p: str(p))
_ESCAPED_LOCAL = re.compile(r"(?<![\"<\w])[A-Za-z][\w-]*:(?:[\w-]*\\[^\s])")


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(REPO)) for p in FILES])
def test_no_escaped_local_names_and_the_same_triples_everywhere(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    outside_strings = re.sub(r'"""(?:.|\n)*?"""|"(?:[^"\\\n]|\\.)*"', '""', text)
    assert not _ESCAPED_LOCAL.search(outside_strings), _ESCAPED_LOCAL.search(outside_strings)
    by_rdflib = {
        " ".join(t.n3() for t in triple) for triple in Graph().parse(path, format="turtle")
    }
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    by_oxigraph = {f"{q.subject} {q.predicate} {q.object}" for q in store}
    assert len(by_rdflib) == len(by_oxigraph) > 0
