"""Departments by name: aliases, jurisdictions, resolution and suggestions.

A name is matched against every skos:prefLabel and skos:altLabel after
:func:`policygraph.text.names.normalize`. Where several departments share a label, the one of the
document's own jurisdiction wins. Inside one list, level prefixes are inherited as
:func:`policygraph.text.names.with_inherited_prefix` reads them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef

from policygraph.errors import UnknownDepartmentError
from policygraph.rdf import PG, SKOS
from policygraph.text.names import Reading, normalize, suggest, with_inherited_prefix

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


def encloses(outer: str, inner: str) -> bool:
    """True when jurisdiction ``outer`` is ``inner`` or contains it (cn-gx encloses cn-gx-liuzhou)."""
    return inner == outer or inner.startswith(outer + "-")


@dataclass(frozen=True)
class Resolved:
    iri: URIRef
    inherited_prefix: str | None  # set when the name resolved only with an inherited prefix


class DepartmentIndex:
    """Labels of every department, for resolution and suggestions."""

    def __init__(self, graph: Graph) -> None:
        self.by_label: dict[str, set[URIRef]] = defaultdict(set)
        self.jurisdiction: dict[URIRef, str] = {}
        self.pref_label: dict[URIRef, str] = {}
        for s in graph.subjects(PG.jurisdiction, None):
            if not isinstance(s, URIRef) or graph.value(s, SKOS.prefLabel) is None:
                continue
            self.jurisdiction[s] = str(graph.value(s, PG.jurisdiction))
            self.pref_label[s] = str(graph.value(s, SKOS.prefLabel))
            for p in (SKOS.prefLabel, SKOS.altLabel):
                for label in graph.objects(s, p):
                    if isinstance(label, Literal):
                        self.by_label[normalize(str(label))].add(s)

    def __contains__(self, iri: object) -> bool:
        return iri in self.pref_label

    def lookup(self, name: str, jurisdiction: str | None = None) -> URIRef | None:
        """The one department this name denotes (in ``jurisdiction`` when ambiguous), else None."""
        candidates = self.by_label.get(normalize(name), set())
        if jurisdiction:
            # Only departments of the document's own or an enclosing jurisdiction can be meant:
            # a city document may use its region's short names, a Yunnan document's 财政厅 is
            # not Guangxi's. The nearest enclosing jurisdiction wins.
            enclosing = [
                c
                for c in candidates
                if encloses(self.jurisdiction[c], jurisdiction)
                and not (self.jurisdiction[c] == "cn" != jurisdiction and could_be_local(name))
            ]
            if enclosing:
                depth = max(len(self.jurisdiction[c]) for c in enclosing)
                candidates = {c for c in enclosing if len(self.jurisdiction[c]) == depth}
            else:
                candidates = set()
        if len(candidates) == 1:
            return next(iter(candidates))
        return None

    def suggest(
        self, name: str, n: int = 3, jurisdiction: str | None = None, near: bool = False
    ) -> list[str]:
        """The closest known labels to ``name`` (of ``jurisdiction`` and enclosing ones); with
        ``near``, only near misses (a typo, a variant: rapidfuzz ratio ≥ 75)."""
        pool = [
            label
            for label, iris in self.by_label.items()
            if jurisdiction is None
            or any(encloses(self.jurisdiction.get(i, ""), jurisdiction) for i in iris)
        ]
        if near:
            return suggest(name, pool, n, cutoff=75, fallback=False)
        return suggest(name, pool, n)

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
        hint = f"; closest known names: {'、'.join(suggestions)}" if suggestions else ""
        return UnknownDepartmentError(
            f"{where}: unknown department {name!r}{hint}", name=name, suggestions=suggestions
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
