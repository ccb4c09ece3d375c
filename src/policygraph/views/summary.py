"""The summary of the graph that `policygraph build` prints: documents and totals."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

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


_TOTALS = ("documents", "provisions", "departments", "responsibilities", "funding_commitments")


@dataclass(frozen=True)
class Summary:
    documents: list[DocumentRow]
    totals: dict[str, int]


def summarize(store: Store) -> Summary:
    documents = [_document(r) for r in store.select(query("document-summary")).dicts()]
    totals_rows = store.select(query("corpus-totals"))
    first = totals_rows.dicts()[0] if totals_rows.rows else {}
    totals = {k: int(str(first.get(k) or 0)) for k in _TOTALS}
    return Summary(documents, totals)


def _document(r: Mapping[str, object]) -> DocumentRow:
    def text(key: str) -> str:
        return "" if r[key] is None else str(r[key])

    def count(key: str) -> int:
        return int(text(key) or 0)

    return DocumentRow(
        document=text("document"),
        short=text("short"),
        number=text("number"),
        title=text("title"),
        kind=text("kind"),
        level=text("level"),
        parts=count("parts"),
        provisions=count("provisions"),
        measures=count("measures"),
        responsibilities=count("responsibilities"),
        funding_commitments=count("funding_commitments"),
    )
