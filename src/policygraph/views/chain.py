"""Implementation chains: from a national measure down to the city articles and back up.

The chain of a measure is everything linked to it by provision-level implementation links, going
up or down, so the same chain comes back from any of its members. Each node carries its
departments and what the responses reported about it; each link its basis and confidence. Where
a measure has no provision-level link upward, the chain falls back on the document-level
implementation its document states.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from rdflib import Literal, URIRef

from policygraph.errors import InputError
from policygraph.i18n import N_
from policygraph.store import Store
from policygraph.views.internal import query
from policygraph.views.links import bigrams


@dataclass
class Node:
    iri: URIRef
    document: str
    level: str
    rank: int
    label: str
    title: str
    lead: list[str] = field(default_factory=list)
    co_lead: list[str] = field(default_factory=list)
    responsible: list[str] = field(default_factory=list)
    reports: list[dict[str, str]] = field(default_factory=list)
    document_iri: URIRef | None = None
    level_zh: str = ""  # the ontology's Chinese name of the level (国家级, 省级, 市级)


@dataclass(frozen=True)
class Link:
    lower: URIRef
    higher: URIRef
    kind: str
    basis: str
    confidence: str
    agent: str
    basis_zh: str = ""  # the basis in Chinese, where a curator gave one


@dataclass
class Chain:
    focus: URIRef
    nodes: dict[URIRef, Node]
    links: list[Link]
    stated: list[dict[str, str]]  # document-level implementation the documents state

    def roots(self) -> list[Node]:
        """The top of the chain: provisions that implement nothing in it."""
        lowers = {lk.lower for lk in self.links}
        tops = [n for n in self.nodes.values() if n.iri not in lowers]
        return sorted(tops, key=lambda n: (n.rank, n.document, _num(n)))

    def children(self, iri: URIRef) -> list[tuple[Link, Node]]:
        kids = [(lk, self.nodes[lk.lower]) for lk in self.links if lk.higher == iri]
        return sorted(kids, key=lambda kn: (kn[1].rank, kn[1].document, _num(kn[1])))

    def as_json(self) -> dict[str, Any]:
        return {
            "focus": str(self.focus),
            "nodes": [
                _node_json(n)
                for n in sorted(self.nodes.values(), key=lambda n: (n.rank, n.document, _num(n)))
            ],
            "links": [
                {
                    "lower": str(lk.lower),
                    "higher": str(lk.higher),
                    "kind": lk.kind,
                    "basis": lk.basis,
                    "confidence": lk.confidence,
                    "proposed_by": lk.agent,
                }
                for lk in self.links
            ],
            "document_level": self.stated,
        }


def _num(n: Node) -> tuple[int, ...]:
    """Document order: (part, item) for part-qualified IRIs, (item,) otherwise."""
    return tuple(int(x) for x in re.findall(r"/(?:part|measure)/(\d+)", str(n.iri)))


def _node_json(n: Node) -> dict[str, Any]:
    return {
        "iri": str(n.iri),
        "document": n.document,
        "level": n.level,
        "label": n.label,
        "title": n.title,
        "lead": n.lead,
        "co_lead": n.co_lead,
        "responsible": n.responsible,
        "reports": n.reports,
    }


def find_measures(store: Store, ref: str) -> list[URIRef]:
    """Measures for ``ref``: an IRI, ``short:number`` (gx:11), or words of a title (best first).

    No match raises InputError with the closest titles.
    """
    ref = unicodedata.normalize("NFKC", ref.strip())
    m = re.fullmatch(r"(?P<doc>[^:：]+)[:：](?:(?P<part>\d+)\.)?(?P<num>\d+)", ref)
    if m:  # a document and a number: asked for directly (listing every measure takes seconds)
        bound = {"ref": Literal(m.group("doc")), "number": Literal(int(m.group("num")))}
        rows = store.select(query("measure-numbered"), bound).dicts()
    else:
        rows = store.select(query("measure-search")).dicts()
    if ref.startswith("http://") or ref.startswith("https://"):
        hits = [r["measure"] for r in rows if str(r["measure"]) == ref]
        if hits:
            return hits  # type: ignore[return-value]
        raise InputError(N_("no measure {ref}"), code="measure-not-found", ref=ref)
    if m:
        doc, num, part = m.group("doc"), int(m.group("num")), m.group("part")
        hits = [
            r["measure"]
            for r in rows
            if doc in (str(r["short"]), str(r["docnumber"]))
            and int(str(r["number"])) == num
            and (part is None or f"/part/{part}/measure/" in str(r["measure"]))
        ]
        if hits:
            return hits  # type: ignore[return-value]
        raise InputError(
            N_("no measure {number} in document {document}"),
            code="measure-number-not-found",
            number=f"{part}.{num}" if part else str(num),
            document=repr(doc),
        )
    words = "".join(ref.split())
    exact = [r for r in rows if words in "".join(str(r["title"]).split())]
    wanted = bigrams(words)

    def similarity(r: dict[str, Any]) -> float:
        have = bigrams(str(r["title"]))
        shared = sum((wanted & have).values())
        return shared / max(1, sum(wanted.values()) + sum(have.values()) - shared)

    if exact:
        exact.sort(key=lambda r: (-similarity(r), str(r["short"]), int(str(r["number"]))))
        return [r["measure"] for r in exact]  # type: ignore[misc]
    close = sorted(rows, key=lambda r: -similarity(r))[:3]
    hint = "；".join(f"{r['short']}:{r['number']} {r['title']}" for r in close if similarity(r) > 0)
    if hint:
        template = N_("no measure title contains {ref}; closest: {closest}")
    else:
        template = N_("no measure title contains {ref}")
    raise InputError(template, code="measure-title-not-found", ref=repr(ref), closest=hint)


def chains(store: Store, measures: list[URIRef]) -> list[Chain]:
    """The chain of each measure, best match first, each distinct chain once."""
    out: list[Chain] = []
    for m in measures:
        if not any(m in c.nodes for c in out):
            out.append(chain(store, m))
    return out


class Components:
    """The links of every chain, read in two queries: the ``eli:applies`` statements, whose
    classes (the relation taken in either direction) are the chains, and every link, grouped by
    the class of its lower end: what ``measure-chain`` returns for any one measure."""

    def __init__(self, store: Store) -> None:
        self.parent: dict[URIRef, URIRef] = {}
        for lower, higher in store.select(query("applies-pairs")).rows:
            self.parent[self.find(lower)] = self.find(higher)  # type: ignore[arg-type]
        self.links: dict[URIRef, list[Link]] = {}
        rows = store.select(query("implementation-links")).dicts()
        rows.sort(key=lambda r: (str(r["lower"]), str(r["higher"])))  # read whole or merged
        for r in rows:
            self.links.setdefault(self.find(r["lower"]), []).append(_link(r))  # type: ignore[arg-type]

    def find(self, iri: URIRef) -> URIRef:
        """The representative of ``iri``'s class (itself when nothing applies it or is applied)."""
        root = iri
        while self.parent.get(root, root) != root:
            root = self.parent[root]
        while iri != root:  # every step on the way now points at the root
            self.parent[iri], iri = root, self.parent[iri]
        return root

    def of(self, measure: URIRef) -> list[Link]:
        return list(self.links.get(self.find(measure), []))


