"""Departments by name: aliases, jurisdictions, resolution and suggestions.

A name is matched against every skos:prefLabel and skos:altLabel after
:func:`policygraph.text.names.normalize`. Where several departments share a label, the one of the
document's own jurisdiction wins. Inside one list, level prefixes are inherited as
:func:`policygraph.text.names.with_inherited_prefix` reads them.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from policygraph.errors import UnknownDepartmentError
from policygraph.i18n import N_
from policygraph.rdf import PG, SKOS
from policygraph.text.names import (
    Reading,
    department_suggestions,
    normalize,
    with_inherited_prefix,
)

# A name that can only mean a national body, whatever the document's level: it says so (国家…,
# 国务院…) or has a form no province uses (…部, …总局, …总署). A bare short form that provinces
# use for their own bodies too (统计局, 国资委, 发展改革委) is not: in a provincial document it is
# never taken for the national body.
_NATIONAL_FORM = re.compile(
    r"^(国家|国务院|中国|中华人民共和国|中央|中共中央|全国|北京冬奥|国(?!资委|土))"
    r"|(部|总局|总署|海关|总行|总社)$"
)
_LOCAL_PREFIX = re.compile(r"^(.{2,8}?(?:自治区|省|市|州|县|区))?(自治区|省|市(?!场)|县|区(?!域))?")


_LOCAL_FORM = re.compile(r"(局|委|办|厅|委员会|办公室)$")


def could_be_local(name: str) -> bool:
    """True for a short form a province or city uses for its own body too (统计局, 国资委,
    发展改革委): in a lower document it never means the national body; 国家统计局, 财政部,
    税务总局 or 证监会 can only mean one."""
    plain = normalize(name)
    return bool(_LOCAL_FORM.search(plain)) and not _NATIONAL_FORM.search(plain)


def unprefixed(name: str) -> str:
    """``name`` without the place or level it starts with: 省发展改革委 → 发展改革委."""
    plain = normalize(name)
    m = _LOCAL_PREFIX.match(plain)
    return plain[m.end() :] if m and m.end() else plain


def _chain(jurisdiction: str) -> list[str]:
    """The jurisdictions enclosing ``jurisdiction``, outermost first: cn, cn-yn, cn-yn-kunming."""
    parts = jurisdiction.split("-")
    return ["-".join(parts[: k + 1]) for k in range(len(parts))]


def encloses(outer: str, inner: str) -> bool:
    """True when jurisdiction ``outer`` is ``inner`` or contains it (cn-gx encloses cn-gx-liuzhou)."""
    return inner == outer or inner.startswith(outer + "-")


@dataclass(frozen=True)
class Resolved:
    iri: URIRef
    inherited_prefix: str | None  # set when the name resolved only with an inherited prefix


_INDEXES: dict[int, tuple[Graph, DepartmentIndex, int]] = {}
_JURISDICTION, _PREF = str(PG.jurisdiction), str(SKOS.prefLabel)
_LABELS = frozenset([_PREF, str(SKOS.altLabel)])


class DepartmentIndex:
    """Labels of every department, for resolution and suggestions."""

    def __init__(self, graph: Graph) -> None:
        self.by_label: dict[str, set[URIRef]] = defaultdict(set)
        self.jurisdiction: dict[URIRef, str] = {}
        self.pref_label: dict[URIRef, str] = {}
        self.labels: dict[URIRef, set[str]] = {}
        # each department's labels as written (its fingerprint's: normalising 20,000 labels to
        # digest them took half of the fingerprints' time; equal labels, equal normal forms)
        self.written: dict[URIRef, set[str]] = {}
        # Kept up to date department by department (a batch grows the index for each document:
        # made again from every label each time, they made the batch quadratic).
        self._by_label_jur: dict[tuple[str, str], set[URIRef]] = defaultdict(set)
        self._by_jurisdiction: dict[str, dict[str, int]] = defaultdict(dict)  # label: how many
        self._by_fingerprint: dict[str, str] | None = None
        for s in set(graph.subjects(PG.jurisdiction, None)):
            self._index(graph, s)

    def _index(self, graph: Graph, s: object) -> None:
        """(Re)index one department as ``graph`` has it."""
        if not isinstance(s, URIRef):
            return
        self._forget(s)
        jur, pref = graph.value(s, PG.jurisdiction), graph.value(s, SKOS.prefLabel)
        if jur is None or pref is None:
            return
        self.jurisdiction[s] = str(jur)
        self.pref_label[s] = str(pref)
        self.labels[s], self.written[s] = set(), set()
        for p in (SKOS.prefLabel, SKOS.altLabel):
            for label in graph.objects(s, p):
                if isinstance(label, Literal):
                    self.written[s].add(str(label))
                    self._link(s, normalize(str(label)))

    def _forget(self, s: URIRef) -> None:
        self._by_fingerprint = None
        self.written.pop(s, None)
        jur = self.jurisdiction.get(s, "")
        for label in self.labels.pop(s, set()):
            self.by_label[label].discard(s)
            self._by_label_jur[(label, jur)].discard(s)
            counts = self._by_jurisdiction[jur]
            counts[label] -= 1
            if counts[label] <= 0:
                del counts[label]

    def _link(self, s: URIRef, label: str) -> None:
        mine = self.labels.setdefault(s, set())
        if label in mine:
            return
        mine.add(label)
        jur = self.jurisdiction.get(s, "")
        self.by_label[label].add(s)
        self._by_label_jur[(label, jur)].add(s)
        counts = self._by_jurisdiction[jur]
        counts[label] = counts.get(label, 0) + 1

    def _by_label_in(self) -> dict[tuple[str, str], set[URIRef]]:
        """Departments by (label, jurisdiction)."""
        return self._by_label_jur

    def _labels_in(self) -> dict[str, dict[str, int]]:
        """Labels by the jurisdiction of their departments (with how many departments)."""
        return self._by_jurisdiction

    def add(self, iri: URIRef, jurisdiction: str, pref: str, labels: list[str]) -> None:
        """A department not in the graph (a plan's new one), known by ``labels``."""
        self._forget(iri)
        self.jurisdiction[iri] = jurisdiction
        self.pref_label[iri] = pref
        self.labels[iri], self.written[iri] = set(), set(labels)
        for form in labels:
            self._link(iri, normalize(form))

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[str, str, str, str | None]]) -> DepartmentIndex:
        """The index of the departments ``rows`` state (subject, predicate, the object's value
        and language, ``@iri`` for an IRI: pg:jurisdiction, skos:prefLabel, skos:altLabel, as
        ``checks.mentions`` keeps them): what the graph of those triples gives, without it.
        Where a department has several jurisdictions or preferred labels, the first row's."""
        jur, pref, labels = _grouped(rows)
        index = cls(Graph())
        normal: dict[str, str] = {}  # a label a thousand cities share, normalised once
        for s in jur.keys() & pref.keys():
            iri = URIRef(s)
            index.jurisdiction[iri], index.pref_label[iri] = jur[s], pref[s]
            index.labels[iri], index.written[iri] = set(), set(labels.get(s, ()))
            for label in labels.get(s, ()):
                if label not in normal:
                    normal[label] = normalize(label)
                index._link(iri, normal[label])
        return index

    def clone(self) -> DepartmentIndex:
        """A copy of this index that shares nothing it changes (to :meth:`add` to)."""
        other = DepartmentIndex(Graph())
        other.by_label.update((k, set(v)) for k, v in self.by_label.items())
        other.jurisdiction, other.pref_label = dict(self.jurisdiction), dict(self.pref_label)
        other.labels = {k: set(v) for k, v in self.labels.items()}
        other.written = {k: set(v) for k, v in self.written.items()}
        other._by_label_jur.update((k, set(v)) for k, v in self._by_label_jur.items())
        other._by_jurisdiction.update((k, dict(v)) for k, v in self._by_jurisdiction.items())
        return other

    def copy(self) -> DepartmentIndex:
        """An index to add to, over this one (which stays as the graph has it): a layer of its
        own additions, so that a plan does not copy a thousand documents' departments."""
        return _Layer(self)

    def _all(self, label: str) -> set[URIRef]:
        return self.by_label.get(label, set())

    def _in(self, label: str, jurisdiction: str) -> set[URIRef]:
        return self._by_label_in().get((label, jurisdiction), set())

    def _pool(self, jurisdiction: str | None) -> list[str]:
        """The labels a suggestion for ``jurisdiction`` chooses from, in a fixed order."""
        if jurisdiction is None:
            return [label for label, iris in self.by_label.items() if iris]
        found = {label for j in _chain(jurisdiction) for label in self._labels_in().get(j, ())}
        return [label for label in self.by_label if label in found]

    def grow(self, graph: Graph, part: Iterable[tuple[Node, Node, Node]]) -> None:
        """Index what ``part`` (a file's triples just added to ``graph``) says of departments."""
        for s in {s for s, _, _ in part}:
            if (s, PG.jurisdiction, None) in graph:
                self._index(graph, s)

    @classmethod
    def of(
        cls, graph: Graph, parts: Sequence[Iterable[tuple[Node, Node, Node]]] | None
    ) -> DepartmentIndex:
        """The index of ``graph``; where ``graph`` is a cached union that grows file by file
        (``parts``: its files' graphs), the index made before grown by the new files (a batch
        of a thousand documents asked for it anew for each, over every department)."""
        if parts is None:
            return cls(graph)
        known = _INDEXES.get(id(graph))
        if known is None or known[0] is not graph:
            known = (graph, cls(graph), len(parts))
        index = known[1]
        for part in parts[known[2] :]:
            index.grow(graph, part)
        _INDEXES[id(graph)] = (graph, index, len(parts))
        return index

    def __contains__(self, iri: object) -> bool:
        return iri in self.pref_label

    def keep(self) -> None:
        """Keep what this index made for the next build (an index read from disk keeps the
        digests it made, ``checks.asked``); this one, nothing."""

    def fingerprint(self, jurisdiction: str | None) -> str:
        """A digest of everything :meth:`lookup` reads for a document of ``jurisdiction``: the
        departments of it and of the jurisdictions enclosing it, with all their labels (of
        every department where the jurisdiction is unknown). Equal fingerprints, equal answers:
        a built document is kept while its fingerprint is (``build.state``)."""
        if jurisdiction is None:
            per = self._fingerprints()
            chain = [(j, per[j]) for j in sorted(per)]
        else:
            chain = [(j, self._fingerprint_in(j)) for j in _chain(jurisdiction)]
        digest = hashlib.sha256()
        for j, found in chain:
            digest.update(f"{j}\t{found}\n".encode())
        return digest.hexdigest()

    def _fingerprint_in(self, jurisdiction: str) -> str:
        """The digest of the departments of ``jurisdiction`` alone ('' where it has none)."""
        return self._fingerprints().get(jurisdiction, "")

    def _fingerprints(self) -> dict[str, str]:
        if self._by_fingerprint is None:
            rows: dict[str, list[str]] = defaultdict(list)
            for iri in self.labels:
                jur, pref = self.jurisdiction.get(iri, ""), self.pref_label.get(iri, "")
                rows[jur].append(_line(iri, pref, self.written.get(iri, ())))
            self._by_fingerprint = _digests(rows)
        return self._by_fingerprint

    def lookup(self, name: str, jurisdiction: str | None = None) -> URIRef | None:
        """The one department this name denotes (in ``jurisdiction`` when ambiguous), else None."""
        label = normalize(name)
        candidates: set[URIRef] = set()
        if not jurisdiction:
            candidates = self._all(label)
        else:
            # Only departments of the document's own or an enclosing jurisdiction can be meant:
            # a city document may use its region's short names, a Yunnan document's 财政厅 is
            # not Guangxi's. The nearest enclosing jurisdiction wins (looked up jurisdiction by
            # jurisdiction: a label a thousand cities share is not a thousand candidates).
            found: set[URIRef] = set()
            for j in reversed(_chain(jurisdiction)):
                if j == "cn" != jurisdiction and could_be_local(name):
                    continue
                found = self._in(label, j)
                if found:
                    break
            candidates = found
        if len(candidates) == 1:
            return next(iter(candidates))
        return None

    def suggest(
        self, name: str, n: int = 3, jurisdiction: str | None = None, near: bool = False
    ) -> list[str]:
        """The known labels (of ``jurisdiction`` and enclosing ones) ``name`` may have meant, by
        the one rule of :func:`~policygraph.text.names.department_suggestions` (``near`` is that
        rule, kept for its callers)."""
        pool = self._pool(jurisdiction)  # of the jurisdictions enclosing it (cn, cn-yn, …)
        return department_suggestions(name, pool, n)

    def lookup_reading(
        self, reading: Reading, jurisdiction: str | None
    ) -> tuple[URIRef, str | None] | None:
        """The department of the first form of ``reading`` that resolves, and the prefix it
        inherited (None when the name resolved as written)."""
        for k, form in enumerate(reading.forms):
            iri = self.lookup(form, jurisdiction)
            if iri is not None:
                return iri, reading.inherited_prefix if k == 0 else None
        return None

    def resolve(self, name: str, jurisdiction: str | None, where: str) -> URIRef:
        iri = self.lookup(name, jurisdiction)
        if iri is None:
            raise self.unknown(name, where)
        return iri

    def unknown(self, name: str, where: str) -> UnknownDepartmentError:
        suggestions = self.suggest(name)
        if suggestions:
            template = N_("{where}: unknown department {written}; closest known names: {closest}")
        else:
            template = N_("{where}: unknown department {written}")
        return UnknownDepartmentError(
            template,
            name=name,
            suggestions=suggestions,
            code="unknown-department",
            where=where,
            written=repr(name),
            closest="、".join(suggestions),
        )

    def resolve_list(
        self, names: Iterable[str], jurisdiction: str | None, where: str
    ) -> list[Resolved]:
        """Resolve one list of names from a source, with level prefixes inherited in order."""
        out = []
        for reading in with_inherited_prefix(names):
            found = self.lookup_reading(reading, jurisdiction)
            if found is None:
                raise self.unknown(reading.written, where)
            out.append(Resolved(*found))
        return out


