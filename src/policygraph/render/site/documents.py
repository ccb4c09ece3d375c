"""The pages of the documents: each held document (its facts, task table, provisions,
funding, citations, progress; its office files), its parts and general provisions, and the stub
page of each document the sources cite but the corpus does not hold."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from policygraph.render.sheets import measure_sheet
from policygraph.render.site import measures, svg, words
from policygraph.render.site.base import Site
from policygraph.render.site.html import Pending, json_ld
from policygraph.render.site.paths import page_of
from policygraph.render.site.words import date, joined, label


def document(site: Site, d: Any) -> dict[str, Any]:
    """Make the pages of a held document; return what the next site needs of them
    (:func:`_kept`)."""
    path = page_of(d.document)
    found = site.data.document(d.document)
    doc, facts, provisions, table = found.doc, found.facts, found.measures, found.table
    text_of = {facts.source: f"{d.number} {d.title}".strip()} if facts.source else {}
    site.text_of.update(text_of)
    for m in provisions:
        measures.measure(site, m, doc, table)
    page = site.add(
        path,
        "document.html",
        d.document,
        title=d.title,
        doc=d,
        issuer={"name": facts.issuer_name, "href": site.href(path, facts.issuer)}
        if facts.issuer and facts.issuer in site.known
        else None,
        date=date(facts.date),
        published=date(facts.published),
        said=site.dates_of(path, d.document),
        level_kind=joined(site.level(d.level), label(site.vocabulary, "DocumentKinds", d.kind)),
        source=site.href(path, facts.source)
        if facts.source and site.has_text(facts.source)
        else None,
        **_implementation(site, path, d.document),
        tasks=[_task_row(site, path, r, table) for r in table.rows] if table else [],
        has_responsible=bool(table and any(r.responsible for r in table.rows)),
        measures=[
            {"label": m.label, "title": m.title, "href": site.href(path, str(m.iri))}
            for m in provisions
        ],
        funding=site.commitments(path, d.document, provisions),
        citations=_citations(site, path, d.document),
        general=_provision_pages(site, path, doc),
        progress=_progress(site, path, doc, table) if table else None,
        targets=[
            words.target(site.vocabulary, t)
            for m, ts in sorted(site.targets.items())
            if m.startswith(d.document + "/")
            for t in ts
        ],
        jsonld=json_ld(
            d.document,
            ["eli:LegalResource", "schema:Legislation"],
            **{
                "eli:title": d.title,
                "schema:name": d.title,
                "eli:id_local": d.number,
                "schema:legislationIdentifier": d.number,
                "eli:date_document": facts.date,
            },
        ),
    )
    if table is not None:
        page.extra.update(_downloads(site, path, table))
    site.search_entry("document", f"{d.number} {d.title}".strip(), d.document)
    return _kept(facts, table, page.context["progress"] is not None, text_of)


def _kept(facts: Any, table: Any, supervised: bool, text_of: dict[str, str]) -> dict[str, Any]:
    """What the rest of the site and the next one need of a document's pages
    (:mod:`.reuse`): the departments they name, whether the document is under supervision,
    the title of its source text."""
    rows = table.rows if table else []
    named = {str(n.department) for r in rows for n in (*r.lead, *r.co_lead, *r.responsible)}
    named = (named - {"None"}) | ({facts.issuer} if facts.issuer else set())
    return {"departments": sorted(named), "supervised": supervised, "text_of": text_of}


def _implementation(site: Site, path: str, iri: str) -> dict[str, list[dict[str, str]]]:
    return {
        "implements": [
            {
                "number": i.higher_number or i.higher,
                "href": site.href(path, i.higher),
                "quote": i.quote,
            }
            for i in site.implementations
            if i.lower == iri
        ],
        "implemented_by": [
            {"number": i.lower_number or i.lower, "href": site.href(path, i.lower)}
            for i in site.implementations
            if i.higher == iri
        ],
    }


def _citations(site: Site, path: str, iri: str) -> list[dict[str, Any]]:
    """What a document's text cites: each place, anchored on its page, with the document
    cited (its page, held or not)."""
    out = []
    for c in site.citing.get(iri, []):
        anchor = site.anchor(iri, c.node)
        out.append(
            {
                "id": anchor,
                "quote": c.quote,
                "cited": c.number or c.title or c.cited,
                "href": site.href(path, c.cited) if c.cited in site.known else "",
                "held": not c.stub,
                "source": site.quote_link(path, c.node),
            }
        )
    return out


def _progress(site: Site, path: str, doc: Any, table: Any) -> dict[str, Any] | None:
    """The latest status of each task and department, where any department has reported
    (supervision has started); None otherwise."""
    found = site.data.progress(doc, table, site.as_of)
    if found is None:
        return None
    rows = found.rows
    shown = []
    for r in rows:
        entry = {
            "number": r.form.number,
            "label": r.form.label,  # 条目, as the source writes it
            "task": r.form.task,
            "href": site.href(path, str(r.form.measure)),
            "department": r.name,
            "department_href": site.href(path, str(r.department)),
            "role": r.form.role,
            "deadline": r.form.deadline,
            "status": r.status,
            "progress": r.latest.progress if r.latest else "",  # 进展情况, as written
            "received": date(r.latest.received) if r.latest else None,
            "overdue": r.overdue,
            "notes": words.notes(r.notes),
            "document": doc.label,
        }
        shown.append(entry)
        site.progress_of.setdefault(str(r.department), []).append(entry)
    counts = {name: sum(1 for r in rows if r.status == name) for name in svg.STATUS_COLOURS}
    late = sum(1 for r in rows if r.overdue)
    return {
        "as_of": date(site.as_of),
        "rows": shown,
        "chart": site.status_chart(counts, late),
        "silent": found.silent,
    }


def _downloads(site: Site, path: str, table: Any) -> dict[str, bytes | Path | Pending]:
    return site.office(path, "任务分工表", measure_sheet(table))


def _task_row(site: Site, path: str, r: Any, table: Any) -> dict[str, Any]:
    return {
        "number": r.number,
        "label": r.label,  # 条目, as the source writes it
        "title": r.title,
        "href": site.href(path, str(r.measure)),
        "lead": table.show(r.lead),
        "co_lead": table.show(r.co_lead),
        "responsible": table.show(r.responsible),
        "deadline": [x.written for x in r.deadlines],
    }


def _provision_pages(site: Site, path: str, doc: Any) -> list[dict[str, Any]]:
    """A page for each part and general provision (指导思想, 基本原则, 发展目标, …) of a
    document: its text and the document it belongs to. The parts and general provisions,
    in document order, for the document's structure."""
    found = [(node, site.subjects[node][1]) for node in site.inside.get(str(doc.iri), [])]
    out = []
    for node, kind in sorted(found, key=lambda nk: site.in_order(nk[0])):
        card = site.data.card(node)
        title = f"{card.label}{card.title}" if card else node.rsplit("/", 1)[-1]
        here = page_of(node)
        site.add(
            here,
            "provision.html",
            node,
            title=title,
            kind=kind,
            document={"label": doc.label, "href": site.href(here, str(doc.iri))},
            text=site.highlighted(node),
            text_link=site.quote_link(here, node),
            funding=site.commitments(here, node),
        )
        out.append({"kind": kind, "title": title, "href": site.href(path, node)})
        site.search_entry(
            "part" if node.rsplit("/", 2)[-2] == "part" else "provision",
            f"{doc.label} {title}",
            node,
            site.quote_of[node].text if node in site.quote_of else "",
        )
    return out


def cited(site: Site, d: Any) -> None:
    """The page of a document the corpus does not hold, known only because sources cite
    it: that its text is not held, and what cites it (each place, in the source)."""
    path = page_of(d.document)
    cited_by = [
        {
            "citing": site.document_name(c.citing),
            "href": site.href(path, c.citing) if c.citing in site.known else "",
            "quote": c.quote,
            "source": site.quote_link(path, c.node),
        }
        for c in site.cited_by.get(d.document, [])
    ]
    site.add(
        path,
        "cited.html",
        d.document,
        title=d.title or d.number or d.document,
        doc=d,
        kind=label(site.vocabulary, "DocumentKinds", d.kind) if d.kind else None,
        cited_by=cited_by,
        said=site.dates_of(path, d.document),
        jsonld=json_ld(
            d.document,
            ["eli:LegalResource", "schema:Legislation"],
            **{"eli:title": d.title, "eli:id_local": d.number},
        ),
    )
    site.search_entry("cited", f"{d.number} {d.title}".strip(), d.document)
