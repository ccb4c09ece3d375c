"""``policygraph build``: source texts to ``data/ttl/``.

Everything is extracted and serialised in memory first; files are written only when the whole
build has succeeded, all through :func:`policygraph.corpus.write_atomic`, so a failed build leaves
the previous ``data/ttl/`` exactly as it was. Building twice gives byte-identical files.
"""

from __future__ import annotations

import functools
import hashlib
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, overload

from rdflib import Graph, URIRef

from policygraph.build import state
from policygraph.build.anchors import anchor_quotes, values
from policygraph.build.citations import ABOUT, Citations, KeptMentions, Triple, resolve
from policygraph.build.citations import version as citations_version
from policygraph.build.document import DocumentBuilder, provision_iris
from policygraph.corpus import (
    GENERATED,
    Content,
    Corpus,
    Journal,
    SourceFile,
    document_file_name,
    parts_of,
    remove,
    snapshot,
    source_files,
    transaction,
    write_atomic,
)
from policygraph.departments import DepartmentIndex
from policygraph.errors import SourceError
from policygraph.i18n import N_
from policygraph.rdf import DCT, ELI, PG, PROV, RDF
from policygraph.rdf.turtle import serialize
from policygraph.store import cache
from policygraph.store.parallel import on_every_core
from policygraph.text.citations import DocumentIndex
from policygraph.text.structure import PROFILES, Structure


@dataclass
class BuildResult:
    written: list[Path] = field(default_factory=list)
    unchanged: Sequence[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)  # built files no longer made
    added: bool = False  # made by a build that only added documents (``build.append``)


class InFolder(Sequence[Path]):
    """The paths of files of one folder, by their names (in order), each path made when it is
    asked for: a build that keeps 20,000 built files made and sorted a path of each (0.06 s of
    one more document's, and of a build with nothing changed, at 10,000 documents)."""

    def __init__(self, folder: Path, names: list[str]) -> None:
        self.folder, self.names = folder, names

    @overload
    def __getitem__(self, at: int) -> Path: ...

    @overload
    def __getitem__(self, at: slice) -> list[Path]: ...

    def __getitem__(self, at: int | slice) -> Path | list[Path]:
        if isinstance(at, slice):
            return [self.folder / name for name in self.names[at]]
        return self.folder / self.names[at]

    def __len__(self) -> int:
        return len(self.names)

    def __eq__(self, other: object) -> bool:  # as a list of its paths
        if isinstance(other, InFolder):
            return (self.folder, self.names) == (other.folder, other.names)
        return isinstance(other, Sequence) and list(self) == list(other)

    def __repr__(self) -> str:
        return f"InFolder({self.folder!r}, {len(self.names)} names)"


class Given:
    """What the build reads of the curated files, given by the caller (``ingest``, from the
    index kept on disk) instead of the curated graph: the facts of sources, documents and
    curated quotes (the predicates of :data:`GIVEN`, with the subjects that have them; or what
    reads them, called once, where the build asks: a build that adds documents does not,
    ``build.append``), and the departments and documents indexed. Read after the files the
    build is to see were written. ``naming``: the files of the corpus in which any of some IRIs
    is a subject or an object, as the index knows them (what lets the build add documents)."""

    def __init__(
        self,
        curated: Graph | Callable[[], Graph],
        departments: DepartmentIndex,
        documents: DocumentIndex,
        naming: Callable[[Iterable[str]], set[Path]] | None = None,
    ) -> None:
        self._curated = curated
        self.departments, self.documents, self.naming = departments, documents, naming

    @functools.cached_property
    def curated(self) -> Graph:
        return self._curated if isinstance(self._curated, Graph) else self._curated()


GIVEN = [  # what the build reads of the curated graph, and about which subjects
    *(ELI.id_local, ELI.title, DCT.title, PG.titleVariant, PG.shortName, PG.jurisdiction),
    *(PG.sourceText, PG.fileName, PG.sha256, PG.extractionProfile, PG.describes),
    *(PG.textFileName, PG.textSha256, RDF.type, PG.quote, PG.quoteStart, PG.quoteOccurrence),
    PROV.wasDerivedFrom,
]
GIVEN_ABOUT = list(ABOUT)  # the subjects the index gives the build: those with one of these


