"""The site being made: what every page reads (the views, given), the pages made so far, and
the helpers every kind of page shares (links, anchors, quotes, funding, office files)."""

from __future__ import annotations

import datetime as dt
import re
from html import escape
from pathlib import Path
from typing import Any

from policygraph.render.formats import Format
from policygraph.render.graph import serialize
from policygraph.render.site import reuse, state, svg, words
from policygraph.render.site.html import Page, Pending, render_html
from policygraph.render.site.paths import fragment, link, page_of
from policygraph.render.site.words import both, label
from policygraph.render.site.worker import Later, Worker
from policygraph.views import progress
from policygraph.views.site import Citation, Words
from policygraph.views.site_data import SiteData


class Site:
    """Everything the site shows, read once (:class:`SiteData`); then one page at a time."""

    def __init__(
        self,
        data: SiteData,
        base_url: str | None,
        as_of: dt.date,
        last: tuple[Path, state.SiteState] | None = None,
        worker: Worker | None = None,
    ) -> None:
        self.data, self.base_url = data, base_url
        self.last = last or (Path("."), state.SiteState())  # the last site, and its state
        self.sheets: dict[str, str] = {}  # office file -> its table's digest
        # what is made on another core while the pages are made (the caller's, started early)
        self.worker = worker if worker is not None else Worker()
        self.summary, self.quotes = data.summary, data.quotes
        self.quote_of = {q.node: q for q in self.quotes}
        self.facts_of = by_measure(self.quotes)  # the facts each measure quotes, read once
        self.with_text = {q.source for q in self.quotes}
        self.implementations, self.departments = data.implementations, data.departments
        self.targets = data.targets
        # the departments' network, undirected, and what each department's page shows of it
        # (reuse.neighbourhoods): made here when asked, unless the worker made it (folder._Early)
        self.neighbours: Later[tuple[Any, dict[str, bytes]]] = Later(
            None, reuse.neighbourhoods, (data.departments, data.said)
        )
        self.vocabulary = data.vocabulary  # the ontology's words, in both languages
        self.chinese_bases, self.funding = data.chinese_bases, data.funding
        self.dates_said, self.citations = data.dates_said, data.citations
        self.citing: dict[str, list[Citation]] = {}  # a document → the places it cites
        self.cited_by: dict[str, list[Citation]] = {}  # a document → the places citing it
        for c in self.citations:
            self.citing.setdefault(c.citing, []).append(c)
            self.cited_by.setdefault(c.cited, []).append(c)
        self.subjects = data.subjects
        self.term_names = {t.name for t in data.terms}  # the ontology's, by their local names
        self.page_iris: set[str] = set()  # the IRIs that have a page
        self.facts: dict[str, list[dict[str, Any]]] = {}  # a page's other nodes, by its path
        self.anchored: set[str] = set()  # nodes the page they are on anchors where it shows them
        self.text_of: dict[str, str] = {}  # a source text → the title of the document it holds
        self.funded: dict[str, list[str]] = {}
        self.names: dict[str, str] = {}  # a document → its number, else its title
        self.links_said: dict[Any, Words] = {}  # a link of a chain → its words
        self.inside: dict[str, list[str]] = {}
        self.empty = both(words.NONE)  # a value the graph does not give
        self.as_of = as_of  # progress is shown as of the day the site is built
        self.progress_of: dict[str, list[Any]] = {}  # department → its rows with a status
        self.pages: list[Page] = []
        self.index: list[dict[str, str]] = []
        self.examples: list[str] = []  # the queries the search suggests, filled once indexed
        self.known: set[str] = set()  # pages that exist: IRIs with a page
        self.bundles: reuse.Bundles | None = None  # documents' pages taken from the last site

    def href(self, from_page: str, iri: str, anchor: str = "") -> str:
        return link(from_page, page_of(iri), anchor)

    def quote_link(self, from_page: str, node: str) -> str:
        q = self.quote_of.get(node)
        return self.href(from_page, q.source, f"o{q.start}") if q else ""

    def turtle(self, iri: str) -> bytes:
        return serialize(self.data.description(iri), Format.ttl)

    def add(self, path: str, template: str, iri: str | None, **context: Any) -> Page:
        page = self.page(path, template, iri, **context)
        self.pages.append(page)
        return page

    def page(self, path: str, template: str, iri: str | None, **context: Any) -> Page:
        """A page, made and not yet among the site's (:meth:`add` adds it)."""
        extra: dict[str, bytes | Path | Pending] = {"data.ttl": self.turtle(iri)} if iri else {}
        context.setdefault("turtle", "data.ttl" if iri else None)
        context.setdefault("empty", self.empty)
        if iri:
            self.page_iris.add(iri)
            context.setdefault("facts", self.facts.setdefault(path, []))
        return Page(path, template, context, iri, extra=extra)

    def render_elsewhere(self, page: Page) -> None:
        """Have the worker render ``page`` while the pages after it are made (:mod:`.worker`):
        a long page whose context nothing changes once it is added."""
        args = (page.path, page.template, page.context, page.iri, self.base_url)
        page.html = self.worker.later(render_html, *args)

    def level(self, notation: str) -> Words:
        return label(self.vocabulary, "Levels", notation)

    def status_chart(self, counts: dict[str, int], late: int) -> str:
        """The bar chart of 完成状态, each status named in English beside its Chinese."""
        english = {name: label(self.vocabulary, "ProgressStatuses", name).en for name in counts}
        english[progress.NOT_REPORTED] = both(words.NOT_REPORTED).en
        return svg.status_bars(counts, late, {**english, "逾期": both(words.OVERDUE).en})

    def search_entry(
        self, kind: str, title: str, iri_or_path: str, text: str = "", names: str = ""
    ) -> None:
        """An entry of the search index: its kind (a key of ``words.SEARCH_KINDS``), title,
        page, whole text (never cut: a name at the end of a long measure is found) and, for a
        department, the other names it is written by (``、``-separated)."""
        path = iri_or_path if iri_or_path.endswith(".html") else page_of(iri_or_path)
        entry = {"k": kind, "t": title, "u": path}
        if text and text != title:
            entry["x"] = text
        if names:
            entry["a"] = names
        self.index.append(entry)

    def commitments(
        self, path: str, owner: str, measures: list[Any] | None = None
    ) -> list[dict[str, Any]]:
        """Each funding commitment once: the sentence that makes it, once, with every amount
        it commits (one sentence may commit two), the provision and the sentence in the source.
        ``owner``: a document (its provisions' commitments, ``measures`` giving their order and
        labels) or a provision, on whose page each amount is the anchor of its commitment."""
        labels = {str(m.iri): f"{m.label}{m.title}" for m in measures or []}
        found = set(self.funded.get(owner, [owner] if owner in self.funding else []))
        ordered = [k for k in labels if k in found] + sorted(found - labels.keys())
        out: list[dict[str, Any]] = []
        for provision in ordered:
            said: dict[str, dict[str, Any]] = {}
            for f in self.funding[provision]:
                entry = said.get(f.quote)
                if entry is None:
                    entry = said[f.quote] = {
                        "label": labels.get(provision, ""),
                        "href": self.href(path, provision),
                        "quote": f.quote,
                        "source": self.quote_link(path, f.node),
                        "amounts": [],
                    }
                    out.append(entry)
                anchor = fragment(owner, f.node) if provision == owner else ""
                if anchor:
                    self.anchored.add(f.node)
                kind = label(self.vocabulary, "AmountKinds", f.kind) if f.kind else None
                entry["amounts"].append({"amount": f.amount, "kind": kind, "id": anchor})
        return out

    def dates_of(self, path: str, iri: str) -> list[dict[str, Any]]:
        """The dates the sources give for a document, as each writes it, with its role, the
        document that says it, and the problem of one that cannot be read."""
        out = []
        for s in self.dates_said.get(iri, []):
            anchor = self.anchor(iri, s.node)
            out.append(
                {
                    "id": anchor,
                    "text": s.text,
                    "role": label(self.vocabulary, "DateRoles", s.role) if s.role else None,
                    "by": self.document_name(s.stated_by),
                    "by_href": self.href(path, s.stated_by) if s.stated_by in self.known else "",
                    "problem": s.problem,
                    "source": self.quote_link(path, s.node),
                }
            )
        return out

    def anchor(self, iri: str, node: str) -> str:
        """The anchor of ``node`` on the page of ``iri`` (noted as shown there), where ``node``
        is below ``iri``; "" otherwise."""
        if not node.startswith(iri + "/"):
            return ""
        self.anchored.add(node)
        return fragment(iri, node)

    def document_name(self, iri: str) -> str:
        if not self.names:
            self.names = {d.document: d.number or d.title for d in self.summary.documents}
        return self.names.get(iri, iri)

    def office(self, path: str, stem: str, sheet: Any) -> dict[str, bytes | Path | Pending]:
        """The page's table as xlsx, docx and csv beside it: each taken from the last site
        where it was made from the same table and is still as written, else made (xlsx and
        docx on another core, :mod:`.worker`)."""
        digest = state.sheet_digest(sheet)
        folder = path.rsplit("/", 1)[0] + "/" if "/" in path else ""
        old_site, old = self.last
        out: dict[str, bytes | Path | Pending] = {}
        for fmt in (Format.xlsx, Format.docx, Format.csv):
            name = f"{stem}.{fmt.value}"
            self.sheets[folder + name] = digest
            if old.sheets.get(folder + name) == digest and state.intact(
                old_site, old, folder + name
            ):
                out[name] = old_site / (folder + name)
            else:
                out[name] = self.worker.office(sheet, fmt)
        return out

    def has_text(self, source: str) -> bool:
        return source in self.with_text

    def in_order(self, iri: str) -> tuple[int, tuple[int, ...]]:
        """Document order: where the text quotes it, else by the numbers of its IRI."""
        q = self.quote_of.get(iri)
        return (q.start, ()) if q else (-1, order(iri))

    def names_of(self, path: str, names: list[Any], written: list[str]) -> list[dict[str, str]]:
        if names:
            return [
                {
                    "name": n.written,
                    "href": self.href(path, str(n.department)) if n.department else "",
                }
                for n in names
            ]
        return [{"name": w, "href": ""} for w in written]

    def highlighted(self, iri: str) -> str:
        """The measure's quoted text, the facts quoted inside it (names, amounts, deadlines)
        marked."""
        q = self.quote_of.get(iri)
        if q is None:
            return ""
        inner = sorted(
            (
                x
                for x in self.facts_of.get(iri, [])
                if x.source == q.source and q.start <= x.start and x.end <= q.end
            ),
            key=lambda x: (x.start, -x.end),
        )
        out, at = [], q.start
        for x in inner:
            if x.start < at or x.node.endswith("/table-row"):
                continue  # nested in a mark already, or a whole row
            out.append(escape(q.text[at - q.start : x.start - q.start]))
            out.append(f'<mark title="{escape(x.kind)}">{escape(x.text)}</mark>')
            at = x.end
        out.append(escape(q.text[at - q.start :]))
        return "".join(out)

    def is_page(self, iri: str) -> bool:
        q = self.quote_of.get(iri)
        return q is not None and q.kind == "Measure"


def under(iris: list[str], tops: set[str]) -> dict[str, list[str]]:
    """The IRIs below each of ``tops`` by their paths (the nearest top above each), in the
    order given: a document's provisions, found once for all documents."""
    out: dict[str, list[str]] = {}
    for iri in iris:
        head = iri
        while "/" in head and head not in tops:
            head = head.rsplit("/", 1)[0]
        if head in tops and head != iri:
            out.setdefault(head, []).append(iri)
    return out


def order(iri: str) -> tuple[int, ...]:
    """Document order of part-qualified IRIs: (part, item) or (item,)."""
    return tuple(int(x) for x in re.findall(r"/(?:part|measure)/(\d+)", iri))


def by_measure(quotes: list[Any]) -> dict[str, list[Any]]:
    """The quoted facts of each measure ({measure}/lead/1, {measure}/funding/2, …), by measure."""
    measures = {q.node for q in quotes if q.kind == "Measure"}
    out: dict[str, list[Any]] = {}
    for q in quotes:
        owner = q.node.rsplit("/", 1)[0]
        while owner and owner not in measures and "/" in owner:
            owner = owner.rsplit("/", 1)[0]
        if owner in measures:
            out.setdefault(owner, []).append(q)
    return out
