"""The files an ingest writes: the source's metadata (``data/sources/<stem>.ttl``) and the file
of what the curator should review (``data/ttl/ingested-<stem>.ttl``): new departments, the
stated document-level implementation, accepted links with their scores.

Both are the machine's: each begins with the SHA-256 of what ingest wrote below that line, so an
edit by hand is seen, and ingest never rewrites an edited file (:func:`edited`). What a person
curates goes in files of their own, which ingest never writes; the links accepted at an earlier
ingest are read back from the file and kept (:func:`accepted_links`)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS, XSD

from policygraph.build import provision_iris
from policygraph.build.anchors import nth
from policygraph.ingest.model import KINDS, LEVELS, NewDepartment, Plan
from policygraph.rdf import DCT, ELI, PG, PROV, RDF, SKOS, SRC
from policygraph.rdf.turtle import serialize
from policygraph.text.encoding import decode
from policygraph.text.names import is_collective

STAMP = "# SHA-256 of what policygraph ingest wrote below this line: "
_STAMP = re.compile(re.escape(STAMP) + r"([0-9a-f]{64})\n")


def stamped(body: str) -> str:
    """``body`` under the line that records its SHA-256."""
    return STAMP + hashlib.sha256(body.encode("utf-8")).hexdigest() + "\n" + body


def edited(text: str, now: str) -> str:
    """How ``text``, a file ingest wrote, stands: ``""`` as ingest wrote it (its recorded SHA-256
    is its own, or, written before the SHA-256 was recorded, its Turtle below the header is what
    ingest would write ``now``), ``"edited"`` (its SHA-256 is not its own) or ``"unrecorded"``
    (no SHA-256, and not what ingest would write now: an edit, or an earlier version's)."""
    m = _STAMP.match(text)
    if m is not None:
        body = text[m.end() :]
        return "" if hashlib.sha256(body.encode("utf-8")).hexdigest() == m.group(1) else "edited"
    return "" if _below_header(text) == _below_header(now) else "unrecorded"


def _below_header(text: str) -> str:
    """The text after its first lines of comments (the header, the SHA-256 line)."""
    lines = text.split("\n")
    k = 0
    while k < len(lines) and (lines[k].startswith("#") or not lines[k].strip()):
        k += 1
    return "\n".join(lines[k:])


def accepted_links(graph: Any) -> dict[Any, list[tuple[Any, Any, Any]]]:
    """The links accepted at an ingest (judged, attributed to suggest-links) in ``graph``, a file
    ingest wrote, by link: every triple of each but its quote's offsets (placed again in the
    text as it is read now: a reader's new version may read the same bytes otherwise), and the
    ``eli:applies`` of its two measures."""
    out: dict[Any, list[tuple[Any, Any, Any]]] = {}
    for link in sorted(graph.subjects(PG.linkKind, PG.Judged)):
        if (link, PROV.wasAttributedTo, PG.SuggestLinks) not in graph:
            continue
        out[link] = sorted(t for t in graph.triples((link, None, None)) if t[1] not in _PLACED)
        lower, higher = graph.value(link, PG["lower"]), graph.value(link, PG.higher)
        if lower is not None and higher is not None:
            out[link].append((lower, ELI.applies, higher))
    return out


_PLACED = (PG.quoteStart, PG.quoteEnd)


def link_iri(lower: str, higher: str) -> URIRef:
    """The IRI of the link a measure's accepted suggestion makes."""
    return URIRef(f"{lower}/implements/suggested-{higher.rsplit('/', 1)[-1]}")


def files_of(p: Plan, kept: Iterable[tuple[Any, Any, Any]] = ()) -> dict[str, str]:
    """Relative path → Turtle, for both files; ``kept``: the triples of links accepted before."""
    src = SRC[p.stem]
    data = _graph()
    for n in p.new:
        _department(data, p, n)
    for triples in p.registered.values():  # bodies of a register the document names
        for triple in triples:
            data.add(triple)
    _stated_links(data, p, src)
    for triple in kept:
        data.add(triple)
    _accepted_links(data, p, src)
    _place_quotes(data, p, src)
    head = [
        f"Written by `policygraph ingest` from {p.number or p.source_name}, again at each ingest",
        "of the document (keeping the links accepted before), and never once edited by hand: an",
        "edited file is refused. Curate in a file of your own in data/ttl/ (ingest never writes",
        "it): merge new departments into departments.ttl when their official names are known.",
        "Bodies of data/registers/ that the document names are copied here as the register has them.",
    ]
    meta = [
        f"Metadata of {p.source_name}, written by `policygraph ingest` (never once edited by hand:",
        "an edited file is refused; correct a value with the options of ingest).",
    ]
    return {
        f"data/sources/{p.stem}.ttl": stamped(serialize(_metadata(p, src), meta)),
        f"data/ttl/ingested-{p.stem}.ttl": stamped(serialize(data, head)),
    }


def _graph() -> Graph:
    """A graph of the triples a file will hold: written with the project's prefixes by
    ``rdf.turtle.serialize`` (which binds none of the graph's), in the order it sorts them, so
    an rdflib store without contexts and a graph with no prefix bound (binding them, and the
    contexts' bookkeeping of each triple added, were 10% of a batch's plans)."""
    return Graph(store="SimpleMemory", bind_namespaces="none")


def _metadata(p: Plan, src: URIRef) -> Graph:
    meta = _graph()
    meta.add((src, RDF.type, PG.SourceText))
    meta.add((src, PG.fileName, Literal(p.source_name)))
    meta.add((src, PG.sha256, Literal(p.digest)))
    charset = f"; charset={p.encoding.removesuffix('-sig')}" if p.encoding else ""
    meta.add((src, DCT.format, Literal(p.media_type + charset)))
    meta.add((src, PG.reader, Literal(p.reader)))
    if p.encoding:
        meta.add((src, PG.encoding, Literal(p.encoding.removesuffix("-sig"))))
    if p.derived is not None:
        meta.add((src, PG.textFileName, Literal(p.derived)))
        meta.add((src, PG.textSha256, Literal(hashlib.sha256(p.text.encode("utf-8")).hexdigest())))
    meta.add((src, PG.extractionProfile, Literal("measures")))
    meta.add((src, PG.describes, p.doc))
    d = p.doc
    meta.add((d, RDF.type, PG.PolicyDocument))
    meta.add((d, ELI.title, Literal(p.title, lang="zh")))
    if p.plan_title:
        meta.add((d, PG.titleVariant, Literal(p.plan_title)))
    if p.number:
        meta.add((d, ELI.id_local, Literal(p.number)))
    meta.add((d, PG.shortName, Literal(p.short)))
    meta.add((d, ELI.type_document, PG[KINDS[p.kind]]))
    meta.add((d, PG.level, PG[LEVELS[p.level][0]]))
    meta.add((d, PG.jurisdiction, Literal(p.jurisdiction)))
    meta.add((d, PG.textHeld, Literal(True)))
    meta.add((d, PG.sourceText, src))
    meta.add((d, PG.requiresLeadDepartment, Literal(_leads_by_convention(p))))
    if p.date and len(p.date) == 10:  # the signature's date, when it gives the day
        meta.add((d, ELI.date_document, Literal(p.date, datatype=XSD.date)))
    if p.issuer_iri is not None:
        meta.add((d, ELI.passed_by, p.issuer_iri))
    return meta


def _leads_by_convention(p: Plan) -> bool:
    """True where the document's convention is that every measure names its lead: most of its
    annotated measures do (a lead rule stated in prose makes them so). One 牵头 among many
    plain lists is not a convention."""
    annotated = [pv for pv in p.structure.provisions if pv.assignments]
    leading = [
        pv for pv in annotated if any(e.role == "lead" for a in pv.assignments for e in a.entries)
    ]
    return bool(annotated) and 2 * len(leading) > len(annotated)


def _kind(label: str) -> URIRef:
    """The kind of body a new department's name says it is."""
    if label.startswith("各") or is_collective(label):
        return PG.CollectiveOfGovernments
    if "税务局" in label and label.startswith("国家"):
        return PG.CentralAgencyBranch
    if label.endswith("人民政府"):
        return PG.Government
    if "党委" in label or "委组织部" in label or "编办" in label:
        return PG.PartyOrgan
    return PG.GovernmentDepartment


def _department(data: Graph, p: Plan, n: NewDepartment) -> None:
    data.add((n.iri, RDF.type, PG.Department))
    data.add((n.iri, SKOS.prefLabel, Literal(n.label, lang="zh")))
    for form in n.written:
        data.add((n.iri, SKOS.altLabel, Literal(form, lang="zh")))
    data.add((n.iri, PG.level, PG[LEVELS[p.level][0]]))
    data.add((n.iri, PG.kind, _kind(n.label)))
    data.add((n.iri, PG.jurisdiction, Literal(p.jurisdiction)))
    if n.counterpart is not None:
        data.add((n.iri, PG.counterpartOf, n.counterpart))
        data.add((n.iri, PG.counterpartBasis, Literal(n.counterpart_basis, lang="en")))
    note = (
        f"Added by policygraph ingest from {p.number or p.source_name}; "
        "merge with the full official name."
    )
    data.add((n.iri, RDFS.comment, Literal(note, lang="en")))


def _link(data: Graph, link: URIRef, lower: URIRef, higher: URIRef, src: URIRef) -> None:
    data.add((link, RDF.type, PG.ImplementationLink))
    data.add((link, PG["lower"], lower))
    data.add((link, PG.higher, higher))
    data.add((link, PROV.wasAttributedTo, PG.SuggestLinks))
    data.add((link, PROV.wasDerivedFrom, src))


def _stated_links(data: Graph, p: Plan, src: URIRef) -> None:
    for k, (target, label, quote) in enumerate(p.implements, start=1):
        link = URIRef(f"{p.doc}/implements/{k}")
        data.add((p.doc, ELI.ensures_implementation_of, target))
        _link(data, link, p.doc, target, src)
        data.add((link, PG.linkKind, PG.Stated))
        data.add((link, PG.basis, Literal(f"The text says it implements {label}.")))
        data.add((link, PG.confidence, Literal("1.0", datatype=XSD.decimal)))
        data.add((link, PG.quote, Literal(quote)))


def _place_quotes(data: Graph, p: Plan, src: URIRef) -> None:
    """Each quote of the document's own text in the file (its stated and accepted links),
    placed in the text where the build's anchors would place it (the first occurrence, or the
    one ``pg:quoteOccurrence`` says), so that the build need not: one more document's quote was
    one more entry of ``anchors.ttl``, which every ingest rewrote, indexed again and parsed for
    its scoped validation (1.3 MB at 10,000 documents). A quote not found is left to the
    build, which says so. Placed in the text as the corpus will read it (``Corpus.read_text``
    decodes the file written, a byte-order mark dropped: a text read from GB18030 with one
    starts with it)."""
    text = decode(p.text.encode("utf-8") if p.derived is not None else p.data, p.source_name)
    for node, quote in sorted(data.subject_objects(PG.quote)):
        if (node, PROV.wasDerivedFrom, src) not in data or (node, PG.quoteStart, None) in data:
            continue
        occurrence = int(str(data.value(node, PG.quoteOccurrence) or 1))
        start = nth(text, str(quote), occurrence)
        if start >= 0:
            data.add((node, PG.quoteStart, Literal(start)))
            data.add((node, PG.quoteEnd, Literal(start + len(str(quote)))))


def _accepted_links(data: Graph, p: Plan, src: URIRef) -> None:
    titles = {
        str(i): pv.title.text
        for i, pv in zip(provision_iris(p.doc, p.structure), p.structure.provisions, strict=True)
    }
    for lower, higher, score in p.accepted:
        link = link_iri(lower, higher)
        data.add((URIRef(lower), ELI.applies, URIRef(higher)))
        _link(data, link, URIRef(lower), URIRef(higher), src)
        data.add((link, PG.linkKind, PG.Judged))
        basis = (
            "suggested: character-bigram TF-IDF cosine of titles and text, "
            f"score {score:.4f}, accepted at ingest by the rule {p.accept_rule}"
        )
        data.add((link, PG.basis, Literal(basis)))
        data.add((link, PG.confidence, Literal(f"{min(score, 1.0):.4f}", datatype=XSD.decimal)))
        data.add((link, PG.score, Literal(f"{score:.4f}", datatype=XSD.decimal)))
        data.add((link, PG.quote, Literal(titles[lower])))