def build(
    corpus: Corpus | Path | str | None = None,
    read: Parsed | None = None,
    given: Given | None = None,
) -> BuildResult:
    """Extract every source with a profile, anchor curated quotes, and write ``data/ttl/``.
    ``read``: what ``ingest``'s plan has parsed already (see :data:`Parsed`); ``given``: what
    the curated files say, as the caller has read it (else the curated graph is read).

    Incremental (``build.state``): with nothing changed since the last build, nothing is parsed
    or written; where the files written since only add documents, only what they touch is built
    (``build.append``); otherwise a document whose source, metadata, departments and extractor
    are as they were keeps its built file, and only the others are extracted again."""
    from policygraph.build import append  # which builds on this module

    corpus = Corpus.of(corpus)
    with transaction(corpus, "build") as journal:
        known, now = state.load(corpus), state.input_files(corpus)
        digest = state.digest_of(now)
        kept = state.unchanged(corpus, known)
        intact = kept == set(known.outputs)
        if known.inputs == digest and known.outputs and intact:
            return BuildResult(unchanged=InFolder(corpus.ttl, sorted(known.outputs)))
        made = append.added(corpus, known, now, read, given) if intact else None
        if made is None:
            made = _outputs(corpus, read, known, given, kept)
        result = write_outputs(corpus.ttl, made.files, journal, _no_longer_made(corpus, made.keys))
    names = {*(path.name for path in result.unchanged), *made.kept}  # each a file of data/ttl/
    result.unchanged = InFolder(corpus.ttl, sorted(names))
    result.added = made.added
    outputs_ = {name: state.sha256_text(body) for name, body in made.files.items()}
    outputs_.update({name: known.outputs[name] for name in made.kept})
    state.save(
        corpus,
        state.State(digest, outputs_, made.keys, now, made.records, made.prints, made.cited),
    )
    return result


# Structures already parsed with the measures profile, by document IRI, with the text each was
# parsed from: the build uses one only for that same text (a 5 MB document parses in 1.4 s).
Parsed = Mapping[str, tuple[str, Structure]]


def outputs(corpus: Corpus, read: Parsed | None = None) -> dict[str, str]:
    """The built files of ``data/ttl/`` by name, with their Turtle (every document extracted)."""
    return dict(_outputs(corpus, read, state.State()).files)


class Packed(MutableMapping[str, str]):
    """Built files' Turtle by name, each held compressed until it is written: a batch's rebuild
    held 10,000 documents' Turtle as text, and its bytes again as it wrote them (~0.6 GB of
    its 2.1 GB peak, issue 24). A worker gives a document's file packed (:func:`pack`)."""

    def __init__(self) -> None:
        self.packed: dict[str, bytes] = {}

    def put(self, name: str, packed: bytes) -> None:
        self.packed[name] = packed

    def __getitem__(self, name: str) -> str:
        return zlib.decompress(self.packed[name]).decode("utf-8")

    def __setitem__(self, name: str, turtle: str) -> None:
        self.packed[name] = pack(turtle)

    def __delitem__(self, name: str) -> None:
        del self.packed[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.packed)

    def __len__(self) -> int:
        return len(self.packed)


def pack(turtle: str) -> bytes:
    return zlib.compress(turtle.encode("utf-8"), 1)


