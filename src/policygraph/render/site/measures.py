"""The page of each measure: its text with the facts it quotes marked, who leads and by when,
funding, targets, and its implementation chain drawn as a tree."""

from __future__ import annotations

from typing import Any

from policygraph.render.site import words
from policygraph.render.site.base import Site, order
from policygraph.render.site.html import json_ld
from policygraph.render.site.paths import page_of
from policygraph.render.site.words import both, date, label
from policygraph.views.site import Words


def measure(site: Site, m: Any, doc: Any, table: Any) -> None:
    iri = str(m.iri)
    path = page_of(iri)
    row = next((r for r in table.rows if r.measure == m.iri), None) if table else None
    found = site.data.chain(m.iri)
    node = found.nodes[m.iri]
    site.add(
        path,
        "measure.html",
        iri,
        title=f"{node.label}{node.title}",
        document={"label": doc.label, "href": site.href(path, str(doc.iri))},
        node=node,
        text=site.highlighted(iri),
        text_link=site.quote_link(path, iri),
        lead=site.names_of(path, row.lead if row else [], node.lead),
        co_lead=site.names_of(path, row.co_lead if row else [], node.co_lead),
        responsible=site.names_of(path, row.responsible if row else [], node.responsible),
        deadlines=[x.written for x in row.deadlines] if row else [],
        funding=site.commitments(path, iri),
        chain=_chain(site, path, found),
        stated=found.stated,
        reports=[{**r, "date": date(r["date"])} for r in node.reports],
        targets=[words.target(site.vocabulary, t) for t in site.targets.get(iri, [])],
        jsonld=json_ld(
            iri,
            ["eli:LegalResourceSubdivision"],
            **{
                "eli:title": node.title,
                "schema:name": node.title,
                "eli:is_part_of": str(doc.iri),
            },
        ),
    )
    quoted = site.quote_of.get(iri)
    site.search_entry(
        "measure", f"{doc.label} {node.label}{node.title}", iri, quoted.text if quoted else ""
    )


def _chain(site: Site, path: str, found: Any) -> list[dict[str, Any]]:
    """The chain as a tree, as the CLI's ``chain`` draws it: from the top (national) down
    to the city articles, each node under the provision it implements, with the link's
    kind, confidence and basis. A node met again (it implements two provisions) is shown
    again without what is under it (drawn once already); a node the tree does not reach
    from a top (a cycle) is a top of its own: none is left out."""
    kids: dict[Any, list[tuple[Any, Any]]] = {}
    for lk in found.links:
        kids.setdefault(lk.higher, []).append((lk, found.nodes[lk.lower]))
    for pairs in kids.values():
        pairs.sort(key=lambda kn: (kn[1].rank, kn[1].document, order(str(kn[1].iri))))
    drawn: set[Any] = set()

    def node(n: Any, via: Any) -> dict[str, Any]:
        again = n.iri in drawn
        drawn.add(n.iri)
        return {
            "focus": n.iri == found.focus,
            "level": site.level(n.level),
            "document": n.document,
            "label": n.label,
            "title": n.title,
            "href": site.href(path, str(n.iri)),
            "via": _via(site, via) if via is not None else None,
            "again": again and bool(kids.get(n.iri)),
            "children": [] if again else [node(c, lk) for lk, c in kids.get(n.iri, [])],
        }

    tops = [node(n, None) for n in found.roots()]
    for n in sorted(found.nodes.values(), key=lambda n: (n.rank, n.document, str(n.iri))):
        if n.iri not in drawn:
            tops.append(node(n, None))
    return tops


def _via(site: Site, lk: Any) -> Words:
    """A link of the chain: its kind, confidence and basis (the curators' Chinese where
    they wrote one; the basis as written otherwise). Said once per link: every page of a
    chain shows all its links."""
    said = site.links_said.get(lk)
    if said is None:
        said = site.links_said[lk] = _link_words(site, lk)
    return said


def _link_words(site: Site, lk: Any) -> Words:
    basis = site.chinese_bases.get((str(lk.lower), str(lk.higher)), lk.basis)
    return both(
        words.CONFIDENCE,
        kind=label(site.vocabulary, "LinkKinds", lk.kind),
        confidence=lk.confidence,
        basis=Words(basis, lk.basis),
    )
