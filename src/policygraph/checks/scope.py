"""A validation scoped to what one new document adds (issue 24): the report of the corpus before
(kept, ``checks.kept``) with each result whose focus node is new taken from a run of the shapes
on a small store, instead of every shape over every file again.

Why it gives what a whole-corpus validation gives. Let T+ be the triples the ingest added: the
new document's files and what ``citations.ttl`` and ``anchors.ttl`` gained. It is taken only
when (each checked at run time; otherwise ``None``, and the caller validates the whole corpus):

1. every graph file the ingest changed is new, but ``citations.ttl`` and ``anchors.ttl``, which
   only grew (nothing taken out, no blank node in them); no file went;
2. every subject of T+ is new: no file of the corpus before named it (``checks.mentions``), so
   an old node's own triples are as they were, and no old triple leads to a new node;
3. every shape is one this module has read (:func:`reading`): property shapes whose paths are
   predicates or alternatives of predicates (each step goes from subject to object), and the
   SPARQL shapes of ``_SPARQL``, each by the SHA-256 of its query (an edited query is another
   query, unread);
4. no triple of T+ whose object is an old node has a predicate a shape reads backwards (from
   object to subject, ``_SPARQL``): an old focus node then reaches no new triple, so its
   results are the old ones; and a new focus node reaches old nodes only forwards.

Two SPARQL shapes read any triple: ``DepartmentUsed`` (a department nothing refers to): an old
department T+ refers to loses its result, the others keep theirs; ``ClosedVocabulary`` (a pg:
term no file declares): the old rows stay (2: no old term is declared by T+) and each term T+
uses is checked with every file that describes it. ``NoImplementationCycle`` reads forwards:
a new cycle would need an old node leading to a new one (2).

The new focus nodes are checked on a store of the ontology, the new files, ``citations.ttl``,
``anchors.ttl`` and every file describing an old node T+ names or a node one step on from one,
then along ``eli:is_part_of``
and ``rdfs:subClassOf`` as far as they go: what the shapes read from a new node (the classes of
the values, a department's label, a higher measure's document and level, a document's title and
date, a progress report's task's label) is at most two steps past a node T+ names, or up those
two chains. The kept report is then the
corpus's report (``tests/test_scoped_ingest.py`` holds it to a whole-corpus validation).
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH

from policygraph.checks import compiled, kept
from policygraph.checks.compiled import Check
from policygraph.checks.mentions import Mentions
from policygraph.checks.report import Finding, Report, build, merged_turtle, order, turtle
from policygraph.corpus import Corpus, parse_turtle, source_files
from policygraph.errors import PolicyGraphError
from policygraph.rdf import ELI, PG, PROV

ENGINE = "auto"
# The SPARQL shapes read (ontology/shapes/*.ttl): the SHA-256 (16 digits) of each query, its
# words run together, and the predicates it reads backwards (object to subject) with those of
# the steps from its focus node to where it does: a triple of T+ with one of them pointing at an
# old node is where a result could change out of the small store's sight (condition 4).
_SPARQL: dict[str, tuple[str, frozenset[str]]] = {
    name: (digest, frozenset(str(p) for p in back))
    for name, digest, back in (
        ("AnnotationUnderstood", "092ea27b924ec73f", ()),
        ("ClosedVocabulary", "8c1297e336eaac5d", ()),  # any triple: see the module's text
        ("CompletedAfterDeadline", "40ab3cd30a0cb2be", (PG.reportsOn, PG.provision)),
        ("CompletedWithoutDate", "3bfbea199fcb15b7", ()),
        ("CountMatches", "cf56ea659578386a", (PG.about, ELI.is_part_of)),
        ("DateReadable", "6ae53677fd341b2c", ()),
        ("DatesAgree", "947426b30fa176b9", (PG.about,)),
        ("DeadlineAfterDocument", "cf2d48f5b4a3f27e", ()),
        ("DepartmentTwiceInList", "0c3c360240d1ca58", (PG.provision,)),
        ("DepartmentUsed", "25ed1e4b01fe89b6", ()),  # any triple: see the module's text
        ("LeadAndCoLead", "b73492afdcf9d006", (PG.provision,)),
        ("LinkGoesUp", "3c4a8f34188368ca", ()),
        ("MeasureHasLead", "2371436a0b6acef7", (PG.provision,)),
        ("NoImplementationCycle", "c72c2ab37851e5d4", ()),
        ("NumberingContinuous", "b7115b41a364f984", (ELI.is_part_of,)),
        ("QuoteAtOffsets", "939eaa1fbee9a8fb", (PROV.wasDerivedFrom,)),
        ("ReportOnAnotherDepartmentsTask", "e30e97c8f3abe74c", ()),
        ("RestatedAmountMatches", "35bc503f76e73c5b", (PG.about, PG.provision)),
        ("RestatedBeneficiariesMatch", "bc1a1dcbaf428bcc", (PG.about,)),
        ("ShortcutIsQualified", "92dcb335a0a6d399", (PG["lower"],)),  # PG.lower: str.lower
        ("TargetAlreadyMet", "e4a34beb9e4eecae", (PG.indicator,)),
        ("TaskTableAgrees", "45ca0c36acde4c56", ()),
        ("TaskTableRowMatched", "44ce69d05fd316eb", ()),
    )
}
_ANY = ("DepartmentUsed", "ClosedVocabulary")
# What a shape may say that this reading does not cover: another kind of path, target or
# constraint that reads backwards or deeper (sh:node and sh:qualifiedValueShape only where the
# shape they name checks the value itself, with no path of its own).
_UNREAD = (
    SH.targetObjectsOf,
    SH.target,
    SH.validator,
    SH.nodeValidator,
    SH.propertyValidator,
    SH.inversePath,
    SH.zeroOrMorePath,
    SH.oneOrMorePath,
    SH.zeroOrOnePath,
)
_UP = (str(ELI.is_part_of), str(RDFS.subClassOf))
# The prefixes the queries above are written with (a shapes graph declaring one of them for
# another namespace would give the same words another meaning).
_PREFIXES = {
    "pg": str(PG),
    "eli": str(ELI),
    "org": "http://www.w3.org/ns/org#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": str(PROV),
    "dct": "http://purl.org/dc/terms/",
    "qb": "http://purl.org/linked-data/cube#",
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


@dataclass(frozen=True)
class Reading:
    """What :func:`reading` found in a shapes graph: the predicates read backwards, and the
    shapes that read any triple, by name."""

    backwards: frozenset[str]
    special: dict[str, URIRef]


def query_digest(select: str) -> str:
    return hashlib.sha256(" ".join(select.split()).encode()).hexdigest()[:16]


def reading(shapes: Graph) -> Reading | None:
    """The reading of ``shapes``, or None where a shape is not one this module has read."""
    if not _forwards_only(shapes) or not _prefixes_as_read(shapes):
        return None
    backwards: set[str] = set()
    special: dict[str, URIRef] = {}
    for shape, constraint in shapes.subject_objects(SH.sparql):
        name = str(shape).rsplit("#", 1)[-1]
        known = _SPARQL.get(name)
        select = shapes.value(constraint, SH.select)
        if not isinstance(shape, URIRef) or known is None or select is None:
            return None
        if query_digest(str(select)) != known[0]:
            return None
        backwards |= known[1]
        if name in _ANY:
            special[name] = shape
    return Reading(frozenset(backwards), special)


def _prefixes_as_read(shapes: Graph) -> bool:
    for declared in shapes.objects(None, SH.declare):
        prefix, namespace = shapes.value(declared, SH.prefix), shapes.value(declared, SH.namespace)
        if str(prefix) in _PREFIXES and str(namespace) != _PREFIXES[str(prefix)]:
            return False
    return True


def _forwards_only(shapes: Graph) -> bool:
    """Whether every target, path and nested shape of ``shapes`` reads forwards, one step from
    the focus node (or its value) at a time."""
    if any(True for p in _UNREAD for _ in shapes.triples((None, p, None))):
        return False
    for nested in (SH.node, SH.qualifiedValueShape):
        for value_shape in shapes.objects(None, nested):
            below = {t[1] for t in _described(shapes, value_shape, named=True)}
            if below & {SH.path, SH.property, SH.node, SH.qualifiedValueShape, SH.sparql}:
                return False
    for path in shapes.objects(None, SH.path):
        if isinstance(path, BNode):
            options = shapes.value(path, SH.alternativePath)
            if options is None or not all(isinstance(o, URIRef) for o in shapes.items(options)):
                return False
    return True


@dataclass
class Before:
    """The corpus as it was, taken under the lock before the ingest writes."""

    key: str  # its kept report's key
    mentions: Mentions
    linked: dict[Path, bytes]  # citations.ttl and anchors.ttl as they were


def before(corpus: Corpus) -> Before | None:
    """The corpus before an ingest writes (the index brought up to it); None without a cache."""
    mentions = Mentions.open(corpus)
    if mentions is None:
        return None
    try:
        mentions.refresh()
    except (OSError, sqlite3.Error, SyntaxError, ValueError):
        mentions.close()
        return None
    linked = {p: p.read_bytes() for p in _linked(corpus) if p.is_file()}
    return Before(kept.key(corpus, ENGINE), mentions, linked)


def _linked(corpus: Corpus) -> list[Path]:
    return [corpus.ttl / "citations.ttl", corpus.ttl / "anchors.ttl"]


def validate_added(corpus: Corpus, was: Before) -> Report | None:
    """The report of ``corpus`` now, made from the report of the corpus ``was`` and a run of the
    shapes on what the ingest added; None where that is not shown to be the corpus's report
    (the caller then validates the whole corpus). The report is kept, as a validation's is."""
    try:
        return _validate_added(corpus, was)
    except (OSError, sqlite3.Error, SyntaxError, ValueError, PolicyGraphError):
        return None
    finally:
        was.mentions.close()


