"""The pages of the site, from the views: home, documents, measures, departments, sources,
checks, search."""

from __future__ import annotations

import datetime as dt
import json
import re
from html import escape
from pathlib import Path
from typing import Any

from rdflib import URIRef

from policygraph.corpus import Corpus, source_files
from policygraph.errors import InputError
from policygraph.rdf.roles import ROLE_ZH
from policygraph.render.site import Page, SiteResult, json_ld, render_pages, state, svg, words
from policygraph.render.site.paths import address, fragment, link, page_of
from policygraph.render.site.words import both, date, joined, label
from policygraph.store import open_store
from policygraph.views import chain, network, progress, site, tasks
from policygraph.views.links import provisions
from policygraph.views.summary import summarize

EXAMPLES = ("科技厅", "研发", "上市")  # what the search suggests, where the corpus has it
SEVERITY_ZH = {"Violation": "违反约束", "Warning": "警告", "Info": "提示"}


class SitePages:
    """Everything the site shows, read once; then one page at a time."""

    def __init__(
        self,
        corpus: Corpus,
        base_url: str | None,
        as_of: dt.date,
        last: tuple[Path, state.SiteState] | None = None,
    ) -> None:
        self.corpus, self.base_url = corpus, base_url
        self.last = last or (Path("."), state.SiteState())  # the last site, and its state
        self.sheets: dict[str, str] = {}  # office file -> its table's digest
        self.store = open_store(corpus, endpoint="")
        self.summary = summarize(self.store)
        self.quotes = site.quotes(self.store)
        self.quote_of = {q.node: q for q in self.quotes}
        self.facts_of = _by_measure(self.quotes)  # the facts each measure quotes, read once
        self.with_text = {q.source for q in self.quotes}
        self.implementations = site.implementations(self.store)
        self.departments = network.departments(self.store)
        self.network = network.collaboration_network(self.store, self.departments)
        self.chains = chain.Cache()
        self.targets = site.targets(self.store)
        self.vocabulary = site.vocabulary(self.store)  # the ontology's words, in both languages
        self.chinese_bases = site.chinese_bases(self.store)
        self.funding = site.funding(self.store)
        self.dates_said = site.dates(self.store)
        self.citations = site.citations(self.store)
        self.citing: dict[str, list[site.Citation]] = {}  # a document → the places it cites
        self.cited_by: dict[str, list[site.Citation]] = {}  # a document → the places citing it
        for c in self.citations:
            self.citing.setdefault(c.citing, []).append(c)
            self.cited_by.setdefault(c.cited, []).append(c)
        self.subjects = site.subjects(self.store)
        self.page_iris: set[str] = set()  # the IRIs that have a page
        self.facts: dict[str, list[dict[str, Any]]] = {}  # a page's other nodes, by its path
        self.anchored: set[str] = set()  # nodes the page they are on anchors where it shows them
        self.text_of: dict[str, str] = {}  # a source text → the title of the document it holds
        self.funded: dict[str, list[str]] = {}
        self.names: dict[str, str] = {}  # a document → its number, else its title
        self.links_said: dict[Any, site.Words] = {}  # a link of a chain → its words
        self.inside: dict[str, list[str]] = {}
        self.empty = both(words.NONE)  # a value the graph does not give
        self.as_of = as_of  # progress is shown as of the day the site is built
        self.progress_of: dict[str, list[Any]] = {}  # department → its rows with a status
        self.pages: list[Page] = []
        self.index: list[dict[str, str]] = []
        self.examples: list[str] = []  # the queries the search suggests, filled once indexed
        self.known: set[str] = set()  # pages that exist: IRIs with a page

    def write(self, root: Path) -> SiteResult:
        documents = [d for d in self.summary.documents if d.short]
        cited = site.cited_documents(self.citations)
        self.known = {d.document for d in documents} | {d.document for d in cited}
        self.known |= {d.department for d in self.departments}
        held = {d.document for d in documents}
        self.funded = _under(list(self.funding), held)  # a document → its provisions with funding
        inside = [
            n for n, (local, _) in self.subjects.items() if local in ("Part", "GeneralProvision")
        ]
        self.inside = _under(inside, held)  # a document → its parts and general provisions
        for d in documents:
            self.document(d)
        for c in cited:
            self.cited(c)
        self.home(documents, cited)
        self.department_pages()
        self.source_pages()
        self.checks_page()
        self.search_page()
        self.examples[:] = self.suggested()
        self.place_facts()
        result = render_pages(self.pages, root, self.base_url)
        (root / "static" / "search-index.js").write_text(self.search_index(), encoding="utf-8")
        return result

    # --- helpers -------------------------------------------------------------------------

    def href(self, from_page: str, iri: str, anchor: str = "") -> str:
        return link(from_page, page_of(iri), anchor)

    def quote_link(self, from_page: str, node: str) -> str:
        q = self.quote_of.get(node)
        return self.href(from_page, q.source, f"o{q.start}") if q else ""

    def turtle(self, iri: str) -> bytes:
        from policygraph.render.formats import Format
        from policygraph.render.graph import serialize

        text = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
        answer = self.store.query(text, {"s": URIRef(iri)})
        return serialize(answer, Format.ttl)

    def add(self, path: str, template: str, iri: str | None, **context: Any) -> Page:
        extra: dict[str, bytes | Path] = {"data.ttl": self.turtle(iri)} if iri else {}
        context.setdefault("turtle", "data.ttl" if iri else None)
        context.setdefault("empty", self.empty)
        if iri:
            self.page_iris.add(iri)
            context.setdefault("facts", self.facts.setdefault(path, []))
        page = Page(path, template, context, iri, extra=extra)
        self.pages.append(page)
        return page

    def level(self, notation: str) -> site.Words:
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

    def search_index(self) -> str:
        """The search index as one script (works from file://): the entries, and the words of
        their kinds in both languages."""
        kinds = {k: [w.zh, w.en] for k, w in words.search_kinds().items()}
        data = json.dumps(self.index, ensure_ascii=False, separators=(",", ":"))
        said = json.dumps(kinds, ensure_ascii=False, separators=(",", ":"))
        return f"window.PG_INDEX = {data};\nwindow.PG_KINDS = {said};\n"

    # --- home and documents ----------------------------------------------------------------

    def home(self, documents: list[Any], cited: list[Any]) -> None:
        nodes = [
            {
                "iri": d.document,
                "label": d.number or d.short,
                "level": d.level,
                "href": link("index.html", page_of(d.document)),
            }
            for d in documents
        ]
        edges = [(i.lower, i.higher) for i in self.implementations]
        linked = {iri for edge in edges for iri in edge}
        nodes = [
            n for n, d in zip(nodes, documents, strict=True) if d.measures or n["iri"] in linked
        ]
        rows = [
            {
                **d.__dict__,
                "level": self.level(d.level),
                "href": link("index.html", page_of(d.document)),
            }
            for d in documents
        ]
        self.add(
            "index.html",
            "home.html",
            None,
            title="政策条款知识图谱",
            examples=self.examples,
            diagram=svg.chain_diagram(nodes, edges),
            totals=self.summary.totals,
            held=len(documents),
            documents=rows,
            cited=[
                {
                    "number": d.number,
                    "title": d.title or d.number,
                    "href": link("index.html", page_of(d.document)),
                    "kind": label(self.vocabulary, "DocumentKinds", d.kind) if d.kind else None,
                    "times": len(self.cited_by.get(d.document, [])),
                }
                for d in cited
            ],
        )

    def document(self, d: Any) -> None:
        path = page_of(d.document)
        doc = tasks.find_document(self.store, d.document)
        facts = site.document_facts(self.store, URIRef(d.document))
        measures = provisions(self.store, doc)
        if facts.source:
            self.text_of[facts.source] = f"{d.number} {d.title}".strip()
        table = self._task_table(doc)
        for m in measures:
            self.measure(m, doc, table)
        page = self.add(
            path,
            "document.html",
            d.document,
            title=d.title,
            doc=d,
            issuer={"name": facts.issuer_name, "href": self.href(path, facts.issuer)}
            if facts.issuer and facts.issuer in self.known
            else None,
            date=date(facts.date),
            published=date(facts.published),
            said=self._dates_said(path, d.document),
            level_kind=joined(self.level(d.level), label(self.vocabulary, "DocumentKinds", d.kind)),
            source=self.href(path, facts.source)
            if facts.source and self._has_text(facts.source)
            else None,
            **self._implementation(path, d.document),
            tasks=[self._task_row(path, r, table) for r in table.rows] if table else [],
            has_responsible=bool(table and any(r.responsible for r in table.rows)),
            measures=[
                {"label": m.label, "title": m.title, "href": self.href(path, str(m.iri))}
                for m in measures
            ],
            funding=self._funding(path, d.document, measures),
            citations=self._citations(path, d.document),
            general=self._provision_pages(path, doc),
            progress=self._progress(path, doc, table) if table else None,
            targets=[
                words.target(self.vocabulary, t)
                for m, ts in sorted(self.targets.items())
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
            page.extra.update(self._downloads(path, table))
        self.search_entry("document", f"{d.number} {d.title}".strip(), d.document)

    def _implementation(self, path: str, iri: str) -> dict[str, list[dict[str, str]]]:
        return {
            "implements": [
                {
                    "number": i.higher_number or i.higher,
                    "href": self.href(path, i.higher),
                    "quote": i.quote,
                }
                for i in self.implementations
                if i.lower == iri
            ],
            "implemented_by": [
                {"number": i.lower_number or i.lower, "href": self.href(path, i.lower)}
                for i in self.implementations
                if i.higher == iri
            ],
        }

    def _funding(
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

    def _dates_said(self, path: str, iri: str) -> list[dict[str, Any]]:
        """The dates the sources give for a document, as each writes it, with its role, the
        document that says it, and the problem of one that cannot be read."""
        out = []
        for s in self.dates_said.get(iri, []):
            anchor = self._anchor(iri, s.node)
            out.append(
                {
                    "id": anchor,
                    "text": s.text,
                    "role": label(self.vocabulary, "DateRoles", s.role) if s.role else None,
                    "by": self._document_name(s.stated_by),
                    "by_href": self.href(path, s.stated_by) if s.stated_by in self.known else "",
                    "problem": s.problem,
                    "source": self.quote_link(path, s.node),
                }
            )
        return out

    def _anchor(self, iri: str, node: str) -> str:
        """The anchor of ``node`` on the page of ``iri`` (noted as shown there), where ``node``
        is below ``iri``; "" otherwise."""
        if not node.startswith(iri + "/"):
            return ""
        self.anchored.add(node)
        return fragment(iri, node)

    def _document_name(self, iri: str) -> str:
        if not self.names:
            self.names = {d.document: d.number or d.title for d in self.summary.documents}
        return self.names.get(iri, iri)

    def _citations(self, path: str, iri: str) -> list[dict[str, Any]]:
        """What a document's text cites: each place, anchored on its page, with the document
        cited (its page, held or not)."""
        out = []
        for c in self.citing.get(iri, []):
            anchor = self._anchor(iri, c.node)
            out.append(
                {
                    "id": anchor,
                    "quote": c.quote,
                    "cited": c.number or c.title or c.cited,
                    "href": self.href(path, c.cited) if c.cited in self.known else "",
                    "held": not c.stub,
                    "source": self.quote_link(path, c.node),
                }
            )
        return out

    def _task_table(self, doc: Any) -> Any:
        try:
            return tasks.task_table(self.store, doc)
        except InputError:
            return None  # a document that assigns no department has no task table

    def _progress(self, path: str, doc: Any, table: Any) -> dict[str, Any] | None:
        """The latest status of each task and department, where any department has reported
        (supervision has started); None otherwise."""
        found = progress.reports(self.store, doc)
        if not found:
            return None
        issued = progress.issued_on(self.store, doc)
        rows = progress.progress(
            self.store, doc, self.as_of, None, issued, tasks=table, found=found
        )
        shown = []
        for r in rows:
            entry = {
                "number": r.form.number,
                "label": r.form.label,  # 条目, as the source writes it
                "task": r.form.task,
                "href": self.href(path, str(r.form.measure)),
                "department": r.name,
                "department_href": self.href(path, str(r.department)),
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
            self.progress_of.setdefault(str(r.department), []).append(entry)
        counts = {name: sum(1 for r in rows if r.status == name) for name in svg.STATUS_COLOURS}
        late = sum(1 for r in rows if r.overdue)
        return {
            "as_of": date(self.as_of),
            "rows": shown,
            "chart": self.status_chart(counts, late),
            "silent": [d.name for d in progress.by_department(rows) if not d.reported],
        }

    def _downloads(self, path: str, table: Any) -> dict[str, bytes | Path]:
        from policygraph.render.sheets import measure_sheet

        return self._office(path, "任务分工表", measure_sheet(table))

    def _office(self, path: str, stem: str, sheet: Any) -> dict[str, bytes | Path]:
        """The page's table as xlsx, docx and csv beside it: each taken from the last site
        where it was made from the same table and is still as written."""
        from policygraph.render import render_sheet
        from policygraph.render.formats import Format

        digest = state.sheet_digest(sheet)
        folder = path.rsplit("/", 1)[0] + "/" if "/" in path else ""
        old_site, old = self.last
        out: dict[str, bytes | Path] = {}
        for fmt in (Format.xlsx, Format.docx, Format.csv):
            name = f"{stem}.{fmt.value}"
            self.sheets[folder + name] = digest
            if old.sheets.get(folder + name) == digest and state.intact(
                old_site, old, folder + name
            ):
                out[name] = old_site / (folder + name)
            else:
                out[name] = render_sheet(sheet, fmt)
        return out

    def _task_row(self, path: str, r: Any, table: Any) -> dict[str, Any]:
        return {
            "number": r.number,
            "label": r.label,  # 条目, as the source writes it
            "title": r.title,
            "href": self.href(path, str(r.measure)),
            "lead": table.show(r.lead),
            "co_lead": table.show(r.co_lead),
            "responsible": table.show(r.responsible),
            "deadline": [x.written for x in r.deadlines],
        }

    def _has_text(self, source: str) -> bool:
        return source in self.with_text

    # --- measures ----------------------------------------------------------------------------

    def measure(self, m: Any, doc: Any, table: Any) -> None:
        iri = str(m.iri)
        path = page_of(iri)
        row = next((r for r in table.rows if r.measure == m.iri), None) if table else None
        found = chain.chain(self.store, m.iri, self.chains)
        node = found.nodes[m.iri]
        self.add(
            path,
            "measure.html",
            iri,
            title=f"{node.label}{node.title}",
            document={"label": doc.label, "href": self.href(path, str(doc.iri))},
            node=node,
            text=self._highlighted(iri),
            text_link=self.quote_link(path, iri),
            lead=self._names(path, row.lead if row else [], node.lead),
            co_lead=self._names(path, row.co_lead if row else [], node.co_lead),
            responsible=self._names(path, row.responsible if row else [], node.responsible),
            deadlines=[x.written for x in row.deadlines] if row else [],
            funding=self._funding(path, iri),
            chain=self._chain(path, found),
            stated=found.stated,
            reports=[{**r, "date": date(r["date"])} for r in node.reports],
            targets=[words.target(self.vocabulary, t) for t in self.targets.get(iri, [])],
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
        quoted = self.quote_of.get(iri)
        self.search_entry(
            "measure", f"{doc.label} {node.label}{node.title}", iri, quoted.text if quoted else ""
        )

    def _provision_pages(self, path: str, doc: Any) -> list[dict[str, Any]]:
        """A page for each part and general provision (指导思想, 基本原则, 发展目标, …) of a
        document: its text and the document it belongs to. The parts and general provisions,
        in document order, for the document's structure."""
        found = [(node, self.subjects[node][1]) for node in self.inside.get(str(doc.iri), [])]
        out = []
        for node, kind in sorted(found, key=lambda nk: self._in_order(nk[0])):
            card = self._card(node)
            title = f"{card.label}{card.title}" if card else node.rsplit("/", 1)[-1]
            here = page_of(node)
            self.add(
                here,
                "provision.html",
                node,
                title=title,
                kind=kind,
                document={"label": doc.label, "href": self.href(here, str(doc.iri))},
                text=self._highlighted(node),
                text_link=self.quote_link(here, node),
                funding=self._funding(here, node),
            )
            out.append({"kind": kind, "title": title, "href": self.href(path, node)})
            self.search_entry(
                "part" if node.rsplit("/", 2)[-2] == "part" else "provision",
                f"{doc.label} {title}",
                node,
                self.quote_of[node].text if node in self.quote_of else "",
            )
        return out

    def _in_order(self, iri: str) -> tuple[int, tuple[int, ...]]:
        """Document order: where the text quotes it, else by the numbers of its IRI."""
        q = self.quote_of.get(iri)
        return (q.start, ()) if q else (-1, _order(iri))

    def _card(self, iri: str) -> Any:
        """The label and title of a provision or part (None where the graph has none)."""
        try:
            return chain.chain(self.store, URIRef(iri), self.chains).nodes[URIRef(iri)]
        except InputError:
            return None

    def _names(self, path: str, names: list[Any], written: list[str]) -> list[dict[str, str]]:
        if names:
            return [
                {
                    "name": n.written,
                    "href": self.href(path, str(n.department)) if n.department else "",
                }
                for n in names
            ]
        return [{"name": w, "href": ""} for w in written]

    def _chain(self, path: str, found: Any) -> list[dict[str, Any]]:
        """The chain as a tree, as the CLI's ``chain`` draws it: from the top (national) down
        to the city articles, each node under the provision it implements, with the link's
        kind, confidence and basis. A node met again (it implements two provisions) is shown
        again without what is under it (drawn once already); a node the tree does not reach
        from a top (a cycle) is a top of its own: none is left out."""
        kids: dict[Any, list[tuple[Any, Any]]] = {}
        for lk in found.links:
            kids.setdefault(lk.higher, []).append((lk, found.nodes[lk.lower]))
        for pairs in kids.values():
            pairs.sort(key=lambda kn: (kn[1].rank, kn[1].document, _order(str(kn[1].iri))))
        drawn: set[Any] = set()

        def node(n: Any, via: Any) -> dict[str, Any]:
            again = n.iri in drawn
            drawn.add(n.iri)
            return {
                "focus": n.iri == found.focus,
                "level": self.level(n.level),
                "document": n.document,
                "label": n.label,
                "title": n.title,
                "href": self.href(path, str(n.iri)),
                "via": self._via(via) if via is not None else None,
                "again": again and bool(kids.get(n.iri)),
                "children": [] if again else [node(c, lk) for lk, c in kids.get(n.iri, [])],
            }

        tops = [node(n, None) for n in found.roots()]
        for n in sorted(found.nodes.values(), key=lambda n: (n.rank, n.document, str(n.iri))):
            if n.iri not in drawn:
                tops.append(node(n, None))
        return tops

    def _via(self, lk: Any) -> site.Words:
        """A link of the chain: its kind, confidence and basis (the curators' Chinese where
        they wrote one; the basis as written otherwise). Said once per link: every page of a
        chain shows all its links."""
        said = self.links_said.get(lk)
        if said is None:
            said = self.links_said[lk] = self._link_words(lk)
        return said

    def _link_words(self, lk: Any) -> site.Words:
        basis = self.chinese_bases.get((str(lk.lower), str(lk.higher)), lk.basis)
        return both(
            words.CONFIDENCE,
            kind=label(self.vocabulary, "LinkKinds", lk.kind),
            confidence=lk.confidence,
            basis=site.Words(basis, lk.basis),
        )

    def _highlighted(self, iri: str) -> str:
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

    # --- departments, sources, checks, search ------------------------------------------------

    def department_pages(self) -> None:
        hrefs_root = {d.department: page_of(d.department) for d in self.departments}
        documents = {URIRef(d.document) for d in self.summary.documents}
        deadlines = tasks.deadlines_of(self.store, set(documents))
        sequence = tasks.sequence_of(self.store, set(documents))
        undirected = self.network.to_undirected()  # once: per department it was quadratic
        rows = []
        for d in self.departments:
            path = page_of(d.department)
            found = tasks.department_tasks(
                self.store, URIRef(d.department), None, deadlines, sequence
            )
            # Links to the departments the diagram draws only: to all of them from every page
            # was 1,380² relative paths at 10^5 triples (a quarter of the site's time).
            near = [*undirected.neighbors(d.department)] if d.department in undirected else []
            hrefs = {n: link(path, hrefs_root[n]) for n in [d.department, *near] if n in hrefs_root}
            self.add(
                path,
                "department.html",
                d.department,
                title=d.official,
                name=d.official,
                aliases=d.names,
                level=self.level(d.level),
                leads=d.leads,
                co_leads=d.co_leads,
                responsible=d.responsible,
                assignments=[
                    {**a.__dict__, "role": ROLE_ZH[a.role], "href": self.href(path, a.measure)}
                    for a in found.assignments
                ],
                network=svg.neighbourhood(undirected, d.department, hrefs),
                progress=self._department_progress(d.department),
                jsonld=json_ld(
                    d.department,
                    ["schema:GovernmentOrganization"],
                    **{
                        "schema:name": d.official,
                        "schema:alternateName": d.names.split("、") if d.names else [],
                    },
                ),
            )
            self.pages[-1].extra.update(self._department_downloads(path, found))
            rows.append(
                {
                    **d.__dict__,
                    "name": d.official,
                    "level": self.level(d.level),
                    "href": link("org/index.html", path),
                }
            )
            self.search_entry("department", d.official, d.department, names=d.names)
        self.add("org/index.html", "departments.html", None, title="部门", departments=rows)

    def _department_progress(self, department: str) -> dict[str, Any] | None:
        """This department's rows on the documents under supervision, with a chart."""
        rows = self.progress_of.get(department)
        if not rows:
            return None
        counts = {name: sum(1 for r in rows if r["status"] == name) for name in svg.STATUS_COLOURS}
        late = sum(1 for r in rows if r["overdue"])
        return {
            "as_of": date(self.as_of),
            "rows": rows,
            "chart": self.status_chart(counts, late),
        }

    def _department_downloads(self, path: str, found: Any) -> dict[str, bytes | Path]:
        from policygraph.render.sheets import assignment_sheet

        return self._office(path, "任务清单", assignment_sheet(found))

    def source_pages(self) -> None:
        by_source: dict[str, list[Any]] = {}
        for q in self.quotes:
            by_source.setdefault(q.source, []).append(q)
        for source in source_files(self.corpus.metadata()):
            path = page_of(str(source.iri))
            text = self.corpus.read_text(source)
            self.add(
                path,
                "source.html",
                str(source.iri),
                title=source.file_name,
                name=source.file_name,
                file=source.file_name,
                sha=source.sha256,
                text=_anchored(text, by_source.get(str(source.iri), [])),
            )
            title = self.text_of.get(str(source.iri), "")
            quoted = by_source.get(str(source.iri), [])
            self.search_entry(
                "source",
                title or source.file_name,
                str(source.iri),
                f"{source.file_name} {_unindexed(text, quoted)}",
            )

    def checks_page(self) -> None:
        from policygraph.checks import validate
        from policygraph.checks.report import SEVERITIES, grouped

        report = validate(self.corpus)
        path = "checks/index.html"
        groups = [
            (
                {"en": severity, "zh": SEVERITY_ZH.get(severity, severity)},
                [
                    (
                        {"en": label, "zh": results[0].rule_label_zh or label},
                        [self._result(path, r) for r in results],
                    )
                    for label, results in rules
                ],
            )
            for severity, rules in grouped(report)
        ]
        counts = {
            "en": ", ".join(f"{len(report.of(s))} {s.lower()}(s)" for s in SEVERITIES),
            "zh": "，".join(f"{SEVERITY_ZH[s]} {len(report.of(s))} 项" for s in SEVERITIES),
        }
        self.add(path, "checks.html", None, title="一致性检查", groups=groups, summary=counts)

    def _result(self, path: str, r: Any) -> dict[str, str]:
        focus = r.focus
        page = (
            focus
            if focus in self.known or (focus in self.quote_of and self._is_page(focus))
            else ""
        )
        return {
            "message": r.message or r.rule_label,
            "message_zh": r.message_zh or r.message or r.rule_label_zh or r.rule_label,
            "href": self.href(path, page) if page else "",
            "source": self.quote_link(path, focus),
        }

    def _is_page(self, iri: str) -> bool:
        q = self.quote_of.get(iri)
        return q is not None and q.kind == "Measure"

    def cited(self, d: Any) -> None:
        """The page of a document the corpus does not hold, known only because sources cite
        it: that its text is not held, and what cites it (each place, in the source)."""
        path = page_of(d.document)
        cited_by = [
            {
                "citing": self._document_name(c.citing),
                "href": self.href(path, c.citing) if c.citing in self.known else "",
                "quote": c.quote,
                "source": self.quote_link(path, c.node),
            }
            for c in self.cited_by.get(d.document, [])
        ]
        self.add(
            path,
            "cited.html",
            d.document,
            title=d.title or d.number or d.document,
            doc=d,
            kind=label(self.vocabulary, "DocumentKinds", d.kind) if d.kind else None,
            cited_by=cited_by,
            said=self._dates_said(path, d.document),
            jsonld=json_ld(
                d.document,
                ["eli:LegalResource", "schema:Legislation"],
                **{"eli:title": d.title, "eli:id_local": d.number},
            ),
        )
        self.search_entry("cited", f"{d.number} {d.title}".strip(), d.document)

    def place_facts(self) -> None:
        """Every node of the graph a user can meet dereferences: one without a page of its own
        is an anchor on the page of the node above it (:func:`paths.address`), listed there
        with its kind and its quote unless that page already shows it under that anchor."""
        for node, (_, kind) in sorted(self.subjects.items()):
            where = address(node, self.page_iris)
            if where is None or not where[1] or node in self.anchored:
                continue
            path, anchor = where
            q = self.quote_of.get(node)
            self.facts.setdefault(path, []).append(
                {
                    "id": anchor,
                    "kind": kind,
                    "quote": q.text if q else "",
                    "source": self.quote_link(path, node),
                }
            )

    def search_page(self) -> None:
        self.add(
            "search/index.html",
            "search.html",
            None,
            title="搜索",
            examples=self.examples,
            autofocus=True,
        )

    def suggested(self) -> list[str]:
        """The example queries the search box suggests: those of ``EXAMPLES`` that find
        something in this corpus, else the name of the first department (never an example that
        finds nothing)."""
        texts = [" ".join(e.values()) for e in self.index]
        found = [q for q in EXAMPLES if any(q in t for t in texts)]
        if not found and self.departments:
            found = [self.departments[0].official]
        return found


def _under(iris: list[str], tops: set[str]) -> dict[str, list[str]]:
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


def _order(iri: str) -> tuple[int, ...]:
    """Document order of part-qualified IRIs: (part, item) or (item,)."""
    return tuple(int(x) for x in re.findall(r"/(?:part|measure)/(\d+)", iri))


def _by_measure(quotes: list[Any]) -> dict[str, list[Any]]:
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
