"""Each held document's pages taken from the last site where nothing they draw on changed.

A held document's *bundle* is what :func:`~policygraph.render.site.documents.document` makes:
its page, the pages of its measures, parts and general provisions, the Turtle and office files
beside them. Its key (:func:`bundle_key`) is a digest of everything those pages are made from:

- the *shared* key: policygraph's code, the site's templates and static files, the base URL
  and every corpus file that belongs to no one document
  (the ontology, the queries, the curated files) but the two that ``build`` writes again for
  every new document (``citations.ttl``, ``anchors.ttl``: what a page draws from them is in
  the views below);
- the files of the document itself and of every document above and below it by
  implementation (a page shows the chain up and down): ``data/ttl/doc-<short>.ttl``,
  ``data/ttl/ingested-…-<short>.ttl``, ``data/ttl/citations-…-<short>.ttl``,
  ``data/sources/…-<short>.*``;
- what the views read once for the whole graph say of the document: its summary row, the
  implementations and citations that name it (and whether each document cited has a page),
  the quotes, subjects, funding and targets below it, the dates said of it and who says them;
- the departments its pages named when last made (a page names only the departments its own
  files name, so with its files unchanged the set is the same): their rows and whether each
  has a page.

A document under supervision (progress reported on it) is always made again: the departments'
pages draw on its progress rows; so is a department's page that shows progress. Only those
pages show the day progress is shown as of, which is therefore not in the key: a site made
again the next day takes every other page. A bundle is taken only when every one of its files is still
as the last site wrote it; what the rest of the site needs of it (its search entries, the IRIs
it gives a page, the nodes it anchors, the title of its source text) is kept with it and
given back in the same order as making it would."""

from __future__ import annotations

import hashlib
import io
import pickle
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from policygraph.corpus import Corpus
from policygraph.render.site import state
from policygraph.views import network

DEPARTMENT = "department "  # before a department's IRI: the key of its record
SOURCE = "source "  # before a source text's IRI: the key of its page's record
VOLATILE = ("citations.ttl", "anchors.ttl")  # data/ttl files build writes for every document


def own_files(
    corpus: Corpus, shorts: set[str], names: Iterable[str] | None = None
) -> dict[str, list[Path]]:
    """The files that belong to one document each, by its short name (the longest short name
    a file's name ends with); a file of no document is shared. ``citations-<source>.ttl``, where
    ``build`` writes each citing document's citations in a file of its own, is its document's:
    what a page draws from it is in the views, as for ``citations.ttl`` (else every new document
    would change the shared key, and every page be made again). ``names``: the corpus's files
    by their names in it, as :func:`.state.corpus_digests` lists them (hidden files, which no
    page reads, are none of them); default: listed now."""
    if names is None:
        names = (p.relative_to(corpus.root).as_posix() for p in corpus.files_under("data"))
    found = _own_names(shorts, names)
    return {short: [corpus.root / name for name in mine] for short, mine in found.items()}


def _own_names(shorts: set[str], names: Iterable[str]) -> dict[str, list[str]]:
    """:func:`own_files` by their names in the corpus (sorted as their paths: two folders,
    ``data/sources`` before ``data/ttl``)."""
    out: dict[str, list[str]] = {}
    mine = ("doc-", "ingested-", "citations-")
    candidates = []
    for name in names:
        folder, _, file = name.rpartition("/")
        built = folder == "data/ttl" and file.startswith(mine) and file.endswith(".ttl")
        if built or (folder == "data/sources" and file != "sources.ttl"):
            candidates.append(name)
    for name in sorted(candidates):
        parts = name.rpartition("/")[2].split(".", 1)[0].split("-")
        for i in range(1, len(parts)):
            short = "-".join(parts[i:])
            if short in shorts:
                out.setdefault(short, []).append(name)
                break
    return out