def _validate_added(corpus: Corpus, was: Before) -> Report | None:
    from policygraph.checks import compiled_shapes

    old = kept.load(was.key)
    if old is None:
        return None
    shapes, checks, refused = compiled_shapes(corpus)
    read = reading(shapes)
    added = _added(corpus, was) if read is not None and not refused else None
    if added is None or read is None:
        return None
    triples, files = added
    new = {t.subject.value for t in triples if _iri(t.subject)}
    named = {t.object.value for t in triples if _iri(t.object)} - new
    old_named = was.mentions.known(named)
    if was.mentions.known(new) or any(
        t.predicate.value in read.backwards and _iri(t.object) and t.object.value in old_named
        for t in triples
    ):
        return None
    terms = {term for t in triples for term in _terms(t)}
    store = _store(corpus, was.mentions, files, old_named | terms)
    found = _findings(store, shapes, checks, _wanted(old, read, new, terms))
    report = _merge(old, found, shapes, store, read, new, named, terms)
    if report is not None:
        kept.save(kept.key(corpus, ENGINE), report)
    return report


def _iri(term: Any) -> bool:
    import pyoxigraph as ox

    return isinstance(term, ox.NamedNode)


def _terms(t: Any) -> list[str]:
    """The pg: terms a triple uses (for ClosedVocabulary)."""
    return [
        x.value for x in (t.subject, t.predicate, t.object) if _iri(x) and x.value.startswith(PG)
    ]


