"""The whole graph's views of the site read again only where the graph changed (issue 24): each
view's rows kept from the last read, with the rows of the nodes the change reaches read anew.

After one new document the graph is the last one with some triples added (``A``: the new files'
triples and what ``citations.ttl`` and ``anchors.ttl`` gained) and none taken out. The rows are
taken from the kept ones only when (each checked at run time; otherwise the view is read whole):

1. the kept rows were read by this code (its digest) from files each of which is still there,
   unchanged but for new files and ``citations.ttl`` and ``anchors.ttl`` (of ``data/ttl/``),
   which only grew: the copy kept of each (checked by its SHA-256) holds no triple the file
   lost, and neither what it gained nor a new file has a blank node;
2. the subjects of ``A`` (``S``) are closed against the old graph: every triple of the graph
   whose object is in ``S`` is in ``A`` (``delta-objects.rq`` counts them). Then no node outside
   ``S`` reaches a triple of ``A`` going forwards (subject to object): the first step into
   ``S`` would be a triple of ``A``, whose subject is in ``S``. A node outside ``S`` therefore
   reaches, forwards, exactly the triples it reached before;
3. the view is one this module has read (``VIEWS``, by the SHA-256 of its query: an edited
   query is another, unread): every row has a *key* (a variable always bound to an IRI) and
   is made of what the key reaches forwards, but for the predicates read backwards (object to
   subject) from the key, each one step to a node read forwards from there; or, for a view of
   ``REACHED`` (a document's counts: what is below it by ``eli:is_part_of+``, and what names
   one of those as its ``pg:provision``), its predicates read backwards any number of steps,
   each node so read read forwards one step (its types).

The rows of a key outside ``S`` that no node of ``S`` points to by a predicate read backwards
are then the ones read last time: the kept ones are taken, the others (``S`` and those nodes)
read with the same query, the key bound by ``VALUES``. For a view of ``REACHED``, the keys read
again are also those a node of ``S`` reaches forwards by its predicates, any number of steps
(a triple of ``A`` on a path read backwards to a key has its subject in ``S``, from which the
key is so reached); they are read by the function it names. Every view's rows, read whole or merged,
are put in one order of their own (:func:`canonical`, by the terms' values): what the views
make of them cannot then depend on the order a query plan gives (``tests/test_site_delta.py``
holds each merged view to a whole read, in order).
"""

from __future__ import annotations

import bisect
import hashlib
import shutil
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import BNode, Literal, URIRef

from policygraph.corpus import Corpus, SourceFile, is_generated, parse_turtle, source_files
from policygraph.rdf import PG
from policygraph.rdf.namespaces import ELI
from policygraph.store import Store, cache
from policygraph.store.results import Answer, Bound, Rows
from policygraph.views.internal import query
from policygraph.views.summary import counts_of

FORMAT = "2"  # bumped when what is kept changes
VOLATILE = ("citations.ttl", "anchors.ttl")  # data/ttl files build writes for every document
# The views read (views/queries/*.rq): the SHA-256 (16 digits) of each query, its words run
# together; the key variable; the predicates read backwards from the key (condition 3).
VIEWS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "site-quotes": ("d91461280ddc9eb3", "node", ()),
    "site-subjects": ("697c7d8d2ea9482f", "node", ()),
    "department-names": ("1fd737b6a687e3cf", "department", ()),
    "department-headers": ("9067ee29acf3b196", "department", ()),
    "measure-departments": ("51dee7b0cc0bd801", "s", ()),
    "site-citations": ("880ee08b0068e7f7", "citation", ()),
    "site-funding": ("92b8d370a2a3d1fd", "funding", ()),
    "site-dates": ("c005e766318aed98", "statement", ()),
    "document-counts": ("a2f334bbb48b673d", "document", ()),
    "site-terms": ("7edb4502ecb0f31a", "term", ()),
    "document-implementation": ("672f3e98e503e488", "lower", (str(PG.lower),)),
    "document-headers": ("cb6b1f198f5f7e1e", "document", ()),
    "applies-pairs": ("2184feef4c9a2b98", "lower", ()),
    "implementation-links": ("6d8839534a05c22d", "link", ()),
    "source-triples": ("e0b7516d705dfdbf", "source", ()),
}
# Views whose rows are made, too, of what reaches the key backwards by any number of steps of
# the predicates given (condition 3 widened): the keys read again are also every node a node of
# ``S`` reaches forwards by them. Their rows for given keys are read by the function given (the
# query with a VALUES block would count every document first: it groups in subqueries).
REACHED: dict[str, tuple[tuple[str, ...], Callable[[Store, tuple[URIRef, ...]], list[Any]]]] = {
    "document-counts": ((str(ELI.is_part_of), str(PG.provision)), counts_of),
}


