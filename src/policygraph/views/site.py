"""What the site shows that the other views do not: every quoted fact with its offsets, the
documents' implementation links, the text of each source, the ontology's controlled words in
Chinese and English, the Chinese basis of each implementation link, and the targets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rdflib import URIRef

from policygraph.store import Store
from policygraph.views.delta import texts
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
    """Every quote of the graph, one a node (of a class where it has one), in the order of the
    sources and their text. The rows are texts (:func:`.delta.texts`), read by their places in
    the row: a dictionary a row was a fifth of the time at 1,000 documents (50,000 quotes)."""
    found = texts(store, query("site-quotes"))
    at = [found.vars.index(v) for v in ("node", "class", "source", "file", "start", "end")]
    node_at, class_at, source_at, file_at, start_at, end_at = at
    quote_at = found.vars.index("quote")
    out = {}
    rows: list[tuple[Any, ...]] = found.rows  # texts: every variable bound but the class
    for r in rows:
        node = r[node_at]
        kind = (r[class_at] or "").rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        if node in out and not kind:
            continue
        start, end = int(r[start_at]), int(r[end_at])
        out[node] = Quote(node, kind, r[source_at], r[file_at], start, end, r[quote_at])
    return sorted(out.values(), key=lambda q: (q.source, q.start, -q.end))


def implementations(store: Store) -> list[Implementation]:
    """Every implementation of one document by another, in the order of the lower document's
    number (then of the documents' IRIs: the order is the same whether the rows were read whole
    or merged from kept ones, :mod:`.delta`)."""
    found = [
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
    return sorted(found, key=lambda i: (i.lower_number, i.lower, i.higher))


@dataclass(frozen=True)
class DocumentFacts:
    issuer: str | None
    issuer_name: str | None
    date: str | None
    source: str | None
    published: str | None = None


def document_facts(store: Store, doc: URIRef) -> DocumentFacts:
    rows = store.select(query("site-document"), {"doc": doc}).dicts()
    if not rows:
        return DocumentFacts(None, None, None, None, None)
    r = rows[0]

    def text(key: str) -> str | None:
        return None if r[key] is None else str(r[key])

    return DocumentFacts(
        text("issuer"), text("issuername"), text("date"), text("source"), text("published")
    )


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


@dataclass(frozen=True)
class Funding:
    """A funding commitment: its amount as written, the notation of its kind, its quote."""

    node: str
    provision: str
    amount: str
    kind: str
    quote: str


def funding(store: Store) -> dict[str, list[Funding]]:
    """Every funding commitment, by the provision it belongs to, in the graph's order."""
    out: dict[str, list[Funding]] = {}
    for r in _ordered(store.select(query("site-funding")).dicts(), "provision", "funding"):
        f = Funding(
            str(r["funding"]),
            str(r["provision"]),
            str(r["amount"] or ""),
            str(r["kind"] or ""),
            str(r["quote"] or ""),
        )
        out.setdefault(f.provision, []).append(f)
    return out


@dataclass(frozen=True)
class DateSaid:
    """A date a source gives for a document, as the source writes it."""

    node: str
    document: str
    text: str
    role: str  # the notation of its role: signed, issued, published, …
    stated_by: str
    problem: Words | None  # where the date cannot be read as written


def dates(store: Store) -> dict[str, list[DateSaid]]:
    """The dates the sources give, by the document they are about."""
    out: dict[str, list[DateSaid]] = {}
    for r in _ordered(store.select(query("site-dates")).dicts(), "document", "statement"):
        problem = None
        if r["problemzh"] is not None or r["problemen"] is not None:
            problem = Words(str(r["problemzh"] or r["problemen"]), str(r["problemen"] or ""))
        said = DateSaid(
            str(r["statement"]),
            str(r["document"]),
            str(r["text"]),
            str(r["role"] or ""),
            str(r["stater"] or ""),
            problem,
        )
        out.setdefault(said.document, []).append(said)
    return out


@dataclass(frozen=True)
class Citation:
    """A place where a source names another document."""

    node: str
    citing: str
    cited: str
    quote: str
    title: str  # of the cited document
    number: str  # its 文号, where known
    kind: str  # the English label of its kind, where known
    stub: bool  # the cited document is not held: known only because it is cited


def citations(store: Store) -> list[Citation]:
    return [
        Citation(
            str(r["citation"]),
            str(r["citing"]),
            str(r["cited"]),
            str(r["quote"] or ""),
            str(r["title"] or ""),
            str(r["number"] or ""),
            str(r["kind"] or ""),
            str(r["stub"]) == "true",
        )
        for r in _ordered(
            store.select(query("site-citations")).dicts(), "cited", "citing", "citation"
        )
    ]


def _ordered(rows: list[dict[str, Any]], *names: str) -> list[dict[str, Any]]:
    """The rows in the order of their query's ORDER BY (IRIs, by their text), whatever order
    they come in (``views.delta`` gives them in one of its own); rows alike there keep theirs."""
    return sorted(rows, key=lambda r: tuple(str(r[n]) for n in names))


