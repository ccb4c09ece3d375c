"""Ingesting many documents in one command (issue 24).

Reading and extracting a file (its text, its numbered items, its metadata panel) is a pure
function of its bytes, done in parallel on every core. Planning is not: a document's new
departments and links depend on those before it, so the plans are made one after another,
each written before the next is planned, in one transaction. Then one rebuild and one
validation; a document that brings a violation the corpus did not have is taken out again,
with its violations as the reason, and the rest rebuilt. One bad file never stops the batch;
an interruption (Ctrl-C, a kill) leaves the corpus as it was before the batch.
"""

from __future__ import annotations

import contextlib
import functools
import glob
import sqlite3
from collections.abc import Callable, Generator, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef

from policygraph import checks, departments
from policygraph.build import GIVEN, GIVEN_ABOUT, Given, build
from policygraph.checks.mentions import (
    DOCUMENTS,
    Mentions,
    _term,
    department_rows,
    facts_where,
    reindex,
)
from policygraph.checks.report import Report, Result
from policygraph.corpus import Corpus, Journal, remove, transaction, write_atomic
from policygraph.departments import DepartmentIndex
from policygraph.errors import InputError, PolicyGraphError
from policygraph.i18n import N_
from policygraph.ingest.model import IngestNote, Options, Plan
from policygraph.ingest.plan import _FACTS, _METADATA, Known, Read, plan, plan_known, read_file
from policygraph.text.citations import DocumentIndex
from policygraph.text.readers import extensions

# The files a folder is searched for (the readers of text/readers)
EXTENSIONS = extensions("document")
STATUSES = ("added", "added with warnings", "unchanged", "refused")


@dataclass
class Outcome:
    """What the batch did with one file."""

    file: Path
    status: str = "refused"  # one of STATUSES
    document: str = ""
    reason: IngestNote | None = None  # why refused
    warnings: list[IngestNote] = field(default_factory=list)
    blamed: list[Result] = field(default_factory=list)  # the violations it was refused for

    def said(self) -> list[IngestNote]:
        """Why it was refused, else what it warns of."""
        return [self.reason] if self.reason is not None else self.warnings

    def row(self) -> dict[str, str]:
        """The outcome as the report file has it (English: a machine format)."""
        said = "; ".join(str(n) for n in self.said())
        return {
            "file": str(self.file),
            "status": self.status,
            "document": self.document,
            "reason": said,
        }


def expand(args: Iterable[str]) -> list[Path]:
    """The files of ``args``: files, folders (every file of a known kind in them, at any depth)
    and globs (``crawl/**/*.html``), each once, in order; an argument that names nothing is an
    error naming it."""
    out: list[Path] = []
    for arg in args:
        path = Path(arg)
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in EXTENSIONS
            )
        elif path.exists():
            found = [path]
        elif glob.has_magic(arg):
            found = sorted(Path(p) for p in glob.glob(arg, recursive=True) if Path(p).is_file())
        else:
            raise InputError(N_("{path}: no such file or folder"), code="path-missing", path=arg)
        if not found:
            raise InputError(
                N_("{path}: names no file to ingest ({extensions})"),
                code="path-without-files",
                path=arg,
                extensions=", ".join(EXTENSIONS),
            )
        out += [p for p in found if p not in out]
    return out


def refusal(exc: PolicyGraphError) -> IngestNote:
    """An error as the reason a file was refused (its template, code and parameters)."""
    return IngestNote(exc.template, exc.code, dict(exc.params))


def _read(path: Path) -> Read | IngestNote:
    """A worker's task: the file read and extracted, or the one-line reason it cannot be."""
    try:
        return read_file(path)
    except PolicyGraphError as exc:
        return refusal(exc)
    except Exception as exc:  # a reader's bug must not stop the batch: said, with its type
        return IngestNote.of(
            N_("{path}: cannot be read ({error})"),
            "reader-failed",
            path=str(path),
            error=f"{type(exc).__name__}: {exc}",
        )


