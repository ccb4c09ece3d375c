"""The pages of the departments: each one's tasks in every document, its neighbours in the
collaboration network, its progress; and the list of departments."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from policygraph.rdf.roles import ROLE_ZH
from policygraph.render.sheets import assignment_sheet
from policygraph.render.site import svg
from policygraph.render.site.base import Site
from policygraph.render.site.html import Page, Pending, json_ld
from policygraph.render.site.paths import link, page_of
from policygraph.render.site.words import date


def department_list(site: Site) -> Page:
    """The list of every department (``org/index.html``), rendered on the site's worker while
    the pages before it are made (0.5 s to render at 1,000 documents): what it shows is known
    once the views are read. :func:`department_pages` adds it to the site, after theirs."""
    rows = [
        {
            **d.__dict__,
            "name": d.official,
            "level": site.level(d.level),
            "href": link("org/index.html", page_of(d.department)),
        }
        for d in site.departments
    ]
    every = site.page("org/index.html", "departments.html", None, title="部门", departments=rows)
    site.render_elsewhere(every)
    return every


def department_pages(site: Site, every: Page | None = None) -> None:
    """The page of each department, then the list of them (``every``, made already by
    :func:`department_list`, or made now)."""
    hrefs_root = {d.department: page_of(d.department) for d in site.departments}
    # the network undirected, once (per department it was quadratic), and what each page
    # shows of it, encoded for its key: made on the worker (reuse.neighbourhoods)
    undirected, shown = site.neighbours.result()
    for d in site.departments:
        path = page_of(d.department)
        seen = shown[d.department]
        bundles = site.bundles
        if bundles is None or not bundles.take_department(d.department, seen):
            start = len(site.pages)
            near = [*undirected.neighbors(d.department)] if d.department in undirected else []
            _department(site, d, path, near, hrefs_root, undirected)
            if bundles is not None:
                bundles.made_department(d.department, seen, start)
        site.search_entry("department", d.official, d.department, names=d.names)
    site.pages.append(every if every is not None else department_list(site))


def _department(
    site: Site, d: Any, path: str, near: list[Any], hrefs_root: dict[str, str], undirected: Any
) -> None:
    """The page of one department, and its office files."""
    found = site.data.department_tasks(d.department)
    # Links to the departments the diagram draws only: to all of them from every page
    # was 1,380² relative paths at 10^5 triples (a quarter of the site's time).
    hrefs = {n: link(path, hrefs_root[n]) for n in [d.department, *near] if n in hrefs_root}
    site.add(
        path,
        "department.html",
        d.department,
        title=d.official,
        name=d.official,
        aliases=d.names,
        level=site.level(d.level),
        leads=d.leads,
        co_leads=d.co_leads,
        responsible=d.responsible,
        assignments=[
            {**a.__dict__, "role": ROLE_ZH[a.role], "href": site.href(path, a.measure)}
            for a in found.assignments
        ],
        network=svg.neighbourhood(undirected, d.department, hrefs),
        progress=_department_progress(site, d.department),
        jsonld=json_ld(
            d.department,
            ["schema:GovernmentOrganization"],
            **{
                "schema:name": d.official,
                "schema:alternateName": d.names.split("、") if d.names else [],
            },
        ),
    )
    site.pages[-1].extra.update(_department_downloads(site, path, found))


def _department_progress(site: Site, department: str) -> dict[str, Any] | None:
    """This department's rows on the documents under supervision, with a chart."""
    rows = site.progress_of.get(department)
    if not rows:
        return None
    counts = {name: sum(1 for r in rows if r["status"] == name) for name in svg.STATUS_COLOURS}
    late = sum(1 for r in rows if r["overdue"])
    return {
        "as_of": date(site.as_of),
        "rows": rows,
        "chart": site.status_chart(counts, late),
    }


def _department_downloads(site: Site, path: str, found: Any) -> dict[str, bytes | Path | Pending]:
    return site.office(path, "任务清单", assignment_sheet(found))
