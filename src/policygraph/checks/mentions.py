"""Which graph file holds which IRI, as a subject and as an object: the index a validation
scoped to one new document (``checks.scope``) asks which nodes are new and where the old nodes
it reaches are described.

Kept in the cache directory (``store.cache``) as an SQLite file per corpus, one row per file
with what ``stat`` said of it and its SHA-256: a file whose stamp changed is hashed, and parsed
again where its content changed, so the index follows every write, by this tool or by hand,
before it is asked anything (:func:`refresh`). The cache off, or one that cannot be written,
means no index (and a whole-corpus validation).
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import marshal
import sqlite3
import sys
import uuid
import weakref
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from policygraph.corpus import Corpus, Snapshot, is_generated, snapshot
from policygraph.departments import DepartmentIndex
from policygraph.rdf import DCT, ELI, PG, PROV, RDF, SKOS
from policygraph.store import cache
from policygraph.text.citations import DocumentIndex
from policygraph.text.names import opencc_version

if TYPE_CHECKING:
    from rdflib import Graph

FORMAT = "4"  # bumped when what the index holds changes (3: the kept digests; 4: the kept rows)
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS files (name TEXT PRIMARY KEY, stamp TEXT, sha256 TEXT)",
    "CREATE TABLE IF NOT EXISTS subj (iri TEXT, name TEXT)",
    "CREATE TABLE IF NOT EXISTS obj (iri TEXT, name TEXT)",
    "CREATE INDEX IF NOT EXISTS subj_iri ON subj (iri)",
    "CREATE INDEX IF NOT EXISTS obj_iri ON obj (iri)",
    "CREATE INDEX IF NOT EXISTS subj_name ON subj (name)",
    "CREATE INDEX IF NOT EXISTS obj_name ON obj (name)",
    "CREATE TABLE IF NOT EXISTS facts (name TEXT, s TEXT, p TEXT, o TEXT, lang TEXT, dt TEXT)",
    "CREATE INDEX IF NOT EXISTS facts_name ON facts (name)",
    "CREATE INDEX IF NOT EXISTS facts_p ON facts (p)",
    # by subject and by object's value: what a plan asks of one document, one jurisdiction
    "CREATE INDEX IF NOT EXISTS facts_s ON facts (s)",
    "CREATE INDEX IF NOT EXISTS facts_o ON facts (o)",
    # each jurisdiction's departments' digest (``departments.fingerprints_of``), kept once made
    # and forgotten when a file stating facts of its departments changes (:func:`_unkeep`): the
    # build of one more document asks for every jurisdiction's (7,800 at 10,000 documents)
    "CREATE TABLE IF NOT EXISTS digests (jurisdiction TEXT PRIMARY KEY, digest TEXT)",
    # the rows each file gives a query of facts (``q``: :func:`_query_key`), marshalled (NULL:
    # none), made once and forgotten when the file, or one stating facts of a subject it
    # states facts of, changes (:func:`_unkeep_rows`): one more document's build asked for
    # 16,000 rows at 1,000 documents, made one string at a time (:meth:`Mentions._kept_facts`)
    "CREATE TABLE IF NOT EXISTS kept (q TEXT, name TEXT, rows BLOB, PRIMARY KEY (q, name))",
    "CREATE INDEX IF NOT EXISTS kept_name ON kept (name)",
    # when each query's rows were last made: those of the queries made longest ago are dropped
    "CREATE TABLE IF NOT EXISTS queries (q TEXT PRIMARY KEY, made INTEGER)",
    # the document index one more document's plan and build made last (:func:`_document_index`)
    # and what it was made of, for the next process: each title normalised again took 0.04 s
    # at 1,000 documents (0.13 s at 10,000)
    "CREATE TABLE IF NOT EXISTS made (what TEXT PRIMARY KEY, version TEXT, body BLOB)",
)
KEPT_QUERIES = 8  # the queries whose rows are kept (a version of the code asks a few)
# What the plan and the build read of the curated files (departments, documents, sources,
# curated quotes), kept per file so that neither parses every curated file of the corpus
FACTS = frozenset(
    str(term)
    for term in (
        RDF.type,
        SKOS.prefLabel,
        SKOS.altLabel,
        ELI.id_local,
        ELI.title,
        DCT.title,
        PROV.wasDerivedFrom,
        *(
            PG[local]
            for local in [
                "jurisdiction",
                "titleVariant",
                "shortName",
                "level",
                "sourceText",
                "fileName",
                "sha256",
                "extractionProfile",
                "describes",
                "textFileName",
                "textSha256",
                "quote",
                "quoteStart",
                "quoteOccurrence",
            ]
        ),
    )
)
# those with a row or so per document or source, found by the index of predicates: not those
# of every node, department or curated quote
_MANY = (RDF.type, SKOS.prefLabel, SKOS.altLabel, PROV.wasDerivedFrom, PG.jurisdiction)
_FEW = FACTS - {str(t) for t in (*_MANY, PG.quote, PG.quoteStart, PG.quoteOccurrence)}


def data_files(corpus: Corpus) -> list[Path]:
    """The files of the graph but the ontology: what the index covers."""
    return [p for p in corpus.graph_files() if p != corpus.ontology]


def _graph_names(corpus: Corpus, names: Iterable[str]) -> list[str]:
    """:func:`data_files` among ``names`` as a snapshot names them (``*.ttl`` of the two
    folders), in no order (sorting 12,000 names by their parts took as long as comparing their
    stamps)."""
    folders = [f"{corpus.relative(corpus.sources)}/", f"{corpus.relative(corpus.ttl)}/"]
    return [
        name
        for name in names
        if name.endswith(".ttl")
        for folder in folders
        if name.startswith(folder) and "/" not in name[len(folder) :]
    ]


# Each index (by its file) with the snapshot a refresh last brought it up to while a
# transaction held that snapshot (not kept alive by this), how many of the snapshot's renewals
# it had then, and the name the index was made with: until the transaction ends the snapshot
# is not walked again, so the index differs from it only in the files renewed since (an ingest
# compared every file's stamp again, twice, after its plan's refresh: 0.2 s at 10,000
# documents). Another process's refresh brings the index up to the same files (no other writer
# holds the corpus meanwhile; a hand edit then is not seen, as the snapshot does not see it);
# an index removed and made again meanwhile has another name (:func:`_index_name`), and is
# compared whole.
_IN_STEP: dict[str, tuple[weakref.ref[Snapshot], int, str]] = {}


def _index_name(db: sqlite3.Connection) -> str | None:
    """The name the index was given when it was first asked (a random one, kept in it): an
    index removed and made again has another. None where it cannot be read or kept."""
    query = "SELECT version FROM made WHERE what = 'index'"
    try:
        found = db.execute(query).fetchone()
        if found is None:
            db.execute("INSERT OR IGNORE INTO made VALUES ('index', ?, NULL)", (uuid.uuid4().hex,))
            found = db.execute(query).fetchone()
    except sqlite3.Error:
        return None
    return str(found[0]) if found is not None else None


def _held_of(db: sqlite3.Connection, names: list[str]) -> list[tuple[str, str]]:
    """What the index holds of ``names`` (each one's stamp and SHA-256), asked in chunks."""
    found: list[tuple[str, str]] = []
    for at in range(0, len(names), 500):
        chunk = names[at : at + 500]
        found += db.execute(
            "SELECT name, stamp || ' ' || sha256 FROM files WHERE name IN "
            f"({', '.join('?' * len(chunk))})",
            chunk,
        ).fetchall()
    return found


def _shared(facts: Iterable[tuple[Any, ...]]) -> list[Any]:
    """``facts`` (rows of name, s, p, o, lang, dt) with each value that repeats one string:
    SQLite makes a string of each value of each row (a file's name, a predicate, a department's
    IRI for each of its facts), and the rows a batch's rebuild holds then took twice the memory."""
    one: dict[Any, Any] = {}
    get = one.setdefault
    return [
        (get(n, n), get(s, s), get(p, p), get(o, o), get(lang, lang), get(dt, dt))
        for n, s, p, o, lang, dt in facts
    ]


def stamp(path: Path) -> str:
    st = path.stat()
    return f"{st.st_mtime_ns} {st.st_size} {st.st_ino}"


class Mentions:
    """The index of one corpus, open; :meth:`refresh` brings it up to the files as they are."""

    def __init__(self, corpus: Corpus, db: sqlite3.Connection, where: str = "") -> None:
        self.corpus, self.db, self.where = corpus, db, where
        self.root = corpus.root  # the files are named under it (as the corpus lists them)
        self.over: dict[str, list[Fact]] = {}  # files read over the index (:meth:`overlay`)
        # the department and document indexes made once a process for the plan and the build
        # of one document, while their rows are the same; off, nothing kept (a batch, whose
        # files change between its asks)
        self.hold = True
        self.files: Snapshot | None = None  # the snapshot :meth:`changed` last compared

    @classmethod
    def open(cls, corpus: Corpus) -> Mentions | None:
        top = cache.directory()
        if top is None:
            return None
        root = str(corpus.root.resolve()).encode()
        where = top / "mentions" / f"{hashlib.sha256(root).hexdigest()[:24]}-{FORMAT}.sqlite"
        try:
            where.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(str(where), isolation_level=None)
            for statement in _SCHEMA:
                db.execute(statement)
        except (OSError, sqlite3.Error):
            return None
        return cls(corpus, db, str(where))

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.db.close()

    def reader(self) -> Mentions:
        """The index through a connection of its own, read-only: for a forked worker, which
        must not use its parent's (SQLite's connections do not survive a fork). It reads what
        was committed."""
        db = sqlite3.connect(f"file:{self.where}?mode=ro", uri=True, isolation_level=None)
        found = Mentions(self.corpus, db, self.where)
        found.hold, found.over = False, self.over  # and the files its parent read over it
        return found

    def changed(self) -> tuple[list[Path], list[str]]:
        """The files whose content is not what the index holds (new ones too), and the names
        the index holds of files that are gone. Within the transaction of a refresh that
        brought the index up to the corpus's snapshot, only the files the transaction wrote
        since are compared (see :data:`_IN_STEP`)."""
        files = self.files = snapshot(self.corpus, cache.directory())  # a process's one pass
        step = _IN_STEP.get(self.where)
        names: Iterable[str]
        if step is not None and step[0]() is files and step[2] == _index_name(self.db):
            since = _graph_names(self.corpus, set(files.renewed[step[1] :]))
            known = dict(_held_of(self.db, since))
            names = [n for n in since if n in files.stamps]
        else:
            known = dict(self.db.execute("SELECT name, stamp || ' ' || sha256 FROM files"))
            names = _graph_names(self.corpus, files.stamps)
        looked: list[tuple[str, str, str | None]] = []  # name, stamp now, SHA-256 held
        for name in names:
            held = known.pop(name, None)
            st = files.stamps[name]
            now = f"{st[1]} {st[0]} {st[2]}"  # as :func:`stamp` says it
            if held is None or not held.startswith(now + " "):
                looked.append((name, now, held.rsplit(" ", 1)[1] if held else None))
        # the digests of the files held under another stamp, read in one call (remembered in
        # one write: a copied corpus restamps every file, and a write a file was quadratic)
        digests = files.digests([name for name, _, sha in looked if sha is not None])
        out: list[Path] = []
        for name, now, sha in sorted(looked, key=lambda row: row[0].split("/")):
            if sha is None or sha != digests[name]:
                out.append(self.root / name)
            else:  # the same bytes under a new stamp (copied, touched)
                self.db.execute("UPDATE files SET stamp = ? WHERE name = ?", (now, name))
        return out, sorted(known)

    def refresh(self) -> tuple[list[Path], list[str]]:
        """Bring the index up to the files as they are; what was changed and what was gone."""
        self.db.execute("BEGIN")  # one transaction: a commit per file touched took 17 ms each
        try:
            changed, gone = self.changed()
            for name in gone:
                self._forget(name)
            for path in changed:
                self._forget(self.name(path))
                self._index(path)
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        files = self.files
        made_as = _index_name(self.db) if files is not None and files.deferred else None
        if files is not None and made_as is not None:  # held by a transaction: as it holds
            _IN_STEP[self.where] = (weakref.ref(files), len(files.renewed), made_as)
        return changed, gone

    def _forget(self, name: str) -> None:
        _unkeep(self.db, name)
        _unkeep_rows(self.db, name)
        for table in ("files", "subj", "obj", "facts"):
            self.db.execute(f"DELETE FROM {table} WHERE name = ?", (name,))

    def _index(self, path: Path) -> None:
        data, subjects, objects, facts = _parsed(path)
        name = self.name(path)
        self.db.execute(
            "INSERT INTO files VALUES (?, ?, ?)",
            (name, stamp(path), hashlib.sha256(data).hexdigest()),
        )
        self.db.executemany("INSERT INTO subj VALUES (?, ?)", ((s, name) for s in subjects))
        self.db.executemany("INSERT INTO obj VALUES (?, ?)", ((o, name) for o in objects))
        self.db.executemany(
            "INSERT INTO facts VALUES (?, ?, ?, ?, ?, ?)", ((name, *f) for f in facts)
        )
        if facts:  # a built file has none
            _unkeep(self.db, name)
            _unkeep_rows(self.db, name)

    def overlay(self, files: Iterable[Path]) -> None:
        """Read the facts of ``files`` as they are now over what the index holds of them (for
        :meth:`rows`, :meth:`graph` and what is made of them), leaving the index as it is: an
        ingest reads the files it wrote this way, and validates against the index as it was."""
        for path in files:
            self.over[self.name(path)] = _parsed(path)[3] if path.is_file() else []

    def _facts(
        self, predicates: Iterable[str], under: str, exclude: Iterable[Path], about: Iterable[str]
    ) -> list[tuple[str, str, str, str, str | None, str | None]]:
        """The facts (with their file's name) :meth:`rows` and :meth:`graph` describe, in the
        order of the files' names and of each file's triples."""
        wanted, hidden, about = set(predicates), {self.name(p) for p in exclude}, set(about)
        also = sorted(  # the subjects ``about`` picks in the files read over the index
            {
                f[0]
                for name, facts in self.over.items()
                if name not in hidden
                for f in facts
                if f[1] in about
            }
        )
        assert wanted | about <= FACTS, "a predicate the index does not keep"
        left_out = hidden | self.over.keys()

        def keep(name: str) -> bool:
            return name.startswith(under) and name not in left_out

        found = self._kept_facts(wanted, about, keep)
        if found is not None and also:
            found = self._also(found, wanted, about, also, keep)
        if found is None:  # the rows cannot be kept or read: the facts asked for
            found = [f for f in self._asked(wanted, about, also) if keep(f[0])]
        over = [
            (name, *f)
            for name, facts in self.over.items()
            if name not in hidden and name.startswith(under)
            for f in facts
            if f[1] in wanted
        ]
        if over:  # sorted by the file's name, each file's facts in order (a stable sort)
            found = sorted(found + over, key=lambda row: row[0])
        return found

    def _asked(self, wanted: set[str], about: set[str], also: list[str]) -> Iterable[Any]:
        """The facts of the index :meth:`_facts` reads, asked of the table of facts."""
        if about:  # the subjects picked in the query: no row of another subject made
            return self._facts_about(wanted, about, also)
        return self._facts_of(wanted)

    def keep(self, queries: Iterable[tuple[Iterable[str], Iterable[str]]]) -> None:
        """Make and keep the rows of each query (its predicates wanted, and about) of every file
        whose rows of it are not kept, as :meth:`_kept_facts` does when it is first asked, none
        read back: a batch, once done, for the plan and the build of the next document. Nothing
        where :attr:`hold` is off, or the rows cannot be kept."""
        for wanted, about in queries:
            self._kept_facts(set(wanted), set(about), _none)

    def _kept_facts(
        self, wanted: set[str], about: set[str], keep: Callable[[str], bool]
    ) -> list[Any] | None:
        """The facts of ``wanted`` in the index (where ``about`` names predicates, of the
        subjects with a fact of one of them), of the files whose names ``keep`` takes, in the
        order of the files' names and of each file's triples: read from the rows kept of each
        file, those of the files not kept yet made and kept first (under the index's write
        lock, so that none is made of a file another process changes meanwhile). None where
        they cannot be (a connection that only reads, a lock held too long, a damaged row):
        the caller asks the table of facts. At 1,000 documents, the build's 16,000 rows read
        so in 0.01 s, against 0.05 s made one string at a time. Not in a batch (:attr:`hold`
        off): its files change between its asks, and its workers read the index while it
        holds the write lock (rows kept in its transaction held that lock, and each worker's
        ask waited for it: 250 s of a 1,000-document batch)."""
        if not self.hold:
            return None
        db, q = self.db, _query_key(wanted, about)
        own = not db.in_transaction
        try:
            for begin in ("BEGIN", "BEGIN IMMEDIATE"):
                if own:
                    with _not_waiting(db):  # another writer at work: the table asked now
                        db.execute(begin)
                try:
                    missing = _not_kept(db, q)
                    if missing and own and begin == "BEGIN":
                        db.execute("COMMIT")  # and again, holding the write lock
                        continue
                    if missing:
                        _keep_rows(db, q, wanted, about, missing)
                    found = _kept_rows(db, q, keep) if keep is not _none else []
                    if own:
                        db.execute("COMMIT")
                    return found
                except BaseException:
                    if own and db.in_transaction:
                        db.execute("ROLLBACK")
                    raise
        except (sqlite3.Error, ValueError, EOFError, TypeError):
            pass
        return None

    def _also(
        self,
        found: list[Any],
        wanted: set[str],
        about: set[str],
        also: list[str],
        keep: Callable[[str], bool],
    ) -> list[Any]:
        """``found`` with the facts of the subjects ``also`` (picked in the files read over
        the index) that files of the index state: those files' facts asked again."""
        query = (
            "SELECT DISTINCT name FROM facts WHERE s IN (SELECT value FROM json_each(?)) "
            f"AND +p IN ({', '.join('?' * len(wanted))})"
        )
        names = [n for (n,) in self.db.execute(query, [json.dumps(also), *sorted(wanted)])]
        again = {n for n in names if keep(n)}
        if not again:
            return found
        made = [f for f in self._facts_about(wanted, about, also, sorted(again)) if f[0] in again]
        return sorted([f for f in found if f[0] not in again] + made, key=lambda row: row[0])

    def _facts_of(self, predicates: set[str]) -> list[Any]:
        """The facts of ``predicates`` in the index (with their file's name), in the order of
        the files' names and of each file's triples.
        Read as asked, none kept: every fact kept once a process for one more document took
        430 MB at 10,000 documents. Few rows (a document's names) are found by the index of
        predicates and sorted; many (departments, every source) read in the files' order by
        the index of names, which needs no sort (at 10,000 documents, 327,000 rows: 0.8 s
        against 1.4 s)."""
        wanted = sorted(predicates)
        marks = ", ".join("?" * len(wanted))
        by = "p" if predicates <= _FEW else "+p"  # ``+p``: not by the index of predicates
        query = (
            f"SELECT name, s, p, o, lang, dt FROM facts WHERE {by} IN ({marks}) "
            "ORDER BY name, rowid"
        )
        return _shared(self.db.execute(query, wanted))

    def _facts_about(
        self, wanted: set[str], about: set[str], also: list[str], names: list[str] | None = None
    ) -> list[Any]:
        """The facts of ``wanted`` whose subject has a fact of ``about`` in the index or is one
        of ``also`` (a JSON array: no limit on their number), in the order of the files' names
        and of each file's triples (of the files ``names`` alone, where given). Picked and
        ordered by the query: the build's facts of every source, document and curated quote
        made 38,000 rows at 1,000 documents to keep 16,000 (now 0.08 s, against 0.14 s; 0.73 s
        against 1.4 s at 10,000)."""
        by, of = ", ".join("?" * len(wanted)), ", ".join("?" * len(about))
        picked = f"s IN (SELECT s FROM facts WHERE p IN ({of}))"
        if also:  # the subjects of the files read over it
            picked = f"({picked} OR s IN (SELECT value FROM json_each(?)))"
        of_names = " AND name IN (SELECT value FROM json_each(?))" if names is not None else ""
        query = (
            f"SELECT name, s, p, o, lang, dt FROM facts WHERE +p IN ({by}) AND {picked}"
            f"{of_names} ORDER BY name, rowid"
        )
        given = [*sorted(wanted), *sorted(about), *([json.dumps(also)] if also else [])]
        if names is not None:
            given.append(json.dumps(names))
        return _shared(self.db.execute(query, given))

    def rows(
        self, predicates: Iterable[str], under: str = "", exclude: Iterable[Path] = ()
    ) -> list[Row]:
        """The triples of the curated files (those under ``under``, a folder of the corpus
        such as ``data/sources/``) with one of ``predicates`` (of :data:`FACTS`), named
        subjects only, in the order of the files' names and of each file's triples; each as
        its subject, predicate, the object's value, and its language (``@iri`` for an IRI);
        but those of the files ``exclude``."""
        return [
            (s, p, o, lang) for _, s, p, o, lang, _ in self._facts(predicates, under, exclude, ())
        ]

    def departments(self, exclude: Iterable[Path] = ()) -> DepartmentIndex:
        """The departments of the curated files (but ``exclude``), indexed (kept for the next
        ask where the index holds its facts, :attr:`hold`)."""
        rows = self.rows(_DEPARTMENTS, exclude=exclude)
        return _department_index(rows) if self.hold else DepartmentIndex.from_rows(rows)

    def documents(self, exclude: Iterable[Path] = ()) -> DocumentIndex:
        """The documents of the curated files (but ``exclude``) by 文号 and title (kept as
        :meth:`departments` are)."""
        rows = self.rows(DOCUMENTS, exclude=exclude)
        if not self.hold:
            return DocumentIndex.from_rows(rows)
        if _DOCUMENTS_MADE[0] is None:  # the one the last process made, as the index keeps it
            _DOCUMENTS_MADE[:] = _kept_documents(self.db)
        last = _DOCUMENTS_MADE[1]
        index = _document_index(rows)
        if index is not last:
            _keep_documents(self.db)
        return index

    def graph(
        self,
        predicates: Iterable[str],
        under: str = "",
        exclude: Iterable[Path] = (),
        about: Iterable[str] = (),
    ) -> Graph:
        """The triples :meth:`rows` gives, as an rdflib graph, its terms as the corpus's parser
        makes them: the same triples of those predicates as the curated graph holds, without
        parsing every curated file (read-only: a store over the rows, each term made when a
        triple is asked for, rather than 30,000 triples added to rdflib's memory store, 1.3 s at
        1,000 documents). Where ``about`` names predicates, only the subjects a
        triple with one of them has in the index (a file read over it: any of its subjects)."""
        from rdflib import Graph

        from policygraph.checks.rows import Rows

        rows = [
            (s, p, o, lang, dt)
            for _, s, p, o, lang, dt in self._facts(predicates, under, exclude, about)
        ]
        return Graph(store=Rows(rows, _term), bind_namespaces="none")

    def name(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def known(self, iris: Iterable[str]) -> set[str]:
        """Those of ``iris`` that some indexed file names (as a subject or an object)."""
        return {
            iri
            for iri in set(iris)
            if self.db.execute(
                "SELECT 1 FROM subj WHERE iri = ? UNION ALL SELECT 1 FROM obj WHERE iri = ? "
                "LIMIT 1",
                (iri, iri),
            ).fetchone()
        }

    def named(self, iris: Iterable[str]) -> set[str]:
        """Those of ``iris`` that some indexed file names as an object."""
        return {
            iri
            for iri in set(iris)
            if self.db.execute("SELECT 1 FROM obj WHERE iri = ? LIMIT 1", (iri,)).fetchone()
        }

    def described(self, iri: str, exclude: Iterable[Path] = ()) -> Graph:
        """The triples of the curated files (but ``exclude``) in which ``iri`` is a subject:
        what the curated graph says of it (each of those files parsed)."""
        from rdflib import Graph, URIRef

        from policygraph.corpus import parse_turtle

        files = sorted(
            p for p in self.describing([iri]) - set(exclude) if p.is_file() and not is_generated(p)
        )
        about = URIRef(iri)
        out = Graph()
        if files:
            out.addN((s, p, o, out) for s, p, o in parse_turtle(files).triples((about, None, None)))
        return out

    def describing(self, iris: Iterable[str], tables: tuple[str, ...] = ("subj",)) -> set[Path]:
        """The files in which any of ``iris`` is a subject (many asked in one query); with
        ``tables`` ``("subj", "obj")``, a subject or an object."""
        asked = set(iris)
        assert set(tables) <= {"subj", "obj"}
        if len(asked) < 64:
            names = {
                name
                for iri in asked
                for table in tables
                for (name,) in self.db.execute(f"SELECT name FROM {table} WHERE iri = ?", (iri,))
            }
        else:
            self.db.execute("CREATE TEMP TABLE IF NOT EXISTS asked (iri TEXT PRIMARY KEY)")
            self.db.execute("DELETE FROM asked")
            self.db.executemany("INSERT OR IGNORE INTO asked VALUES (?)", ((i,) for i in asked))
            names = {
                name
                for table in tables
                for (name,) in self.db.execute(
                    f"SELECT DISTINCT s.name FROM asked a JOIN {table} s ON s.iri = a.iri"
                )
            }
            self.db.execute("DELETE FROM asked")
        return {self.root / name for name in names}

    def naming(self, iris: Iterable[str]) -> set[Path]:
        """The files in which any of ``iris`` is a subject or an object."""
        return self.describing(iris, ("subj", "obj"))


_DEPARTMENTS = [str(PG.jurisdiction), str(SKOS.prefLabel), str(SKOS.altLabel)]
_LABELS = frozenset(_DEPARTMENTS[1:])
# the department rows this process indexed last, and their index (read-only for its callers: a
# plan adds its departments to a layer of its own, :meth:`DepartmentIndex.copy`)
_MADE: list[Any] = [None, None]


def _department_index(rows: list[Row]) -> DepartmentIndex:
    """``DepartmentIndex.from_rows(rows)``; where ``rows`` are the rows this process indexed
    last, that index, and where they are those rows with the rows of departments they did not
    name, that index copied with those departments added (the build after the plan of one more
    document: the index of 11,000 departments was made twice)."""
    last_rows, last = _MADE
    if last_rows is not None and rows == last_rows:
        return last  # type: ignore[no-any-return]
    index = _grown(last_rows, last, rows) if last_rows is not None else None
    if index is None:
        index = DepartmentIndex.from_rows(rows)
    _MADE[:] = [rows, index]
    return index


def _grown(last_rows: list[Row], last: DepartmentIndex, rows: list[Row]) -> DepartmentIndex | None:
    """``last`` with the departments ``rows`` add to ``last_rows``, or None where ``rows`` are
    not ``last_rows`` with rows of subjects ``last_rows`` do not name added."""
    named = {r[0] for r in last_rows}
    if [r for r in rows if r[0] in named] != last_rows:
        return None
    new = [r for r in rows if r[0] not in named]
    added = DepartmentIndex.from_rows(new)  # which of them are departments, as it reads them
    written: dict[str, list[str]] = {}  # each one's labels as written, in order
    for s, p, value, lang in new:
        if p in _LABELS and lang != "@iri":
            written.setdefault(s, []).append(value)
    index = last.clone()
    for iri, pref in added.pref_label.items():
        index.add(iri, added.jurisdiction[iri], pref, written[str(iri)])
    return index


DOCUMENTS = [str(ELI.id_local), str(ELI.title), str(DCT.title), str(PG.titleVariant)]
_DOCUMENTS_MADE: list[Any] = [None, None, None]  # as _MADE, for the document index, and who won


def _document_index(rows: list[Row]) -> DocumentIndex:
    """``DocumentIndex.from_rows(rows)``, made once for the plan and the build as the
    department index is (:func:`_department_index`): the rows this process indexed last give
    that index; those rows with rows of new subjects added, that index with the new rows added
    in their places among them all (a number or title the index has goes to the row that wins
    it among them all: a new document titled as one the index holds, as a city's 实施意见 often
    is, made the whole index again, 0.15 s at 10,000 documents)."""
    last_rows, last, last_won = _DOCUMENTS_MADE
    if last_rows is not None and rows == last_rows:
        return last  # type: ignore[no-any-return]
    index, won = DocumentIndex.from_rows([]), {}
    named = {r[0] for r in last_rows} if last_rows is not None else set()
    moved = [at for at, r in enumerate(rows) if r[0] in named]  # each old row's place now
    if last_rows is not None and [rows[at] for at in moved] == last_rows:
        won = {key: (rank, moved[at]) for key, (rank, at) in last_won.items()}
        index.by_number, index.by_title = dict(last.by_number), dict(last.by_title)
        index.add_rows(((at, r) for at, r in enumerate(rows) if r[0] not in named), won)
    else:
        index.add_rows(enumerate(rows), won)
    _DOCUMENTS_MADE[:] = [rows, index, won]
    return index


def _documents_version() -> str:
    """The version of the document index kept: the code's and OpenCC's (which make its keys),
    and marshal's and Python's (which read it back)."""
    body = f"documents\n{cache.code_digest()}\n{opencc_version()}\n{marshal.version}\n"
    return hashlib.sha256(f"{body}{sys.version_info[:2]}".encode()).hexdigest()


def _kept_documents(db: sqlite3.Connection) -> list[Any]:
    """What :func:`_document_index` made last, as the index keeps it: its rows, the index and
    who won each key; none where none is kept for this version or it cannot be read."""
    from rdflib import URIRef

    with contextlib.suppress(sqlite3.Error, ValueError, EOFError, TypeError):
        query = "SELECT body FROM made WHERE what = 'documents' AND version = ?"
        found = db.execute(query, (_documents_version(),)).fetchone()
        if found is not None:
            rows, numbers, titles, won = marshal.loads(found[0])
            if type(rows) is list and all(type(d) is dict for d in (numbers, titles, won)):
                index = DocumentIndex.from_rows([])
                index.by_number = {k: URIRef(v) for k, v in numbers.items()}
                index.by_title = {k: URIRef(v) for k, v in titles.items()}
                return [rows, index, won]
    return [None, None, None]


def _keep_documents(db: sqlite3.Connection) -> None:
    """Keep what :func:`_document_index` made last for the next process (a cache: an index
    that cannot be written now only means it is made again)."""
    rows, index, won = _DOCUMENTS_MADE
    numbers = {k: str(v) for k, v in index.by_number.items()}
    titles = {k: str(v) for k, v in index.by_title.items()}
    body = marshal.dumps([rows, numbers, titles, won])
    with contextlib.suppress(sqlite3.Error):
        db.execute(
            "INSERT OR REPLACE INTO made VALUES ('documents', ?, ?)", (_documents_version(), body)
        )


Fact = tuple[str, str, str, str | None, str | None]  # s, p, object's value, language, datatype


def _parsed(path: Path) -> tuple[bytes, set[str], set[str], list[Fact]]:
    """A file's bytes, the IRIs it has as subjects and as objects, and its facts (of a curated
    file: the triples of :data:`FACTS` with a named subject, in order, each once)."""
    import pyoxigraph as ox

    data = path.read_bytes()
    subjects, objects, facts = set(), set(), []
    curated = not is_generated(path)
    for quad in ox.parse(data, ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri()):
        s, o = quad.subject, quad.object
        if isinstance(s, ox.NamedNode):
            subjects.add(s.value)
        if isinstance(o, ox.NamedNode):
            objects.add(o.value)
        if (
            curated
            and quad.predicate.value in FACTS
            and isinstance(s, ox.NamedNode)
            and isinstance(o, ox.NamedNode | ox.Literal)
        ):
            facts.append((s.value, quad.predicate.value, *_encoded(o)))
    return data, subjects, objects, list(dict.fromkeys(facts))


Row = tuple[str, str, str, str | None]  # subject, predicate, object's value, language or @iri


def _encoded(o: Any) -> tuple[str, str | None, str | None]:
    """An object (an IRI or a literal) as the index keeps it: its value, language and
    datatype (an IRI: no datatype, and a language of ``@iri``)."""
    import pyoxigraph as ox

    if isinstance(o, ox.NamedNode):
        return o.value, "@iri", None
    return o.value, o.language, o.datatype.value


def _term(value: str, lang: str | None, dt: str | None) -> Any:
    """An object of the index as the corpus's parser makes it (``rdf.terms.rdflib_term``)."""
    from rdflib import Literal, URIRef

    if lang == "@iri":
        return URIRef(value)
    if lang:
        return Literal(value, lang=lang)
    if dt == _XSD_STRING:
        return Literal(value)
    return Literal(value, datatype=URIRef(dt or ""), normalize=False)


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


# --- for a writer that knows what it wrote (``ingest.batch``) ------------------------------


def reindex(mentions: Mentions, files: Iterable[Path]) -> None:
    """Bring the index up to ``files`` alone, as they are now (a file gone is forgotten), in
    one transaction: a writer holding the corpus (a batch) names what it wrote instead of a
    stat of every file per document. Inside a transaction the caller opened, that
    transaction's (a commit per document was a write to disk per document)."""
    db = mentions.db
    own = not db.in_transaction
    if own:
        db.execute("BEGIN")
    try:
        for path in files:
            mentions._forget(mentions.name(path))
            if path.is_file():
                mentions._index(path)
        if own:
            db.execute("COMMIT")
    except BaseException:
        if own:
            db.execute("ROLLBACK")
        raise


def facts_where(
    mentions: Mentions,
    column: str,
    value: str,
    predicates: Iterable[str],
    exclude: Iterable[Path] = (),
) -> list[tuple[str, str, str, str, str | None, str | None]]:
    """The facts whose subject (``column`` ``s``), object's value (``o``) or file's name
    (``name``) is ``value`` and whose predicate is one of ``predicates``, but those of the files
    ``exclude``, each with its file's name, in the order of the files' names and of each
    file's triples."""
    assert column in ("s", "o", "name"), column
    wanted, left_out = sorted(set(predicates)), {mentions.name(p) for p in exclude}
    hidden = sorted(left_out | mentions.over.keys())  # the files read over it: as read
    where = f"{column} = ? AND +p IN ({', '.join('?' * len(wanted))})"  # by column alone
    if hidden:
        where += f" AND name NOT IN ({', '.join('?' * len(hidden))})"
    found = list(
        mentions.db.execute(
            f"SELECT name, s, p, o, lang, dt FROM facts WHERE {where} ORDER BY name, rowid",
            [value, *wanted, *hidden],
        )
    )
    at = {"s": 0, "o": 2}.get(column)
    over = [
        (name, *f)
        for name, facts in mentions.over.items()
        if name not in left_out and (at is not None or name == value)
        for f in facts
        if f[1] in wanted and (at is None or f[at] == value)
    ]
    return sorted(found + over, key=lambda row: row[0]) if over else found


def department_rows(
    mentions: Mentions, jurisdiction: str, exclude: Iterable[Path] = ()
) -> list[Row]:
    """What :meth:`Mentions.departments` is made of, for the departments of ``jurisdiction``
    alone (those a curated file, but ``exclude``, gives that jurisdiction; the files read over
    the index, :meth:`Mentions.overlay`, as read)."""
    left_out = {mentions.name(p) for p in exclude}
    hidden = sorted(left_out | mentions.over.keys())
    over = {name: facts for name, facts in mentions.over.items() if name not in left_out and facts}
    named = sorted(  # the departments of the jurisdiction in the files read over the index
        {
            f[0]
            for facts in over.values()
            for f in facts
            if f[1:3] == (_DEPARTMENTS[0], jurisdiction)
        }
    )
    # by the object, then by subject (``+p``: never the index of predicates, whose rows of
    # labels grow with the corpus)
    where = "+p IN (?, ?, ?) AND (s IN (SELECT s FROM facts WHERE +p = ? AND o = ?"
    args = [*_DEPARTMENTS, _DEPARTMENTS[0], jurisdiction]
    not_hidden = f" AND name NOT IN ({', '.join('?' * len(hidden))})" if hidden else ""
    where += not_hidden + ")"
    args += hidden
    if named:
        where += f" OR s IN ({', '.join('?' * len(named))})"
        args += named
    where += ")" + not_hidden
    args += hidden
    query = f"SELECT name, s, p, o, lang FROM facts WHERE {where} ORDER BY name, rowid"
    found = list(mentions.db.execute(query, args))
    subjects = {row[1] for row in found} | set(named)
    found += [
        (name, f[0], f[1], f[2], f[3])
        for name, facts in over.items()
        for f in facts
        if f[0] in subjects and f[1] in _DEPARTMENTS
    ]
    if over:
        found.sort(key=lambda row: row[0])  # stable: each file's rows in their order
    return [(s, p, o, lang) for _, s, p, o, lang in found]


# the jurisdictions of the departments a file states facts of (as the index holds it)
_JURISDICTIONS_OF_FILE = (
    "SELECT DISTINCT o FROM facts WHERE +p = ? AND s IN "
    "(SELECT s FROM facts WHERE name = ? AND +p IN (?, ?, ?))"
)


def _unkeep(db: sqlite3.Connection, name: str) -> None:
    """Forget the kept digests of the jurisdictions whose departments the file ``name`` states
    facts of, as the index holds it (called before it is forgotten and after it is indexed: a
    department moved to another jurisdiction changes both)."""
    db.execute(
        f"DELETE FROM digests WHERE jurisdiction IN ({_JURISDICTIONS_OF_FILE})",
        (_DEPARTMENTS[0], name, *_DEPARTMENTS),
    )


def _unkeep_rows(db: sqlite3.Connection, name: str) -> None:
    """Forget the kept rows (:meth:`Mentions._kept_facts`) of the file ``name`` and of every
    file stating facts of a subject it states facts of, as the index holds it (called before it
    is forgotten and after it is indexed): whether a file's facts of a subject are in a query's
    rows can depend on another file's facts of it (``about``)."""
    db.execute(
        "DELETE FROM kept WHERE name = ? OR name IN (SELECT DISTINCT name FROM facts "
        "WHERE s IN (SELECT DISTINCT s FROM facts WHERE name = ?))",
        (name, name),
    )


@contextlib.contextmanager
def _not_waiting(db: sqlite3.Connection) -> Iterator[None]:
    """No wait for a lock another connection holds (``sqlite3.OperationalError`` at once): where
    another process holds the index's write lock (a batch writing, a refresh), an ask would
    wait up to five seconds for it to keep rows it can do without."""
    (wait,) = db.execute("PRAGMA busy_timeout").fetchone()
    db.execute("PRAGMA busy_timeout = 0")
    try:
        yield
    finally:
        db.execute(f"PRAGMA busy_timeout = {int(wait)}")


def _query_key(wanted: set[str], about: set[str]) -> str:
    """The key a query's kept rows go under: its predicates, and the versions of marshal and
    Python (which read them back)."""
    body = [sorted(wanted), sorted(about), marshal.version, list(sys.version_info[:2])]
    return hashlib.sha256(json.dumps(body).encode()).hexdigest()[:24]


def _not_kept(db: sqlite3.Connection, q: str) -> list[str]:
    """The files of the index whose rows of the query ``q`` are not kept (every kept row is of
    a file of the index: counting both tells that none is missing)."""
    held = db.execute("SELECT count(*) FROM kept WHERE q = ?", (q,)).fetchone()[0]
    if held == db.execute("SELECT count(*) FROM files").fetchone()[0]:
        return []
    query = (  # each file's key looked up (a NOT IN of every kept name: 0.027 s at 10,000)
        "SELECT name FROM files f WHERE NOT EXISTS (SELECT 1 FROM kept k WHERE k.q = ? AND "
        "k.name = f.name)"
    )
    return sorted(name for (name,) in db.execute(query, (q,)))


def _keep_rows(
    db: sqlite3.Connection, q: str, wanted: set[str], about: set[str], names: list[str]
) -> None:
    """Make and keep the rows of the query ``q`` of the files ``names`` (each file's facts of
    ``wanted`` whose subject has a fact of ``about`` in the index, where it names any)."""
    by, of = ", ".join("?" * len(wanted)), ", ".join("?" * len(about))
    picked = f" AND EXISTS (SELECT 1 FROM facts a WHERE a.s = facts.s AND +a.p IN ({of}))"
    query = (
        "SELECT name, s, p, o, lang, dt FROM facts WHERE name IN (SELECT value FROM "
        f"json_each(?)) AND +p IN ({by}){picked if about else ''} ORDER BY name, rowid"
    )
    for start in range(0, len(names), 1000):  # a thousand files' rows held at a time
        chunk = names[start : start + 1000]
        given = [json.dumps(chunk), *sorted(wanted), *sorted(about)]
        made = {
            name: marshal.dumps(list(rows))
            for name, rows in itertools.groupby(_interned(db.execute(query, given)), _first)
        }
        db.executemany(
            "INSERT OR REPLACE INTO kept VALUES (?, ?, ?)", ((q, n, made.get(n)) for n in chunk)
        )
    made_at = db.execute("SELECT coalesce(max(made), 0) + 1 FROM queries").fetchone()[0]
    db.execute("INSERT OR REPLACE INTO queries VALUES (?, ?)", (q, made_at))
    old = "SELECT q FROM queries ORDER BY made DESC LIMIT -1 OFFSET ?"
    for (dropped,) in db.execute(old, (KEPT_QUERIES,)).fetchall():
        db.execute("DELETE FROM kept WHERE q = ?", (dropped,))
        db.execute("DELETE FROM queries WHERE q = ?", (dropped,))


def _none(name: str) -> bool:
    return False


def _first(row: tuple[Any, ...]) -> Any:
    return row[0]


def _interned(facts: Iterable[tuple[Any, ...]]) -> list[Any]:
    """:func:`_shared`, each file's name, predicate, IRI, language and datatype interned: the
    rows of each file are kept apart, and marshal gives interned strings back interned, so
    that the rows read back share them across files as :func:`_shared` shares them."""
    one: dict[Any, Any] = {}
    get, intern = one.setdefault, sys.intern
    return [
        (
            intern(n),
            get(s, s),
            intern(p),
            intern(o) if lang == "@iri" else get(o, o),
            intern(lang) if lang is not None else None,
            intern(dt) if dt is not None else None,
        )
        for n, s, p, o, lang, dt in facts
    ]


def _kept_rows(db: sqlite3.Connection, q: str, keep: Callable[[str], bool]) -> list[Any]:
    """The kept rows of the query ``q`` of the files whose names ``keep`` takes, in the order
    of the files' names (ValueError, EOFError or TypeError where a row is damaged)."""
    found: list[Any] = []
    query = "SELECT name, rows FROM kept WHERE q = ? AND rows IS NOT NULL ORDER BY name"
    for name, blob in db.execute(query, (q,)):
        if keep(name):
            rows = marshal.loads(blob)
            if type(rows) is not list:
                raise ValueError(f"kept rows of {name} are not a list")
            found += rows
    return found


def touched(mentions: Mentions, exclude: Iterable[Path] = ()) -> set[str]:
    """The jurisdictions whose departments read otherwise with the files ``exclude`` left out
    and the files read over the index as read: those whose departments these files state
    facts of, as the index holds them and as read (their kept digests are not theirs)."""
    names = sorted({mentions.name(p) for p in exclude} | mentions.over.keys())
    found: set[str] = set()
    for name in names:
        args = (_DEPARTMENTS[0], name, *_DEPARTMENTS)
        found.update(o for (o,) in mentions.db.execute(_JURISDICTIONS_OF_FILE, args))
    subjects = {f[0] for facts in mentions.over.values() for f in facts if f[1] in _DEPARTMENTS}
    for subject in sorted(subjects):
        found.update(row[3] for row in facts_where(mentions, "s", subject, _DEPARTMENTS[:1]))
    return found


def kept_digest(mentions: Mentions, jurisdiction: str) -> str | None:
    """The kept digest of ``jurisdiction``'s departments, if one is kept."""
    row = mentions.db.execute(
        "SELECT digest FROM digests WHERE jurisdiction = ?", (jurisdiction,)
    ).fetchone()
    return None if row is None else str(row[0])


def kept_digests(mentions: Mentions) -> dict[str, str]:
    """Every kept digest, by jurisdiction (:func:`kept_digest` of each, in one query)."""
    return {
        str(j): str(d) for j, d in mentions.db.execute("SELECT jurisdiction, digest FROM digests")
    }


def data_version(mentions: Mentions) -> int:
    """SQLite's count of the changes other connections committed to the index (``PRAGMA
    data_version``): read before a reader's first ask, compared when it keeps what it made."""
    return int(mentions.db.execute("PRAGMA data_version").fetchone()[0])


def keep_digests(mentions: Mentions, digests: dict[str, str], version: int | None) -> None:
    """Keep ``digests`` (made from the index as it holds the files: none of a jurisdiction
    :func:`touched`), in one write, in the caller's transaction where it has one; not where
    another connection changed the index since ``version`` (:func:`data_version`, read before
    they were made: a file indexed meanwhile forgot nothing yet kept, and they may be its old
    digests), nor where the index cannot be written (a forked worker's connection reads only)."""
    if not digests or version is None:
        return
    db, own = mentions.db, not mentions.db.in_transaction
    with contextlib.suppress(sqlite3.Error):
        if own:
            db.execute("BEGIN IMMEDIATE")  # no other writer until it is decided
        if data_version(mentions) == version:
            db.executemany("INSERT OR REPLACE INTO digests VALUES (?, ?)", sorted(digests.items()))
        if own:
            db.execute("COMMIT")
    if own and db.in_transaction:
        with contextlib.suppress(sqlite3.Error):
            db.execute("ROLLBACK")
