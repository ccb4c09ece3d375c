"""Namespaces used across the graph, and one function to bind them."""

from __future__ import annotations

from typing import Any

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SH, SKOS, XSD

BASE = "https://w3id.org/policygraph/"
PG = Namespace(BASE + "ontology#")
PGSH = Namespace(BASE + "shapes#")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
ORG = Namespace("http://www.w3.org/ns/org#")
DCT = DCTERMS
SRC = Namespace(BASE + "source/")
DEPT = Namespace(BASE + "org/")
DOC = Namespace(BASE + "doc/")

PREFIXES: dict[str, Namespace] = {
    "pg": PG,
    "eli": ELI,
    "org": ORG,
    "skos": Namespace(str(SKOS)),
    "prov": Namespace(str(PROV)),
    "dct": Namespace(str(DCT)),
    "owl": Namespace(str(OWL)),
    "rdf": Namespace(str(RDF)),
    "rdfs": Namespace(str(RDFS)),
    "xsd": Namespace(str(XSD)),
    "sh": Namespace(str(SH)),
    "src": SRC,
    "dept": DEPT,
    "doc": DOC,
}


def bind_prefixes(g: Graph) -> Graph:
    """Bind the project's prefixes on ``g`` and return it."""
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True)
    return g


__all__ = [
    "BASE",
    "DCT",
    "DEPT",
    "DOC",
    "ELI",
    "ORG",
    "OWL",
    "PG",
    "PGSH",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "SH",
    "SKOS",
    "SRC",
    "XSD",
    "bind_prefixes",
]


class Terms:
    """A namespace whose terms are made once: ``Terms(PG).quote`` is the same URIRef each time.
    rdflib's Namespace makes a new URIRef on every attribute access, which costs seconds when a
    builder writes a million triples."""

    def __init__(self, namespace: Any) -> None:
        self._namespace = namespace

    def __getattr__(self, name: str) -> URIRef:
        if name.startswith("__"):
            raise AttributeError(name)
        term = URIRef(self._namespace[name])
        setattr(self, name, term)
        return term
