"""Department names: normalisation, aliases, level prefixes, resolution and suggestions.

A name is matched against every skos:prefLabel and skos:altLabel after :func:`normalize` (NFKC,
whitespace removed). Where several departments share a label, the one of the document's own
jurisdiction wins. Inside one list, a name without a level prefix inherits the prefix of an earlier
name (``自治区发展改革委、工业和信息化厅`` means 自治区工业和信息化厅); the inherited form is tried
first, then the name as written (so ``广西银保监局`` after a 自治区 name is still itself).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef

from policygraph.errors import UnknownDepartmentError
from policygraph.namespaces import PG, SKOS

# Level prefixes a name can carry and pass on to the names after it in the same list.
_LEVEL_PREFIX = re.compile(r"^(自治区|省|市(?!场)|县|区(?!域))")


def normalize(name: str) -> str:
    """The form names are compared in: NFKC (full-width to half-width), no whitespace."""
    return "".join(unicodedata.normalize("NFKC", name).split())


def encloses(outer: str, inner: str) -> bool:
    """True when jurisdiction ``outer`` is ``inner`` or contains it (cn-gx encloses cn-gx-liuzhou)."""
    return inner == outer or inner.startswith(outer + "-")


def level_prefix(name: str) -> str | None:
    m = _LEVEL_PREFIX.match(normalize(name))
    return m.group(1) if m else None


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
        self.labels: dict[URIRef, list[str]] = defaultdict(list)
        for s in graph.subjects(PG.jurisdiction, None):
            if not isinstance(s, URIRef) or graph.value(s, SKOS.prefLabel) is None:
                continue
            self.jurisdiction[s] = str(graph.value(s, PG.jurisdiction))
            self.pref_label[s] = str(graph.value(s, SKOS.prefLabel))
            for p in (SKOS.prefLabel, SKOS.altLabel):
                for label in graph.objects(s, p):
                    if isinstance(label, Literal):
                        self.by_label[normalize(str(label))].add(s)
                        self.labels[s].append(str(label))

    def __contains__(self, iri: object) -> bool:
        return iri in self.pref_label

    def lookup(self, name: str, jurisdiction: str | None = None) -> URIRef | None:
        """The one department this name denotes (in ``jurisdiction`` when ambiguous), else None."""
        candidates = self.by_label.get(normalize(name), set())
        if jurisdiction:
            # Only departments of the document's own or an enclosing jurisdiction can be meant:
            # a city document may use its region's short names, a Yunnan document's 财政厅 is
            # not Guangxi's. The nearest enclosing jurisdiction wins.
            enclosing = [c for c in candidates if encloses(self.jurisdiction[c], jurisdiction)]
            if enclosing:
                depth = max(len(self.jurisdiction[c]) for c in enclosing)
                candidates = {c for c in enclosing if len(self.jurisdiction[c]) == depth}
            else:
                candidates = set()
        if len(candidates) == 1:
            return next(iter(candidates))
        return None

    def suggest(self, name: str, n: int = 3) -> list[str]:
        """The closest known labels to ``name``."""
        wanted = normalize(name)
        pool = sorted(self.by_label)
        close = difflib.get_close_matches(wanted, pool, n=n, cutoff=0.3)
        if not close:  # fall back to labels sharing the most characters
            close = sorted(pool, key=lambda lab: (-len(set(lab) & set(wanted)), lab))[:n]
        return close

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
        out, prefix = [], None
        for name in names:
            own = level_prefix(name)
            if own:
                prefix = own
            iri, inherited = None, None
            if prefix and not own:
                iri = self.lookup(prefix + name, jurisdiction)
                inherited = prefix if iri is not None else None
            if iri is None:
                iri = self.resolve(name, jurisdiction, where)
            out.append(Resolved(iri, inherited))
        return out