def start(
    site: Any,
    corpus: Corpus,
    base_url: str | None,
    cache: state.Kept,
    digests: dict[str, str] | None = None,
) -> Bundles:
    """The bundles of ``site``: the shared key, each held document's own files' digest;
    ``digests``: every corpus file's, read already (:func:`.state.corpus_digests`)."""
    if digests is None:
        digests = state.corpus_digests(corpus, cache)
    shorts = {d.short: d.document for d in site.summary.documents if d.short}
    own = _own_names(set(shorts), digests)
    mine = {name for names in own.values() for name in names}
    found = {name: digests[name] for name in digests if name in mine}
    own_digests = {}
    for short, names in own.items():
        body = "".join(f"{n}\0{found.get(n, '')}\n" for n in names)
        own_digests[shorts[short]] = hashlib.sha256(body.encode()).hexdigest()
    shared = shared_key(base_url, mine, digests)
    bundles = Bundles(site, shared, own_digests, site.last)
    bundles.files = found
    return bundles


def shared_key(base_url: str | None, own: set[str], digests: dict[str, str]) -> str:
    """The part of every bundle's key that is not one document's (see the module's text):
    ``own``, the documents' own files by their names in the corpus."""
    skip = own | {f"data/ttl/{name}" for name in VOLATILE}
    files = {name: sha for name, sha in digests.items() if name not in skip}
    return state.key(base_url, "", files, "bundle")


