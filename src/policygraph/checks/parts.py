"""The whole-corpus validation in parts (issue 24): the same report as one store of the whole
corpus gives, from stores of a part of it at a time, so that memory is bounded by a part.

The data files are split into parts of ``size`` files; the subjects of the large files
(``SHARED_BYTES``: ``citations.ttl``, ``anchors.ttl``), held once in a store of their own, are
split among the parts by their order. A part's focus nodes are the subjects of its own files
(and of its share of the large files'; the first part also those of the ontology and any node
no data file describes). Its store holds every triple a shape reads from its focus nodes, which
:mod:`policygraph.checks.scope` shows of the shapes it has read (:func:`scope.reading`: a shape
it has not read, a shape the compiler refuses or a blank node in the data means the one store):

1. the ontology, the part's own triples, and every triple of each focus node (``describing``:
   every file describing it, by the index of :mod:`policygraph.checks.mentions`);
2. forwards: every triple of each node one and two steps on from a focus node (a value's class,
   a department's label, a progress report's task's measure's label and title);
3. backwards: for each node of 1-2 and each predicate a shape reads backwards (``_SPARQL`` of
   ``scope``), every triple pointing at it by that predicate, found by one pass over every file
   (:class:`Index`), with every triple of the node it comes from and of the nodes one step on from
   that (a date statement's document's title), and the nodes below by ``eli:is_part_of`` as far
   as they go (``CountMatches`` counts a document's measures at any depth; ``NumberingContinuous``
   reads two levels);
4. up ``eli:is_part_of`` and ``rdfs:subClassOf`` from every node of 1-3 as far as they go, each
   node's triples and those of its ``pg:level`` (``LinkGoesUp``).

Of the files of other parts it holds those triples alone (1-4 say all a shape reads of them), not
the files whole: whole, a part's documents' own files and those of the documents they cite or
implement doubled the stores at 10,000 documents. (The first part holds every file it reads
whole: its rows of nodes no data file describes are read from it.) So each focus node's rows
are those of the whole store; a part keeps the rows of its own focus nodes, and the report is
their union (each distinct row once, as ``compiled.findings`` keeps them). The store is then
made again in the one store's order (:func:`_store`), from the files as the part parsed them
(each once): Oxigraph gives a pattern's matches in the order they were added, which a
GROUP_CONCAT writes out. Above ``FORKED_ABOVE`` files the parts run on every core
(``store.parallel``: workers forked once the pass over every file is made, each part a job, each
worker with its own connection to the index): the rows come back in the parts' order and are
put together as in one process (a row an earlier part gave stands). At 10,000 documents, 152 s
against 234 s, each worker no larger than the one process was.

Three shapes read more than a node's surroundings and are assembled across parts:
``NoImplementationCycle`` is run once on a store of every ``eli:applies`` and
``eli:ensures_implementation_of`` triple, all it reads, and a part gives the row of each of its
focus nodes found on a cycle there; ``DepartmentUsed`` (nothing names the department): a part's
row stands where no data file names the department as an object (the index), and where a triple
of the part names it the whole store has that triple too; ``ClosedVocabulary`` (a pg: term used
but not declared): every part gives the terms it uses and does not declare, and a term stands
where no file describing it declares it (the ontology is in every part).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SH

from policygraph.checks import compiled, scope
from policygraph.checks.compiled import Check, Row, RowKey
from policygraph.checks.mentions import Mentions, data_files
from policygraph.checks.report import Finding, Report, from_row, order, report_graph, turtle
from policygraph.checks.shapes import NotCompiled
from policygraph.corpus import Corpus, parse_turtle, source_files
from policygraph.errors import PolicyGraphError
from policygraph.rdf import ELI, PG, PROV
from policygraph.store.parallel import on_every_core

SIZE = 250  # data files a part owns (measured: see validate)
ABOVE = 15_000  # data files a corpus has before it is validated in parts (measured: see validate)
FORKED_ABOVE = 15_000  # data files a corpus has before its parts run on every core
SHARED_BYTES = 1 << 18  # a file larger than this is held once, its subjects split among parts
_EDGES = frozenset((str(ELI.applies), str(ELI.ensures_implementation_of)))
_PART_OF = str(ELI.is_part_of)
_UP = (str(ELI.is_part_of), str(RDFS.subClassOf))
_LEVEL = (str(PG.level),)
_GIVEN = Graph(identifier=URIRef("urn:policygraph:the-shapes"))  # a worker's findings' source


# The predicates each SPARQL shape of ``scope._SPARQL`` that reads backwards reads so, each
# with how far past the focus node the node it points at is (0: the focus node itself, 1: a
# node the focus node leads to, 2: one step further); read from the queries ``scope`` has read
# (an edited query is another query: ``scope.reading`` refuses it).
_BACK: dict[str, tuple[tuple[str, int], ...]] = {
    name: tuple((str(p), depth) for p, depth in reads)
    for name, reads in (
        ("CompletedAfterDeadline", ((PG.provision, 2),)),  # reportsOn/provision, its deadlines
        ("CountMatches", ((ELI.is_part_of, 1),)),  # the document's measures, any depth
        ("DatesAgree", ((PG.about, 1),)),  # the other statements about the document
        ("DepartmentTwiceInList", ((PG.provision, 0),)),
        ("LeadAndCoLead", ((PG.provision, 0),)),
        ("MeasureHasLead", ((PG.provision, 0),)),
        ("NumberingContinuous", ((ELI.is_part_of, 0),)),  # two levels down
        ("QuoteAtOffsets", ((PROV.wasDerivedFrom, 0),)),
        ("RestatedAmountMatches", ((PG.provision, 1),)),  # the measure's own amounts
        ("RestatedBeneficiariesMatch", ((PG.about, 1),)),  # the measure's own list
        ("ShortcutIsQualified", ((PG["lower"], 0),)),
        ("TargetAlreadyMet", ((PG.indicator, 1),)),  # the figures of the indicator
    )
}


def back_reads(shapes: Graph) -> dict[int, frozenset[str]] | None:
    """The predicates read backwards by the shapes, by how far past the focus node; None where
    a shape reads backwards and is not in ``_BACK``."""
    out: dict[int, set[str]] = {0: set(), 1: set(), 2: set()}
    for shape in set(shapes.subjects(SH.sparql, None)):
        name = str(shape).rsplit("#", 1)[-1]
        known = scope._SPARQL.get(name)
        if known is not None and known[1] and name not in _BACK:
            return None
        for p, depth in _BACK.get(name, ()):
            out[depth].add(p)
    return {depth: frozenset(ps) for depth, ps in out.items()}


@dataclass
class Index:
    """What one pass over every data file says that no part holds alone."""

    files: list[Path]
    back: dict[tuple[str, str], list[int]]  # (predicate read backwards, object): its files
    edges: list[Any]  # every eli:applies and eli:ensures_implementation_of triple
    shared: Any  # a store of the large files
    large: dict[int, list[Any]]  # which files they are, with their triples as parsed


def index(files: list[Path], backwards: frozenset[str], shared_bytes: int) -> Index | None:
    """The pass over ``files``; None where one has a blank node (told apart by file only)."""
    import pyoxigraph as ox

    back: dict[tuple[str, str], list[int]] = {}
    edges, shared, large = [], ox.Store(), {}
    for k, path in enumerate(files):
        quads = _parse(path)
        for quad in quads:
            s, p, o = quad.subject, quad.predicate.value, quad.object
            if isinstance(s, ox.BlankNode) or isinstance(o, ox.BlankNode):
                return None
            if p in backwards and isinstance(o, ox.NamedNode):
                held = back.setdefault((p, o.value), [])
                if not held or held[-1] != k:
                    held.append(k)
            if p in _EDGES:
                edges.append(quad)
        if path.stat().st_size > shared_bytes:
            shared.extend(quads)
            large[k] = quads
    return Index(files, back, edges, shared, large)


@dataclass
class Special:
    """The shapes assembled across parts, by their IRI (None: not in the shapes)."""

    cycle: URIRef | None
    vocabulary: URIRef | None
    unused: URIRef | None
    on_cycle: set[str] = field(default_factory=set)


def validate(
    corpus: Corpus,
    shapes: Graph,
    size: int = SIZE,
    shared_bytes: int = SHARED_BYTES,
    above: int | None = None,
    made: tuple[list[Check], list[NotCompiled]] | None = None,
) -> Report | None:
    """The report of ``corpus`` validated in parts of ``size`` files (``made``: the shapes'
    checks and the shapes the compiler refused, else compiled here); None where it has no more
    files than ``above`` (``size`` if not given), or where this module cannot show the parts give
    the whole report. The one store is the better below ``ABOVE``: at 1,000 documents (3,019
    files) parts of 1,000 files took 312 MB and 38 s of CPU against 345 MB and 13 s; at 10,000,
    447 MB against 2,812 MB. Parts of 250 files (``SIZE``) hold a quarter of a store each in
    the same time: at 5,000 documents (20,015 files), validated alone, a peak of 184 MB against
    352 MB for parts of 1,000, 90 s against 92 s; parts of 100, 156 MB and 100 s
    (benchmarks/README.md, issue 24)."""
    files = data_files(corpus)
    if len(files) <= (size if above is None else above):
        return None
    read, back = scope.reading(shapes), back_reads(shapes)
    checks, refused = made if made is not None else compiled.compile_each(shapes)
    if read is None or back is None or refused:
        return None
    mentions = Mentions.open(corpus)
    if mentions is None:
        return None
    try:
        mentions.refresh()
        found = index(files, frozenset().union(*back.values()), shared_bytes)
        special = _special(shapes, read, checks, found)
        if found is None or special is None:
            return None
        twice = _described_twice(mentions)
        return _validate(Run(corpus, shapes, checks, mentions, found, special, back, twice), size)
    except (OSError, sqlite3.Error, SyntaxError, ValueError, PolicyGraphError):
        return None  # the one store says what is wrong, as it would have
    finally:
        mentions.close()


def _special(
    shapes: Graph, read: scope.Reading, checks: list[Check], found: Index | None
) -> Special | None:
    """The shapes assembled across parts, and the nodes on a cycle of implementation."""
    import pyoxigraph as ox

    if found is None:
        return None
    names = {str(s).rsplit("#", 1)[-1]: s for s in shapes.subjects(SH.sparql, None)}
    cycle = names.get("NoImplementationCycle")
    special = Special(
        cycle if isinstance(cycle, URIRef) else None,
        read.special.get("ClosedVocabulary"),
        read.special.get("DepartmentUsed"),
    )
    own = [c for c in checks if c.shape == special.cycle]
    if special.cycle is not None:
        if len(own) != 1:
            return None
        edges = ox.Store()
        edges.extend(found.edges)
        special.on_cycle = {
            str(getattr(row["this"], "value", "")) for _, row in compiled.run_checks(edges, own)
        }
    return special


@dataclass
class Run:
    """One validation in parts."""

    corpus: Corpus
    shapes: Graph
    checks: list[Check]
    mentions: Mentions
    found: Index
    special: Special
    back: dict[int, frozenset[str]]  # :func:`back_reads`
    twice: dict[str, list[str]]  # :func:`_described_twice`
    pid: int = field(default_factory=os.getpid)  # the process whose connection ``mentions`` is


def _described_twice(mentions: Mentions) -> dict[str, list[str]]:
    """The nodes more than one data file describes, with those files (by name): a few of every
    node (20,000 of 3 million at 10,000 documents), so that a part asks the index of no node
    that a file it holds whole describes alone (asking it of a part's 30,000 nodes took half
    of the part's time)."""
    out: dict[str, list[str]] = {}
    shared = "SELECT iri, name FROM subj WHERE iri IN "
    shared += "(SELECT iri FROM subj GROUP BY iri HAVING COUNT(*) > 1) ORDER BY iri, name"
    for iri, name in mentions.db.execute(shared):
        out.setdefault(iri, []).append(name)
    return out


def _validate(run: Run, size: int) -> Report:
    """Each part validated in turn, their rows put together."""
    found = run.found
    own = _groups(run, [f for k, f in enumerate(found.files) if k not in found.large], size)
    shared = sorted({q.subject.value for q in found.shared})
    step = -(-len(shared) // len(own))
    jobs = [(files, set(shared[k * step : (k + 1) * step]), k == 0) for k, files in enumerate(own)]
    if len(found.files) > FORKED_ABOVE:  # each part on a worker, given the index as it is
        made = on_every_core(_part, (run,), jobs, per_worker=1, chunksize=1)
    else:
        made = [_part(run, *job) for job in jobs]
    rows: dict[RowKey, tuple[Finding, Any]] = {}
    vocabulary: dict[RowKey, str] = {}
    for part_rows, part_vocabulary in made:  # in the parts' order: the first part's row stands
        for key, (finding, result) in part_rows.items():
            if key not in rows:
                if finding.source.identifier == _GIVEN.identifier:  # (from a worker)
                    finding = replace(finding, source=run.shapes)
                rows[key] = (finding, result)
                if key in part_vocabulary:
                    vocabulary[key] = part_vocabulary[key]
    for key, term in vocabulary.items():
        if _declared(run, term):
            del rows[key]
    results = sorted({r for _, r in rows.values()}, key=order)
    return Report(tuple(results), turtle(report_graph([f for f, _ in rows.values()])), ())


def _groups(run: Run, files: list[Path], size: int) -> list[list[Path]]:
    """``files`` in parts of about ``size``, the files that describe a node in common or one of
    which describes what another's nodes are part of (a document's metadata, its built file and
    its ingest's file) in one part where they fit, in the files' order."""
    position = {run.mentions.name(f): k for k, f in enumerate(files)}
    parent = list(range(len(files)))

    def root(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for names in run.twice.values():
        together = [position[name] for name in names if name in position]
        for k in together[1:]:
            parent[max(root(k), root(together[0]))] = min(root(k), root(together[0]))
    for (p, o), held in run.found.back.items():  # a document's built file, by its parts
        if p == _PART_OF:
            near = [run.mentions.name(run.found.files[k]) for k in held]
            near += [run.mentions.name(f) for f in run.mentions.describing([o])]
            ks = [position[name] for name in near if name in position]
            for k in ks[1:]:
                parent[max(root(k), root(ks[0]))] = min(root(k), root(ks[0]))
    groups: dict[int, list[Path]] = {}
    for k, path in enumerate(files):
        groups.setdefault(root(k), []).append(path)
    return _packed(list(groups.values()), size)


def _packed(groups: list[list[Path]], size: int) -> list[list[Path]]:
    """``groups`` in parts of at most ``size`` files, a group split only where it is larger."""
    out: list[list[Path]] = [[]]
    for group in groups:
        while group:
            if out[-1] and len(out[-1]) + len(group) > size:
                out.append([])
            room = size - len(out[-1])
            out[-1] += group[:room]
            group = group[room:]
    return out


def _declared(run: Run, term: str) -> bool:
    """Whether a data file declares ``term`` (gives it a type)."""
    import pyoxigraph as ox

    node, kind = ox.NamedNode(term), ox.NamedNode(str(RDF.type))
    if any(True for _ in run.found.shared.quads_for_pattern(node, kind, None)):
        return True
    files = sorted(run.mentions.describing([term]))
    return any((node, kind) == (q.subject, q.predicate) for f in files for q in _parse(f))


def _parse(path: Path) -> list[Any]:
    import pyoxigraph as ox

    return list(ox.parse(path=path, format=ox.RdfFormat.TURTLE))


class Grower:
    """A part's store as it grows, each file it reads parsed once: its own files (and, in the
    first part, every file it reads) loaded whole, of the others the triples of the nodes
    described and those pointing at a node by a predicate read backwards (as the module shows,
    all a shape reads of them), the large files' by node from their store."""

    def __init__(self, run: Run, own: list[Path], whole: bool) -> None:
        import pyoxigraph as ox

        self.run, self.whole = run, whole
        self.large = {run.found.files[k]: quads for k, quads in run.found.large.items()}
        self.parsed: dict[Path, list[Any]] = {}  # every file read, as parsed
        self.loaded: set[Path] = set()  # the files held whole
        self.held: dict[str, Path] = {}  # the subjects of the files held whole: a file of each
        self.store: Any = ox.Store()
        self.store.extend(self.quads(run.corpus.ontology))
        self.load(own)
        self.described: set[str] = set()
        # the triples it holds of the files not held whole: of these subjects, of these
        # predicates and objects
        self.subjects: set[str] = set()
        self.pointing: set[tuple[str, str]] = set()

    def quads(self, path: Path) -> list[Any]:
        """The triples of ``path`` as parsed (once)."""
        if path in self.large:
            return self.large[path]
        found = self.parsed.get(path)
        if found is None:
            found = self.parsed[path] = _parse(path)
        return found

    def holds(self, quad: Any) -> bool:
        """Whether the part holds ``quad`` of a file not held whole (as parsed, its literals as
        written)."""
        return quad.subject.value in self.subjects or _pointing(quad) in self.pointing

    def load(self, files: Iterable[Path]) -> None:
        """``files`` held whole (but the large files)."""
        for path in sorted(set(files) - self.loaded - set(self.large)):
            quads = self.quads(path)
            self.store.extend(quads)
            self.loaded.add(path)
            self.held.update((q.subject.value, path) for q in quads)

    def take(self, files: Iterable[Path], wanted: Callable[[Any], bool]) -> None:
        """Of ``files`` (but those held whole and the large files), the triples ``wanted``; in
        the first part, the files held whole."""
        files = set(files) - self.loaded - set(self.large)
        if self.whole:
            self.load(files)
            return
        self.store.extend(q for path in sorted(files) for q in self.quads(path) if wanted(q))

    def describing(self, nodes: set[str]) -> set[Path]:
        """The files in which any of ``nodes`` is a subject: of a node more than one file
        describes, those; of one a file held whole describes, that file; the index asked of the
        others alone."""
        run, found, ask = self.run, set[Path](), set[str]()
        for node in nodes:
            names, path = run.twice.get(node), self.held.get(node)
            if names is not None:
                found.update(run.mentions.root / name for name in names)
            elif path is not None:
                found.add(path)
            else:
                ask.add(node)
        return found | (run.mentions.describing(ask) if ask else set())

    def describe(self, nodes: Iterable[str]) -> None:
        """Every triple of each of ``nodes``."""
        import pyoxigraph as ox

        new = set(nodes) - self.described
        self.described |= new
        self.subjects |= new
        self.take(self.describing(new), lambda q: q.subject.value in new)
        shared = self.run.found.shared
        self.store.extend(
            q for n in sorted(new) for q in shared.quads_for_pattern(ox.NamedNode(n), None, None)
        )

    def objects(self, nodes: Iterable[str], predicates: Iterable[str] | None = None) -> set[str]:
        """The IRIs ``nodes`` lead to (by ``predicates``, or any)."""
        import pyoxigraph as ox

        wanted = [ox.NamedNode(p) for p in predicates] if predicates is not None else [None]
        return {
            q.object.value
            for n in nodes
            for p in wanted
            for q in self.store.quads_for_pattern(ox.NamedNode(n), p, None)
            if isinstance(q.object, ox.NamedNode)
        }

    def forward(self, nodes: set[str]) -> set[str]:
        """The nodes one step on from ``nodes``, described."""
        found = self.objects(nodes)
        self.describe(found)
        return found

    def backward(self, anchors: dict[int, set[str]]) -> set[str]:
        """The nodes that point at the nodes of ``anchors`` (by how far past a focus node they
        are) by a predicate read backwards from there, then those below them by eli:is_part_of
        as far as they go, described."""
        import pyoxigraph as ox

        found = self.run.found
        reached: set[str] = set()
        keys = sorted(
            {
                (p, n)
                for depth, nodes in anchors.items()
                for p in self.run.back[depth]
                for n in nodes
            }
        )
        below = any(_PART_OF in ps for ps in self.run.back.values())
        while keys:
            files = {found.files[k] for key in keys for k in found.back.get(key, ())}
            self.pointing.update(keys)
            self.take(files, _pointing_at(set(keys)))
            self.store.extend(
                q
                for p, n in keys
                for q in found.shared.quads_for_pattern(None, ox.NamedNode(p), ox.NamedNode(n))
            )
            new = {
                q.subject.value
                for p, n in keys
                for q in self.store.quads_for_pattern(None, ox.NamedNode(p), ox.NamedNode(n))
                if isinstance(q.subject, ox.NamedNode)
            }
            self.describe(new)
            frontier = new - reached
            reached |= new
            keys = sorted((_PART_OF, n) for n in frontier) if below else []
        return reached

    def up(self, nodes: set[str]) -> None:
        """Up eli:is_part_of and rdfs:subClassOf from ``nodes`` as far as they go, each node and
        its level described."""
        frontier, seen = set(nodes), set(nodes)
        while frontier:
            above = self.objects(frontier, _UP)
            self.describe(above)
            self.describe(self.objects(above, _LEVEL))
            frontier = above - seen
            seen |= frontier


def _pointing(quad: Any) -> tuple[str, str | None]:
    """A triple's predicate and the value of its object."""
    return quad.predicate.value, getattr(quad.object, "value", None)


def _pointing_at(keys: set[tuple[str, str]]) -> Callable[[Any], bool]:
    """Whether a triple points at a node by a predicate, as ``keys`` name them."""
    return lambda quad: _pointing(quad) in keys


def _part(
    run: Run, files: list[Path], share: set[str], first: bool
) -> tuple[dict[RowKey, tuple[Finding, Any]], dict[RowKey, str]]:
    """One part: its store made and every check run on it; the rows of its focus nodes, and of
    those the vocabulary's terms. On a forked worker, through a connection of its own to the
    index (SQLite's do not survive a fork)."""
    if os.getpid() == run.pid:
        return _part_rows(run, files, share, first)
    reader = run.mentions.reader()
    try:
        rows, vocabulary = _part_rows(
            replace(run, mentions=reader, pid=os.getpid()), files, share, first
        )
    finally:
        reader.close()
    # sent back without the shapes graph each finding names (a copy of it in every pickled
    # finding grew the process that gathers them by 200 MB at 10,000 documents): the
    # shapes it holds too, put back there (:func:`_validate`)
    return {k: (replace(f, source=_GIVEN), r) for k, (f, r) in rows.items()}, vocabulary


def _part_rows(
    run: Run, files: list[Path], share: set[str], first: bool
) -> tuple[dict[RowKey, tuple[Finding, Any]], dict[RowKey, str]]:
    from policygraph.checks import load_shapes_graph
    from policygraph.checks.report import result_of

    rows: dict[RowKey, tuple[Finding, Any]] = {}
    vocabulary: dict[RowKey, str] = {}
    grow = Grower(run, files, first)
    focus = _subjects(run.mentions, files) | share
    if first:
        focus |= {q.subject.value for q in grow.quads(run.corpus.ontology) if _iri(q.subject)}
    grow.describe(focus)
    one = grow.forward(focus)
    two = grow.forward(one)
    back = grow.backward({0: focus, 1: one, 2: two})
    after = grow.forward(back)
    grow.up(focus | one | two | back | after)
    store = _store(run, grow, _texts(run, grow, focus))
    if compiled.needs_shapes_graph(run.checks):
        load_shapes_graph(store, run.shapes)
    for key, check, row in _rows(run, store, focus, first):
        if key in rows:
            continue
        finding = from_row(check, row, run.shapes)
        rows[key] = (finding, result_of(finding, run.shapes, store))
        if check.shape == run.special.vocabulary and run.special.vocabulary is not None:
            vocabulary[key] = str(getattr(row.get("value"), "value", ""))
    return rows, vocabulary


def _store(run: Run, grow: Grower, texts: dict[str, str]) -> Any:
    """The part's store made again, from the files as parsed, in the order of the one store
    (the ontology, each file in turn, the texts): Oxigraph gives a pattern's matches in the
    order they were added, and a shape's GROUP_CONCAT (RestatedAmountMatches) joins them in
    that order."""
    import pyoxigraph as ox

    from policygraph.checks import add_texts

    grow.store = None
    store = ox.Store()
    store.extend(grow.quads(run.corpus.ontology))
    for path in run.found.files:
        if path in grow.loaded:
            store.extend(grow.quads(path))
        elif path in grow.parsed or path in grow.large:
            store.extend([q for q in grow.quads(path) if grow.holds(q)])
    grow.parsed.clear()
    return add_texts(store, dict(sorted(texts.items())))


def _iri(term: Any) -> bool:
    import pyoxigraph as ox

    return isinstance(term, ox.NamedNode)


def _subjects(mentions: Mentions, files: list[Path]) -> set[str]:
    """The IRIs ``files`` have as subjects (the index)."""
    out: set[str] = set()
    for path in files:
        out.update(
            i
            for (i,) in mentions.db.execute(
                "SELECT iri FROM subj WHERE name = ?", (mentions.name(path),)
            )
        )
    return out


def _texts(run: Run, grow: Grower, focus: set[str]) -> dict[str, str]:
    """The text of each source among ``focus``, read with its SHA-256 checked, as its metadata
    says (every metadata file describing it, as the one store reads them all)."""
    corpus = run.corpus
    metadata = sorted(p for p in grow.describing(focus) if p.parent == corpus.sources)
    if not metadata:
        return {}
    sources = source_files(parse_turtle(metadata))
    return {str(s.iri): corpus.read_text(s) for s in sources if str(s.iri) in focus}


def _rows(run: Run, store: Any, focus: set[str], first: bool) -> list[tuple[RowKey, Check, Row]]:
    """The part's rows: those of its focus nodes (the first part: and of nodes no data file
    describes), a cycle's from the store of every link, the vocabulary's every one (put together
    after), a department nothing names where no data file names it."""
    import pyoxigraph as ox

    special = run.special
    out = []
    for key, check, row in compiled.distinct_rows(store, run.checks):
        this = str(getattr(row.get("this"), "value", row.get("this")))
        if check.shape == special.cycle:
            continue
        if check.shape == special.vocabulary and special.vocabulary is not None:
            out.append((key, check, row))
        elif this in focus or (first and not run.mentions.describing([this])):
            if (
                check.shape == special.unused
                and special.unused is not None
                and run.mentions.named([this])
            ):
                continue
            out.append((key, check, row))
    for k, check in enumerate(run.checks):
        if check.shape == special.cycle:
            for node in sorted(special.on_cycle & focus):
                row = {"this": ox.NamedNode(node)}
                out.append((compiled.row_key(k, row), check, row))
    return out
