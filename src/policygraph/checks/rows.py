"""A read-only rdflib store of rows of strings (``checks.mentions``' facts): a graph of 30,000
triples of the index without adding each to rdflib's memory store (1.3 s at 1,000 documents),
each triple's terms made when it is asked for, and not kept (a batch's rebuild asks for most of
them: kept, they took ~3 KB a document, 30 MB at 10,000)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from rdflib import URIRef
from rdflib.store import Store

Row = tuple[str, str, str, str | None, str | None]  # s, p, object's value, language, datatype


class Rows(Store):
    """``rows`` (each once, in order) indexed by subject and by predicate; ``term`` makes an
    object of a row's value, language and datatype. Adding or removing is an error."""

    def __init__(self, rows: Iterable[Row], term: Callable[[str, str | None, str | None], Any]):
        super().__init__()
        self.rows = list(dict.fromkeys(rows))
        self.term = term
        self.by_s: dict[str, list[int]] = {}
        self.by_p: dict[str, list[int]] = {}
        for i, (s, p, *_) in enumerate(self.rows):
            self.by_s.setdefault(s, []).append(i)
            self.by_p.setdefault(p, []).append(i)

    def add(self, triple: Any, context: Any, quoted: bool = False) -> None:
        raise TypeError("a graph of the index's rows is read-only")

    def remove(self, triple: Any, context: Any = None) -> None:
        raise TypeError("a graph of the index's rows is read-only")

    def triples(self, triple_pattern: Any, context: Any = None) -> Iterator[Any]:
        s, p, o = triple_pattern
        for i in self._candidates(s, p):
            t = self._make(i)
            if (p is None or t[1] == p) and (o is None or t[2] == o):
                yield t, iter(())

    def first(self, s: str, p: str) -> Any:
        """What ``Graph.value(URIRef(s), URIRef(p))`` gives over this store (the object of the
        first row of ``s`` and ``p``, or None), without making the subject's other terms: a
        build asks three facts of each of a thousand documents."""
        row = self._first(s, p)
        return self.term(*row[2:]) if row is not None else None

    def lexical(self, s: str, p: str) -> tuple[str, bool] | None:
        """The first row of ``s`` and ``p`` as its object's value (a literal's lexical form, an
        IRI's value) and whether it is an IRI, or None: what ``str`` and ``isinstance(...,
        URIRef)`` say of :meth:`first`, without making the term (a build reads seven facts of
        each of 10,000 sources)."""
        row = self._first(s, p)
        return (row[2], row[3] == "@iri") if row is not None else None

    def _first(self, s: str, p: str) -> Row | None:
        """The first row of ``s`` and ``p``, or None."""
        return next((self.rows[i] for i in self.by_s.get(s, ()) if self.rows[i][1] == p), None)

    def pairs(self, p: str) -> list[tuple[str, str]]:
        """The subject and the object's value of each row of ``p`` whose object is an IRI, in
        order: ``Graph.subject_objects`` of IRIs without making a term of the others."""
        return [
            (self.rows[i][0], self.rows[i][2])
            for i in self.by_p.get(p, ())
            if self.rows[i][3] == "@iri"
        ]

    def subjects_of(self, p: str, o: Any = None) -> set[str]:
        """The subjects (each an IRI's value) of the rows of ``p`` (and, given ``o``, an rdflib
        term, of those whose object is ``o``): ``Graph.subjects`` without making their terms."""
        return {
            self.rows[i][0]
            for i in self.by_p.get(p, ())
            if o is None or (self.rows[i][2] == str(o) and self.term(*self.rows[i][2:]) == o)
        }

    def _candidates(self, s: Any, p: Any) -> Iterable[int]:
        if s is not None:
            return self.by_s.get(str(s), []) if isinstance(s, URIRef) else []
        if p is not None:
            return self.by_p.get(str(p), []) if isinstance(p, URIRef) else []
        return range(len(self.rows))

    def _make(self, i: int) -> tuple[Any, Any, Any]:
        s, p, o, lang, dt = self.rows[i]
        return URIRef(s), URIRef(p), self.term(o, lang, dt)

    def __len__(self, context: Any = None) -> int:
        return len(self.rows)