class Bundles:
    """The bundles of one site being made: the key of each, the last site's records, and what
    the site takes from it (see the module's text)."""

    def __init__(self, site: Any, shared: str, own: dict[str, str], last: tuple[Path, Any]) -> None:
        self.site, self.shared, self.own = site, shared, own  # own: a document → its files' digest
        self.last_site, self.last = last
        self.records: dict[str, dict[str, Any]] = {}  # this site's, by document
        # files of the site → the last site's file, by its path as text (83,000 at 1,000
        # documents: joined as paths, 2.7 s)
        self.taken: dict[str, str] = {}
        self._damaged: set[str] | None = None  # recorded files the walk found otherwise
        self._at = f"{self.last_site}/"
        self.pages = 0  # pages taken
        self.naming: dict[str, list[str]] | None = None  # a department → the keys naming it
        self.rows: dict[str, Any] | None = None  # each department's row, by its IRI
        self.files: dict[str, str] = {}  # each document's own file → its SHA-256
        self.below: dict[str, list[Any]] | None = None  # a source → the nodes below it
        held = {d.document for d in site.summary.documents if d.short}
        self.up: dict[str, set[str]] = {}
        self.down: dict[str, set[str]] = {}
        self.implementations: dict[str, list[Any]] = {}
        for i in site.implementations:
            self.up.setdefault(i.lower, set()).add(i.higher)
            self.down.setdefault(i.higher, set()).add(i.lower)
            for end in {i.lower, i.higher}:
                self.implementations.setdefault(end, []).append(i.__dict__)
        self.quotes = _by_owner(((q.node, q.__dict__) for q in site.quotes), held)
        self.subjects = _by_owner(sorted(site.subjects.items()), held)
        funding = ((k, [f.__dict__ for f in v]) for k, v in sorted(site.funding.items()))
        self.funding = _by_owner(funding, held)
        targets = ((k, [repr(t) for t in v]) for k, v in sorted(site.targets.items()))
        self.targets = _by_owner(targets, held)

    def related(self, iri: str) -> list[str]:
        """The document and every document above and below it by implementation."""
        found = {iri}
        for edges in (self.up, self.down):
            todo = [iri]
            while todo:
                for nxt in edges.get(todo.pop(), ()):
                    if nxt not in found:
                        found.add(nxt)
                        todo.append(nxt)
        return sorted(found)

    def views_of(self, d: Any, departments: list[str]) -> list[Any]:
        """What the views read once say of the document (see the module's text)."""
        site, iri = self.site, d.document
        if self.rows is None:  # once: per document it was 7 s at 1,000 documents
            self.rows = {x.department: x for x in site.departments}
        rows = self.rows
        return [
            d.__dict__,
            self.implementations.get(iri, []),
            [(c.__dict__, c.cited in site.known) for c in site.citing.get(iri, [])],
            [c.__dict__ for c in site.cited_by.get(iri, [])],
            self.quotes.get(iri, []),
            self.subjects.get(iri, []),
            self.funding.get(iri, []),
            self.targets.get(iri, []),
            [
                (s.__dict__, site.document_name(s.stated_by), s.stated_by in site.known)
                for s in site.dates_said.get(iri, [])
            ],
            [(n, repr(rows.get(n)), n in site.known) for n in departments],
        ]

    def key(self, d: Any, departments: list[str]) -> str:
        """The key of a held document's bundle (see the module's text)."""
        digest = hashlib.sha256(f"{self.shared}\n".encode())
        for doc in self.related(d.document):
            digest.update(f"{doc}\0{self.own.get(doc, '')}\n".encode())
        digest.update(encoded(self.views_of(d, departments)))
        return digest.hexdigest()

    def take(self, d: Any) -> bool:
        """Take the document's bundle from the last site where its key is the one recorded
        and every file of it is as written; False (nothing taken) otherwise."""
        found = self.last.bundles.get(d.document)
        if not found or found["supervised"] or found["key"] != self.key(d, found["departments"]):
            return False
        if not self._intact(found["files"]):
            return False
        self._take(found["files"])
        self.site.index.extend(found["index"])
        self.site.page_iris.update(found["iris"])
        self.site.text_of.update(found["text_of"])
        self.records[d.document] = found
        self.pages += found["pages"]
        return True

    def made(self, d: Any, start: tuple[int, int], said: dict[str, Any]) -> None:
        """Record the bundle just made: its pages from ``start`` (pages, search entries)."""
        pages = self.site.pages[start[0] :]
        files = _files(pages)
        self.records[d.document] = {
            "key": self.key(d, said["departments"]),
            "files": files,
            "pages": len(pages),
            "index": self.site.index[start[1] :],
            "iris": [p.iri for p in pages if p.iri],
            **said,
        }

    def department_key(self, iri: str, seen: bytes) -> str:
        """The key of a department's page: the shared key, the keys of the documents that name
        it (their pages name the departments their files name), its row and its neighbours in
        the collaboration network (``seen``, :func:`neighbourhoods`)."""
        if self.naming is None:
            self.naming = {}
            for _, found in sorted(self.records.items()):
                for department in found.get("departments", []):
                    self.naming.setdefault(department, []).append(found["key"])
        digest = hashlib.sha256(f"{self.shared}\ndepartment\n".encode())
        for key in self.naming.get(iri, []):
            digest.update(f"{key}\n".encode())
        digest.update(seen)
        return digest.hexdigest()

    def take_department(self, iri: str, seen: bytes) -> bool:
        """Take a department's page from the last site where its key is the one recorded, it
        shows no progress (its rows come from the documents under supervision) and its files
        are as written."""
        found = self.last.bundles.get(DEPARTMENT + iri)
        if (
            not found
            or iri in self.site.progress_of
            or found["key"] != self.department_key(iri, seen)
        ):
            return False
        if not self._intact(found["files"]):
            return False
        self._take(found["files"])
        self.site.page_iris.add(iri)
        self.records[DEPARTMENT + iri] = found
        self.pages += found["pages"]
        return True

    def made_department(self, iri: str, seen: bytes, start: int) -> None:
        files = _files(self.site.pages[start:])
        key = self.department_key(iri, seen)
        self.records[DEPARTMENT + iri] = {"key": key, "files": files, "pages": 1}

    def source_key(self, source: Any, quoted: list[Any], described: bytes) -> str:
        """The key of a source text's page: the shared key, the source as the metadata records
        it, the SHA-256 of its files (those of one document; the others are in the shared key),
        the quotes in it, the title of the document it holds, the nodes below it and the
        triples its Turtle is made from (``described``)."""
        site, iri = self.site, str(source.iri)
        if self.below is None:
            sources = {str(s.iri) for s in site.data.source_files()}
            self.below = _by_owner(sorted(site.subjects.items()), sources)
        below = [
            (n, v, site.quote_of[n].__dict__ if n in site.quote_of else None)
            for n, v in self.below.get(iri, [])
            if n != iri
        ]
        names = [source.file_name, source.text_file or ""]
        body = [
            repr(source),
            [self.files.get(name, "") for name in names],
            [q.__dict__ for q in quoted],
            site.text_of.get(iri, ""),
            below,
            hashlib.sha256(described).hexdigest(),
        ]
        digest = hashlib.sha256(f"{self.shared}\nsource\n".encode())
        digest.update(encoded(body))
        return digest.hexdigest()

    def take_source(self, iri: str, key: str) -> bool:
        """Take a source text's page (and its search entry) from the last site where its key is
        the one recorded and its files are as written."""
        found = self.last.bundles.get(SOURCE + iri)
        if not found or found["key"] != key:
            return False
        if not self._intact(found["files"]):
            return False
        self._take(found["files"])
        self.site.index.extend(found["index"])
        self.site.page_iris.add(iri)
        self.records[SOURCE + iri] = found
        self.pages += 1
        return True

    def made_source(self, iri: str, key: str, start: tuple[int, int]) -> None:
        files = _files(self.site.pages[start[0] :])
        index = self.site.index[start[1] :]
        self.records[SOURCE + iri] = {"key": key, "files": files, "pages": 1, "index": index}

    def _intact(self, files: list[str]) -> bool:
        """Whether every file of a record is still as the last site wrote it
        (:func:`.state.intact`): against the folder's walk, the recorded files it found
        otherwise gathered once (83,000 files, 55,000 of them the departments')."""
        last = self.last
        if last.seen is None:
            return all(state.intact(self.last_site, last, name) for name in files)
        if self._damaged is None:
            seen = last.seen
            self._damaged = {n for n, stamp in last.files.items() if seen.get(n) != stamp}
        return self._damaged.isdisjoint(files) and all(map(last.files.__contains__, files))

    def _take(self, files: list[str]) -> None:
        self.taken.update(zip(files, map(self._at.__add__, files), strict=True))
        sheets = self.last.sheets
        self.site.sheets.update((name, sheets[name]) for name in files if name in sheets)