def query_digest(text: str) -> str:
    return hashlib.sha256(" ".join(text.split()).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Change:
    """What the graph gained since the rows were kept: the subjects of the triples added."""

    subjects: frozenset[str]


class Reading:
    """The store as the site's views read it: a query of ``VIEWS`` (unbound) answered from the
    kept rows where the module's conditions hold, else read whole; any other query passed on.
    :meth:`keep` keeps what was read for the next time."""

    def __init__(self, store: Store, corpus: Corpus) -> None:
        self.store, self.corpus = store, corpus
        self.location = store.location
        self._names = {query(name): name for name in VIEWS}
        self._read: dict[str, tuple[list[str], list[tuple[Any, ...]]]] = {}  # kept as encoded
        self.merged: list[str] = []  # the views answered from kept rows, in the order asked
        where = _location(corpus)  # None: the cache off, every view read whole
        self._files = _digests(corpus) if where is not None else {}
        self._last = _load(where)
        self._change: Change | None = None
        self._worked_out = False
        self._sources: dict[str, list[Any]] = {}  # a metadata file → its own sources (kept)

    def query(self, sparql: str, bindings: Mapping[str, Bound] | None = None) -> Answer:
        return self.store.query(sparql, bindings)

    def select(self, sparql: str, bindings: Mapping[str, Bound] | None = None) -> Rows:
        name = self._names.get(sparql)
        if name is None or bindings:
            return self.store.select(sparql, bindings)
        names, encoded, whole = self._rows(name, sparql)
        return Rows(names, whole if encoded is None else _decode(encoded))

    def texts(self, sparql: str) -> Rows:
        """What :func:`texts` gives: the rows of ``sparql``, each term as its text (an IRI's,
        a literal's lexical form; None where unbound), for a view that reads nothing else of a
        term; a query of ``VIEWS`` answered as :meth:`select` answers it, without making the
        kept rows' terms (1.2 s of the views at 1,000 documents)."""
        name = self._names.get(sparql)
        if name is None:
            return _texts_of(self.store.select(sparql))
        names, encoded, whole = self._rows(name, sparql)
        if encoded is None:
            return _texts_of(Rows(names, whole))
        return Rows(names, _each_term(encoded, _text))

    def _rows(
        self, name: str, sparql: str
    ) -> tuple[list[str], list[tuple[Any, ...]] | None, list[tuple[Any, ...]]]:
        """A view's variables and rows, encoded (kept for :meth:`keep`) or, where a blank node
        keeps them from being kept, None and the rows as read."""
        if name in self._read:  # read already by this reading (two views of one query)
            return (*self._read[name], [])
        merged = self._merge(name, sparql)
        if merged is None:
            found = self.store.select(sparql)
            encoded = _encode(found.rows)
            if encoded is None:  # a blank node: read whole, not kept
                return found.vars, None, canonical(found.rows)
            encoded.sort(key=_key)
            self._read[name] = (found.vars, encoded)
            return found.vars, encoded, []
        self.merged.append(name)
        self._read[name] = merged
        return merged[0], merged[1], []

    def change(self) -> Change | None:
        """What the graph gained since the rows were kept, or None where the kept rows cannot
        be used (conditions 1 and 2)."""
        if not self._worked_out:
            self._change = _change(self.store, self.corpus, self._last, self._files)
            self._worked_out = True
        return self._change

    def _merge(self, name: str, sparql: str) -> tuple[list[str], list[tuple[Any, ...]]] | None:
        """The view's rows (encoded, in order): the kept ones but those of the keys the change
        reaches, which are read again."""
        kept = (self._last or {}).get("views", {}).get(name)
        digest, key, backwards = VIEWS[name]
        if kept is None or digest != query_digest(sparql) or kept.get("digest") != digest:
            return None
        change = self.change()
        names = list(kept["vars"])
        if change is None or key not in names:
            return None
        again = set(change.subjects) | _pointed_at(self.store, change.subjects, backwards)
        reached = REACHED.get(name)
        if reached is not None:
            again |= _reached(self.store, change.subjects, reached[0])
        rows: list[tuple[Any, ...]] = kept["rows"]
        if not again:
            return names, rows
        at = names.index(key)
        rows = [r for r in rows if r[at] not in again]
        keys = tuple(URIRef(n) for n in sorted(again))
        if reached is not None:
            fresh = _encode(reached[1](self.store, keys))
        else:
            found = self.store.select(sparql, {key: keys})
            fresh = _encode(found.rows) if found.vars == names else None
        if fresh is None:
            return None
        return names, _inserted(rows, sorted(fresh, key=_key))

    def source_files(self) -> list[SourceFile]:
        """What ``corpus.source_files(corpus.metadata())`` gives, made from each metadata file's
        own sources: those kept of a file unchanged (its SHA-256), a file changed or new read
        alone (after one new document: one file, not a thousand). Where an IRI is a subject in
        two files (then a source's values may come from another file), or one file's sources
        cannot be read alone, the metadata is read whole."""
        if not self._files:  # the cache off: nothing kept, nothing to keep
            return source_files(self.corpus.metadata())
        kept = (self._last or {}).get("sources", {})
        files = [p for p in sorted(self.corpus.sources.glob("*.ttl")) if not is_generated(p)]
        each: dict[str, list[Any]] = {}
        for path in files:
            name = _name(self.corpus, path)
            sha, found = self._files.get(name, ""), kept.get(name)
            if not sha or found is None or found[0] != sha:
                found = _own_sources(path, sha)
            if found is None:
                return source_files(self.corpus.metadata())
            each[name] = found
        self._sources = {n: found for n, found in each.items() if found[0]}
        subjects = Counter(s for found in each.values() for s in found[1])
        if any(n > 1 for n in subjects.values()):
            return source_files(self.corpus.metadata())
        rows = sorted((row for found in each.values() for row in found[2]), key=lambda r: r[0])
        return [_source(row) for row in rows]

    def keep(self) -> None:
        """Keep the rows read (those of a view with a blank node are not kept), the files they
        were read from, and a copy of ``citations.ttl`` and ``anchors.ttl``."""
        where = _location(self.corpus)
        if where is None or not self._read:
            return
        views = {
            name: {"digest": VIEWS[name][0], "vars": names, "rows": rows}
            for name, (names, rows) in self._read.items()
        }
        body = {"format": FORMAT, "code": cache.code_digest(), "files": self._files}
        body["sources"] = self._sources
        try:
            where.parent.mkdir(parents=True, exist_ok=True)
            for name in VOLATILE:
                if (self.corpus.ttl / name).is_file():
                    shutil.copyfile(self.corpus.ttl / name, _copy(where, name))
        except OSError:
            return  # a cache that cannot be written: the views are read whole next time
        cache.keep_marshalled(where, {**body, "views": views})


def _own_sources(path: Path, sha: str) -> list[Any] | None:
    """One metadata file's SHA-256, the IRIs it says something of, and the sources it alone
    describes (as :func:`_source` reads them back); None where they cannot be read alone."""
    from rdflib import URIRef

    from policygraph.errors import SourceError

    graph = parse_turtle([path])
    try:
        found = source_files(graph)
    except SourceError:
        return None  # the whole read says which
    subjects = sorted({str(s) for s in graph.subjects() if isinstance(s, URIRef)})
    rows = [
        [str(f.iri), f.file_name, f.sha256, f.profile, f.describes, f.text_file, f.text_sha256]
        for f in found
    ]
    for row in rows:
        row[4] = None if row[4] is None else str(row[4])
    return [sha, subjects, rows]


def _source(row: list[Any]) -> SourceFile:
    iri, file_name, sha, profile, describes, text_file, text_sha = row
    return SourceFile(
        URIRef(iri),
        file_name,
        sha,
        profile,
        None if describes is None else URIRef(describes),
        text_file,
        text_sha,
    )


def _inserted(rows: list[tuple[Any, ...]], fresh: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """``rows`` and ``fresh``, both in :func:`_key`'s order, as one list in that order (what
    inserting each of ``fresh`` with ``bisect.insort`` gives, in one pass: one insort at a time
    moved the whole list each time, 0.3 s for the views of one new document)."""
    out: list[tuple[Any, ...]] = []
    at = 0
    for row in fresh:
        to = bisect.bisect_right(rows, _key(row), lo=at, key=_key)
        out.extend(rows[at:to])
        out.append(row)
        at = to
    out.extend(rows[at:])
    return out


def texts(store: Store, sparql: str) -> Rows:
    """The rows of ``sparql``, each term as its text (``str`` of it; None where unbound): from
    a :class:`Reading`, a view's kept rows without making their terms."""
    if isinstance(store, Reading):
        return store.texts(sparql)
    return _texts_of(store.select(sparql))


def _texts_of(found: Rows) -> Rows:
    said: list[tuple[Any, ...]] = [
        tuple(None if t is None else str(t) for t in r) for r in found.rows
    ]
    return Rows(found.vars, said)


def _text(t: Any) -> Any:
    """An encoded term's text (:func:`_encode`): an IRI's, a literal's lexical form."""
    return t if isinstance(t, str) else t[0]


def canonical(rows: Iterable[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The rows in one order of their own (:func:`_key`); rows with a blank node after the
    others' order, by its label."""
    return sorted(rows, key=lambda row: tuple(_order(t) for t in row))


def _order(term: Any) -> tuple[Any, ...]:
    if term is None:
        return (0, "")
    if isinstance(term, Literal):
        return (2, str(term), str(term.datatype or ""), term.language or "")
    return (3 if isinstance(term, BNode) else 1, str(term))


def _key(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """The order of encoded rows (:func:`_encode`), the same as :func:`canonical`'s."""
    return tuple((0, "") if t is None else (1, t) if isinstance(t, str) else (2, *t) for t in row)


def _location(corpus: Corpus) -> Path | None:
    where = cache.directory()
    if where is None:
        return None
    name = hashlib.sha256(str(corpus.root.resolve()).encode()).hexdigest()[:32]
    return where / "views" / f"{name}.rows"


def _copy(where: Path, name: str) -> Path:
    return where.with_name(f"{where.stem}.{name}")


def _load(where: Path | None) -> dict[str, Any] | None:
    """What :meth:`Reading.keep` kept at ``where``, where this code kept it; None otherwise."""
    found = cache.read_marshalled(where, FORMAT)
    return found if found is not None and found.get("code") == cache.code_digest() else None


def _digests(corpus: Corpus) -> dict[str, str]:
    """Each graph file's SHA-256 by its name in the corpus."""
    files = corpus.graph_files()
    found = cache.file_digests(files, cache.digests_file())
    root = f"{corpus.root}/"  # (a file under it named by its text: 4,000 paths, 0.05 s sooner)
    return {
        str(p)[len(root) :] if str(p).startswith(root) else _name(corpus, p): found[p]
        for p in files
    }


def _name(corpus: Corpus, path: Path) -> str:
    """A graph file's name: under the corpus's folder, relative to it."""
    try:
        return path.relative_to(corpus.root).as_posix()
    except ValueError:
        return str(path.resolve())


def _change(
    store: Store, corpus: Corpus, last: dict[str, Any] | None, now: dict[str, str]
) -> Change | None:
    """Conditions 1 and 2 of the module's text: the subjects of what was added, or None."""
    if last is None:
        return None
    before: dict[str, str] = last.get("files", {})
    if set(before) - set(now):
        return None  # a file went
    added: set[Any] = set()
    for name, sha in sorted(now.items()):
        if before.get(name) == sha:
            continue
        gained = _gained(corpus, name, before.get(name))
        if gained is None:
            return None
        added |= gained
    return _closed(store, added)


def _gained(corpus: Corpus, name: str, sha: str | None) -> set[Any] | None:
    """The triples a file changed since the rows were kept added (all of a new file's); None
    where it lost any, is not one that may only grow, or the gain has a blank node."""
    path = corpus.root / name
    new = _triples(path)
    if new is None:
        return None
    if sha is not None:
        old_copy = _location(corpus)
        if path.parent != corpus.ttl or path.name not in VOLATILE or old_copy is None:
            return None
        old_copy = _copy(old_copy, path.name)
        if not old_copy.is_file() or cache.file_digests([old_copy])[old_copy] != sha:
            return None
        old = _triples(old_copy)
        if old is None or not old <= new:
            return None
        new -= old
    return new


def _triples(path: Path) -> set[tuple[Any, Any, Any]] | None:
    """The file's triples; None where it has a blank node (its label is the file's: two
    versions of a file do not share them) or cannot be read."""
    import pyoxigraph as ox

    try:
        found = {
            (q.subject, q.predicate, q.object)
            for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)
        }
    except (OSError, SyntaxError):
        return None
    if any(isinstance(t, ox.BlankNode) for triple in found for t in triple):
        return None
    return found


def _closed(store: Store, added: set[Any]) -> Change | None:
    """Condition 2: every triple of the graph whose object is a subject of ``added`` is one of
    ``added`` (counted: ``added`` is in the graph)."""
    import pyoxigraph as ox

    subjects = {s.value for s, _, _ in added}
    if not subjects:
        return Change(frozenset())
    said = Counter(
        o.value for _, _, o in added if isinstance(o, ox.NamedNode) and o.value in subjects
    )
    found = store.select(query("delta-objects"), {"s": tuple(URIRef(s) for s in sorted(subjects))})
    for s, n in found.rows:
        if int(str(n)) != said.get(str(s), 0):
            return None
    return Change(frozenset(subjects))


def _pointed_at(store: Store, subjects: frozenset[str], backwards: tuple[str, ...]) -> set[str]:
    """The IRIs a node of ``subjects`` points to by one of the predicates ``backwards``."""
    if not backwards or not subjects:
        return set()
    found = store.select(
        query("delta-backwards"), {"node": tuple(URIRef(s) for s in sorted(subjects))}
    )
    return {str(x) for _, p, x in found.rows if str(p) in backwards}


def _reached(store: Store, subjects: frozenset[str], predicates: tuple[str, ...]) -> set[str]:
    """The IRIs the nodes of ``subjects`` reach by one or more steps of ``predicates``."""
    found: set[str] = set()
    todo = subjects
    while todo:
        step = _pointed_at(store, todo, predicates) - found - subjects
        found |= step
        todo = frozenset(step)
    return found


def _encode(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]] | None:
    """Rows as plain values: an IRI as its text, a literal as (text, datatype, language); None
    where a row has a blank node (its label is the store's, not kept from one store to the
    next)."""

    def plain(t: Any) -> Any:
        if type(t) is URIRef:
            return str(t)
        if isinstance(t, Literal):
            return (str(t), str(t.datatype or ""), t.language or "")
        raise _Unkept

    try:
        return _each_term(rows, plain)
    except _Unkept:
        return None


def _decode(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Encoded rows as rdflib terms, as the store makes them (``rdf.terms.rdflib_term``), each
    distinct term made once."""
    return _each_term(rows, _term)


class _Unkept(Exception):
    """A term rows cannot be kept with (a blank node)."""


def _each_term(rows: list[tuple[Any, ...]], make: Callable[[Any], Any]) -> list[tuple[Any, ...]]:
    """``rows`` with each term made by ``make``, each distinct term once (None stays None)."""
    made: dict[Any, Any] = {None: None}
    out = []
    for row in rows:
        one = []
        for t in row:
            found = made.get(t, made)
            if found is made:
                found = made[t] = make(t)
            one.append(found)
        out.append(tuple(one))
    return out


def _term(t: Any) -> Any:
    if isinstance(t, str):
        return str.__new__(URIRef, t)  # as URIRef(t) makes it, without checking it again
    text, datatype, lang = t
    if lang:
        return Literal(text, lang=lang)
    if not datatype:  # none given (the store gives every literal one: xsd:string at least)
        return Literal(text)
    return Literal(text, datatype=str.__new__(URIRef, datatype), normalize=False)
