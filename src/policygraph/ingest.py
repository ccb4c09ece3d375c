"""`policygraph ingest FILE`: add a policy document of the genre to the corpus.

The text is copied byte for byte into ``data/sources/``; its metadata is read where the genre
puts it (the 文号 and title in the first lines, the issuer and date in the closing signature),
options override what was read; structure, responsibilities and amounts come from the same
extractor as the corpus. Names that resolve to known departments link to them; new ones become
department nodes of the document's jurisdiction (listed, with near misses, for the curator to
merge). Documents the text says it implements (为贯彻落实《…》（文号）) get a stated implementation
link; ``accept_links`` records top-1 ``suggest-links`` proposals above a score as judgements.
Everything is planned in memory first; applying writes the files, rebuilds and validates, and
puts the corpus back as it was if the rebuild fails. Ingesting the same file twice changes
nothing.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import BinaryIO

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS, XSD
from rdflib.term import Node

from policygraph import extract
from policygraph.amounts import find_amounts
from policygraph.build import curated_graph, provision_iris
from policygraph.citations import DOC_NUMBER, find_mentions, normalize_title
from policygraph.dates import read_date
from policygraph.departments import DepartmentIndex, level_prefix, normalize
from policygraph.errors import InputError, SourceError
from policygraph.export import write_atomic
from policygraph.namespaces import BASE, DCT, ELI, PG, PROV, RDF, SKOS, SRC, bind_prefixes
from policygraph.paths import Home
from policygraph.sources import decode
from policygraph.turtle import serialize

LEVELS = {
    "national": ("National", 1),
    "region": ("Region", 2),
    "city": ("City", 3),
    "county": ("County", 4),
}
KINDS = {
    "opinions": "Opinions",
    "measures": "Measures",
    "plan": "Plan",
    "notice": "Notice",
    "regulation": "Regulation",
}
_KIND_BY_TITLE = [
    ("意见", "opinions"),
    ("措施", "measures"),
    ("方案", "plan"),
    ("通知", "notice"),
    ("办法", "regulation"),
    ("规定", "regulation"),
    ("条例", "regulation"),
]
_ISSUER_END = re.compile(r"(人民政府|办公厅|办公室|委员会|厅|局|部)$")
_PLACE = re.compile(r"^(.{2,8}?(?:自治区|省|市|州|县))")
_SELF_NAMED = re.compile(r"省|市|县|区|州|国家|中国|中共|自治区")
_IMPLEMENTS = re.compile(r"(贯彻落实|贯彻|落实|根据|按照)$")


@dataclass
class Options:
    level: str | None = None
    jurisdiction: str | None = None
    kind: str | None = None
    title: str | None = None
    number: str | None = None
    date: str | None = None
    issuer: str | None = None
    short: str | None = None
    accept_links: float | None = None


@dataclass
class NewDepartment:
    iri: URIRef
    label: str
    written: list[str]
    suggestions: list[str]


@dataclass
class Plan:
    source_name: str  # data/sources/…txt
    data: bytes
    text: str
    doc: URIRef
    number: str | None
    title: str
    issuer: str | None
    date: str | None
    level: str
    jurisdiction: str
    kind: str
    short: str
    structure: extract.Structure
    known: dict[str, URIRef] = field(default_factory=dict)
    new: list[NewDepartment] = field(default_factory=list)
    amounts: int = 0
    citations: list[tuple[str, str]] = field(default_factory=list)  # (as cited, resolved to)
    implements: list[tuple[URIRef, str, str]] = field(default_factory=list)  # (doc, label, quote)
    accepted: list[tuple[str, str, float]] = field(default_factory=list)  # (lower, higher, score)
    unread: list[str] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)  # relative path -> content
    unchanged: bool = False


def read_metadata(text: str) -> dict[str, str | None]:
    """Number and title from the first lines, issuer and date from the closing signature."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    head = lines[:10]
    number = next((ln for ln in head if DOC_NUMBER.fullmatch(ln)), None)
    if number is None:
        number = next(
            (
                m.group(0)
                for ln in head[:3]
                if (m := DOC_NUMBER.search(ln)) and "《" not in ln[: m.start()]
            ),
            None,
        )
    title = next(
        (ln for ln in head if "关于" in ln and not DOC_NUMBER.fullmatch(ln) and len(ln) <= 80), None
    )
    date = issuer = None
    for k in range(len(lines) - 1, max(-1, len(lines) - 6), -1):
        reading = read_date(lines[k])
        if len(lines[k]) <= 20 and reading.value:
            date = reading.value
            if k > 0 and len(lines[k - 1]) <= 30 and _ISSUER_END.search(lines[k - 1]):
                issuer = lines[k - 1]
            break
    if title and number and title.startswith(number):
        title = title[len(number) :].strip()
    return {"number": number, "title": title, "issuer": issuer, "date": date}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def plan(home: Home, path: Path, options: Options) -> Plan:
    """Read and extract ``path`` without writing anything."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from exc
    if not data.strip():
        raise SourceError(f"{path}: the file is empty")
    text = decode(data, str(path))
    structure = extract.parse_measures(text, path.name)  # no numbered items: stop here
    meta = read_metadata(text)
    number = options.number or meta["number"]
    title = options.title or meta["title"]
    issuer = options.issuer or meta["issuer"]
    date = options.date or meta["date"]
    unread = [
        f"{what} (give --{what})"
        for what, value in (
            ("title", title),
            ("number", number),
            ("issuer", issuer),
            ("date", date),
        )
        if not value
    ]
    if not options.jurisdiction:
        raise InputError(f"{path}: give --jurisdiction (a code such as cn-yn or cn-yn-kunming)")
    if not re.fullmatch(r"[a-z]{2}(-[a-z0-9]+)*", options.jurisdiction):
        raise InputError(
            f"--jurisdiction must look like cn-yn or cn-yn-kunming, not {options.jurisdiction!r}"
        )
    level = options.level or _guess_level(issuer or title or "")
    if level not in LEVELS:
        raise InputError(
            f"--level must be one of {', '.join(LEVELS)} (could not tell it from the text)"
        )
    kind = options.kind or next(
        (k for word, k in _KIND_BY_TITLE if title and title.endswith(word)), "measures"
    )
    if kind not in KINDS:
        raise InputError(f"--kind must be one of {', '.join(KINDS)}, not {kind!r}")
    if date and not read_date(date).value:
        raise InputError(f"--date {date!r} is not a date ({read_date(date).problem})")
    date = read_date(date).value if date else None
    m = re.match(r"(?P<prefix>.+)〔(?P<year>\d{4})〕(?P<n>\d+)号$", number or "")
    digest = hashlib.sha256(data).hexdigest()
    jur = options.jurisdiction
    if m:
        doc = URIRef(f"{BASE}eli/{jur}/{m['prefix']}/{m['year']}/{m['n']}")
        stem = f"{jur}-{m['year']}-{m['n']}"
    else:
        doc = URIRef(f"{BASE}doc/{jur}/{digest[:12]}")
        stem = f"{jur}-{digest[:12]}"
    short = options.short or _slug(stem.removeprefix("cn-"))
    p = Plan(
        source_name=f"data/sources/{stem}.txt",
        data=data,
        text=text,
        doc=doc,
        number=number,
        title=title or path.stem,
        issuer=issuer,
        date=date,
        level=level,
        jurisdiction=jur,
        kind=kind,
        short=short,
        structure=structure,
        unread=unread,
    )
    _check_conflicts(home, p, digest)
    # Re-planning a document already ingested must give the same files: leave out its own.
    own = {home.root / f"data/sources/{stem}.ttl", home.root / f"data/ttl/ingested-{stem}.ttl"}
    curated = curated_graph(home, exclude=own)
    index = DepartmentIndex(curated)
    _departments(p, index, curated)
    _citations_and_implementation(p, curated)
    p.amounts = sum(
        len(find_amounts(text, pv.body))
        for pv in p.structure.provisions
        if pv.body and not pv.general
    )
    if options.accept_links is not None:
        _accept_links(home, p, options.accept_links)
    p.files = _files(p, digest)
    p.unchanged = (
        all(
            (home.root / rel).is_file() and (home.root / rel).read_text(encoding="utf-8") == body
            for rel, body in p.files.items()
        )
        and (home.root / p.source_name).is_file()
    )
    return p


def _guess_level(name: str) -> str:
    if name.startswith("国务院") or name.startswith("中华人民共和国"):
        return "national"
    place = _PLACE.match(name)
    if place and place.group(1).endswith(("省", "自治区")):
        return "region"
    if place and place.group(1).endswith(("市", "州")):
        return "city"
    if place and place.group(1).endswith("县"):
        return "county"
    return ""


def _check_conflicts(home: Home, p: Plan, digest: str) -> None:
    from policygraph.sources import metadata_graph, sha256_of

    meta = metadata_graph(home)
    if p.number:
        for doc in meta.subjects(ELI.id_local, Literal(p.number)):
            src = meta.value(doc, PG.sourceText)
            name = meta.value(src, PG.fileName) if src is not None else None
            if (
                name is None
                or str(name) != p.source_name
                or sha256_of(home.root / str(name)) != digest
            ):
                where = str(name) if name is not None else str(doc)
                raise SourceError(
                    f"{p.number} is already in the corpus ({where}) with different content"
                )
    target = home.root / p.source_name
    if target.exists() and target.read_bytes() != p.data:
        raise SourceError(f"{p.source_name} already exists with different content")


def _departments(p: Plan, index: DepartmentIndex, curated: Graph) -> None:
    """Known names link to their department; new names become departments of the jurisdiction."""
    place = _PLACE.match(p.issuer or p.title or "")
    place_name = place.group(1) if place else ""
    new_by_label: dict[str, NewDepartment] = {}
    for prov in p.structure.provisions:
        if prov.annotation is None:
            continue
        for role in ("lead", "co-lead", "responsible"):
            prefix = None
            for entry in prov.annotation.names(role):
                written = entry.name.text
                own = level_prefix(written)
                prefix = own or prefix
                candidates = (
                    [prefix + written]
                    if prefix and not own and not _SELF_NAMED.search(normalize(written))
                    else []
                )
                candidates.append(written)
                iri = next(
                    (i for c in candidates if (i := index.lookup(c, p.jurisdiction)) is not None),
                    None,
                )
                mine = next((n for n in new_by_label.values() if n.iri == iri), None)
                if mine is not None:
                    if written != mine.label and written not in mine.written:
                        mine.written.append(written)
                    continue
                if iri is not None:
                    p.known[written] = iri
                    continue
                resolved = "".join(candidates[0].split())  # as written, stray spaces removed
                label = (
                    place_name + resolved[1:]
                    if place_name
                    and resolved[:1] in "省市县"
                    and not resolved.startswith(("市场",))
                    else resolved
                )
                found = new_by_label.get(normalize(label))
                if found is None:
                    found = NewDepartment(
                        URIRef(f"{BASE}org/{p.jurisdiction}/{normalize(label)}"),
                        label,
                        [],
                        near_misses(written, index, p.jurisdiction),
                    )
                    new_by_label[normalize(label)] = found
                for form in {written, resolved}:
                    if form not in found.written and form != label:
                        found.written.append(form)
                for form in [label, *found.written]:
                    index.by_label[normalize(form)].add(found.iri)
                index.jurisdiction[found.iri] = p.jurisdiction
                index.pref_label[found.iri] = label
    p.new = list(new_by_label.values())


def near_misses(
    name: str, index: DepartmentIndex, jurisdiction: str, cutoff: float = 75
) -> list[str]:
    """Known names close to ``name`` (a typo, a variant) among the departments of the document's
    own and enclosing jurisdictions, best first, scored with rapidfuzz."""
    from rapidfuzz import fuzz, process

    from policygraph.departments import encloses

    pool = sorted(
        label
        for label, iris in index.by_label.items()
        if any(encloses(index.jurisdiction.get(i, ""), jurisdiction) for i in iris)
    )
    hits = process.extract(normalize(name), pool, scorer=fuzz.ratio, limit=3, score_cutoff=cutoff)
    return [label for label, _, _ in hits if label != normalize(name)]


def _citations_and_implementation(p: Plan, curated: Graph) -> None:
    by_number = {str(n): d for d, n in curated.subject_objects(ELI.id_local)}
    by_title = {
        normalize_title(str(t)): d
        for pred in (ELI.title, DCT.title, PG.titleVariant)
        for d, t in curated.subject_objects(pred)
    }
    ranks = {str(PG[name]): r for name, r in LEVELS.values()}
    rank = {
        str(d): ranks.get(str(curated.value(d, PG.level)), 0)
        for d in set(by_number.values()) | set(by_title.values())
    }
    first_item = min((pv.span.start for pv in p.structure.provisions), default=len(p.text))
    first_part = min((pt.span.start for pt in p.structure.parts), default=len(p.text))
    preamble_end = min(first_item, first_part)
    for m in find_mentions(p.text):
        if m.number == p.number:
            continue
        target = by_number.get(m.number or "") or (
            by_title.get(normalize_title(m.title)) if m.title else None
        )
        p.citations.append((m.span.text, str(target) if target else "not in the corpus"))
        trigger = _IMPLEMENTS.search(p.text[max(0, m.span.start - 6) : m.span.start])
        if target is not None and m.span.end <= preamble_end and trigger:
            if rank.get(str(target), 0) and rank[str(target)] < LEVELS[p.level][1]:
                start = m.span.start - (len(trigger.group(0)))
                label = by_number_label(curated, target)
                p.implements.append((target, label, p.text[start : m.span.end]))  # type: ignore[arg-type]
            else:
                p.unread.append(
                    f"{m.span.text}: cited as implemented, but it is not of a higher level"
                )


def by_number_label(g: Graph, doc: Node) -> str:
    return str(g.value(doc, ELI.id_local) or g.value(doc, PG.shortName) or doc)


def _accept_links(home: Home, p: Plan, min_score: float) -> None:
    from policygraph import links
    from policygraph.store import open_store
    from policygraph.tasks import Document

    if not p.implements:
        p.unread.append("--accept-links: the text names no higher document it implements")
        return
    lower = [
        links.Provision(iri, pv.ordinal, pv.label, pv.title.text, pv.span.text)
        for iri, pv in zip(provision_iris(p.doc, p.structure), p.structure.provisions, strict=True)
        if not pv.general
    ]
    store = open_store(home, endpoint="")
    for target, label, _ in p.implements:
        higher = links.provisions(home, store, Document(target, label, "", None))
        for s in links.suggest(lower, higher, top=1):
            if s.score >= min_score:
                p.accepted.append((str(s.lower.iri), str(s.higher.iri), s.score))


def _files(p: Plan, digest: str) -> dict[str, str]:
    stem = Path(p.source_name).stem
    src = SRC[stem]
    meta = bind_prefixes(Graph())
    meta.add((src, RDF.type, PG.SourceText))
    meta.add((src, PG.fileName, Literal(p.source_name)))
    meta.add((src, PG.sha256, Literal(digest)))
    meta.add((src, DCT.format, Literal("text/plain; charset=utf-8")))
    meta.add((src, PG.extractionProfile, Literal("measures")))
    meta.add((src, PG.describes, p.doc))
    d = p.doc
    meta.add((d, RDF.type, PG.PolicyDocument))
    meta.add((d, ELI.title, Literal(p.title, lang="zh")))
    if p.number:
        meta.add((d, ELI.id_local, Literal(p.number)))
    meta.add((d, PG.shortName, Literal(p.short)))
    meta.add((d, ELI.type_document, PG[KINDS[p.kind]]))
    meta.add((d, PG.level, PG[LEVELS[p.level][0]]))
    meta.add((d, PG.jurisdiction, Literal(p.jurisdiction)))
    meta.add((d, PG.textHeld, Literal(True)))
    meta.add((d, PG.sourceText, src))
    has_leads = any(
        e.role == "lead"
        for pv in p.structure.provisions
        if pv.annotation
        for e in pv.annotation.entries
    )
    meta.add((d, PG.requiresLeadDepartment, Literal(has_leads)))
    if p.date and len(p.date) == 10:  # the signature's date, when it gives the day
        meta.add((d, ELI.date_document, Literal(p.date, datatype=XSD.date)))
    data = bind_prefixes(Graph())
    issuer_iri = None
    if p.issuer:
        index_label = normalize(p.issuer)
        issuer_iri = next((n.iri for n in p.new if normalize(n.label) == index_label), None)
        if issuer_iri is None:
            issuer_iri = URIRef(f"{BASE}org/{p.jurisdiction}/{index_label}")
            p.new.append(NewDepartment(issuer_iri, p.issuer, [], []))
        meta.add((d, ELI.passed_by, issuer_iri))
    for n in p.new:
        kind = (
            PG.Government
            if n.label.endswith("人民政府")
            else (
                PG.PartyOrgan
                if "党委" in n.label or "委组织部" in n.label or "编办" in n.label
                else PG.GovernmentDepartment
            )
        )
        if n.label.startswith("各"):
            kind = PG.CollectiveOfGovernments
        elif "税务局" in n.label and n.label.startswith("国家"):
            kind = PG.CentralAgencyBranch
        data.add((n.iri, RDF.type, PG.Department))
        data.add((n.iri, SKOS.prefLabel, Literal(n.label, lang="zh")))
        for form in n.written:
            data.add((n.iri, SKOS.altLabel, Literal(form, lang="zh")))
        data.add((n.iri, PG.level, PG[LEVELS[p.level][0]]))
        data.add((n.iri, PG.kind, kind))
        data.add((n.iri, PG.jurisdiction, Literal(p.jurisdiction)))
        data.add(
            (
                n.iri,
                RDFS.comment,
                Literal(
                    f"Added by policygraph ingest from {p.number or p.source_name}; merge with the full official name.",
                    lang="en",
                ),
            )
        )
    for k, (target, label, quote) in enumerate(p.implements, start=1):
        link = URIRef(f"{d}/implements/{k}")
        data.add((d, ELI.ensures_implementation_of, target))
        data.add((link, RDF.type, PG.ImplementationLink))
        data.add((link, PG["lower"], d))
        data.add((link, PG.higher, target))
        data.add((link, PG.linkKind, PG.Stated))
        data.add((link, PG.basis, Literal(f"The text says it implements {label}.")))
        data.add((link, PG.confidence, Literal("1.0", datatype=XSD.decimal)))
        data.add((link, PROV.wasAttributedTo, PG.SuggestLinks))
        data.add((link, PG.quote, Literal(quote)))
        data.add((link, PROV.wasDerivedFrom, src))
    titles = {
        str(i): pv.title.text
        for i, pv in zip(provision_iris(d, p.structure), p.structure.provisions, strict=True)
    }
    for lower, higher, score in p.accepted:
        link = URIRef(f"{lower}/implements/suggested-{Path(higher).name}")
        data.add((URIRef(lower), ELI.applies, URIRef(higher)))
        data.add((link, RDF.type, PG.ImplementationLink))
        data.add((link, PG["lower"], URIRef(lower)))
        data.add((link, PG.higher, URIRef(higher)))
        data.add((link, PG.linkKind, PG.Judged))
        data.add(
            (
                link,
                PG.basis,
                Literal(
                    f"suggest-links: character-bigram TF-IDF cosine of titles and text, score {score:.4f}, accepted at ingest"
                ),
            )
        )
        data.add((link, PG.confidence, Literal(f"{min(score, 1.0):.4f}", datatype=XSD.decimal)))
        data.add((link, PG.score, Literal(f"{score:.4f}", datatype=XSD.decimal)))
        data.add((link, PROV.wasAttributedTo, PG.SuggestLinks))
        data.add((link, PG.quote, Literal(titles[lower])))
        data.add((link, PROV.wasDerivedFrom, src))
    head = [
        f"Added by `policygraph ingest` from {p.number or p.source_name}: a curated file from now on.",
        "Merge new departments into departments.ttl when their official names are known.",
    ]
    return {
        f"data/sources/{stem}.ttl": serialize(
            meta, [f"Metadata of {p.source_name}, read by `policygraph ingest`."]
        ),
        f"data/ttl/ingested-{stem}.ttl": serialize(data, head),
    }


def _write(body: bytes, fh: BinaryIO) -> None:
    fh.write(body)


def apply(home: Home, p: Plan) -> object:
    """Write the plan's files, rebuild and validate; on a failed rebuild, restore the corpus."""
    from policygraph.build import build

    targets = {home.root / p.source_name: p.data} | {
        home.root / rel: body.encode("utf-8") for rel, body in p.files.items()
    }
    previous = {path: path.read_bytes() if path.exists() else None for path in targets}
    try:
        for path, body in targets.items():
            write_atomic(path, partial(_write, body))
        result = build(home)
    except Exception:
        for path, old in previous.items():
            if old is None:
                path.unlink(missing_ok=True)
            else:
                path.write_bytes(old)
        raise
    return result