def subjects(store: Store) -> dict[str, tuple[str, Words]]:
    """Every node under the graph's base (the ontology's terms aside): the local name of its
    class and the class's label in both languages (of the first class, in the order of their
    IRIs, that has a Chinese label; the local name where none has). The labels are read apart,
    once a class (:func:`class_labels`), and joined here: what a class gives its nodes made
    once a class (made for each of 60,000 nodes, two thirds of the time at 1,000 documents)."""
    labels = class_labels(store)
    out: dict[str, tuple[str, Words]] = {}
    made: dict[str, tuple[list[tuple[str, Words] | None], tuple[str, Words]]] = {}
    found: list[tuple[Any, ...]] = texts(store, query("site-subjects")).rows  # texts, bound
    for node, class_term in sorted(found):
        said = made.get(class_term)
        if said is None:
            local = class_term.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
            each = labels.get(class_term, [(None, None)])
            named = [(local, Words(zh, en or zh)) if zh is not None else None for zh, en in each]
            said = made[class_term] = (named, (local, Words(local, local)))
        for one in said[0]:  # a Chinese label of the class, or None
            if one is not None and (node not in out or out[node][1].zh == out[node][0]):
                out[node] = one
            elif node not in out:
                out[node] = said[1]
    return out


def class_labels(store: Store) -> dict[str, list[tuple[str | None, str | None]]]:
    """Each class's Chinese and English labels, as the rows a join with both would give: every
    Chinese label with every English one (in the order of the labels), or one row without a
    Chinese label where the class has none."""
    zh: dict[str, set[str]] = {}
    en: dict[str, set[str]] = {}
    for c, z, e in store.select(query("site-class-labels")).rows:
        zh.setdefault(str(c), set()).update([str(z)] if z is not None else [])
        en.setdefault(str(c), set()).update([str(e)] if e is not None else [])
    out: dict[str, list[tuple[str | None, str | None]]] = {}
    for name, said in zh.items():
        english: list[str | None] = [*sorted(en[name])] or [None]
        out[name] = [(z, e) for z in sorted(said) for e in english] or [(None, None)]
    return out


@dataclass(frozen=True)
class CitedDocument:
    """A document the corpus does not hold, known only because a source cites it."""

    document: str
    number: str
    title: str
    kind: str


def cited_documents(found: list[Citation]) -> list[CitedDocument]:
    """The stubs among the documents cited, each once, in the order of their IRIs."""
    out = {c.cited: CitedDocument(c.cited, c.number, c.title, c.kind) for c in found if c.stub}
    return [out[k] for k in sorted(out)]


@dataclass(frozen=True)
class Figure:
    """A figure reported for an indicator (a ``qb:Observation``)."""

    figure: str
    year: str
    value: str
    unit: str
    stated_by: str  # the document that states it ("" where the graph names none)
    quote: str


@dataclass(frozen=True)
class Indicator:
    """An indicator targets are set for and figures reported on, with its figures by year."""

    indicator: str
    words: Words
    figures: tuple[Figure, ...]


def indicators(store: Store) -> list[Indicator]:
    """Every indicator with the figures reported for it, in the order of their IRIs."""
    words: dict[str, Words] = {}
    figures: dict[str, dict[str, Figure]] = {}
    for r in store.select(query("site-indicators")).dicts():
        iri = str(r["indicator"])
        words.setdefault(iri, Words(str(r["zh"]), str(r["en"] or r["zh"])))
        found = figures.setdefault(iri, {})
        if r["figure"] is not None and str(r["figure"]) not in found:
            found[str(r["figure"])] = Figure(
                str(r["figure"]),
                str(r["year"]),
                str(r["value"]),
                str(r["unit"]),
                str(r["by"] or ""),
                str(r["quote"] or ""),
            )
    return [Indicator(i, words[i], tuple(figures[i].values())) for i in sorted(words)]


# The kinds of the ontology's terms, by the types that make them one (the first that fits wins).
TERM_KINDS = (
    ("class", ("http://www.w3.org/2002/07/owl#Class",)),
    ("property", ("Property",)),
    ("scheme", ("http://www.w3.org/2004/02/skos/core#ConceptScheme",)),
    ("ontology", ("http://www.w3.org/2002/07/owl#Ontology",)),
)


@dataclass(frozen=True)
class Term:
    """A term of the ontology: a class, a property, a concept scheme or a concept (a value of
    one: a level, a kind, a status, …; any other typed term is one too)."""

    term: str
    name: str  # its local name, the anchor on the ontology's page
    kind: str  # a key of TERM_KINDS, or "concept"
    words: Words  # its label in both languages (its name where it has none in a language)
    comment: str


def terms(store: Store) -> list[Term]:
    """Every term of the ontology, in the order of their IRIs."""
    rows: dict[str, list[dict[str, Any]]] = {}
    for r in store.select(query("site-terms")).dicts():
        rows.setdefault(str(r["term"]), []).append(r)
    out = []
    for iri, found in sorted(rows.items()):
        name = iri.rsplit("#", 1)[-1]
        types = [str(r["type"]) for r in found]
        kind = next(
            (k for k, marks in TERM_KINDS if any(t.endswith(marks) for t in types)), "concept"
        )
        zh = next((str(r["zh"]) for r in found if r["zh"] is not None), "")
        en = next((str(r["en"]) for r in found if r["en"] is not None), "")
        comment = next((str(r["comment"]) for r in found if r["comment"] is not None), "")
        # the Chinese the ontology gives, else the term's name (never its English as Chinese)
        out.append(Term(iri, name, kind, Words(zh or name, en or zh or name), comment))
    return out
