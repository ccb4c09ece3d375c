"""Everything the static site shows, as views: what the whole graph answers, read once, and
what one document, measure or department answers, read when its page is made. Given the store
and the checks' report by the caller (the CLI); it opens nothing itself. The site
(``render/site``) only renders what this gives it: it imports neither the store nor the
checks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from rdflib import Graph, URIRef

from policygraph.corpus import Corpus, SourceFile, source_files
from policygraph.errors import InputError
from policygraph.rdf.namespaces import bind_prefixes
from policygraph.store import Store
from policygraph.text.report import Report
from policygraph.views import internal, network, progress, site, tasks
from policygraph.views.chain import Cache, Chain, Node, chain
from policygraph.views.links import ProvisionText, provisions
from policygraph.views.summary import summarize


@dataclass(frozen=True)
class DocumentData:
    """One document's page: the document, its facts, its provisions and task table."""

    doc: tasks.Document
    facts: site.DocumentFacts
    measures: list[ProvisionText]
    table: tasks.TaskTable | None  # None where the document assigns no department


@dataclass(frozen=True)
class ProgressData:
    """The latest status of each task of a document under supervision."""

    rows: list[progress.StatusRow]
    silent: list[str]  # the departments that have not reported


class SiteData:
    """The views the site is made of (see the module's text)."""

    def __init__(self, store: Store, corpus: Corpus, report: Report) -> None:
        self._store, self.corpus, self.report = store, corpus, report
        self.summary = summarize(store)
        self.quotes = site.quotes(store)
        self.implementations = site.implementations(store)
        self.departments = network.departments(store)
        self.network = network.collaboration_network(store, self.departments)
        self.targets = site.targets(store)
        self.vocabulary = site.vocabulary(store)  # the ontology's words, in both languages
        self.chinese_bases = site.chinese_bases(store)
        self.funding = site.funding(store)
        self.dates_said = site.dates(store)
        self.citations = site.citations(store)
        self.subjects = site.subjects(store)
        self.indicators = site.indicators(store)  # and the figures reported for each
        self.terms = site.terms(store)  # the ontology's own
        self._chains = Cache()
        self._department_keys: tuple[dict[object, list[str]], dict[object, int]] | None = None

    def document(self, iri: str) -> DocumentData:
        doc = tasks.find_document(self._store, iri)
        facts = site.document_facts(self._store, URIRef(iri))
        try:
            table: tasks.TaskTable | None = tasks.task_table(self._store, doc)
        except InputError:
            table = None  # a document that assigns no department has no task table
        return DocumentData(doc, facts, provisions(self._store, doc), table)

    def chain(self, iri: URIRef) -> Chain:
        """The chain through a provision (the links of every chain read once)."""
        return chain(self._store, iri, self._chains)

    def card(self, iri: str) -> Node | None:
        """The label and title of a provision or part (None where the graph has none)."""
        try:
            return self.chain(URIRef(iri)).nodes[URIRef(iri)]
        except InputError:
            return None

    def progress(
        self, doc: tasks.Document, table: tasks.TaskTable, as_of: dt.date
    ) -> ProgressData | None:
        """Where any department has reported on ``doc`` (supervision has started), the latest
        status of each task and department as of a day; None otherwise."""
        found = progress.reports(self._store, doc)
        if not found:
            return None
        issued = progress.issued_on(self._store, doc)
        rows = progress.progress(self._store, doc, as_of, None, issued, tasks=table, found=found)
        silent = [d.name for d in progress.by_department(rows) if not d.reported]
        return ProgressData(rows, silent)

    def department_tasks(self, department: str) -> tasks.DepartmentTasks:
        """Everything a department is assigned, in every document (the deadlines and the
        task tables' order read once for all departments)."""
        if self._department_keys is None:
            documents: set[object] = {URIRef(d.document) for d in self.summary.documents}
            self._department_keys = (
                tasks.deadlines_of(self._store, documents),
                tasks.sequence_of(self._store, documents),
            )
        deadlines, sequence = self._department_keys
        return tasks.department_tasks(self._store, URIRef(department), None, deadlines, sequence)

    def description(self, iri: str) -> Graph:
        """The triples whose subject is ``iri``: its page's Turtle."""
        subject, graph = URIRef(iri), bind_prefixes(Graph())
        for p, o in self._store.select(internal.query("subject-triples"), {"s": subject}).rows:
            if p is not None and o is not None:  # both always bound: the pattern binds them
                graph.add((subject, p, o))
        return graph

    def sources(self) -> Iterator[tuple[SourceFile, str]]:
        """Every source file the corpus holds, with its text (its bytes checked)."""
        for source in source_files(self.corpus.metadata()):
            yield source, self.corpus.read_text(source)
