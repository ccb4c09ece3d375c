"""The citation graph: which document cites which, with the quote, and stubs for documents the
corpus does not hold (their number and title, as cited).

Citations are found by :func:`policygraph.text.citations.find_mentions`; a number cited with a
title anywhere in the corpus completes the same title cited alone elsewhere.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from policygraph.build.anchors import nth
from policygraph.corpus import Corpus, Snapshot, SourceFile, parts_of, snapshot
from policygraph.rdf import BASE, DCT, ELI, PG, PROV, RDF
from policygraph.rdf.terms import iri_segment
from policygraph.store import cache
from policygraph.text.citations import (
    DocumentIndex,
    Mention,
    find_mentions,
    normalize_number,
)
from policygraph.text.names import kind_of, normalize, opencc_version
from policygraph.text.spans import Span

Triple = tuple[Node, Node, Node]
# the predicates whose subjects the build is given by the index (``build.GIVEN_ABOUT``): of
# documents, sources and quotes; the policy documents held are those of them typed so
ABOUT = (
    *(ELI.id_local, ELI.title, DCT.title, PG.titleVariant, PG.shortName),
    *(PG.sourceText, PG.fileName, PG.quote, PG.quoteStart),
)
_STUB_CLASS = {"ProposalKind": PG.Proposal, "SuggestionKind": PG.Proposal, "OtherKind": PG.Document}


@dataclass
class _Resolver:
    """Resolves mentions to documents of the corpus, minting a stub for the others."""

    index: DocumentIndex
    title_number: dict[str, str] = field(default_factory=dict)  # title cited with its number
    number_title: dict[str, str] = field(default_factory=dict)
    stubs: dict[str, tuple[URIRef, Mention]] = field(default_factory=dict)
    # what the resolution consulted, for a build that adds texts (:func:`resolve_added`): the keys
    # asked of the index, the titles asked for a number taught elsewhere, and the text (its
    # document and source, as the texts are taken in turn) whose mention minted each stub
    asked: Asked = field(default_factory=lambda: Asked(set(), set(), set()))
    minted: dict[str, tuple[str, str]] = field(default_factory=dict)
    at: tuple[str, str] = ("", "")  # the text resolved now
    earlier: bool = False  # whether a text added minted a stub otherwise described

    def learn(self, mentions: list[Mention]) -> None:
        for m in mentions:
            if m.title and m.number:
                self.title_number[m.title_key or ""] = m.number
                self.number_title.setdefault(m.number, m.title)

    def number_of(self, m: Mention) -> str | None:
        return m.number or (self.title_number.get(m.title_key or "") if m.title else None)

    def resolve(self, m: Mention, resolved: list[URIRef]) -> URIRef:
        if m.alias_of is not None:
            return resolved[m.alias_of]
        if m.title and not m.number:
            self.asked.taught.add(m.title_key or "")
        number = self.number_of(m)
        if number is None or number == m.number:  # its own (its key made once, and kept)
            keys = (m.number_key if number else None, m.title_key)
        else:  # the number cited with its title elsewhere
            keys = (normalize_number(number), normalize(m.title) if m.title else None)
        found = self.index.find_keys(*keys)
        self.asked.note(*keys)
        if found is not None:
            return found
        key = number or m.title_key or ""
        if key not in self.stubs:
            self.stubs[key] = (URIRef(f"{BASE}doc/cited/{iri_segment(key)}"), m)
            self.minted[key] = self.at
        elif self.at < self.minted[key]:  # a text added before the one that minted it
            iri, was = self.stubs[key]
            if _stub_of(self, m) != _stub_of(self, was):  # the stub would be described anew
                self.earlier = True
            self.stubs[key], self.minted[key] = (iri, m), self.at
        return self.stubs[key][0]


@dataclass(frozen=True)
class Asked:
    """The keys a resolution asked: of the index, numbers and titles (as it compares them); and
    the titles cited without a number (each asked whether another text taught it one)."""

    numbers: set[str]
    titles: set[str]
    taught: set[str]

    def note(self, number: str | None, title: str | None) -> None:
        if number is not None:
            self.numbers.add(number)
        if title is not None:
            self.titles.add(title)


def citation_graph(
    meta: Graph,
    texts: Mapping[URIRef, str],
    documents: DocumentIndex | None = None,
    mentions_of: Callable[[URIRef], list[Mention]] | None = None,
) -> set[Triple]:
    """Citations of every document whose text is held, with stubs for documents not in the corpus.

    ``meta`` is the curated graph (documents, titles, numbers); ``texts`` maps a source text IRI
    to its decoded text; ``documents``: the documents of ``meta`` indexed, where already made;
    ``mentions_of``: a source text's mentions, where kept (:class:`KeptMentions`), else they
    are found in its text. The triples as a set (for ``rdf.turtle.serialize``): adding 13,000
    triples to an rdflib graph took a second at 1,000 documents.
    """
    found = resolve(meta, texts, documents, mentions_of)
    g = found.stubs()
    for doc in found.citing():
        g |= found.triples(doc)
    return g


@dataclass(frozen=True)
class Citing:
    """What one source text of a document cites: each document (held or a stub) but itself,
    once, with the first mention of it, in the order of the text."""

    doc: URIRef
    source: URIRef
    cited: list[tuple[URIRef, Mention]]


@dataclass
class Citations:
    """Every document's citations resolved, no term made but the IRIs cited: each citing
    document's triples (:meth:`triples`) are made where its :meth:`key` is not the one its file
    was made from (a thousand documents' 13,000 triples were made, and digested, for each
    document ingested)."""

    meta: Graph
    resolver: _Resolver
    found: list[Citing]
    held: set[str] | None = None  # the policy documents held, where known (else read of meta)
    _policy: dict[URIRef, bool] = field(default_factory=dict)
    _citing: dict[URIRef, list[Citing]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for c in self.found:
            if c.cited:
                self._citing.setdefault(c.doc, []).append(c)
        self._stubs = {iri: m for iri, m in self.resolver.stubs.values()}
        self._held = self.held if self.held is not None else _policy_documents(self.meta)

    def summary(self) -> dict[str, Any]:
        """What :func:`resolve_added` resolves added texts against, as marshal keeps it: what
        every text taught, the stubs with the text that minted each, the keys asked, and the
        policy documents held (each set as a list, in no order: marshal writes a list of
        10,000 strings in a quarter of the time it takes for a set)."""
        r = self.resolver
        return {
            "title_number": dict(r.title_number),
            "number_title": dict(r.number_title),
            "stubs": {k: (str(iri), *r.minted[k], _row(m)) for k, (iri, m) in r.stubs.items()},
            "asked": (list(r.asked.numbers), list(r.asked.titles), list(r.asked.taught)),
            "held": list(self._held),
        }

    def citing(self) -> dict[URIRef, list[Citing]]:
        """The documents that cite another, with what each of their texts cites."""
        return self._citing

    def stubs(self) -> set[Triple]:
        """The documents cited and not held, described as cited."""
        g: set[Triple] = set()
        for iri, m in sorted(self.resolver.stubs.values()):
            _stub(g, self.resolver, iri, m)
        return g

    def triples(self, doc: URIRef) -> set[Triple]:
        """``doc``'s citations (``pg:Citation`` nodes), ``dct:references`` and, between two
        policy documents, ``eli:cites``."""
        g: set[Triple] = set()
        for c in self._citing.get(doc, []):
            _cite(g, c)
            for cited, _ in c.cited:
                if self.policy(c.doc) and self.policy(cited):
                    g.add((c.doc, ELI.cites, cited))
        return g

    def key(self, doc: URIRef) -> str:
        """A digest of everything :meth:`triples` makes ``doc``'s triples of, with the code's
        version: equal keys, equal triples."""
        digest = hashlib.sha256(f"citations {_version()}\n{doc}\n{self.policy(doc)}\n".encode())
        for c in self._citing.get(doc, []):
            digest.update(f"{len(c.source)}:{c.source}\n".encode())
            for cited, m in c.cited:
                span = m.span
                digest.update(
                    f"{len(cited)}:{cited} {self.policy(cited)} {span.start} {span.end} "
                    f"{len(span.text)}:{span.text}\n".encode()
                )
        return digest.hexdigest()

    def policy(self, iri: URIRef) -> bool:
        """Whether ``iri`` is a policy document: the curated graph says so, or it is a stub of
        that class (what ``eli:cites`` asks of both ends)."""
        if iri not in self._policy:
            stub = self._stubs.get(iri)
            held = str(iri) in self._held
            kind = _stub_of(self.resolver, stub)[2] if stub is not None else None
            of_stub = kind is not None and _stub_class(kind) == PG.PolicyDocument
            self._policy[iri] = held or of_stub
        return self._policy[iri]


def _policy_documents(meta: Graph) -> set[str]:
    """The subjects typed ``pg:PolicyDocument`` in ``meta`` (as strings), read once: over the
    index's rows (``checks.rows.Rows``, what ``ingest`` gives the build) without making their
    other terms (asked of each citing and each cited document, it made every term of each
    document's rows: about 0.05-0.1 s of one more document's build at 10,000 documents)."""
    rows: Any = meta.store
    if hasattr(rows, "subjects_of"):  # the rows hold the subjects of :data:`ABOUT` alone
        return {str(s) for s in rows.subjects_of(str(RDF.type), PG.PolicyDocument)}
    return held_of(meta)


def held_of(meta: Graph) -> set[str]:
    """The named subjects typed ``pg:PolicyDocument`` in ``meta`` that have a fact of
    :data:`ABOUT` (as the index's rows give them)."""
    return {
        str(s)
        for s in meta.subjects(RDF.type, PG.PolicyDocument)
        if isinstance(s, URIRef) and any((s, p, None) in meta for p in ABOUT)
    }


def resolve(
    meta: Graph,
    texts: Mapping[URIRef, str],
    documents: DocumentIndex | None = None,
    mentions_of: Callable[[URIRef], list[Mention]] | None = None,
) -> Citations:
    """Every held text's mentions resolved to documents (``citation_graph``'s arguments): a
    number cited with a title anywhere completes the same title cited alone elsewhere, so
    every text's mentions are learnt before any is resolved."""
    resolver = _Resolver(documents or DocumentIndex.of(meta, parts_of(meta)))
    found: list[tuple[URIRef, URIRef, list[Mention]]] = []
    for doc, source in _with_texts(meta):
        if source in texts:
            mentions = mentions_of(source) if mentions_of else find_mentions(texts[source])
            found.append((doc, source, mentions))
            resolver.learn(mentions)
    return Citations(meta, resolver, _in_turn(resolver, found))


def _in_turn(
    resolver: _Resolver, found: list[tuple[URIRef, URIRef, list[Mention]]]
) -> list[Citing]:
    """Each text's mentions resolved, the texts in turn (a stub is minted by the first)."""
    citing = []
    for doc, source, mentions in found:
        resolver.at = (str(doc), str(source))
        citing.append(Citing(doc, source, _resolved(resolver, doc, mentions)))
    return citing


def resolve_added(
    summary: Mapping[str, Any],
    index: DocumentIndex,
    held: set[str],
    added: list[tuple[URIRef, URIRef, list[Mention]]],
    keys: set[tuple[bool, str]],
) -> Citations | None:
    """The texts ``added`` (each document, its source and its mentions, in turn) resolved
    against the resolution of the other texts (``summary``, :meth:`Citations.summary`), as a
    whole resolution of every text would resolve them, with the stubs of all; None where the
    added texts or documents change what another text's mentions resolve to: ``keys``, the
    added documents' numbers (False) and titles (True) as the index compares them, asked by
    another text; a title taught a number that a title cited alone asked, or another number;
    a number taught a title where a stub has that number, or another title; a stub that an
    added text, taken before the text that minted it, would describe otherwise (one it would
    describe alike is minted by it, as a whole resolution would). ``index``: every document's,
    the added ones' too; ``held``: the policy documents held, the added ones too."""
    try:
        resolver = _resolver_of(summary, index)
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    asked = resolver.asked
    if any(title in (asked.titles if is_title else asked.numbers) for is_title, title in keys):
        return None
    for _, _, mentions in added:
        if not _teaches_nothing_asked(resolver, mentions):
            return None
        resolver.learn(mentions)
    found = _in_turn(resolver, added)
    if resolver.earlier:
        return None
    return Citations(Graph(), resolver, found, held)


def mentions_in(text: str) -> list[Mention]:
    """The mentions of one text (:func:`find_mentions`), with their keys made."""
    return [m.keyed() for m in find_mentions(text)]


def _teaches_nothing_asked(resolver: _Resolver, mentions: list[Mention]) -> bool:
    """Whether what ``mentions`` teach (a title's number, a number's title) leaves every other
    text's mentions and every stub as they were."""
    for m in mentions:
        if not (m.title and m.number):
            continue
        number = resolver.title_number.get(m.title_key or "")
        if number is None and (m.title_key or "") in resolver.asked.taught:
            return False
        if number is not None and number != m.number:
            return False
        title = resolver.number_title.get(m.number)
        if title is None and m.number in resolver.stubs:
            return False
        if title is not None and title != m.title:
            return False
    return True


def _resolver_of(summary: Mapping[str, Any], index: DocumentIndex) -> _Resolver:
    """The resolver :meth:`Citations.summary` summed up (a KeyError or TypeError where it is
    not one)."""
    numbers, titles, taught = summary["asked"]
    resolver = _Resolver(
        index,
        dict(summary["title_number"]),
        dict(summary["number_title"]),
        asked=Asked(set(numbers), set(titles), set(taught)),
    )
    for key, (iri, doc, source, row) in dict(summary["stubs"]).items():
        found = _mentions([row])
        if found is None:
            raise ValueError("a stub's mention is not a kept row")
        resolver.stubs[key] = (URIRef(iri), found[0])
        resolver.minted[key] = (doc, source)
    return resolver


def _row(m: Mention) -> list[object]:
    """A mention as :class:`KeptMentions` keeps it."""
    return [m.span.start, m.span.end, m.span.text, m.title, m.number, m.alias_of, *_keys(m)]


def _keys(m: Mention) -> tuple[str | None, str | None]:
    return m.keys if m.keys is not None else (m.title_key, m.number_key)


def _with_texts(meta: Graph) -> list[tuple[URIRef, URIRef]]:
    """Each document and its source text (``pg:sourceText``, both IRIs), sorted: over the
    index's rows (``checks.rows.Rows``) without making the other rows' terms (as an rdflib
    graph asks a store, every row of the predicate was made: 0.04 s at 1,000 documents)."""
    rows: Any = meta.store
    if hasattr(rows, "pairs"):
        return sorted((URIRef(d), URIRef(s)) for d, s in rows.pairs(str(PG.sourceText)))
    return sorted(
        (d, s)
        for d, s in meta.subject_objects(PG.sourceText)
        if isinstance(d, URIRef) and isinstance(s, URIRef)
    )


def _resolved(
    resolver: _Resolver, doc: URIRef, mentions: list[Mention]
) -> list[tuple[URIRef, Mention]]:
    resolved: list[URIRef] = []
    out: list[tuple[URIRef, Mention]] = []
    seen: set[URIRef] = set()
    for m in mentions:
        cited = resolver.resolve(m, resolved)
        resolved.append(cited)
        if cited == doc or cited in seen:
            continue
        seen.add(cited)
        out.append((cited, m))
    return out


def _cite(g: set[Triple], c: Citing) -> None:
    doc, source = c.doc, c.source
    for n, (cited, m) in enumerate(c.cited, 1):
        node = URIRef(f"{doc}/cites/{n}")
        g.add((node, RDF.type, PG.Citation))
        g.add((node, PG.citing, doc))
        g.add((node, PG.cited, cited))
        g.add((node, PG.quote, Literal(m.span.text)))
        g.add((node, PG.quoteStart, Literal(m.span.start)))
        g.add((node, PG.quoteEnd, Literal(m.span.end)))
        g.add((node, PROV.wasDerivedFrom, source))
        g.add((doc, DCT.references, cited))


def _stub_of(resolver: _Resolver, m: Mention) -> tuple[str | None, str | None, str]:
    """A stub's number, title (as cited, or cited with its number elsewhere) and kind."""
    number = resolver.number_of(m)
    title = m.title or (resolver.number_title.get(number) if number else None)
    return number, title, kind_of(title) if title else "OtherKind"


def _stub_class(kind: str) -> URIRef:
    return _STUB_CLASS.get(kind, PG.PolicyDocument)


def _stub(g: set[Triple], resolver: _Resolver, iri: URIRef, m: Mention) -> None:
    number, title, kind = _stub_of(resolver, m)
    g.add((iri, RDF.type, _stub_class(kind)))
    g.add((iri, ELI.type_document, PG[kind]))
    g.add((iri, PG.stub, Literal(True)))
    g.add((iri, PG.textHeld, Literal(False)))
    if title:
        g.add((iri, DCT.title, Literal(" ".join(title.split()), lang="zh")))
    if number:
        g.add((iri, ELI.id_local, Literal(number)))


KEPT_FORMAT = "3"  # bumped when what the kept mentions hold changes (3: their keys)
_Row = list[object]  # start, end, text, title, number, alias_of, title's key, number's key


class KeptMentions:
    """Each source text's mentions (:func:`find_mentions`) kept in the cache directory under the
    SHA-256 of the text's bytes, for the code that found them: the build of one more document
    searches its text alone (1,000 texts read, checked and searched took half a second).

    Every source text is checked as it was when all were read: a kept text is not read where
    its file's digest is the recorded one through the corpus's snapshot (the stamps that let
    the build keep a document's file); any other is read when this is made (``texts`` checks it
    against the record and refuses it otherwise). The cache off: every text read and searched."""

    def __init__(self, corpus: Corpus, sources: list[SourceFile], texts: Mapping[URIRef, str]):
        self.texts = texts
        where = cache.directory()
        name = hashlib.sha256(str(corpus.root.resolve()).encode()).hexdigest()[:32]
        self.path: Path | None = where / "citations" / f"{name}.marshal" if where else None
        found = cache.read_marshalled(self.path, KEPT_FORMAT) if self.path else None
        version = _version()
        current = found is not None and found.get("code") == version
        self.kept: dict[str, list[_Row]] = dict(found["texts"]) if found and current else {}
        self.quotes: dict[str, dict[str, int]] = (
            _quotes(found["quotes"]) if found and current else {}
        )
        self.digest: dict[URIRef, str] = {}
        self.trusted: set[URIRef] = set()
        files = snapshot(corpus, where) if where is not None else None
        held = _digests(files, sources)
        for source in sources:
            file = source.text_file or source.file_name
            recorded = (source.text_sha256 if source.text_file else source.sha256) or ""
            self.digest[source.iri] = recorded
            checks = {source.file_name: source.sha256, file: recorded}  # a file and its text
            if all(f in held and held[f] == d for f, d in checks.items()):
                self.trusted.add(source.iri)
            else:
                texts[source.iri]  # read and checked now, as every source text is
        self.changed = False

    def __call__(self, source: URIRef) -> list[Mention]:
        sha = self.digest.get(source, "")
        found = _mentions(self.kept.get(sha)) if source in self.trusted else None
        if found is not None:
            return found
        found = find_mentions(self.texts[source])  # read and checked: its digest is sha
        mentions = [m.keyed() for m in found]  # kept with their keys, made once
        self.kept[sha] = [_row(m) for m in mentions]
        self.changed = True
        return mentions

    def place(self, source: URIRef, quote: str, occurrence: int) -> int:
        """:func:`anchors.nth` of ``quote`` in the text of ``source``, kept as its mentions are
        (a curated quote of each of 1,000 documents: every text was read to place them)."""
        sha, key = self.digest.get(source, ""), f"{occurrence}\t{quote}"
        kept = self.quotes.get(sha, {}).get(key) if source in self.trusted else None
        if kept is not None:
            return kept
        start = nth(self.texts[source], quote, occurrence)  # read and checked: its digest is sha
        if start >= 0:
            self.quotes.setdefault(sha, {})[key] = start
            self.changed = True
        return start

    def save(self) -> None:
        """Keep the mentions and the placed quotes of the texts the corpus holds now (none of
        other texts)."""
        held = set(self.digest.values())
        if self.changed or (set(self.kept) | set(self.quotes)) - held:
            body = {
                "format": KEPT_FORMAT,
                "code": _version(),
                "texts": {k: v for k, v in self.kept.items() if k in held},
                "quotes": {k: v for k, v in self.quotes.items() if k in held},
            }
            cache.keep_marshalled(self.path, body)


def _digests(files: Snapshot | None, sources: list[SourceFile]) -> dict[str, str]:
    """The digest of each file of ``sources`` (a source and its text) the snapshot holds, in
    one call (one call a file: 4,000 calls at 1,000 documents)."""
    if files is None:
        return {}
    names = {n for s in sources for n in (s.file_name, s.text_file) if n and files.stamp(n)}
    return files.digests(sorted(names))


def _quotes(kept: object) -> dict[str, dict[str, int]]:
    """Kept placed quotes (by the text's digest, ``occurrence<TAB>quote``: the start), those
    that are what :meth:`KeptMentions.place` writes; none where they are not."""
    if not isinstance(kept, dict):
        return {}
    return {
        sha: {k: v for k, v in by.items() if isinstance(k, str) and type(v) is int}
        for sha, by in kept.items()
        if isinstance(sha, str) and isinstance(by, dict)
    }


def _mentions(rows: object) -> list[Mention] | None:
    """Kept rows as mentions; None where they are not rows of eight values. Their values are
    not checked one by one (0.12 s of one more document at 10,000 texts): the file they are
    read from is the one :meth:`KeptMentions.save` wrote, as its digest says
    (``cache.read_marshalled``), for this code."""
    if not isinstance(rows, list):
        return None
    try:
        return [
            Mention(Span(start, end, text), title, number, alias_of, (title_key, number_key))
            for start, end, text, title, number, alias_of, title_key, number_key in rows
        ]
    except (TypeError, ValueError):  # a row not of eight values
        return None


def version() -> str:
    """The version of what a resolution is made of: the code's and OpenCC's (whose tables make
    the mentions' keys)."""
    return _version()


@functools.cache  # asked for the key of each citing document
def _version() -> str:
    """The code's version, with OpenCC's (whose tables make the mentions' keys)."""
    return hashlib.sha256(
        f"kept mentions {KEPT_FORMAT}\n{cache.code_digest()}\nopencc {opencc_version()}".encode()
    ).hexdigest()