class _Layer(DepartmentIndex):
    """A plan's own departments over the corpus's index (see :meth:`DepartmentIndex.copy`)."""

    def __init__(self, base: DepartmentIndex) -> None:
        super().__init__(Graph())
        self.base = base

    def __contains__(self, iri: object) -> bool:
        return iri in self.pref_label or iri in self.base

    def _all(self, label: str) -> set[URIRef]:
        return self.base._all(label) | super()._all(label)

    def _in(self, label: str, jurisdiction: str) -> set[URIRef]:
        return self.base._in(label, jurisdiction) | super()._in(label, jurisdiction)

    def _pool(self, jurisdiction: str | None) -> list[str]:
        below = self.base._pool(jurisdiction)
        seen = set(below)
        return below + [label for label in super()._pool(jurisdiction) if label not in seen]

    def fingerprint(self, jurisdiction: str | None) -> str:
        both = self.base.fingerprint(jurisdiction) + super().fingerprint(jurisdiction)
        return hashlib.sha256(both.encode()).hexdigest()


Rows = Iterable[tuple[str, str, str, str | None]]


def _grouped(
    rows: Iterable[tuple[str, str, str, str | None]],
) -> tuple[dict[str, str], dict[str, str], dict[str, list[str]]]:
    """The rows by department: its first jurisdiction, its first preferred label, and every
    label written as text (an IRI is no label)."""
    jur: dict[str, str] = {}
    pref: dict[str, str] = {}
    labels: dict[str, list[str]] = defaultdict(list)
    for s, p, value, lang in rows:
        if p == _JURISDICTION:
            jur.setdefault(s, value)
        elif p in _LABELS:
            if p == _PREF:
                pref.setdefault(s, value)
            if lang != "@iri":
                labels[s].append(value)
    return jur, pref, labels


