"""Namespaces used across the graph, and one function to bind them."""

from __future__ import annotations

from rdflib import Graph, Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SH, SKOS, XSD

PG = Namespace("https://w3id.org/policygraph/ontology#")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
ORG = Namespace("http://www.w3.org/ns/org#")
DCT = DCTERMS
BASE = "https://w3id.org/policygraph/"
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
