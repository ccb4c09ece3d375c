"""Offsets for the quotes of curated files: a curator writes the quote, the build finds it."""

from __future__ import annotations

from collections.abc import Mapping

from rdflib import Graph, Literal, URIRef

from policygraph.corpus import SourceFile
from policygraph.errors import ExtractionError, SourceError
from policygraph.i18n import N_
from policygraph.rdf import PG, PROV, bind_prefixes


def anchor_quotes(curated: Graph, sources: list[SourceFile], texts: Mapping[URIRef, str]) -> Graph:
    """Offsets for every curated quote that has none: the n-th occurrence in its source."""
    by_iri = {s.iri: s for s in sources}
    out = bind_prefixes(Graph())
    for node, quote in sorted(curated.subject_objects(PG.quote)):
        if curated.value(node, PG.quoteStart) is not None or not isinstance(node, URIRef):
            continue
        source = curated.value(node, PROV.wasDerivedFrom)
        if source not in by_iri:
            raise SourceError(
                N_("{node}: a quote needs prov:wasDerivedFrom a source text"),
                code="quote-without-source",
                node=node,
            )
        assert isinstance(source, URIRef)
        text, wanted = texts[source], str(quote)
        occurrence = int(str(curated.value(node, PG.quoteOccurrence) or 1))
        start = -1
        for _ in range(occurrence):
            start = text.find(wanted, start + 1)
            if start < 0:
                break
        if start < 0:
            if occurrence == 1:
                template = N_("{file}: quote of {node} not found: {quote}")
            else:
                template = N_(
                    "{file}: quote of {node} not found (occurrence {occurrence}): {quote}"
                )
            raise ExtractionError(
                template,
                code="quote-not-found",
                file=by_iri[source].file_name,
                node=node,
                occurrence=occurrence,
                quote=repr(wanted),
            )
        out.add((node, PG.quoteStart, Literal(start)))
        out.add((node, PG.quoteEnd, Literal(start + len(wanted))))
    return out
