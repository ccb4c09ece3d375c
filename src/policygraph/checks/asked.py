"""The index of ``checks.mentions`` read as a plan and a build ask: its facts as an rdflib graph
filled pattern by pattern (:class:`Facts`), its departments a jurisdiction at a time
(:class:`Departments`). What one more document, or each document of a batch, reads of the corpus
then depends on what it names, not on the corpus's size: at 10,000 documents, every
department's rows read and grouped for one more document took 1.6 s, twice. A build asks for
the digest of every jurisdiction's departments: each is kept in the index once made
(``mentions.keep_digests``), but those of the jurisdictions the files read over the index or
left out touch.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Generator, Iterable
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef

from policygraph import departments
from policygraph.checks.mentions import (
    Mentions,
    _term,
    data_version,
    department_rows,
    facts_where,
    keep_digests,
    kept_digest,
    kept_digests,
    touched,
)
from policygraph.departments import DepartmentIndex


class Facts(Graph):
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


_ONE_BY_ONE = 16  # kept digests asked one by one before all are read (:meth:`Departments._kept`)


class Departments(departments.LazyIndex):
    """The departments of the index, read jurisdiction by jurisdiction as a lookup asks for one
    (a document's lookups ask for its own jurisdiction and those enclosing it); everything only
    for a lookup or a suggestion in no jurisdiction (:class:`~policygraph.departments.LazyIndex`
    says when), and a plan's own departments in a layer over it, as over any index."""

    def __init__(self, mentions: Mentions, exclude: Iterable[Path]) -> None:
        super().__init__(Graph())
        self.m, self.exclude, self.read = mentions, list(exclude), set[str]()
        self.everything = False
        self.digests: dict[str, str] = {}  # of each jurisdiction asked, read from the index
        self.made: dict[str, str] = {}  # those made here, to keep (:meth:`keep`)
        self.version: int | None = None  # the index's, before the first ask (:meth:`keep`)
        self.pid = self.owner = os.getpid()  # the process reading; the one that keeps
        self.asks = 0  # kept digests asked (:meth:`_kept`), and all of them, once read
        self.every_kept: dict[str, str] | None = None

    def _reading(self) -> Mentions:
        """The index; in a forked worker (a build's), through a connection of the worker's."""
        if self.pid != os.getpid():
            self.m, self.pid = self.m.reader(), os.getpid()
        elif self.owner == self.pid and self.version is None:
            self.version = data_version(self.m)
        return self.m

    def _load(self, jurisdiction: str) -> None:
        if self.everything or jurisdiction in self.read:
            return
        self.read.add(jurisdiction)
        rows = department_rows(self._reading(), jurisdiction, self.exclude)
        self._merge(DepartmentIndex.from_rows(rows))

    def _load_all(self) -> None:
        if not self.everything:
            self.everything = True
            self._merge(self._reading().departments(exclude=self.exclude))

    def _merge(self, part: DepartmentIndex) -> None:
        for iri in sorted(part.labels):
            if iri in self.labels:
                continue
            self.jurisdiction[iri], self.pref_label[iri] = (
                part.jurisdiction[iri],
                part.pref_label[iri],
            )
            self.labels[iri], self.written[iri] = set(), set(part.written.get(iri, ()))
            for label in sorted(part.labels[iri]):
                self._link(iri, label)

    def fingerprint(self, jurisdiction: str | None) -> str:
        if jurisdiction is None:  # every jurisdiction's
            self._load_all()
        return super().fingerprint(jurisdiction)

    def _fingerprint_in(self, jurisdiction: str) -> str:
        """The digest of one jurisdiction's departments, from its rows in the index (none of
        them indexed): what :meth:`DepartmentIndex._fingerprints` gives of them."""
        if self.everything:
            return super()._fingerprint_in(jurisdiction)
        if jurisdiction not in self.digests:
            m = self._reading()
            own = jurisdiction in self._touched
            found = None if own else self._kept(m, jurisdiction)
            if found is None:
                rows = department_rows(m, jurisdiction, self.exclude)
                found = departments.fingerprints_of(rows).get(jurisdiction, "")
                if not own:
                    self.made[jurisdiction] = found
            self.digests[jurisdiction] = found
        return self.digests[jurisdiction]

    def _kept(self, m: Mentions, jurisdiction: str) -> str | None:
        """The digest the index keeps of ``jurisdiction``: asked one by one for the few a plan
        asks, and all read in one query once more are asked (a build asks for every
        jurisdiction's: 7,800 queries at 10,000 documents)."""
        self.asks += 1
        if self.asks <= _ONE_BY_ONE:
            return kept_digest(m, jurisdiction)
        if self.every_kept is None:
            self.every_kept = kept_digests(m)
        return self.every_kept.get(jurisdiction)

    @functools.cached_property
    def _touched(self) -> set[str]:
        """The jurisdictions whose kept digests are not this index's (its files left out or
        read over the index state facts of their departments)."""
        return touched(self._reading(), self.exclude)

    def keep(self) -> None:
        """Keep the digests made here in the index, for the next build (in this process:
        a forked worker's are its own)."""
        if self.owner == os.getpid():
            keep_digests(self.m, self.made, self.version)
        self.made = {}


__all__ = ["Departments", "Facts"]
