"""The summary of the graph that `policygraph build` prints: documents and totals."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from policygraph.store import Store
from policygraph.views.internal import query


@dataclass(frozen=True)
class DocumentRow:
    """One document of the graph with its counts ("" where the graph says nothing)."""

    document: str
    short: str
    number: str
    title: str
    kind: str
    level: str
    parts: int
    provisions: int
    measures: int
    responsibilities: int
    funding_commitments: int
    kind_zh: str = ""  # the kind's and the level's Chinese labels (the ontology's @zh)
    level_zh: str = ""


_TOTALS = ("documents", "provisions", "departments", "responsibilities", "funding_commitments")


@dataclass(frozen=True)
class Summary:
    documents: list[DocumentRow]
    totals: dict[str, int]


def summarize(store: Store, known: dict[str, int] | None = None) -> Summary:
    """The documents with their counts (two queries: the documents, then every count of every
    document; document-summary.rq gives the same rows in one, much more slowly at scale), and
    the totals: ``known``, where the caller has just counted them (:func:`totals`)."""
    counts: dict[str, dict[str, int]] = {}
    for r in store.select(query("document-counts")).dicts():
        counts.setdefault(str(r["document"]), {})[str(r["what"])] = int(str(r["n"]))
    headers = store.select(query("document-headers")).dicts()
    headers.sort(key=lambda r: (_rank(r["rank"]), str(r["short"])))  # as read whole or merged
    documents = [_document(r, counts.get(str(r["document"]), {})) for r in headers]
    return Summary(documents, totals(store) if known is None else known)


def totals(store: Store) -> dict[str, int]:
    """The corpus's totals alone: documents, provisions, departments, responsibilities and
    funding commitments (one query; at 1,000 documents 0.06 s, the documents' counts 2.6 s)."""
    found = store.select(query("corpus-totals"))
    first = found.dicts()[0] if found.rows else {}
    return {k: int(str(first.get(k) or 0)) for k in _TOTALS}


def counts_of(store: Store, documents: tuple[URIRef, ...]) -> list[tuple[Any, ...]]:
    """The rows document-counts.rq gives for ``documents``, counted here from what
    document-counts-of.rq says of each node below each (bound first, where document-counts
    would count every document): of the nodes below a document by ``eli:is_part_of+``, the
    parts are those directly below typed ``pg:Part``; the provisions those typed neither
    ``pg:Part`` nor ``pg:Group``; the measures those typed ``pg:Measure``; the
    responsibilities and funding commitments the nodes of those types whose ``pg:provision``
    is one of them. Each count of a document that has none gives no row, as a group of no
    rows gives none."""
    kinds: dict[Any, dict[Any, set[str]]] = {}  # a document → each node below it → its kinds
    direct: set[tuple[Any, Any]] = set()
    on: dict[Any, dict[str, set[Any]]] = {}  # a document → kind → responsibilities, funding
    found = store.select(query("document-counts-of"), {"document": documents})
    for document, x, is_direct, kind, r, rkind in found.rows:
        said = kinds.setdefault(document, {}).setdefault(x, set())
        if kind is not None:
            said.add(str(kind).rsplit("#", 1)[-1])
        if is_direct is not None:
            direct.add((document, x))
        if r is not None and rkind is not None:
            on.setdefault(document, {}).setdefault(str(rkind).rsplit("#", 1)[-1], set()).add(r)
    rows: list[tuple[Any, ...]] = []
    for document, below in kinds.items():
        counted = {
            "parts": sum(1 for x, k in below.items() if "Part" in k and (document, x) in direct),
            "provisions": sum(1 for k in below.values() if not k & {"Part", "Group"}),
            "measures": sum(1 for k in below.values() if "Measure" in k),
            "responsibilities": len(on.get(document, {}).get("Responsibility", ())),
            "funding_commitments": len(on.get(document, {}).get("FundingCommitment", ())),
        }
        rows.extend(
            (document, Literal(what, datatype=XSD.string), Literal(str(n), datatype=XSD.integer))
            for what, n in counted.items()
            if n
        )
    return rows


def _rank(term: object) -> tuple[int, int, str]:
    """A level's rank in the order of ``ORDER BY ?rank`` for integers (any other text after)."""
    text = str(term)
    return (0, int(text), "") if text.lstrip("-").isdigit() else (1, 0, text)


def _document(r: Mapping[str, object], counts: Mapping[str, int]) -> DocumentRow:
    def text(key: str) -> str:
        return "" if r[key] is None else str(r[key])

    return DocumentRow(
        document=text("document"),
        short=text("short"),
        number=text("number"),
        title=text("title"),
        kind=text("kind"),
        level=text("level"),
        parts=counts.get("parts", 0),
        provisions=counts.get("provisions", 0),
        measures=counts.get("measures", 0),
        responsibilities=counts.get("responsibilities", 0),
        funding_commitments=counts.get("funding_commitments", 0),
        kind_zh=text("kind_zh"),
        level_zh=text("level_zh"),
    )