def _added(corpus: Corpus, was: Before) -> tuple[list[Any], list[Path]] | None:
    """The triples the ingest added and the files the small store is made of (the new files,
    citations.ttl and anchors.ttl); None where a file changed otherwise (condition 1)."""
    changed, gone = was.mentions.changed()
    if gone:
        return None
    linked = _linked(corpus)
    triples: list[Any] = []
    for path in changed:
        if path in linked:
            grown = _grown(was.linked.get(path), path)
            if grown is None:
                return None
            triples += grown
        elif was.mentions.db.execute(
            "SELECT 1 FROM files WHERE name = ?", (was.mentions.name(path),)
        ).fetchone():
            return None  # an old file rewritten
        else:
            triples += _parse(path.read_bytes(), path)
    files = [p for p in changed if p not in linked] + [p for p in linked if p.is_file()]
    return triples, files


def _grown(before: bytes | None, path: Path) -> list[Any] | None:
    """What ``path`` gained since ``before``; None where it lost a triple or has blank nodes."""
    import pyoxigraph as ox

    now = set(_parse(path.read_bytes(), path))
    was = set(_parse(before, path)) if before is not None else set()
    if was - now or any(
        isinstance(term, ox.BlankNode) for t in now | was for term in (t.subject, t.object)
    ):
        return None
    return sorted(now - was, key=str)


