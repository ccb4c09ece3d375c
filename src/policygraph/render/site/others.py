"""The home page, the pages of the source texts, and the anchors of every other node of the
graph on the page above it."""

from __future__ import annotations

import bisect
from html import escape
from typing import Any

from rdflib import URIRef

from policygraph.render.site import svg, terms
from policygraph.render.site.base import Site
from policygraph.render.site.paths import address, link, page_of
from policygraph.render.site.words import label


def home(site: Site, documents: list[Any], cited: list[Any]) -> None:
    nodes = [
        {
            "iri": d.document,
            "label": d.number or d.short,
            "level": d.level,
            "href": link("index.html", page_of(d.document)),
        }
        for d in documents
    ]
    edges = [(i.lower, i.higher) for i in site.implementations]
    linked = {iri for edge in edges for iri in edge}
    nodes = [n for n, d in zip(nodes, documents, strict=True) if d.measures or n["iri"] in linked]
    rows = [
        {
            **d.__dict__,
            "level": site.level(d.level),
            "href": link("index.html", page_of(d.document)),
        }
        for d in documents
    ]
    site.add(
        "index.html",
        "home.html",
        None,
        title="政策条款知识图谱",
        examples=site.examples,
        diagram=svg.chain_diagram(nodes, edges),
        totals=site.summary.totals,
        held=len(documents),
        documents=rows,
        cited=[
            {
                "number": d.number,
                "title": d.title or d.number,
                "href": link("index.html", page_of(d.document)),
                "kind": label(site.vocabulary, "DocumentKinds", d.kind) if d.kind else None,
                "times": len(site.cited_by.get(d.document, [])),
            }
            for d in cited
        ],
    )


def source_pages(site: Site) -> None:
    """The page of each source text, taken from the last site where its key is unchanged
    (:meth:`.reuse.Bundles.source_key`): its text is then not even read."""
    by_source: dict[str, list[Any]] = {}
    for q in site.quotes:
        by_source.setdefault(q.source, []).append(q)
    sources, bundles = site.data.source_files(), site.bundles
    said = site.data.source_statements() if bundles is not None else {}
    for source in sources:
        iri = str(source.iri)
        quoted = by_source.get(iri, [])
        key = bundles.source_key(source, quoted, _described(iri, said)) if bundles else ""
        if bundles is not None and bundles.take_source(iri, key):
            continue
        start = (len(site.pages), len(site.index))
        _source_page(site, source, site.data.text(source), quoted)
        if bundles is not None:
            bundles.made_source(iri, key, start)


def _described(iri: str, said: dict[str, list[tuple[Any, Any]]]) -> bytes:
    """The triples of the page's Turtle (``said``: each source's predicates and objects, read
    for all at once), each once, sorted, as N-Triples: what its Turtle is made from (the same
    triples always give the same Turtle), without writing it (1,000 sources: ~10 s) or reading
    each source's alone (3.6 s)."""
    subject = URIRef(iri).n3()
    lines = sorted({f"{subject} {p.n3()} {o.n3()} .\n" for p, o in said.get(iri, [])})
    return "".join(lines).encode("utf-8")


def _source_page(site: Site, source: Any, text: str, quoted: list[Any]) -> None:
    iri = str(source.iri)
    site.add(
        page_of(iri),
        "source.html",
        iri,
        title=source.file_name,
        name=source.file_name,
        file=source.file_name,
        sha=source.sha256,
        text=_anchored(text, quoted),
    )
    title = site.text_of.get(iri, "")
    site.search_entry(
        "source", title or source.file_name, iri, f"{source.file_name} {_unindexed(text, quoted)}"
    )


def place_facts(site: Site) -> None:
    """Every node of the graph a user can meet dereferences: one without a page of its own
    is an anchor on the page of the node above it (:func:`paths.address`), listed there
    with its kind and its quote unless that page already shows it under that anchor. Only
    on the pages made now: a page taken from the last site (:mod:`.reuse`) shows the facts it
    was made with, and nothing reads the list of a page not made (after one new document,
    two thirds of the time went to the links of facts no page showed)."""
    made = {page.path for page in site.pages}
    for node in _on_pages(site, made):
        local, kind = site.subjects[node]
        where = address(node, site.page_iris)
        if where is None or not where[1] or node in site.anchored or where[0] not in made:
            continue
        path, anchor = where
        q = site.quote_of.get(node)
        site.facts.setdefault(path, []).append(
            {
                "id": anchor,
                "kind": kind,
                "kind_href": terms.term_link(
                    site, path, local
                ),  # its class, on the ontology's page
                "quote": q.text if q else "",
                "source": site.quote_link(path, node),
            }
        )


def _on_pages(site: Site, made: set[str]) -> list[str]:
    """The nodes that may have an address on the pages ``made``, in order: those whose IRI
    begins with the IRI of such a page (an address is on the page of an IRI the node's begins
    with). Each sorted node looked at once made 60,000 addresses after one new document."""
    nodes = sorted(site.subjects)
    hosts = [iri for iri in site.page_iris if page_of(iri) in made]
    found: set[int] = set()
    for host in hosts:
        at = bisect.bisect_left(nodes, host)
        while at < len(nodes) and nodes[at].startswith(host):
            found.add(at)
            at += 1
    return [nodes[at] for at in sorted(found)]


def _unindexed(text: str, quotes: list[Any]) -> str:
    """What the search finds of a source under the source itself: its text outside the
    measures, which the search finds on their own pages (the index holds each text once)."""
    out, at = [], 0
    for q in sorted((q for q in quotes if q.kind == "Measure"), key=lambda q: q.start):
        if q.start > at:
            out.append(text[at : q.start])
        at = max(at, q.end)
    out.append(text[at:])
    return " ".join(part.strip() for part in out if part.strip())


def _anchored(text: str, quotes: list[Any]) -> str:
    """The source text as HTML, with an anchor at the start of every quote (``#o{start}``) and
    the outermost quotes as targets that highlight when linked."""
    marks: dict[int, list[str]] = {}
    ends: dict[int, int] = {}
    last_end = -1
    for q in sorted(quotes, key=lambda q: (q.start, -q.end)):
        if q.start >= last_end and q.end > q.start:
            marks.setdefault(q.start, []).append(f'<span id="o{q.start}" class="q">')
            ends[q.end] = ends.get(q.end, 0) + 1
            last_end = q.end
        elif f'id="o{q.start}"' not in "".join(marks.get(q.start, [])):
            marks.setdefault(q.start, []).append(f'<a id="o{q.start}"></a>')
    out = []
    for i, ch in enumerate(text):
        out.append("</span>" * ends.get(i, 0))
        out.extend(marks.get(i, []))
        out.append(escape(ch))
    out.append("</span>" * ends.get(len(text), 0))
    return "".join(out)
