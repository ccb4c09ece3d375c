"""The pages of the graph's vocabulary: each indicator (its targets, the figures reported for
it), the figures reported (each an anchor), and the ontology (each of its terms an anchor)."""

from __future__ import annotations

from typing import Any

from policygraph.rdf.namespaces import BASE
from policygraph.render.site import words
from policygraph.render.site.base import Site
from policygraph.render.site.html import json_ld
from policygraph.render.site.paths import fragment, link, page_of
from policygraph.views.site import Figure, Indicator, Term

FIGURES = BASE + "figure"  # the page of every figure reported
ONTOLOGY = BASE + "ontology"  # the ontology's IRI: its page holds every term as an anchor


def indicator_pages(site: Site) -> None:
    """A page for each indicator: the targets set for it and the figures reported for it."""
    for ind in site.data.indicators:
        path = page_of(ind.indicator)
        targets = [
            {"said": words.target(site.vocabulary, t), "href": site.href(path, measure)}
            for measure, found in sorted(site.targets.items())
            for t in found
            if t.indicator.zh == ind.words.zh
        ]
        site.add(
            path,
            "indicator.html",
            ind.indicator,
            title=ind.words.zh,
            name=ind.words,
            targets=targets,
            figures=[_figure(site, path, ind, f) for f in ind.figures],
            jsonld=json_ld(ind.indicator, ["pg:Indicator"], **{"schema:name": ind.words.zh}),
        )


def figures_page(site: Site) -> None:
    """Every figure reported, each an anchor (``figure/…`` dereferences here)."""
    path = page_of(FIGURES)
    rows = []
    for ind in site.data.indicators:
        for f in ind.figures:
            site.anchored.add(f.figure)
            rows.append(_figure(site, path, ind, f))
    site.add(path, "figures.html", None, title="报告数据", figures=rows, anchors=True)
    site.page_iris.add(FIGURES)


def _figure(site: Site, path: str, ind: Indicator, f: Figure) -> dict[str, Any]:
    return {
        "id": fragment(FIGURES, f.figure),
        "href": link(path, page_of(FIGURES), fragment(FIGURES, f.figure)),
        "indicator": ind.words,
        "indicator_href": site.href(path, ind.indicator),
        "year": f.year,
        "value": f"{f.value}{f.unit}",
        "by": site.document_name(f.stated_by) if f.stated_by else "",
        "by_href": site.href(path, f.stated_by) if f.stated_by in site.known else "",
        "quote": f.quote,
    }


def ontology_page(site: Site) -> None:
    """The ontology: every term, by kind, each an anchor named by its local name."""
    path = page_of(ONTOLOGY)
    kinds = words.term_kinds()
    groups: dict[str, list[Term]] = {kind: [] for kind in kinds}
    for term in site.data.terms:
        groups.get(term.kind, groups["concept"]).append(term)
    site.add(
        path,
        "ontology.html",
        ONTOLOGY,
        title="本体",
        groups=[(kinds[kind], found) for kind, found in groups.items() if found],
        jsonld=json_ld(ONTOLOGY, ["owl:Ontology"], **{"schema:name": "policygraph ontology"}),
    )


def term_link(site: Site, from_page: str, name: str) -> str:
    """A link to a term of the ontology, by its local name ("" where it is none of its terms)."""
    return link(from_page, page_of(ONTOLOGY), name) if name in site.term_names else ""