def _parse(data: bytes, path: Path) -> list[Any]:
    import pyoxigraph as ox

    return [
        ox.Triple(q.subject, q.predicate, q.object)
        for q in ox.parse(data, ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri())
    ]


def _store(corpus: Corpus, mentions: Mentions, files: list[Path], named: set[str]) -> Any:
    """A store of the ontology, ``files`` and every file describing a node of ``named`` or a
    node one step on from one, then along eli:is_part_of and rdfs:subClassOf as far as they go;
    the new sources' texts."""
    import pyoxigraph as ox

    from policygraph.checks import data_store
    from policygraph.store.embedded import load_into

    loaded = {corpus.ontology, *files, *mentions.describing(named)}
    metadata = [p for p in files if p.parent == corpus.sources]
    texts = {str(s.iri): corpus.read_text(s) for s in source_files(parse_turtle(metadata))}
    store = data_store(sorted(loaded), corpus, texts)
    next_to = {  # one step on: what a progress report's task or department says of itself
        q.object.value
        for node in named
        for q in store.quads_for_pattern(ox.NamedNode(node), None, None)
        if _iri(q.object)
    }
    more = mentions.describing(next_to - named) - loaded
    if more:
        load_into(store, sorted(more))
        loaded |= more
    frontier, seen = set(named) | next_to, set(named) | next_to
    while frontier:
        up = {
            q.object.value
            for node in frontier
            for predicate in _UP
            for q in store.quads_for_pattern(ox.NamedNode(node), ox.NamedNode(predicate), None)
            if _iri(q.object)
        }
        frontier = up - seen
        seen |= frontier
        more = mentions.describing(frontier) - loaded
        if more:
            load_into(store, sorted(more))
            loaded |= more
    return store


def _findings(
    store: Any, shapes: Graph, checks: list[Check], wanted: Callable[[Any, dict[str, Any]], bool]
) -> list[Finding]:
    """Every shape's ``checks`` on the small store (the compiled engine), the findings of the
    rows ``wanted`` keeps."""
    from policygraph.checks import load_shapes_graph

    if compiled.needs_shapes_graph(checks):
        load_shapes_graph(store, shapes)
    return compiled.findings(store, checks, shapes, wanted)


def _wanted(
    old: Report, read: Reading, new: set[str], terms: set[str]
) -> Callable[[Any, dict[str, Any]], bool]:
    """Which rows of the small store's checks the merge keeps, told from the row's own terms
    before any is made an rdflib term (most rows are the old neighbours' results, already in
    the kept report): those of a new focus node, of a term T+ uses that the old report did not
    find undeclared (ClosedVocabulary), and any whose focus is a blank node (the merge then
    gives up, :func:`_merge`). What :func:`_merge` keeps of the findings is what this keeps:
    the same words (an IRI's, a literal's lexical form) compared with the same sets."""
    import pyoxigraph as ox

    vocabulary = read.special.get("ClosedVocabulary")
    undeclared = {r.value for r in old.results if vocabulary and r.shape == str(vocabulary)}

    def wanted(check: Any, row: dict[str, Any]) -> bool:
        this = row.get("this")
        if isinstance(this, ox.BlankNode):
            return True
        if vocabulary is not None and check.shape == vocabulary:
            value = row.get("value")
            value = this if value is None and check.node_level else value
            return _word(value) in terms and _word(value) not in undeclared
        return _word(this) in new

    return wanted


def _word(term: Any) -> str:
    """What ``str`` gives of the term a row's value becomes (``report.to_rdflib``)."""
    return str(getattr(term, "value", term))


