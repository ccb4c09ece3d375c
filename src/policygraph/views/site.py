"""What the site shows that the other views do not: every quoted fact with its offsets, the
documents' implementation links, the text of each source, the ontology's controlled words in
Chinese and English, the Chinese basis of each implementation link, and the targets."""

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


@dataclass(frozen=True)
class Words:
    """A word or a sentence in the two languages of the site."""

    zh: str
    en: str


def vocabulary(store: Store) -> dict[str, Words]:
    """The ontology's controlled words (levels, kinds of document and of link, roles, statuses,
    …) in Chinese and English, by ``Scheme:key``, the key being the concept's notation, its
    English label or its Chinese label: ``Levels:region``, ``DocumentKinds:measures``."""
    out: dict[str, Words] = {}
    for r in store.select(query("site-vocabulary")).dicts():
        scheme = str(r["scheme"]).rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        words = Words(str(r["zh"]), str(r["en"] or r["zh"]))
        for key in (r["notation"], r["en"], r["zh"]):
            if key is not None:
                out.setdefault(f"{scheme}:{key}", words)
    return out


def chinese_bases(store: Store) -> dict[tuple[str, str], str]:
    """The Chinese basis (``pg:basis`` in ``@zh``) of each implementation link that has one, by
    its lower and higher end."""
    return {
        (str(r["lower"]), str(r["higher"])): str(r["basis"])
        for r in store.select(query("site-link-basis")).dicts()
    }


@dataclass(frozen=True)
class Target:
    """A target a measure sets, with the latest figure reported for it (if any)."""

    indicator: Words
    comparison: str  # ">" or ">="
    value: str
    unit: str
    year: str
    figure: str | None = None
    figure_year: str = ""
    source: str = ""
    met: bool = False


def targets(store: Store) -> dict[str, list[Target]]:
    """Each measure's targets against the latest reported figure, by measure."""
    out: dict[str, list[Target]] = {}
    for r in store.select(query("targets")).dicts():
        indicator = Words(str(r["indicator"]), str(r["indicatoren"] or r["indicator"]))
        figure = None if r["figure"] is None else str(r["figure"])
        out.setdefault(str(r["measure"]), []).append(
            Target(
                indicator,
                str(r["comparison"]),
                str(r["value"]),
                str(r["unit"]),
                str(r["year"]),
                figure,
                str(r["figureyear"] or ""),
                str(r["source"] or ""),
                str(r["met"]) == "true",
            )
        )
    return out