def read_all(
    paths: list[Path], jobs: int, tick: Callable[[], None] = lambda: None
) -> list[Read | IngestNote]:
    """Every file read and extracted, on ``jobs`` processes (in order)."""
    if jobs <= 1 or len(paths) < 2:
        out = []
        for p in paths:
            out.append(_read(p))
            tick()
        return out
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        results = []
        for r in pool.map(_read, paths, chunksize=max(1, len(paths) // (jobs * 8))):
            results.append(r)
            tick()
        return results


def ingest_many(
    corpus: Corpus,
    paths: list[Path],
    options: Options,
    jobs: int,
    tick: Callable[[str], None] = lambda _: None,
) -> list[Outcome]:
    """Ingest ``paths``: read in parallel, planned and written one by one, one rebuild and one
    validation; every file has its outcome. ``tick`` is called as each step is done."""
    reads = read_all(paths, jobs, lambda: tick("read"))
    outcomes = [Outcome(p) for p in paths]
    with transaction(corpus, "ingest") as journal:
        index = OnDisk.open(corpus)
        try:
            written: dict[int, tuple[Plan, dict[Path, bytes | None]]] = {}
            for k, (path, read) in enumerate(zip(paths, reads, strict=True)):
                tick("planned")
                p = _planned(corpus, path, options, read, index, outcomes[k])
                if p is None:
                    continue
                written[k] = (p, _write(corpus, p, journal, index))
                outcomes[k].warnings = _warnings(p)
            _settle(corpus, written, outcomes, index)
        finally:
            if index is not None:
                index.close()
    return outcomes


def _planned(
    corpus: Corpus,
    path: Path,
    options: Options,
    read: Read | IngestNote,
    index: OnDisk | None,
    outcome: Outcome,
) -> Plan | None:
    """The plan of one file of the batch (from the index on disk where there is one, else from
    the curated graph kept in the process); None, and the outcome said, where there is nothing
    to write."""
    if isinstance(read, IngestNote):
        outcome.reason = read
        return None
    try:
        if index is None:
            p = plan(corpus, path, options, read, False)  # no cache: the union it grows
        else:
            p = plan_known(corpus, path, options, read, index.known())
    except PolicyGraphError as exc:
        outcome.reason = refusal(exc)
        return None
    outcome.document = str(p.doc)
    if p.unchanged:
        outcome.status = "unchanged"
        return None
    return p


def _warnings(p: Plan) -> list[IngestNote]:
    out = [IngestNote.of(N_("could not read {what}"), "could-not-read", what=u) for u in p.unread]
    new = "、".join(n.label for n in p.new)
    if new:
        out.append(IngestNote.of(N_("new departments (in no register): {names}"), "new", names=new))
    return out


def _write(
    corpus: Corpus, p: Plan, journal: Journal, index: OnDisk | None
) -> dict[Path, bytes | None]:
    """Write a plan's files (and bring the index on disk up to them); what they held before
    (None: they did not exist)."""
    targets = {corpus.path(rel): body for rel, body in p.written().items()}
    journal.save(list(targets), [corpus.sources, corpus.ttl])
    before = {t: (t.read_bytes() if t.is_file() else None) for t in targets}
    built = corpus.document_file(p.short)  # what the rebuild will make of it
    before.setdefault(built, built.read_bytes() if built.is_file() else None)
    write_atomic(targets)
    if index is not None:
        index.wrote(list(targets))
    return before


def _undo(before: dict[Path, bytes | None], index: OnDisk | None) -> None:
    for target, old in before.items():
        if old is None:
            remove(target)
        else:
            write_atomic({target: old})
    if index is not None:
        index.wrote(list(before))


def _settle(
    corpus: Corpus,
    written: dict[int, tuple[Plan, dict[Path, bytes | None]]],
    outcomes: list[Outcome],
    index: OnDisk | None,
) -> None:
    """One rebuild and one validation; the documents that bring violations are taken out (and
    the rest rebuilt and validated again) until none does."""
    baseline: set[tuple[str, str, str, str]] | None = None
    while written:
        parsed = {str(p.doc): (p.text, p.structure) for p, _ in written.values()}
        build(corpus, parsed, index.given() if index is not None else None)
        report = checks.validate(corpus)
        blamed = _blame(report, written, baseline)
        if blamed is None:  # violations no document of the batch is named in: were they there?
            baseline = _baseline(corpus, written, index)
            blamed = _blame(report, written, baseline)
        if not blamed:
            break
        for k, found in blamed.items():
            _, before = written.pop(k)
            _undo(before, index)
            outcomes[k].status = "refused"
            outcomes[k].blamed = found[:3]
            outcomes[k].reason = IngestNote.of(
                N_("brings violations: {violations}"),
                "brings-violations",
                violations="; ".join(r.message for r in found[:3]),
            )
    if not written:  # every document taken out again: the graph as it was
        build(corpus, None, index.given() if index is not None else None)
    for k in written:
        outcomes[k].status = "added with warnings" if outcomes[k].warnings else "added"


def _key(r: Result) -> tuple[str, str, str, str]:
    return (r.rule, r.focus, r.value, r.message)


def _blame(
    report: Report,
    written: dict[int, tuple[Plan, dict[Path, bytes | None]]],
    baseline: set[tuple[str, str, str, str]] | None,
) -> dict[int, list[Result]] | None:
    """The batch's documents each violation names (by its IRI in the focus node or the message);
    None when a violation names none of them and it is not known whether it was there before."""
    blamed: dict[int, list[Result]] = {}
    for r in report.of("Violation"):
        if baseline is not None and _key(r) in baseline:
            continue
        named = [
            k for k, (p, _) in written.items() if str(p.doc) in r.focus or str(p.doc) in r.message
        ]
        if not named:
            if baseline is None:
                return None
            named = list(written)  # new, and no document named: every document of the batch
        for k in named:
            blamed.setdefault(k, []).append(r)
    return blamed


def _baseline(
    corpus: Corpus,
    written: dict[int, tuple[Plan, dict[Path, bytes | None]]],
    index: OnDisk | None,
) -> set[tuple[str, str, str, str]]:
    """The corpus's violations without the batch: its files put back, rebuilt and validated, and
    the batch written again."""
    now = {t: t.read_bytes() for _, before in written.values() for t in before if t.is_file()}
    for _, before in written.values():
        _undo(before, index)
    build(corpus, None, index.given() if index is not None else None)
    found = {_key(r) for r in checks.validate(corpus).of("Violation")}
    write_atomic(now)
    if index is not None:
        index.wrote(list(now))
    return found


# --- the corpus as the batch reads it: the index on disk, not the curated graph --------------


class OnDisk:
    """The index on disk of the corpus (``checks.mentions``) held through a batch: brought up to
    the files once when the batch starts, then to each file the batch writes (no stat of every
    file per document), so that each document is planned, and the batch built, from it rather
    than from the curated graph kept in the process (memory that grew with the corpus: 4.7 GB
    at 10,000 documents). The documents by 文号 and title are kept in the process, grown by
    each file written, as they were (small: a few entries per document)."""

    def __init__(self, mentions: Mentions) -> None:
        self.mentions = mentions
        reindex(mentions, [])  # its indexes by subject and object
        mentions.refresh()
        mentions.db.execute("BEGIN")  # what the batch writes, committed when it is done
        self.documents = mentions.documents()
        self.held: dict[URIRef, Graph] = {}  # what the curated files say of a body, as read

    def described(self, iri: URIRef) -> Graph:
        """What the curated files say of ``iri`` (a register's body a plan holds), read once
        while no file the batch writes says more of it."""
        if iri not in self.held:
            self.held[iri] = self.mentions.described(str(iri))
        return self.held[iri]

    @classmethod
    def open(cls, corpus: Corpus) -> OnDisk | None:
        """The index, up to the files as they are; None without a cache (or one that cannot be
        read or written: the curated graph, as before)."""
        mentions = Mentions.open(corpus)
        if mentions is None:
            return None
        try:
            return cls(mentions)
        except (OSError, sqlite3.Error, SyntaxError, ValueError):
            mentions.close()
            return None

    def close(self) -> None:
        """Commit what the batch brought the index up to (files an interrupted batch wrote
        are put back after: their stamps then differ, and the next reader reads them again)."""
        with contextlib.suppress(sqlite3.Error):
            self.mentions.db.execute("COMMIT")
        self.mentions.close()

    def wrote(self, files: list[Path]) -> None:
        """Bring the index up to ``files`` (written or removed by the batch)."""
        graphs = [f for f in files if f.suffix == ".ttl"]
        reindex(self.mentions, graphs)
        if self.held:  # what the files say of a body: read again where one of them says more
            self.held = {
                iri: g
                for iri, g in self.held.items()
                if not self.mentions.describing([iri]) & set(graphs)
            }
        for f in graphs:
            rows = facts_where(self.mentions, "name", self.mentions.name(f), DOCUMENTS)
            self.documents.grow((URIRef(s), URIRef(p), Literal(o)) for _, s, p, o, _, _ in rows)

    def known(self) -> Known:
        return _Known(self)

    def given(self) -> Given:
        """What the build reads of the curated files, from the index."""
        m = self.mentions
        return Given(
            m.graph([str(t) for t in GIVEN], about=[str(t) for t in GIVEN_ABOUT]),
            m.departments(),
            m.documents(),
        )


class _Known(Known):
    """What a plan reads of the corpus, from the index on disk kept by :class:`OnDisk`: the
    departments of the jurisdictions a lookup asks for, the facts of the documents and sources
    a plan asks about, each read as asked."""

    def __init__(self, on_disk: OnDisk, own: frozenset[Path] = frozenset()) -> None:
        super().__init__(on_disk.mentions.corpus, False, own)
        self.mentions, self.on_disk = on_disk.mentions, on_disk

    def close(self) -> None:
        pass  # the batch's

    def held(self, iri: URIRef) -> Graph:
        if any(p.is_file() for p in self.own):  # planned again: without its own files
            return super().held(iri)
        return self.on_disk.described(iri)

    @functools.cached_property
    def departments(self) -> DepartmentIndex:
        return _Departments(self.on_disk.mentions, self.own)

    @functools.cached_property
    def documents(self) -> DocumentIndex:
        if any(p.is_file() for p in self.own):  # planned again: the index without its files
            return self.on_disk.mentions.documents(exclude=self.own)
        return self.on_disk.documents

    @functools.cached_property
    def facts(self) -> Graph:
        return _Facts(self.on_disk.mentions, _FACTS, self.own, about=DOCUMENTS)

    @functools.cached_property
    def metadata(self) -> Graph:
        return _Facts(self.on_disk.mentions, _METADATA, (), under="data/sources/")


class _Facts(Graph):
    """The facts of the index (of ``predicates``, but those of the files ``exclude``) as an
    rdflib graph filled as it is asked: a pattern naming a subject reads that subject's facts,
    one naming an object the facts with that object; any other, all of them."""

    def __init__(
        self,
        mentions: Mentions,
        predicates: list[str],
        exclude: Iterable[Path],
        about: list[str] | None = None,
        under: str = "",
    ) -> None:
        super().__init__()
        self.m, self.wanted, self.exclude = mentions, predicates, list(exclude)
        self.about, self.under = about, under
        self.asked: set[tuple[str, str]] = set()

    def triples(self, triple: Any) -> Generator[Any, None, None]:
        s, _, o = triple
        if isinstance(s, URIRef):
            self._read("s", str(s))
        elif isinstance(o, URIRef | Literal):
            self._read("o", str(o))
        else:
            self._read("", "")
        yield from super().triples(triple)

    def _read(self, column: str, value: str) -> None:
        if (column, value) in self.asked or ("", "") in self.asked:
            return
        self.asked.add((column, value))
        if not column:
            found = self.m.graph(self.wanted, self.under, self.exclude, self.about or ())
            self.addN((s, p, o, self) for s, p, o in found)
            return
        rows = facts_where(self.m, column, value, self.wanted, self.exclude)
        subjects = {s for name, s, *_ in rows if name.startswith(self.under)}
        for subject in sorted(subjects):
            if self.about and not facts_where(self.m, "s", subject, self.about):
                subjects.discard(subject)  # not a document (as the index has it)
        self.addN(
            (URIRef(s), URIRef(p), _term(o, lang, dt), self)
            for name, s, p, o, lang, dt in rows
            if s in subjects and name.startswith(self.under)
        )


class _Departments(DepartmentIndex):
    """The departments of the index, read jurisdiction by jurisdiction as a lookup asks for one
    (a document's lookups ask for its own jurisdiction and those enclosing it); everything only
    for a lookup in no jurisdiction."""

    def __init__(self, mentions: Mentions, exclude: Iterable[Path]) -> None:
        super().__init__(Graph())
        self.m, self.exclude, self.read = mentions, list(exclude), set[str]()
        self.everything = False

    def _load(self, jurisdiction: str) -> None:
        if self.everything or jurisdiction in self.read:
            return
        self.read.add(jurisdiction)
        self._merge(DepartmentIndex.from_rows(department_rows(self.m, jurisdiction, self.exclude)))

    def _load_all(self) -> None:
        if not self.everything:
            self.everything = True
            self._merge(self.m.departments(exclude=self.exclude))

    def _merge(self, part: DepartmentIndex) -> None:
        for iri in sorted(part.labels):
            if iri in self.labels:
                continue
            self.jurisdiction[iri], self.pref_label[iri] = (
                part.jurisdiction[iri],
                part.pref_label[iri],
            )
            self.labels[iri] = set()
            for label in sorted(part.labels[iri]):
                self._link(iri, label)

    def _in(self, label: str, jurisdiction: str) -> set[URIRef]:
        self._load(jurisdiction)
        return super()._in(label, jurisdiction)

    def _pool(self, jurisdiction: str | None) -> list[str]:
        if jurisdiction is None:
            self._load_all()
        else:
            parts = jurisdiction.split("-")
            for k in range(len(parts)):
                self._load("-".join(parts[: k + 1]))
        return super()._pool(jurisdiction)

    def lookup(self, name: str, jurisdiction: str | None = None) -> URIRef | None:
        if not jurisdiction:
            self._load_all()
        return super().lookup(name, jurisdiction)

    def __contains__(self, iri: object) -> bool:
        self._load_all()
        return super().__contains__(iri)

    def fingerprint(self, jurisdiction: str | None) -> str:
        self._load_all()
        return super().fingerprint(jurisdiction)

    def copy(self) -> DepartmentIndex:
        return _Layer(self)


class _Layer(departments._Layer):
    """A plan's own departments over :class:`_Departments`: a lookup in no jurisdiction reads
    every department first."""

    def lookup(self, name: str, jurisdiction: str | None = None) -> URIRef | None:
        if not jurisdiction and isinstance(self.base, _Departments):
            self.base._load_all()
        return super().lookup(name, jurisdiction)


def counts(outcomes: list[Outcome]) -> dict[str, int]:
    return {s: sum(1 for o in outcomes if o.status == s) for s in STATUSES}


__all__ = ["EXTENSIONS", "Outcome", "counts", "expand", "ingest_many", "read_all"]