@dataclass
class Cache:
    """What many chains share, read once: each provision's card, the document-level links and
    the links of every chain. The site builds the chain of every measure; at scale a chain is
    a whole component."""

    nodes: dict[URIRef, Node] = field(default_factory=dict)
    implementation: list[dict[str, Any]] | None = None
    components: Components | None = None


def _link(r: dict[str, Any]) -> Link:
    return Link(
        r["lower"],
        r["higher"],
        str(r["kind"]),
        str(r["basis"] or ""),
        str(r["confidence"] or ""),
        str(r["agent"] or "").rsplit("#", 1)[-1],
        str(r.get("basiszh") or ""),
    )


def chain(store: Store, measure: URIRef, cache: Cache | None = None) -> Chain:
    """The chain through ``measure``: one query, or none with a ``cache`` (which reads the
    links of every chain the first time)."""
    if cache is None:
        rows = store.select(query("measure-chain"), {"measure": measure}).dicts()
        links = [_link(r) for r in rows]
        cache = Cache()
    else:
        if cache.components is None:
            cache.components = Components(store)
        links = cache.components.of(measure)
    members = {measure} | {lk.lower for lk in links} | {lk.higher for lk in links}
    cache.nodes.update(_nodes(store, sorted(members - cache.nodes.keys())))
    nodes = {iri: cache.nodes[iri] for iri in members}
    docs = {n.document_iri for n in nodes.values() if n.document_iri is not None}
    if cache.implementation is None:
        cache.implementation = implementation_rows(store)
    return Chain(measure, nodes, links, _stated_upward(cache.implementation, docs))


