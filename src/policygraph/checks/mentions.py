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
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from policygraph.corpus import Corpus
from policygraph.store import cache

FORMAT = "1"  # bumped when what the index holds changes
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS files (name TEXT PRIMARY KEY, stamp TEXT, sha256 TEXT)",
    "CREATE TABLE IF NOT EXISTS subj (iri TEXT, name TEXT)",
    "CREATE TABLE IF NOT EXISTS obj (iri TEXT, name TEXT)",
    "CREATE INDEX IF NOT EXISTS subj_iri ON subj (iri)",
    "CREATE INDEX IF NOT EXISTS obj_iri ON obj (iri)",
    "CREATE INDEX IF NOT EXISTS subj_name ON subj (name)",
    "CREATE INDEX IF NOT EXISTS obj_name ON obj (name)",
)


def data_files(corpus: Corpus) -> list[Path]:
    """The files of the graph but the ontology: what the index covers."""
    return [p for p in corpus.graph_files() if p != corpus.ontology]


def stamp(path: Path) -> str:
    st = path.stat()
    return f"{st.st_mtime_ns} {st.st_size} {st.st_ino}"


class Mentions:
    """The index of one corpus, open; :meth:`refresh` brings it up to the files as they are."""

    def __init__(self, corpus: Corpus, db: sqlite3.Connection) -> None:
        self.corpus, self.db = corpus, db
        self.root = corpus.root  # the files are named under it (as the corpus lists them)

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
        return cls(corpus, db)

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.db.close()

    def changed(self) -> tuple[list[Path], list[str]]:
        """The files whose content is not what the index holds (new ones too), and the names
        the index holds of files that are gone."""
        known = dict(self.db.execute("SELECT name, stamp || ' ' || sha256 FROM files"))
        out: list[Path] = []
        for path in data_files(self.corpus):
            name = self.name(path)
            held = known.pop(name, None)
            if held is None or not held.startswith(stamp(path) + " "):
                if held is None or held.rsplit(" ", 1)[1] != _sha256(path):
                    out.append(path)
                else:  # the same bytes under a new stamp (copied, touched)
                    self.db.execute(
                        "UPDATE files SET stamp = ? WHERE name = ?", (stamp(path), name)
                    )
        return out, sorted(known)

    def refresh(self) -> tuple[list[Path], list[str]]:
        """Bring the index up to the files as they are; what was changed and what was gone."""
        changed, gone = self.changed()
        self.db.execute("BEGIN")
        try:
            for name in gone:
                self._forget(name)
            for path in changed:
                self._forget(self.name(path))
                self._index(path)
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return changed, gone

    def _forget(self, name: str) -> None:
        for table in ("files", "subj", "obj"):
            self.db.execute(f"DELETE FROM {table} WHERE name = ?", (name,))

    def _index(self, path: Path) -> None:
        import pyoxigraph as ox

        data = path.read_bytes()
        subjects, objects = set(), set()
        for quad in ox.parse(data, ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri()):
            if isinstance(quad.subject, ox.NamedNode):
                subjects.add(quad.subject.value)
            if isinstance(quad.object, ox.NamedNode):
                objects.add(quad.object.value)
        name = self.name(path)
        self.db.execute(
            "INSERT INTO files VALUES (?, ?, ?)",
            (name, stamp(path), hashlib.sha256(data).hexdigest()),
        )
        self.db.executemany("INSERT INTO subj VALUES (?, ?)", ((s, name) for s in subjects))
        self.db.executemany("INSERT INTO obj VALUES (?, ?)", ((o, name) for o in objects))

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

    def describing(self, iris: Iterable[str]) -> set[Path]:
        """The files in which any of ``iris`` is a subject."""
        root = self.root
        found: set[Path] = set()
        for iri in set(iris):
            for (name,) in self.db.execute("SELECT name FROM subj WHERE iri = ?", (iri,)):
                found.add(root / name)
        return found


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