def _merge(
    old: Report,
    found: list[Finding],
    shapes: Graph,
    store: Any,
    read: Reading,
    new: set[str],
    named: set[str],
    terms: set[str],
) -> Report | None:
    """The old report, but the results of old departments T+ now names, with the results of the
    new focus nodes (and of the terms T+ uses that no file declares)."""
    vocabulary = read.special.get("ClosedVocabulary")
    unused = str(read.special.get("DepartmentUsed", ""))
    undeclared = {r.value for r in old.results if vocabulary and r.shape == str(vocabulary)}
    mine: list[Finding] = []
    for f in found:
        if isinstance(f.focus, BNode):
            return None  # a blank node of an old file, or of a new one: not told apart
        if vocabulary is not None and f.shape == vocabulary:
            if str(f.value) in terms and str(f.value) not in undeclared:
                mine.append(f)
        elif str(f.focus) in new:
            mine.append(f)
    dropped = {(unused, d) for d in named} if unused else set()
    kept_results = [r for r in old.results if (r.shape, r.focus) not in dropped]
    added = build(mine, shapes, store)
    results = tuple(sorted({*kept_results, *added.results}, key=order))
    graph = _graph(old.graph_ttl, added.graph_ttl, dropped, not results, _constraints(shapes))
    return Report(results, graph, old.notes)


def _constraints(shapes: Graph) -> dict[str, str]:
    """The label of the one sh:sparql constraint of each shape that has one (a blank node), by
    the shape's IRI: the results of this process name it so (``report.merged_turtle``)."""
    out: dict[str, str] = {}
    for shape in set(shapes.subjects(SH.sparql, None)):
        found = list(shapes.objects(shape, SH.sparql))
        if isinstance(shape, URIRef) and len(found) == 1 and isinstance(found[0], BNode):
            out[str(shape)] = str(found[0])
    return out


def _graph(
    old: str,
    added: str,
    dropped: set[tuple[str, str]],
    conforms: bool,
    constraints: dict[str, str] | None = None,
) -> str:
    """The SHACL report graph: the old one, without the dropped results, with the added ones
    (merged as text where both are as ``report.turtle`` writes them, else read as graphs)."""
    merged = merged_turtle(old, added, dropped, conforms, constraints)
    if merged is not None:
        return merged
    g = _report_graph(old)
    top = g.value(None, RDF.type, SH.ValidationReport)
    if top is None:
        raise ValueError("a kept report without its sh:ValidationReport")
    for r in list(g.objects(top, SH.result)):
        if (str(g.value(r, SH.sourceShape)), str(g.value(r, SH.focusNode))) in dropped:
            g.remove((top, SH.result, r))
            for t in _described(g, r):
                g.remove(t)
    more = _report_graph(added)
    for r in more.objects(more.value(None, RDF.type, SH.ValidationReport), SH.result):
        g.add((top, SH.result, r))
        for t in _described(more, r):
            g.add(t)
    g.set((top, SH.conforms, Literal(conforms)))
    return turtle(g)


def _report_graph(text: str) -> Graph:
    """A report's Turtle read by Oxigraph's parser (rdflib's took 0.3 s for a corpus's report),
    its terms as rdflib's parser makes them (plain strings plain), blank nodes its own; where it
    writes a literal typed xsd:string, which Oxigraph does not tell from a plain one, by rdflib's."""
    import pyoxigraph as ox

    if "XMLSchema#string" in text:
        return Graph().parse(data=text, format="turtle")

    from policygraph.rdf.terms import rdflib_term

    made: dict[Any, Any] = {}

    def term(value: Any) -> Any:
        if value not in made:
            made[value] = rdflib_term(value, plain_strings=True)
        return made[value]

    g = Graph()
    quads = ox.parse(text.encode("utf-8"), ox.RdfFormat.TURTLE, rename_blank_nodes=True)
    g.addN((term(q.subject), term(q.predicate), term(q.object), g) for q in quads)
    return g


def _described(g: Graph, node: Any, named: bool = False) -> list[tuple[Any, Any, Any]]:
    """``node``'s triples and those of the blank nodes below it (``named``: and of the IRIs
    below it, but classes)."""
    out, todo, seen = [], [node], set()
    while todo:
        n = todo.pop()
        if n in seen:
            continue
        seen.add(n)
        for t in g.triples((n, None, None)):
            out.append(t)
            if isinstance(t[2], BNode) or (named and t[1] != RDF.type):
                todo.append(t[2])
    return out


__all__ = ["Before", "before", "reading", "validate_added"]
