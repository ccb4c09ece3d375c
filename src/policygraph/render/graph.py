"""Graphs to files: RDF serialisations (ttl, nt, nq, trig, jsonld) and GraphML for Gephi."""

from __future__ import annotations

import io
from typing import Any

from policygraph.rdf.formats import GRAPH_FORMATS
from policygraph.render.formats import Format

_RDFLIB = {Format(f.name): f.rdflib for f in GRAPH_FORMATS}


def serialize(graph: Any, fmt: Format) -> bytes:
    """An rdflib graph in one of the graph formats (in the default graph for nq and trig)."""
    if fmt in (Format.nq, Format.trig):
        from rdflib import Dataset

        dataset = Dataset()
        for prefix, ns in graph.namespaces():
            dataset.bind(prefix, ns)
        for triple in graph:
            dataset.add(triple)
        graph = dataset
    data = graph.serialize(format=_RDFLIB[fmt], encoding="utf-8")
    return data if isinstance(data, bytes) else str(data).encode("utf-8")


def graphml(g: Any) -> bytes:
    """GraphML: node ids are IRIs, with label, level, kind and counts as attributes."""
    import networkx as nx

    buf = io.BytesIO()
    nx.write_graphml(g, buf, encoding="utf-8", prettyprint=True)
    return buf.getvalue()
