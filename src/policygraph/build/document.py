"""One document's graph: parts, provisions, responsibilities and funding, each with its quote."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from policygraph.corpus import SourceFile
from policygraph.departments import DepartmentIndex, Resolved
from policygraph.errors import SourceError
from policygraph.i18n import N_
from policygraph.rdf import ELI as _ELI
from policygraph.rdf import PG as _PG
from policygraph.rdf import PROV as _PROV
from policygraph.rdf import RDF as _RDF
from policygraph.rdf.namespaces import Terms
from policygraph.rdf.roles import ROLE_ZH, ROLES
from policygraph.text.amounts import Amount, find_amounts
from policygraph.text.annotations import Annotation
from policygraph.text.deadlines import read_deadline
from policygraph.text.names import normalize
from policygraph.text.notes import Note
from policygraph.text.spans import Span
from policygraph.text.structure import PROFILES, Provision, Structure

# Each term made once (a document of 23,500 items writes a million triples)
ELI, PG, PROV, RDF = Terms(_ELI), Terms(_PG), Terms(_PROV), Terms(_RDF)

ROLE = {"lead": PG.Lead, "co-lead": PG.CoLead, "responsible": PG.Responsible}
RULE_BASIS = (
    "Read by policygraph: the document states this rule once, and the roles of the "
    "annotations after it are read by it until another rule replaces it."
)
AMOUNT_KIND = {"cap": PG.Cap, "fixed": PG.Fixed, "floor": PG.Floor, "ratio": PG.MatchingRatio}


def provision_iris(doc: URIRef, structure: Structure) -> list[URIRef]:
    """The IRI of each provision: ``{doc}/measure/{n}``, or ``{doc}/part/{p}/measure/{n}`` where
    items are numbered 1. 2. … again in each part; a sub-item of a (一) group is
    ``{group}/item/{n}``, the group ``{doc}/group/{n}``. A number that really repeats gets a
    suffix (and the checks report the repeat)."""
    per_part = structure.restarts_per_part and all(pv.part for pv in structure.provisions)
    seen: dict[str, int] = {}
    out = []
    for pv in structure.provisions:
        if pv.group is not None:
            base = f"{group_iri(doc, pv.group, per_part)}/item/{pv.ordinal}"
        elif pv.part_item:
            base = f"{doc}/measure/part-{pv.ordinal}"
        elif per_part:
            base = f"{doc}/part/{pv.part_segment}/measure/{pv.ordinal}"
        else:
            base = f"{doc}/measure/{pv.ordinal}"
        seen[base] = seen.get(base, 0) + 1
        out.append(URIRef(base + ("" if seen[base] == 1 else f"-{seen[base]}")))
    return out


def group_iri(doc: URIRef, group: Provision, per_part: bool) -> URIRef:
    if group.group is not None:  # a sub-item that is itself a group of sub-items
        return URIRef(f"{group_iri(doc, group.group, per_part)}/item/{group.ordinal}")
    if per_part and group.part:
        return URIRef(f"{doc}/part/{group.part_segment}/group/{group.ordinal}")
    return URIRef(f"{doc}/group/{group.ordinal}")


class DocumentBuilder:
    """The graph of one document's parts, provisions, responsibilities and funding."""

    def __init__(
        self,
        meta: Graph,
        index: DepartmentIndex,
        source: SourceFile,
        text: str,
        structure: Structure | None = None,
    ) -> None:
        assert source.describes is not None
        self.doc = source.describes
        self.meta, self.index, self.source, self.text = meta, index, source, text
        short = meta.value(self.doc, PG.shortName)
        if short is None:
            raise SourceError(
                N_("{document}: metadata needs pg:shortName"),
                code="document-without-short-name",
                document=self.doc,
            )
        self.short = str(short)
        number = meta.value(self.doc, ELI.id_local)
        self.label = str(number) if number is not None else self.short
        jur = meta.value(self.doc, PG.jurisdiction)
        self.jurisdiction = str(jur) if jur is not None else None
        self.structure: Structure = structure or PROFILES[source.profile](text, self.label)
        # The triples in the order they are made, a subject's together: rdf.turtle indexes them
        # by subject, and reads a list so made in 4 s where a set of the same million took 7 s
        # (a set hashes every Literal in Python, and hands the subjects back scattered). A
        # triple made twice is written once (the writer keeps one of equal objects).
        self.g: list[tuple[URIRef, URIRef, URIRef | Literal]] = []
        self.rules: set[URIRef] = set()

    def graph(self) -> list[tuple[URIRef, URIRef, URIRef | Literal]]:
        for part in self.structure.parts:
            iri = URIRef(f"{self.doc}/part/{part.segment}")
            self._add(iri, RDF.type, PG.Part)
            self._add(iri, ELI.is_part_of, self.doc)
            self._numbering(iri, part.ordinal, part.numeral, part.label, part.title)
            self._quote(iri, part.span)
        if self.structure.restarts_per_part:
            self._add(self.doc, PG.numberingRestartsPerPart, Literal(True))
        for iri, prov in zip(
            provision_iris(self.doc, self.structure), self.structure.provisions, strict=True
        ):
            self._provision(iri, prov)
        self.unmatched_rows()
        return self.g

    def _add(self, s: URIRef, p: URIRef, o: URIRef | Literal) -> None:
        self.g.append((s, p, o))

    def _numbering(self, iri: URIRef, ordinal: int, numeral: str, label: str, title: Span) -> None:
        self._add(iri, PG.ordinal, Literal(ordinal))
        self._add(iri, ELI.number, Literal(numeral))
        self._add(iri, PG.label, Literal(label))
        self._add(iri, ELI.title, Literal(title.text, lang="zh"))

    def _quote(self, iri: URIRef, span: Span) -> None:
        self._add(iri, PG.quote, Literal(span.text))
        self._add(iri, PG.quoteStart, Literal(span.start))
        self._add(iri, PG.quoteEnd, Literal(span.end))
        self._add(iri, PROV.wasDerivedFrom, self.source.iri)

    def _group(self, prov: Provision) -> URIRef:
        """The (一) group of a sub-item: numbered and quoted like a provision, not a measure."""
        assert prov.group is not None
        per_part = self.structure.restarts_per_part and all(
            p.part for p in self.structure.provisions
        )
        iri = group_iri(self.doc, prov.group, per_part)
        self._add(iri, RDF.type, PG.Group)
        parent = URIRef(f"{self.doc}/part/{prov.part_segment}") if prov.part else self.doc
        if prov.group.group is not None:
            parent = self._group(prov.group)
        self._add(iri, ELI.is_part_of, parent)
        group = prov.group
        self._numbering(iri, group.ordinal, group.numeral, group.label, group.title)
        self._quote(iri, group.span)
        return iri

    def _provision(self, iri: URIRef, prov: Provision) -> None:
        self._add(iri, RDF.type, PG.GeneralProvision if prov.general else PG.Measure)
        parent = URIRef(f"{self.doc}/part/{prov.part_segment}") if prov.part else self.doc
        if prov.group is not None:
            parent = self._group(prov)
        self._add(iri, ELI.is_part_of, parent)
        self._numbering(iri, prov.ordinal, prov.numeral, prov.label, prov.title)
        if prov.part_item:
            self._add(iri, PG.numberedAsPart, Literal(True))
        self._quote(iri, prov.span)
        if self.source.profile != "measures":
            self._add(iri, PG.textHeld, Literal(False))
        if prov.table_row is not None:
            self._table_row(iri, prov)
        if prov.assignments:
            self._responsibilities(iri, prov)
        if prov.body is not None and not prov.general:
            for k, amount in enumerate(find_amounts(self.text, prov.body), start=1):
                self._funding(URIRef(f"{iri}/funding/{k}"), iri, amount)

    def _responsibilities(self, iri: URIRef, prov: Provision) -> None:
        """Each annotation's names, deadlines, scopes and unread text; a measure with several
        annotations (one after each of its sentences) numbers the later ones
        ``{measure}/annotation/{k}/…``."""
        deadlines: list[Span] = []
        unread: list[Span] = []
        scopes: list[Span] = []
        for k, annotation in enumerate(prov.assignments, start=1):
            base = iri if k == 1 else URIRef(f"{iri}/annotation/{k}")
            self._names(iri, base, k, prov, annotation)
            deadlines += annotation.deadlines
            unread += annotation.unread
            scopes += annotation.scopes
        if not deadlines and prov.table_row is not None:
            deadlines = list(prov.table_row.annotation.deadlines)
        for k, span in enumerate(deadlines, start=1):
            self._deadline(URIRef(f"{iri}/deadline/{k}"), iri, span)
        for kind, spans in ((PG.UnreadText, unread), (PG.Scope, scopes)):
            for k, span in enumerate(spans, start=1):
                node = URIRef(f"{iri}/{'unread' if kind == PG.UnreadText else 'scope'}/{k}")
                self._add(node, RDF.type, kind)
                self._add(node, PG.provision, iri)
                self._quote(node, span)

    def _names(
        self, iri: URIRef, base: URIRef, k: int, prov: Provision, annotation: Annotation
    ) -> None:
        where = f"{self.label} measure {prov.label}"
        by_entry: dict[int, Resolved] = {}  # id of an entry → its department
        for written in annotation.lists():  # level prefixes are inherited within a list
            named = [e for e in written if not e.catch_all]
            resolved = self.index.resolve_list(
                (e.name.text for e in named), self.jurisdiction, where
            )
            by_entry.update(zip(map(id, named), resolved, strict=True))
        for role in ROLES:
            for entry in annotation.names(role):
                node = URIRef(f"{base}/{role}/{entry.position}")
                self._add(node, RDF.type, PG.Responsibility)
                self._add(node, PG.provision, iri)
                self._add(node, PG.role, ROLE[role])
                self._add(node, PG.position, Literal(entry.position))
                if k > 1:
                    self._add(node, PG.annotationNumber, Literal(k))
                res = by_entry.get(id(entry))
                if res is None:  # a catch-all phrase: no department is meant
                    self._add(node, PG.assignee, Literal(entry.name.text))
                else:
                    self._add(node, PG.department, res.iri)
                    if res.inherited_prefix:
                        self._add(node, PG.inheritedPrefix, Literal(res.inherited_prefix))
                if entry.rule is not None:
                    self._add(node, PG.readByRule, self._rule(entry.rule))
                self._quote(node, entry.name)

    def _rule(self, span: Span) -> URIRef:
        """A rule of the document by which roles were read: a judgement, its basis quoted."""
        node = URIRef(f"{self.doc}/rule/{span.start}")
        if node not in self.rules:
            self.rules.add(node)
            self._add(node, RDF.type, PG.ReadingRule)
            self._add(node, PG.about, self.doc)
            self._add(node, PG.basis, Literal(RULE_BASIS))
            self._quote(node, span)
        return node

    def _table_row(self, iri: URIRef, prov: Provision) -> None:
        """The measure's row of the task table; where the measure's own annotation names other
        departments, the row is kept and the disagreement reported (both quotes stay)."""
        row = prov.table_row
        assert row is not None
        node = URIRef(f"{iri}/table-row")
        self._add(node, RDF.type, PG.TaskTableRow)
        self._add(node, PG.provision, iri)
        self._quote(node, row.row)
        if row.convention is not None:
            self._add(node, PG.basis, Literal(row.convention.text))
        said = set().union(*(_assigned(a) for a in prov.annotations))
        if said and row.annotation.entries:
            listed = _assigned(row.annotation)
            if said != listed:
                for lang in ("en", "zh"):  # one literal in each language
                    words = _difference(said, listed).in_language(lang)
                    self._add(node, PG.disagreement, Literal(words, lang=lang))

    def unmatched_rows(self) -> None:
        """Task-table rows that match no measure: kept, and reported."""
        for k, row in enumerate(self.structure.unmatched_rows, start=1):
            node = URIRef(f"{self.doc}/table-row/{k}")
            self._add(node, RDF.type, PG.TaskTableRow)
            self._add(node, PG.about, self.doc)
            self._quote(node, row.row)

    def _deadline(self, node: URIRef, provision: URIRef, span: Span) -> None:
        self._add(node, RDF.type, PG.Deadline)
        self._add(node, PG.provision, provision)
        reading = read_deadline(span.text)
        if reading is not None and reading.due:
            self._add(node, PG.dueDate, Literal(reading.due, datatype=XSD.date))
        if reading is not None and reading.recurrence:
            self._add(node, PG.recurrence, Literal(reading.recurrence))
        if reading is not None and reading.ongoing:
            self._add(node, PG.ongoing, Literal(True))
        self._quote(node, span)

    def _funding(self, node: URIRef, provision: URIRef, amount: Amount) -> None:
        self._add(node, RDF.type, PG.FundingCommitment)
        self._add(node, PG.provision, provision)
        self._add(node, PG.amountKind, AMOUNT_KIND[amount.kind])
        self._add(node, PG.amountText, Literal(amount.text.text))
        if amount.wan_yuan is not None:
            self._add(node, PG.amountWanYuan, Literal(str(amount.wan_yuan), datatype=XSD.decimal))
        if amount.ratio is not None:
            self._add(node, PG.ratio, Literal(amount.ratio))
        self._quote(node, amount.clause)


def _assigned(annotation: Annotation) -> set[tuple[str, str]]:
    return {(e.role, normalize(e.name.text)) for e in annotation.entries}


DIFFERENCE = N_("the measure names {said}; the task table names {listed}")
NOBODY = N_("nobody")


def _difference(said: set[tuple[str, str]], listed: set[tuple[str, str]]) -> Note:
    def words(pairs: set[tuple[str, str]]) -> str | Note:
        names = "、".join(f"{name} ({ROLE_ZH[role]})" for role, name in sorted(pairs))
        return names or Note("nobody", NOBODY)

    return Note(
        "task-table-disagrees",
        DIFFERENCE,
        {"said": words(said - listed), "listed": words(listed - said)},
    )