class LazyIndex(DepartmentIndex):
    """A department index whose departments are read a jurisdiction at a time, as a lookup asks
    for one (a document's lookups ask for its own jurisdiction and those enclosing it), and all
    of them for a lookup in no jurisdiction or a question about every department. A subclass
    says how: :meth:`_load` (one jurisdiction's, again a no-op) and :meth:`_load_all`."""

    def _load(self, jurisdiction: str) -> None:
        raise NotImplementedError

    def _load_all(self) -> None:
        raise NotImplementedError

    def _all(self, label: str) -> set[URIRef]:
        self._load_all()
        return super()._all(label)

    def _in(self, label: str, jurisdiction: str) -> set[URIRef]:
        self._load(jurisdiction)
        return super()._in(label, jurisdiction)

    def _pool(self, jurisdiction: str | None) -> list[str]:
        if jurisdiction is None:
            self._load_all()
        else:
            for j in _chain(jurisdiction):
                self._load(j)
        return super()._pool(jurisdiction)

    def __contains__(self, iri: object) -> bool:
        self._load_all()
        return super().__contains__(iri)


def fingerprints_of(rows: Rows) -> dict[str, str]:
    """:meth:`DepartmentIndex._fingerprints` of the departments ``rows`` state (as
    :meth:`DepartmentIndex.from_rows` reads them), without indexing them: the digest of each
    jurisdiction's departments by jurisdiction."""
    jur, pref, written = _grouped(rows)
    lines: dict[str, list[str]] = defaultdict(list)
    for s in jur.keys() & pref.keys():
        lines[jur[s]].append(_line(s, pref[s], written.get(s, ())))
    return _digests(lines)


def _line(iri: str, pref: str, written: Iterable[str]) -> str:
    """One department's line of its jurisdiction's digest: its IRI, its preferred label and
    its labels as written, each once, sorted (what both the index and the rows digest)."""
    return "\t".join([iri, pref, *sorted(set(written))])


def _digests(rows: dict[str, list[str]]) -> dict[str, str]:
    """Each jurisdiction's digest of its departments' lines (in the order of the lines). The
    index of ``checks.mentions`` keeps these digests: bump its ``FORMAT`` when they change."""
    return {j: hashlib.sha256("\n".join(sorted(r)).encode()).hexdigest() for j, r in rows.items()}