def _outputs(
    corpus: Corpus,
    read: Parsed | None,
    known: state.State,
    given: Given | None = None,
    intact: set[str] | None = None,
) -> Made:
    """Every built file (:class:`Made`): a document whose key and file are those ``known``
    records (its bytes checked through the corpus's snapshot: ``intact``, where the caller has
    checked them, ``state.unchanged``) is neither extracted nor read again."""
    if given is None:
        curated = corpus.curated_graph()
        index = DepartmentIndex.of(curated, parts_of(curated))  # grown, where a plan made it
        documents = DocumentIndex.of(curated, parts_of(curated))
    else:
        curated, index, documents = given.curated, given.departments, given.documents
    sources = source_files(curated)
    value = values(curated)
    texts = _Texts(corpus, sources)
    mentions = KeptMentions(corpus, sources, texts)  # every text checked, kept ones not read
    out = Packed()
    keys: dict[str, str] = {}
    jobs: list[tuple[SourceFile]] = []  # each document's text and structure got by its worker
    if intact is None:
        intact = state.unchanged(corpus, known) if known.docs else set()
    kept, reused = intact if known.docs else set(), set[str]()
    fingerprint = functools.cache(index.fingerprint)  # a thousand documents, a few jurisdictions
    records: dict[str, state.Record] = {}
    prints: dict[str, str] = {}
    for source in sources:
        if not _extracted(source):
            continue
        made_of = record_of(value, source)
        prints[made_of[9]] = fingerprint(made_of[9] or None)
        key = state.document_key(made_of, prints[made_of[9]])
        name = document_file_name(made_of[7] or "None")
        records[name] = made_of
        if name in kept and known.docs.get(name) == key:
            keys[name] = key  # as recorded: neither read nor written again
            reused.add(name)
            continue
        jobs.append((source,))
        keys[name] = key
    for short, packed in on_every_core(_document, (curated, index, texts, read or {}), jobs):
        out.put(document_file_name(short), packed)
    citing = _linked(curated, documents, sources, texts, mentions)
    out.update(citing.shared)
    for name, (key, triples) in citing.own.items():
        keys[name] = key
        if name in kept and known.docs.get(name) == key:
            reused.add(name)  # its citations as they were: neither made nor serialised again
        else:
            out[name] = _citations_file(name, triples())
    return Made(out, keys, reused, records, prints, citing.summary)


def record_of(value: Callable[[URIRef, URIRef], object], source: SourceFile) -> state.Record:
    """What the document ``source`` describes is made of (``state.record``), its facts read by
    ``value`` (:func:`anchors.values`)."""
    assert source.describes is not None
    short, number, jur = (
        value(source.describes, p) for p in (PG.shortName, ELI.id_local, PG.jurisdiction)
    )
    facts = [str(f) if f is not None else None for f in (short, number)]
    return state.record(source, [*facts, str(jur) if jur else None])


@dataclass
class Made:
    """What a build made: the built files by name (those to write), the key each document's
    file was made from, the files kept as they are, and what ``build.state`` keeps of what they
    were made from; ``added``: made by a build that only added documents (``build.append``)."""

    files: Packed
    keys: dict[str, str]
    kept: set[str]
    records: dict[str, state.Record]
    prints: dict[str, str]
    cited: dict[str, object]
    added: bool = False


def _extracted(source: SourceFile) -> bool:
    """Whether the source is extracted (a profile other than ``none``); an error where its
    profile is unknown or it describes no document."""
    if source.profile == "none":
        return False
    if source.profile not in PROFILES:
        raise SourceError(
            N_("{file}: unknown extraction profile {profile}"),
            code="unknown-profile",
            file=source.file_name,
            profile=repr(source.profile),
        )
    if source.describes is None:
        raise SourceError(
            N_("{file}: metadata needs pg:describes (the document)"),
            code="source-without-document",
            file=source.file_name,
        )
    return True


def _citations_file(name: str, triples: set[Triple]) -> str:
    return serialize(
        triples, _header(f"citations found by 文号 and 《title》 in the source {name[10:-4]}")
    )


def _document(
    curated: Graph, index: DepartmentIndex, texts: _Texts, read: Parsed, source: SourceFile
) -> tuple[str, bytes]:
    """One document's short name and built file, packed (on a worker, where there are many):
    its text and the structure already parsed of it got here, not held for every document by
    the process that builds (a batch's 10,000 structures held ~0.5 GB)."""
    text = texts[source.iri]
    parsed, structure = read.get(str(source.describes), ("", None))
    same = source.profile == "measures" and parsed == text
    doc = DocumentBuilder(curated, index, source, text, structure if same else None)
    turtle = serialize(doc.graph(), _header(f"{doc.label} from {source.file_name}"))
    return doc.short, pack(turtle)


