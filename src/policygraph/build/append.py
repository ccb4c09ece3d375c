"""A build that only adds documents: what it builds of one more document is made of that
document alone, the others' files kept without reading what they were made of again.

``ingest`` of one more document into a corpus of 10,000 rebuilt from the whole corpus: every
source's record and key, every text's citations resolved again, the facts of every document
read from the index (1.6 s of its 3.6 s). Where the files written since the last build
(``build.state``: each input file's digest) are all new, and what they state is about new
documents only, the build

- extracts the new documents, and those whose jurisdiction's departments the new files changed
  (the fingerprints the state keeps of every jurisdiction);
- resolves the new texts' citations against the resolution the state keeps of every other
  text (``citations.resolve_added``), and writes the new documents' citations files and, where
  the new texts cite a document no other text did, the stubs;
- keeps every other built file, and what the state says each was made of.

Anything else is the whole build (``build._outputs``), which gives the same files: a file
changed or removed, a new file that states facts of a document or source already held or named
elsewhere, or gives a document a source text it does not describe, a quote
to anchor, new documents whose numbers or titles another text's citations asked for, a text
that teaches a number or title another text's citations read, a citations file's name that
another's was compared with,
more than :data:`MOST` new files, no index to ask (``Given.naming``), or a state of another
version or made without a resolution to keep.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef

from policygraph import build as built
from policygraph.build import citations, state
from policygraph.build.citations import Citations, mentions_in
from policygraph.corpus import (
    Corpus,
    SourceFile,
    document_file_name,
    is_generated,
    parse_turtle,
    source_files,
)
from policygraph.departments import DepartmentIndex
from policygraph.errors import PolicyGraphError
from policygraph.rdf import ELI, PG, RDF
from policygraph.store.parallel import on_every_core
from policygraph.text.citations import _TITLES, normalize_number
from policygraph.text.names import normalize

MOST = 64  # new files a build adds by itself; more (a batch's) are the whole build's
# what the whole build reads of the curated files (``build.GIVEN``) but the type and the
# jurisdiction, which departments have too (their changes are the fingerprints'): a new file
# stating any of them of a subject another file names is the whole build
OWN = set(built.GIVEN) - {RDF.type, PG.jurisdiction}
# what the state must hold of the citations for a build that adds documents
CITED = {"title_number", "number_title", "stubs", "asked", "held", "code", "taken"}


def added(
    corpus: Corpus,
    known: state.State,
    now: dict[str, str],
    read: built.Parsed | None,
    given: built.Given | None,
) -> built.Made | None:
    """What the build makes where the input files ``now`` (:func:`state.input_files`) only add
    documents to those ``known`` was made of (its built files checked intact by the caller);
    None where the whole build must make it."""
    new = _new_files(known, now)
    if new is None or given is None or given.naming is None:
        return None
    graphs = [corpus.root / name for name in new if name.endswith(".ttl")]
    if any(is_generated(path) for path in graphs):
        return None
    try:
        graph = parse_turtle(graphs)
    except PolicyGraphError:  # the whole build reads them again, and says why
        return None
    if not _only_new(graph, known, given.naming, {corpus.root / name for name in new}):
        return None
    every = source_files(graph)
    if not {o for o in graph.objects(None, PG.sourceText)} <= {s.iri for s in every}:
        return None  # a source text of another's (its document's citations are the whole's)
    sources = [s for s in every if built._extracted(s)]
    fingerprint = functools.cache(given.departments.fingerprint)
    made = _documents(corpus, known, graph, sources, given.departments, read or {}, fingerprint)
    if made is None:
        return None
    cited = _cited(corpus, known, graph, every, given.documents)
    if cited is None:
        return None
    files, keys, records, prints = made
    resolved, summary, own = cited
    for name, (key, turtle) in own.items():
        keys[name], files[name] = key, turtle
    if set(summary["stubs"]) != set(known.cited["stubs"]):
        files["citations.ttl"] = built.stubs_file(resolved)
    kept = set(known.outputs) - set(files)
    return built.Made(files, keys, kept, records, prints, summary, added=True)


def _new_files(known: state.State, now: Mapping[str, str]) -> list[str] | None:
    """The input files ``now`` holds that ``known`` was not made of; None where one it was made
    of changed or went, the code is another, none is new or too many are, or a new graph file
    is not one of the curated graph (a top-level ``.ttl`` of data/sources/ or data/ttl/)."""
    was = known.files
    if not was or set(known.cited) != CITED or known.cited["code"] != built.resolution_code():
        return None
    if len(now) <= len(was) or len(now) - len(was) > MOST:
        return None
    if any(now.get(name) != sha for name, sha in was.items()):
        return None
    new = [name for name in now if name not in was]
    for name in new:
        if name.endswith(".ttl") and name.rpartition("/")[0] not in ("data/sources", "data/ttl"):
            return None
    return new


def _only_new(graph: Graph, known: state.State, naming: Any, files: set[Path]) -> bool:
    """Whether the new files state nothing of a document or source held, every subject they
    state a document's, source's or quote's facts of is named in no other file (as a subject or
    an object), and every quote has its start (none to anchor)."""
    held = {iri for r in known.records.values() for iri in (r[0], r[4])}
    if any(str(s) in held for s in set(graph.subjects())):
        return False
    own = {str(s) for s, p, _ in graph if p in OWN} | {
        str(s) for s in graph.subjects(RDF.type, PG.PolicyDocument)
    }
    own |= {str(s) for s in graph.subjects(RDF.type, PG.ReturnedForm)}
    if not naming(own) <= files:
        return False
    quoted = set(graph.subjects(PG.quote, None))
    return all(graph.value(q, PG.quoteStart) is not None for q in quoted)


def _documents(
    corpus: Corpus,
    known: state.State,
    graph: Graph,
    sources: list[SourceFile],
    departments: DepartmentIndex,
    read: built.Parsed,
    fingerprint: Any,
) -> tuple[built.Packed, dict[str, str], dict[str, state.Record], dict[str, str]] | None:
    """The files of the new documents and of those whose departments the new files changed,
    the keys of all, and what each was made of; None where a new document is one held."""
    records, prints, keys = dict(known.records), dict(known.prints), dict(known.docs)
    jobs: list[tuple[SourceFile]] = []
    meta = Graph()
    for s, p, o in graph:
        meta.add((s, p, o))
    for source in sources:
        made_of = built.record_of(graph.value, source)
        name = document_file_name(made_of[7])
        if not made_of[7] or name in records:  # no short name, or a document's held
            return None
        records[name] = made_of
        jobs.append((source,))
    for jurisdiction in sorted({r[9] for r in records.values()}):
        prints[jurisdiction] = fingerprint(jurisdiction or None)
    for name, made_of in sorted(records.items()):
        keys[name] = state.document_key(made_of, prints[made_of[9]])
        if name in known.records and keys[name] != known.docs.get(name):
            jobs.append((_source(made_of),))  # its departments changed: extracted again
            _describe(meta, made_of)
    texts = built._Texts(corpus, [job[0] for job in jobs])
    files = built.Packed()
    for short, packed in on_every_core(built._document, (meta, departments, texts, read), jobs):
        files.put(document_file_name(short), packed)
    return files, keys, records, prints


def _source(made_of: state.Record) -> SourceFile:
    iri, file_name, sha, profile, describes, text_file, text_sha = made_of[:7]
    return SourceFile(
        URIRef(iri), file_name, sha, profile, URIRef(describes), text_file or None, text_sha or None
    )


def _describe(meta: Graph, made_of: state.Record) -> None:
    """What the extractor reads of a document held, as its record has it."""
    doc = URIRef(made_of[4])
    for p, value in zip((PG.shortName, ELI.id_local, PG.jurisdiction), made_of[7:], strict=True):
        if value:
            meta.add((doc, p, Literal(value)))


def _cited(
    corpus: Corpus,
    known: state.State,
    graph: Graph,
    sources: list[SourceFile],
    documents: Any,
) -> tuple[Citations, dict[str, Any], dict[str, tuple[str, str]]] | None:
    """The new texts' citations resolved as a whole resolution would (their files by name, with
    the key of each), and the resolution kept for the next; None where they change another's."""
    texts = built._Texts(corpus, sources)
    pairs = sorted(
        (d, s)
        for d, s in graph.subject_objects(PG.sourceText)
        if isinstance(d, URIRef) and isinstance(s, URIRef) and s in texts
    )
    found = [(d, s, mentions_in(texts[s])) for d, s in pairs]
    keys = {(False, normalize_number(str(o))) for o in graph.objects(None, ELI.id_local)}
    keys |= {(True, normalize(str(o))) for p in _TITLES for o in graph.objects(None, p)}
    held = set(known.cited["held"]) | citations.held_of(graph)
    resolved = citations.resolve_added(known.cited, documents, held, found, keys)
    if resolved is None:
        return None
    citing = resolved.citing()
    firsts = built.first_names(sources, {d: [c.source for c in cs] for d, cs in citing.items()})
    stems = _stems(known.cited, firsts)
    if stems is None:
        return None
    own = {
        f"citations-{stem}.ttl": (
            resolved.key(doc),
            built._citations_file(f"citations-{stem}.ttl", resolved.triples(doc)),
        )
        for doc, stem in stems.items()
    }
    summary = {
        **resolved.summary(),
        "code": known.cited["code"],
        "taken": [*known.cited["taken"], *built._taken(firsts, stems)],
    }
    return resolved, summary, own


def _stems(cited: Mapping[str, Any], firsts: Mapping[URIRef, str]) -> dict[URIRef, str] | None:
    """The new citing documents' stems (``build._stems``), where each is its first source's name
    without its suffix and is none of the names the others' were compared with (``taken``, as
    ``build._taken`` gives them; else None: the whole build names them all)."""
    taken = set(cited["taken"])
    out: dict[URIRef, str] = {}
    for doc, name in firsts.items():
        stem = built._stem(name)
        if stem in taken:
            return None
        taken.add(stem)
        out[doc] = stem
    return out
