"""The pages of the site, made from the views (:class:`~policygraph.views.site_data.SiteData`):
home, documents, measures, departments, sources, checks, search; one module per kind of page."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from policygraph.render.site import checks, departments, documents, others, search, terms
from policygraph.render.site.base import Site, under
from policygraph.render.site.html import SiteResult, render_pages
from policygraph.render.site.worker import Later
from policygraph.views.site import cited_documents


def write(
    site: Site,
    root: Path,
    in_place: bool = False,
    before: Callable[[list[str]], None] | None = None,
) -> SiteResult:
    """Make every page of ``site`` and write the site under ``root`` (``in_place``: over the
    last site there, only the files that differ; ``before``: told every file's name before
    any is written; see :func:`.html.render_pages`). The office files, the list of departments
    and the search index are made on another core meanwhile (:mod:`.worker`; the departments'
    network before, while the views were read), its worker stopped when the site is written or
    fails."""
    with site.worker:
        upto, early = _make(site)
        taken = site.bundles.taken if site.bundles is not None else {}
        # while the pages are rendered; the entries of the documents' pages made already
        index = site.worker.later(search.shards, site.index, (upto, early.result()))

        def announce(names: list[str]) -> None:
            if before is not None:
                before(names + [f"static/{name}" for name in index.result()])

        result = render_pages(site.pages, root, site.base_url, taken, in_place, announce)
        shards = index.result()
    result.taken = site.bundles.pages if site.bundles is not None else 0
    result.pages += result.taken
    result.made += search.write_index(shards, root, in_place)
    return result


def _make(site: Site) -> tuple[int, Later[search.Part]]:
    """Every page of the site, made (not written); the number of search entries of the
    documents' pages, and what the search index makes of them (:func:`.search.part`), being
    made on the site's worker while the other pages are."""
    every_department = departments.department_list(site)  # rendered meanwhile, on the worker
    held_documents = [d for d in site.summary.documents if d.short]
    cited = cited_documents(site.citations)
    site.known = {d.document for d in held_documents} | {d.document for d in cited}
    site.known |= {d.department for d in site.departments}
    held = {d.document for d in held_documents}
    site.funded = under(list(site.funding), held)  # a document → its provisions with funding
    inside = [n for n, (local, _) in site.subjects.items() if local in ("Part", "GeneralProvision")]
    site.inside = under(inside, held)  # a document → its parts and general provisions
    for d in held_documents:
        if site.bundles is None or not site.bundles.take(d):
            start = (len(site.pages), len(site.index))
            said = documents.document(site, d)
            if site.bundles is not None:
                site.bundles.made(d, start, said)
    for c in cited:
        documents.cited(site, c)
    upto = len(site.index)  # (entries are only added after these)
    early = site.worker.later(search.part, site.index[:upto])
    others.home(site, held_documents, cited)
    departments.department_pages(site, every_department)
    others.source_pages(site)
    checks.checks_page(site)
    search.search_page(site)
    site.examples[:] = search.suggested(site)
    terms.indicator_pages(site)
    terms.figures_page(site)
    terms.ontology_page(site)
    others.place_facts(site)
    return upto, early