class _Texts(Mapping[URIRef, str]):
    """The decoded text of each source by its IRI, read (and checked against its record) each
    time it is asked for, and not held: a kept document's text and a kept text's mentions are
    not read, and a batch's rebuild, which reads each of its texts for its citations and for the
    quote curated of it, held every text between the two (~15 MB of strings at 10,000)."""

    def __init__(self, corpus: Corpus, sources: list[SourceFile]) -> None:
        self.corpus, self.sources = corpus, {s.iri: s for s in sources}

    def __getitem__(self, iri: URIRef) -> str:
        return self.corpus.read_text(self.sources[iri])

    def __contains__(self, iri: object) -> bool:  # not read (Mapping's would read it)
        return iri in self.sources

    def __iter__(self) -> Iterator[URIRef]:
        return iter(self.sources)

    def __len__(self) -> int:
        return len(self.sources)


@dataclass
class _Citing:
    """The files of the citations: ``shared`` (``citations.ttl``, the stubs of documents
    cited and not held, and ``anchors.ttl``) by name with their Turtle; ``own``: for each
    citing document, ``citations-<its source's stem>.ttl`` with the key of its triples (a
    digest of what they are made of, :meth:`citations.Citations.key`) and a maker of them,
    called only where the key is not the recorded one."""

    shared: dict[str, str]
    own: dict[str, tuple[str, Callable[[], set[Triple]]]]
    summary: dict[str, object]  # what ``build.state`` keeps of the resolution (``cited``)


def _linked(
    curated: Graph,
    documents: DocumentIndex,
    sources: list[SourceFile],
    texts: Mapping[URIRef, str],
    kept: KeptMentions | None = None,
) -> _Citing:
    """The files over every document: citations between them and anchors of curated quotes.
    Each citing document's citations are a file of its own, so that one more document writes
    its own and leaves the others' alone (one file of every citation was written, indexed and
    validated again for each document: O(corpus) per ingest)."""
    citations = resolve(curated, texts, documents, kept)
    anchors = anchor_quotes(curated, sources, texts, kept.place if kept is not None else None)
    if kept is not None:
        kept.save()
    by_document = citations.citing()
    firsts = first_names(sources, {doc: [c.source for c in cs] for doc, cs in by_document.items()})
    stems = _stems(firsts)
    own: dict[str, tuple[str, Callable[[], set[Triple]]]] = {
        f"citations-{stems[doc]}.ttl": (
            citations.key(doc),
            functools.partial(citations.triples, doc),
        )
        for doc in by_document
    }
    summary = {
        **citations.summary(),
        "code": resolution_code(),
        "taken": list(_taken(firsts, stems)),
    }
    return _Citing(
        {
            "citations.ttl": stubs_file(citations),
            "anchors.ttl": serialize(
                anchors,
                _header(
                    "offsets of the quotes in curated files (data/sources/*.ttl and curated "
                    "data/ttl/)"
                ),
            ),
        },
        own,
        summary,
    )


def resolution_code() -> str:
    """The version of the code a kept resolution was made by: policygraph's, and OpenCC's
    (whose tables make the mentions' keys)."""
    return f"{state.code_version()} {citations_version()}"


def stubs_file(citations: Citations) -> str:
    """``citations.ttl``: the stubs of the documents cited and not held."""
    return serialize(
        citations.stubs(),
        _header(
            "stubs for the documents cited by 文号 or 《title》 and not held "
            "(each citing document's citations are in citations-<its source>.ttl)"
        ),
    )


