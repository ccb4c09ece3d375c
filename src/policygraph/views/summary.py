"""The summary of the graph that `policygraph build` prints: documents and totals."""

from __future__ import annotations

from dataclasses import dataclass

from policygraph.store import Store
from policygraph.store.results import Rows
from policygraph.views.internal import query


@dataclass(frozen=True)
class Summary:
    documents: Rows
    totals: dict[str, int]


def summarize(store: Store) -> Summary:
    documents = store.select(query("document-summary"))
    totals_rows = store.select(query("corpus-totals"))
    totals = {k: int(str(v or 0)) for k, v in totals_rows.dicts()[0].items()}
    return Summary(documents, totals)