def implementation_rows(store: Store) -> list[dict[str, Any]]:
    """The rows of ``document-implementation``, in the order of the lower document's number,
    then of the IRIs (the same whether read whole or merged from kept rows)."""
    rows = store.select(query("document-implementation")).dicts()
    rows.sort(key=lambda r: (str(r["lowernumber"] or ""), str(r["lower"]), str(r["higher"])))
    return rows


def _stated_upward(rows: list[dict[str, Any]], docs: set[URIRef]) -> list[dict[str, str]]:
    """The document-level implementation the documents of a chain state, followed up to the
    top: a city document that implements a regional one that implements a national one gives
    both steps, each with its quote, even where no provision-level link exists."""
    stated: list[dict[str, str]] = []
    seen: set[tuple[object, object]] = set()
    frontier = set(docs)
    while frontier:
        reached = set()
        for r in rows:
            if r["lower"] in frontier and (r["lower"], r["higher"]) not in seen:
                seen.add((r["lower"], r["higher"]))
                stated.append(
                    {
                        "lower": str(r["lowernumber"] or r["lower"]),
                        "higher": str(r["highernumber"] or r["higher"]),
                        "kind": str(r["kind"]),
                        "quote": str(r["quote"] or ""),
                    }
                )
                if isinstance(r["higher"], URIRef):
                    reached.add(r["higher"])
        frontier = reached - docs
        docs |= reached
    return stated


# Provisions bound in one query at most: Virtuoso 7.2 refuses a VALUES block of ~5,000 IRIs
# ("Too many arguments for standard built-in function"; 4,000 pass), met by `chain` on a
# national chain at 10^7 triples.
BATCH = 1000


def _nodes(store: Store, iris: list[URIRef]) -> dict[URIRef, Node]:
    """The cards of ``iris`` in three queries per thousand, whatever their number (a chain at
    scale is a whole component: a query per node took minutes)."""
    nodes: dict[URIRef, Node] = {}
    for start in range(0, len(iris), BATCH):
        _cards(store, iris[start : start + BATCH], nodes)
    return nodes


def _cards(store: Store, iris: list[URIRef], nodes: dict[URIRef, Node]) -> None:
    bound = {"measure": tuple(iris)}
    for r in store.select(query("measure-card"), bound).dicts():
        iri = URIRef(str(r["measure"]))
        nodes.setdefault(iri, _card(iri, r))
    missing = [iri for iri in iris if iri not in nodes]
    if missing:
        raise InputError(
            N_("{measure} is not a provision of a policy document"),
            code="not-a-provision",
            measure=str(missing[0]),
        )
    for r in store.select(query("measure-roles"), bound).dicts():
        node = nodes[URIRef(str(r["measure"]))]
        {"lead": node.lead, "co-lead": node.co_lead, "responsible": node.responsible}[
            str(r["role"])
        ].append(str(r["written"]))
    for r in store.select(query("measure-reports"), bound).dicts():
        nodes[URIRef(str(r["measure"]))].reports.append(
            {
                "response": str(r["title"] or r["response"]),
                "kind": str(r["kind"] or ""),
                "date": str(r["date"] or ""),
                "quote": str(r["quote"]),
            }
        )


def _card(iri: URIRef, row: dict[str, Any]) -> Node:
    return Node(
        iri=iri,
        document=str(row["docnumber"] or row["short"] or row["document"]),
        level=str(row["level"]),
        rank=int(str(row["rank"])),
        label=str(row["label"]),
        title=str(row["title"]),
        document_iri=URIRef(str(row["document"])),
        level_zh=str(row.get("levelzh") or ""),
    )
