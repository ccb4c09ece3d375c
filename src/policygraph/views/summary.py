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
    kind_zh: str = ""  # the kind's and the level's Chinese labels (the ontology's @zh)
    level_zh: str = ""


_TOTALS = ("documents", "provisions", "departments", "responsibilities", "funding_commitments")


@dataclass(frozen=True)
class Summary:
    documents: list[DocumentRow]
    totals: dict[str, int]


def summarize(store: Store) -> Summary:
    """The documents with their counts (two queries: the documents, then every count of every
    document; document-summary.rq gives the same rows in one, much more slowly at scale)."""
    counts: dict[str, dict[str, int]] = {}
    for r in store.select(query("document-counts")).dicts():
        counts.setdefault(str(r["document"]), {})[str(r["what"])] = int(str(r["n"]))
    documents = [
        _document(r, counts.get(str(r["document"]), {}))
        for r in store.select(query("document-headers")).dicts()
    ]
    totals_rows = store.select(query("corpus-totals"))
    first = totals_rows.dicts()[0] if totals_rows.rows else {}
    totals = {k: int(str(first.get(k) or 0)) for k in _TOTALS}
    return Summary(documents, totals)


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