def neighbourhoods(known: list[Any], said: Any) -> tuple[Any, dict[str, bytes]]:
    """Made on the site's worker (:mod:`.worker`, 1.2 s at 1,000 documents): the departments'
    network, undirected (``network.neighbourhoods``), and what each department's page shows of
    it and of its row, encoded (a part of its key, :meth:`Bundles.department_key`): its row, its
    label, and each neighbour with its label, the edge between them and whether it has a page.
    ``known``: the departments; ``said``: the triples of their roles (``SiteData.said``)."""
    undirected = network.neighbourhoods(known, said)
    pages = {d.department for d in known}
    seen = {}
    for d in known:
        iri = d.department
        near = [*undirected.neighbors(iri)] if iri in undirected else []
        fan = [(n, undirected.nodes[n].get("label"), undirected[iri][n]) for n in near]
        centre = undirected.nodes[iri] if iri in undirected else {}
        shown = sorted((str(n), repr(x), n in pages) for n, *x in fan)
        seen[iri] = encoded([d.__dict__, centre.get("label"), shown])
    return undirected, seen


def encoded(body: Any) -> bytes:
    """What a key is made of, as bytes: pickled without its memo, so that equal values give the
    same bytes whichever objects hold them (a memo writes an object met twice as a reference).
    At 1,000 documents the keys of a site are made of 58 MB: 0.4 s pickled, 1 s as JSON."""
    out = io.BytesIO()
    pickler = pickle.Pickler(out, protocol=4)
    pickler.fast = True  # no memo (nothing a key is made of refers to itself)
    pickler.dump(body)
    return out.getvalue()


def _files(pages: list[Any]) -> list[str]:
    """The files of ``pages``: each page and the files beside it, by their names in the site."""
    files = []
    for page in pages:
        files.append(page.path)
        folder = page.path.rsplit("/", 1)[0] + "/" if "/" in page.path else ""
        files.extend(folder + name for name in page.extra)
    return files


def _by_owner(items: Any, held: set[str]) -> dict[str, list[Any]]:
    """``(iri, value)`` pairs by the held document the IRI is or is below, in the order given
    (the owner of each IRI above one found kept: each step up is taken once)."""
    out: dict[str, list[Any]] = {}
    owner: dict[str, str | None] = {}  # an IRI → the held document it is or is below
    for iri, value in items:
        head, path = iri, []
        while head not in held and head not in owner and "/" in head:
            path.append(head)
            head = head.rsplit("/", 1)[0]
        found = head if head in held else owner.get(head)
        for step in path:
            owner[step] = found
        if found is not None:
            out.setdefault(found, []).append((iri, value))
    return out
