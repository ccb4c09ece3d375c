"""Everything the static site shows, as views: what the whole graph answers, read once, and
what one document, measure or department answers, read when its page is made. Given the store
and the checks' report by the caller (the CLI); it opens nothing itself. The site
(``render/site``) only renders what this gives it: it imports neither the store nor the
checks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rdflib import Graph, URIRef

from policygraph.corpus import Corpus, SourceFile
from policygraph.errors import InputError
from policygraph.rdf.namespaces import bind_prefixes
from policygraph.store import Store
from policygraph.text.report import Report
from policygraph.views import delta, internal, network, progress, site, tasks
from policygraph.views.chain import (
    Cache,
    Chain,
    Components,
    Node,
    chain,
    implementation_rows,
)
from policygraph.views.links import ProvisionText, provisions
from policygraph.views.summary import summarize

Early = Callable[[list[network.DepartmentRow], network.Said], None]
EVERY_DOCUMENT = 100  # departments asked for, past which every document's order is read at once


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

    def __init__(
        self, store: Store, corpus: Corpus, report: Report, early: Early | None = None
    ) -> None:
        """``early``: told the departments and their roles as soon as they are read, while
        the other views are read (the site has its other core make the network of them)."""
        self._store, self.corpus, self.report = store, corpus, report
        reading = delta.Reading(store, corpus)  # rows kept from the last read where sound
        # every responsibility's roles: the departments' counts, and the network's pairs
        self.said = network.role_triples(reading)
        self.departments = network.departments(reading, self.said)
        if early is not None:
            early(self.departments, self.said)
        self.summary = summarize(reading)
        self.quotes = site.quotes(reading)
        self.implementations = site.implementations(reading)
        self.targets = site.targets(store)
        self.vocabulary = site.vocabulary(store)  # the ontology's words, in both languages
        self.chinese_bases = site.chinese_bases(store)
        self.funding = site.funding(reading)
        self.dates_said = site.dates(reading)
        self.citations = site.citations(reading)
        self.subjects = site.subjects(reading)
        self.indicators = site.indicators(store)  # and the figures reported for each
        self.terms = site.terms(reading)  # the ontology's own
        self._source_files = reading.source_files()  # each metadata file's kept, read alone
        self._source_triples = reading.select(internal.query("source-triples"))
        self._chains = Cache(  # what every chain reads, from the views kept and merged
            implementation=implementation_rows(reading), components=Components(reading)
        )
        reading.keep()
        self.merged = reading.merged  # the views read by their change alone
        self._deadlines: dict[object, list[str]] = {}  # by measure, of the documents read
        self._sequence: dict[object, int] = {}  # 序号 by measure, of the documents read
        self._read: set[object] = set()  # the documents whose deadlines and order are read
        self._asked = 0  # departments asked for
        self._untyped: set[object] | None = None
        self._held: set[object] | None = None  # the documents, as terms (made once)

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
        """Everything a department is assigned, in every document. The deadlines and the task
        tables' order are read per document, once: for the first departments asked (a site
        again makes few), those of the documents each is assigned in (and those of any
        document not typed a policy document, which department-tasks.rq does not bind); past
        ``EVERY_DOCUMENT`` departments, those of every document at once."""
        if self._held is None:  # once: per department it was 11,000 times 1,000 IRIs made
            self._held = {URIRef(d.document) for d in self.summary.documents}
        held = self._held
        self._asked += 1
        if self._asked > EVERY_DOCUMENT:
            needed = held
        else:
            if self._untyped is None:
                rows = self._store.select(internal.query("untyped-documents")).rows
                self._untyped = {r[0] for r in rows}
            found = self._store.select(
                internal.query("department-tasks"), {"dept": URIRef(department)}
            )
            needed = ({r["document"] for r in found.dicts()} | self._untyped) & held
        todo = needed - self._read
        if todo:
            self._read |= todo
            for measure, said in tasks.deadlines_of(self._store, todo).items():
                self._deadlines.setdefault(measure, []).extend(said)
            self._sequence.update(tasks.sequence_of(self._store, todo))
        return tasks.department_tasks(
            self._store, URIRef(department), None, self._deadlines, self._sequence
        )

    def description(self, iri: str) -> Graph:
        """The triples whose subject is ``iri``: its page's Turtle."""
        subject, graph = URIRef(iri), bind_prefixes(Graph())
        for _, p, o in self._store.select(internal.query("subject-triples"), {"s": subject}).rows:
            if p is not None and o is not None:  # both always bound: the pattern binds them
                graph.add((subject, p, o))
        return graph

    def source_statements(self) -> dict[str, list[tuple[Any, Any]]]:
        """The predicate and object of each triple whose subject is a source file (what
        :meth:`description` holds of it), by subject: read with the views, merged from the kept
        rows after a new document (source-triples.rq; 0.4 s to read for 1,000 sources)."""
        found: dict[str, list[tuple[Any, Any]]] = {}
        for s, p, o in self._source_triples.rows:
            found.setdefault(str(s), []).append((p, o))
        return found

    def source_files(self) -> list[SourceFile]:
        """Every source file the corpus holds, as its metadata records it (read once)."""
        return self._source_files

    def text(self, source: SourceFile) -> str:
        """The text of a source file (its bytes checked)."""
        return self.corpus.read_text(source)
