"""The corpus as a batch reads it (``ingest.batch``): the index on disk of ``checks.mentions``,
not the union of the curated files in memory.

:class:`OnDisk` holds the index through a batch: brought up to the files as they are once, when
the batch starts, then to each file the batch writes (no stat of every file per document). A
document's plan reads from it what :class:`~policygraph.ingest.plan.Known` gives a plan, each
part as the plan asks for it: the departments of the jurisdictions its lookups name (its own
and those enclosing it), the facts of the documents and sources it names, what the curated
files say of a register's body; the documents by 文号 and title are kept in the process, grown
by each file written (a few entries per document). So neither a document's memory nor its time
grows with the corpus: the union it replaces held the whole corpus as rdflib terms (4.7 GB at
10,000 documents) and each plan walked structures its size.
"""

from __future__ import annotations

import contextlib
import functools
import sqlite3
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from policygraph.build import GIVEN, GIVEN_ABOUT, Given
from policygraph.checks import asked
from policygraph.checks.mentions import DOCUMENTS, Mentions, facts_where, reindex
from policygraph.corpus import Corpus
from policygraph.ingest.plan import Known
from policygraph.text.citations import DocumentIndex

# The queries of the index's facts whose rows one more document's plan and build ask for (its
# documents, ``Known.documents``; what the build reads of the curated files, ``apply._given``)
ONE_MORE = [(DOCUMENTS, []), ([str(t) for t in GIVEN], [str(t) for t in GIVEN_ABOUT])]


class OnDisk:
    """The index on disk of the corpus (``checks.mentions``) held through a batch: brought up to
    the files once when the batch starts, then to each file the batch writes (no stat of every
    file per document), so that each document is planned, and the batch built, from it rather
    than from the curated graph kept in the process (memory that grew with the corpus: 4.7 GB
    at 10,000 documents). The documents by 文号 and title are kept in the process, grown by
    each file written, as they were (small: a few entries per document)."""

    def __init__(self, mentions: Mentions) -> None:
        self.mentions = mentions
        mentions.hold = False  # its files change as the batch writes: each ask reads its own
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

    def keep_for_one_more(self) -> None:
        """Commit what the batch brought the index up to, and keep each file's rows of the
        queries one more document's plan and build ask (:data:`ONE_MORE`), so that the first
        document ingested after a batch does not make them all (at 10,000 documents: 6.2 s,
        against 3.9 s for the next). The batch's last use of the index before :meth:`close`.
        A cache: rows that cannot be kept now are made when they are asked."""
        try:
            with contextlib.suppress(sqlite3.Error):  # as :meth:`close`'s commit
                self.mentions.db.execute("COMMIT")
                self.mentions.hold = True
                self.mentions.keep(ONE_MORE)
        finally:
            self.mentions.hold = False

    def commit(self) -> None:
        """Commit what the batch brought the index up to so far, and go on in a new transaction
        (as :meth:`close`: a file an interrupted batch wrote and put back has another stamp)."""
        self.mentions.db.execute("COMMIT")
        self.mentions.db.execute("BEGIN")

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
        """What the build reads of the curated files, from the index: the departments of each
        jurisdiction read from it and indexed as a document of it is built, and their digests
        read jurisdiction by jurisdiction (every department's rows held through the rebuild
        took ~65 MB at 5,000 documents), and the curated facts read where the build asks (a
        build that adds a few documents does not). What the batch wrote is committed first, so
        that the build's forked workers, each reading through a connection of its own, read
        it."""
        self.commit()
        m = self.mentions
        return Given(
            functools.partial(
                m.graph, [str(t) for t in GIVEN], about=[str(t) for t in GIVEN_ABOUT]
            ),
            asked.Departments(m, ()),
            m.documents(),
            m.naming,
        )


class _Known(Known):
    """What a plan reads of the corpus, from the index on disk kept by :class:`OnDisk`, as
    :class:`Known` reads it (each part as asked), with the documents by 文号 and title kept by
    the batch and what the curated files say of a register's body read once."""

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
    def documents(self) -> DocumentIndex:
        if any(p.is_file() for p in self.own):  # planned again: the index without its files
            return self.on_disk.mentions.documents(exclude=self.own)
        return self.on_disk.documents


__all__ = ["OnDisk"]