def first_names(
    sources: Iterable[SourceFile], by_document: Mapping[URIRef, Iterable[URIRef]]
) -> dict[URIRef, str]:
    """For each citing document (``by_document``: the sources of each document's citations),
    the name of the first source its citations were found in (under ``data/sources/``, a
    folder's ``/`` as ``-``)."""
    names: dict[object, str] = {}
    for s in sources:
        name = s.file_name.removeprefix("data/sources/").replace("/", "-")
        names[s.iri] = name
    return {doc: min(names[o] for o in found) for doc, found in by_document.items()}


def _stems(first: Mapping[URIRef, str]) -> dict[URIRef, str]:
    """Each citing document's citations file's stem: the name, without its last suffix, of the
    first source its citations were found in (``first``, :func:`first_names`); the whole name
    where two documents' would be the same (``a.txt``, ``a.html``), and then a digest of the
    document's IRI where they still would."""
    stem = {n: _stem(n) for n in first.values()}  # no path made of each (0.04 s at 10,000)
    stems = Counter(stem[n] for n in first.values())
    out = {d: stem[n] if stems[stem[n]] == 1 else n for d, n in first.items()}
    taken = Counter(out.values())
    return {
        d: stem if taken[stem] == 1 else f"{stem}-{hashlib.sha256(str(d).encode()).hexdigest()[:8]}"
        for d, stem in out.items()
    }


def _taken(firsts: Mapping[URIRef, str], stems: Mapping[URIRef, str]) -> set[str]:
    """Every name :func:`_stems` may have compared a new citing document's with: each first
    source's name, with and without its suffix, and each stem given (``build.append`` names a
    new document's file only where its stem is none of them)."""
    return {*firsts.values(), *(_stem(n) for n in firsts.values()), *stems.values()}


def _stem(name: str) -> str:
    """A name (no ``/``) without its last suffix, as ``Path(name).stem`` gives it up to Python
    3.13 (a dot first or last starts no suffix; 3.14 takes a last dot for one): the same names
    on every Python."""
    at = name.rfind(".")
    return name[:at] if 0 < at < len(name) - 1 else name


def _header(what: str) -> list[str]:
    return [
        f"{GENERATED}: {what}.",
        "Do not edit: change the source metadata or the extractor, then rebuild.",
    ]


def _no_longer_made(corpus: Corpus, made: Mapping[str, str]) -> list[Path]:
    """The built citations files of documents that cite nothing now (or are gone): those the
    build did not make this time whose first line says a build made them."""
    files = snapshot(corpus, cache.directory())
    folder = corpus.relative(corpus.ttl)
    return [
        corpus.root / name
        for name in files.names(folder)
        if name.startswith(f"{folder}/citations-")
        and name.endswith(".ttl")
        and "/" not in name[len(folder) + 1 :]
        and name[len(folder) + 1 :] not in made
        and files.is_generated(name)
    ]


def _write_one(files: Mapping[str, str], name: str, out: IO[bytes]) -> None:
    out.write(files[name].encode("utf-8"))


def write_outputs(
    directory: Path,
    files: Mapping[str, str],
    journal: Journal | None = None,
    gone: list[Path] | None = None,
) -> BuildResult:
    """Write the files that changed and remove the built files ``gone``, all or none; leave
    unchanged files alone. The ``journal`` first saves the files about to be overwritten or
    removed (and notes the directory's names)."""
    directory.mkdir(parents=True, exist_ok=True)
    result, unchanged = BuildResult(removed=list(gone or [])), []
    changed: dict[Path, Content] = {}
    for name in sorted(files):
        target, data = directory / name, files[name].encode("utf-8")
        if target.exists() and target.read_bytes() == data:
            unchanged.append(target)
        else:  # written from ``files`` again, not held: many files, each made once more
            changed[target] = functools.partial(_write_one, files, name)
    if journal is not None:
        journal.save([*changed, *result.removed], [directory])
    result.written, result.unchanged = write_atomic(changed), unchanged
    for path in result.removed:
        remove(path)
    return result


__all__ = ["GIVEN", "GIVEN_ABOUT", "BuildResult", "Given", "build", "provision_iris"]
