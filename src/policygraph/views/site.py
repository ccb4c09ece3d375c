"""What the site shows that the other views do not: every quoted fact with its offsets, the
documents' implementation links, and the text of each source."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import URIRef

from policygraph.store import Store
from policygraph.views.internal import query


@dataclass(frozen=True)
class Quote:
    node: str
    kind: str  # the local name of its class: Measure, Responsibility, Deadline, …
    source: str
    file: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Implementation:
    lower: str
    lower_number: str
    higher: str
    higher_number: str
    kind: str
    quote: str


def quotes(store: Store) -> list[Quote]:
    out = {}
    for r in store.select(query("site-quotes")).dicts():
        node = str(r["node"])
        kind = str(r["class"] or "").rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        if node in out and not kind:
            continue
        out[node] = Quote(
            node,
            kind,
            str(r["source"]),
            str(r["file"]),
            int(str(r["start"])),
            int(str(r["end"])),
            str(r["quote"]),
        )
    return sorted(out.values(), key=lambda q: (q.source, q.start, -q.end))


def implementations(store: Store) -> list[Implementation]:
    return [
        Implementation(
            str(r["lower"]),
            str(r["lowernumber"] or ""),
            str(r["higher"]),
            str(r["highernumber"] or ""),
            str(r["kind"]),
            str(r["quote"] or ""),
        )
        for r in store.select(query("document-implementation")).dicts()
        if isinstance(r["lower"], URIRef)
    ]


@dataclass(frozen=True)
class DocumentFacts:
    issuer: str | None
    issuer_name: str | None
    date: str | None
    source: str | None


def document_facts(store: Store, doc: URIRef) -> DocumentFacts:
    rows = store.select(query("site-document"), {"doc": doc}).dicts()
    if not rows:
        return DocumentFacts(None, None, None, None)
    r = rows[0]

    def text(key: str) -> str | None:
        return None if r[key] is None else str(r[key])

    return DocumentFacts(text("issuer"), text("issuername"), text("date"), text("source"))


def targets(store: Store) -> dict[str, list[str]]:
    """Each measure's targets against the latest reported figure, in words, by measure."""
    out: dict[str, list[str]] = {}
    for r in store.select(query("targets")).dicts():
        said = f"{r['indicator']} {r['comparison']} {r['value']}{r['unit']} ({r['year']})"
        if r["figure"] is not None:
            met = "已达到" if str(r["met"]) == "true" else "尚未达到"
            said += f"：{r['source']} 报告 {r['figureyear']} 年 {r['figure']}{r['unit']}，{met}"
        out.setdefault(str(r["measure"]), []).append(said)
    return out
