"""Offsets for the quotes of curated files: a curator writes the quote, the build finds it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from rdflib import Graph, Literal, URIRef

from policygraph.corpus import SourceFile
from policygraph.errors import ExtractionError, SourceError
from policygraph.i18n import N_
from policygraph.rdf import PG, PROV

Place = Callable[[URIRef, str, int], int]  # a source, a quote, the occurrence: its start or -1


def anchor_quotes(
    curated: Graph,
    sources: list[SourceFile],
    texts: Mapping[URIRef, str],
    place: Place | None = None,
) -> set[tuple[URIRef, URIRef, Literal]]:
    """Offsets for every curated quote that has none: the n-th occurrence in its source (found
    in ``texts``, or by ``place``: the build's kept offsets, where the texts are not read). The
    triples as a set (for ``rdf.turtle.serialize``), each fact read without making the node's
    other terms over the index's rows (``checks.rows.Rows``)."""
    by_iri = {s.iri: s for s in sources}
    out: set[tuple[URIRef, URIRef, Literal]] = set()
    value = values(curated)
    for node, quote in _unanchored(curated):
        source = value(node, PROV.wasDerivedFrom)
        if source not in by_iri:
            raise SourceError(
                N_("{node}: a quote needs prov:wasDerivedFrom a source text"),
                code="quote-without-source",
                node=node,
            )
        assert isinstance(source, URIRef)
        wanted = str(quote)
        occurrence = int(str(value(node, PG.quoteOccurrence) or 1))
        if place is None:
            start = nth(texts[source], wanted, occurrence)
        else:
            start = place(source, wanted, occurrence)
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


def values(curated: Graph) -> Callable[[URIRef, URIRef], Any]:
    """``curated.value``; over the index's facts (``checks.rows.Rows``, what ``ingest`` gives
    the build), each value without making the subject's other terms."""
    rows = curated.store
    if not hasattr(rows, "first"):
        return curated.value

    def value(s: URIRef, p: URIRef) -> Any:
        return rows.first(str(s), str(p))

    return value


def nth(text: str, wanted: str, occurrence: int) -> int:
    """Where the ``occurrence``-th ``wanted`` starts in ``text`` (each after the last's start);
    -1 where there are fewer."""
    start = -1
    for _ in range(occurrence):
        start = text.find(wanted, start + 1)
        if start < 0:
            break
    return start


def _unanchored(curated: Graph) -> list[tuple[URIRef, Any]]:
    """The curated quotes of named nodes without a start, in order. Over the index's rows
    (``checks.rows.Rows``, what ``ingest`` gives the build) the nodes with a start are left out
    before any term is made: a corpus of 10,000 documents holds hundreds of thousands of quotes,
    nearly all placed by the extractor."""
    rows: Any = curated.store
    found: list[tuple[Any, Any]]
    if hasattr(rows, "subjects_of"):
        placed = rows.subjects_of(str(PG.quoteStart))
        quoted = rows.subjects_of(str(PG.quote)) - placed
        found = [
            (URIRef(node), quote)
            for node in quoted
            for quote in curated.objects(URIRef(node), PG.quote)
        ]
    else:
        found = [
            (node, quote)
            for node, quote in curated.subject_objects(PG.quote)
            if curated.value(node, PG.quoteStart) is None
        ]
    return sorted((node, quote) for node, quote in found if isinstance(node, URIRef))
