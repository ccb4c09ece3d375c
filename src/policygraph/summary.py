"""The summary of the graph that `policygraph build` prints: documents and totals."""

from __future__ import annotations

from dataclasses import dataclass

from policygraph import query
from policygraph.paths import Home
from policygraph.store import Rows, Store


@dataclass(frozen=True)
class Summary:
    documents: Rows
    totals: dict[str, int]


def summarize(home: Home, store: Store) -> Summary:
    documents = store.select(query.load(home, "document-summary").text)
    totals_rows = store.select(query.load(home, "corpus-totals").text)
    totals = {k: int(str(v or 0)) for k, v in totals_rows.dicts()[0].items()}
    return Summary(documents, totals)
