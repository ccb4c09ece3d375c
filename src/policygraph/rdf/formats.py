"""The RDF serialisations the tool reads and writes, each once: its name (the ``--format`` value),
its file extensions, its media type, and its name in rdflib and in pyoxigraph."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class GraphFormat:
    """One RDF serialisation."""

    name: str  # ttl, nt, …: the format's name on the command line and in file names
    extensions: tuple[str, ...]  # what a file of it ends with, first the one written
    media_type: str
    rdflib: str  # rdflib's name of it (``Graph.serialize(format=…)``)
    oxigraph: str  # the member of ``pyoxigraph.RdfFormat``
    datasets: bool  # holds named graphs (nq, trig, jsonld); the others hold one graph

    def ox(self) -> Any:
        """The ``pyoxigraph.RdfFormat`` (pyoxigraph imported only when one is asked for)."""
        import pyoxigraph

        return getattr(pyoxigraph.RdfFormat, self.oxigraph)


GRAPH_FORMATS: tuple[GraphFormat, ...] = (
    GraphFormat("ttl", (".ttl",), "text/turtle", "turtle", "TURTLE", False),
    GraphFormat("nt", (".nt",), "application/n-triples", "nt", "N_TRIPLES", False),
    GraphFormat("nq", (".nq",), "application/n-quads", "nquads", "N_QUADS", True),
    GraphFormat("trig", (".trig",), "application/trig", "trig", "TRIG", True),
    GraphFormat("jsonld", (".jsonld", ".json"), "application/ld+json", "json-ld", "JSON_LD", True),
)
# Read only (the ontology's neighbours publish it; nothing here writes it)
RDF_XML = GraphFormat("rdfxml", (".rdf", ".owl"), "application/rdf+xml", "xml", "RDF_XML", False)

BY_NAME: dict[str, GraphFormat] = {f.name: f for f in GRAPH_FORMATS}
BY_EXTENSION: dict[str, GraphFormat] = {
    ext: f for f in (*GRAPH_FORMATS, RDF_XML) for ext in f.extensions
}
TURTLE, NTRIPLES = BY_NAME["ttl"], BY_NAME["nt"]

__all__ = [
    "BY_EXTENSION",
    "BY_NAME",
    "GRAPH_FORMATS",
    "NTRIPLES",
    "RDF_XML",
    "TURTLE",
    "GraphFormat",
]
