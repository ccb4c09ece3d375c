"""Planning an ingest: read and extract a document, resolve its departments and the documents it
implements, and compute every file it would write, without writing anything."""

from __future__ import annotations

import copy
import functools
import hashlib
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS, SKOS

from policygraph.build import provision_iris
from policygraph.checks import asked
from policygraph.checks.mentions import DOCUMENTS, Mentions
from policygraph.corpus import Corpus, parse_turtle, parts_of, sha256_of
from policygraph.departments import DepartmentIndex, unprefixed
from policygraph.errors import GraphSyntaxError, InputError, SourceError
from policygraph.i18n import N_
from policygraph.ingest.files import accepted_links, edited, files_of, link_iri
from policygraph.ingest.model import (
    KINDS,
    LEVELS,
    OPTION_OF_KIND,
    IngestNote,
    NewDepartment,
    Options,
    Plan,
)
from policygraph.rdf import BASE, ELI, ORG, PG
from policygraph.rdf.terms import iri_segment
from policygraph.text.amounts import find_amounts
from policygraph.text.citations import DOC_NUMBER, DocumentIndex, find_mentions, normalize_number
from policygraph.text.dates import read_date
from policygraph.text.document import SourceDocument
from policygraph.text.limits import read_bounded
from policygraph.text.metadata import PLACE, guess_level, read_metadata
from policygraph.text.names import Reading, kind_of, normalize, with_inherited_prefix
from policygraph.text.places import jurisdiction_of
from policygraph.text.readers import read_source, reader
from policygraph.text.structure import Provision, Structure, parse_measures

_IMPLEMENTS = re.compile(r"(贯彻落实|贯彻|落实|根据|按照)$")


@dataclass(frozen=True)
class Read:
    """A file read and extracted: a pure function of its bytes (``read_file``), so that a batch
    reads its files on every core and ``extract`` on any machine."""

    data: bytes
    source: SourceDocument
    structure: Structure


def read_file(path: Path) -> Read:
    """``path`` read (any format) and its numbered items extracted; errors name the file."""
    try:
        data = read_bounded(path)
    except OSError as exc:
        raise InputError(
            N_("{path}: cannot read ({reason})"),
            code="source-unreadable",
            path=path,
            reason=exc.strerror,
        ) from exc
    if not data.strip():
        raise SourceError(N_("{path}: the file is empty"), code="source-empty", path=path)
    source = read_source(data, str(path))
    return Read(data, source, parse_measures(source.text, path.name))  # no items: stops here


class Known:
    """What a plan reads of the corpus (but the files ``own``): its departments, its documents
    by 文号 and title, the documents' facts (jurisdiction, level, 文号, short name), the source
    metadata, and what the curated files say of an IRI (:meth:`held`, for a register's body).

    Read from the index kept on disk (``checks.mentions``, brought up to the files as they are
    once; no curated file parsed but those describing a register's body), where ``on_disk`` and
    there is a cache; else from the curated graph kept in the process (a batch grows it
    document by document)."""

    def __init__(self, corpus: Corpus, on_disk: bool, own: frozenset[Path] = frozenset()) -> None:
        self.corpus, self.own = corpus, own
        self.mentions = Mentions.open(corpus) if on_disk else None
        if self.mentions is not None:
            try:
                self.mentions.refresh()
            except (OSError, sqlite3.Error, SyntaxError, ValueError):
                # a file the index cannot read (the curated graph then says why), or the cache
                # cannot be written: the curated graph, as without a cache
                self.mentions.close()
                self.mentions = None
        self._held: dict[URIRef, Graph] = {}

    def without(self, own: set[Path]) -> Known:
        """The same corpus but the files ``own`` (a document planned again: its own)."""
        other = copy.copy(self)
        if not self.own and not any(p.exists() for p in own):
            return other  # a new document: leaving out files that are not there leaves all
        other.own, other._held = frozenset(own), {}
        for name in ("departments", "documents", "facts", "curated"):
            other.__dict__.pop(name, None)
        return other

    def close(self) -> None:
        if self.mentions is not None:
            self.mentions.close()

    @functools.cached_property
    def curated(self) -> Graph:
        return self.corpus.curated_graph(exclude=self.own)

    @functools.cached_property
    def departments(self) -> DepartmentIndex:
        if self.mentions is None:
            return DepartmentIndex.of(self.curated, parts_of(self.curated))
        return asked.Departments(self.mentions, self.own)  # a jurisdiction at a time

    @functools.cached_property
    def documents(self) -> DocumentIndex:
        if self.mentions is None:
            return DocumentIndex.of(self.curated, parts_of(self.curated))
        return self.mentions.documents(exclude=self.own)

    @functools.cached_property
    def facts(self) -> Graph:
        if self.mentions is None:
            return self.curated
        return asked.Facts(self.mentions, _FACTS, self.own, about=DOCUMENTS)  # as asked

    @functools.cached_property
    def metadata(self) -> Graph:
        if self.mentions is None:
            return self.corpus.metadata()
        return asked.Facts(self.mentions, _METADATA, (), under="data/sources/")

    def held(self, iri: URIRef) -> Graph:
        if self.mentions is None:
            return self.curated
        if iri not in self._held:
            self._held[iri] = self.mentions.described(str(iri), self.own)
        return self._held[iri]


_FACTS = [str(t) for t in (PG.jurisdiction, PG.level, ELI.id_local, PG.shortName)]
_METADATA = [str(t) for t in (ELI.id_local, PG.shortName, PG.sourceText, PG.fileName)]


def plan(
    corpus: Corpus, path: Path, options: Options, read: Read | None = None, on_disk: bool = True
) -> Plan:
    """Read and extract ``path`` (or take ``read``, what :func:`read_file` made of it) without
    writing anything. ``on_disk``: read the corpus from the index kept on disk (one document);
    else from the curated graph kept in the process (a batch, which grows it)."""
    known = Known(corpus, on_disk)
    try:
        return _plan(corpus, path, options, read or read_file(path), known)
    finally:
        known.close()


def _plan(corpus: Corpus, path: Path, options: Options, read: Read, everything: Known) -> Plan:
    p = _read(path, options, everything, read)
    _check_conflicts(corpus, p, everything.metadata)
    # Re-planning a document already ingested must give the same files: leave out its own.
    known = everything.without(
        {corpus.path(f"data/sources/{p.stem}.ttl"), corpus.path(f"data/ttl/ingested-{p.stem}.ttl")}
    )
    index = known.departments.copy()  # the plan adds to its own
    register = Register(corpus.register_graph(), known.held)
    _departments(p, index, register)
    _issuer(p, index, register)
    _citations_and_implementation(p, known)
    p.amounts = sum(
        len(find_amounts(p.text, pv.body))
        for pv in p.structure.provisions
        if pv.body and not pv.general
    )
    _suggest_links(corpus, p, options.accept_links, known.facts)
    p.files = files_of(p, [] if options.drop_links else _kept_links(corpus, p))
    _check_edited(corpus, p)
    p.unchanged = all(
        corpus.path(rel).is_file() and corpus.path(rel).read_bytes() == body
        for rel, body in p.written().items()
    )
    return p


def _unread(given: dict[str, str | None], structure: Structure) -> list[IngestNote]:
    """What the document does not say (title, 文号, issuer, date) and the task table's columns
    not read."""
    unread = [
        IngestNote.of(UNREAD[what], f"unread-{what}") for what, value in given.items() if not value
    ]
    return unread + [
        IngestNote.of(
            N_(
                "the task table's column {header}: not a role, task, number, deadline or known "
                "field (kept in each row's quote)"
            ),
            "unknown-column",
            header=repr(header),
        )
        for header in structure.unknown_headers
    ]


def _read(path: Path, options: Options, known: Known, read: Read) -> Plan:
    """The document's text, structure and metadata (options first, then the portal's metadata
    panel, then what the text says)."""
    data, source, structure = read.data, read.source, read.structure
    text = source.text
    said, panel = read_metadata(text), source.metadata
    given = {
        key: getattr(options, key) or panel.get(key) or said[key]
        for key in ("title", "number", "issuer", "date")
    }
    unread = _unread(given, structure)
    title, number, issuer = given["title"], given["number"], given["issuer"]
    jur, inferred = _jurisdiction(path, options.jurisdiction, issuer or title, text, known)
    level = options.level or guess_level(issuer or title or "")
    if level not in LEVELS:
        raise InputError(
            N_("the level must be one of {levels} (could not tell it from the text)"),
            code="level",
            levels=", ".join(LEVELS),
        )
    plan_title = said["plan_title"]  # a notice that issues a plan: the plan's own title
    kind = _kind(options.kind, plan_title or title, unread)
    number = _number(number, options.number is not None)
    doc, stem = _identity(jur, number, hashlib.sha256(data).hexdigest())
    stem = _free_stem(known.metadata, doc, stem, number)
    plain = source.reader == "text" and source.encoding in ("utf-8", "utf-8-sig")
    return Plan(
        source_name=f"data/sources/{stem}{reader(source.reader).extensions[0]}",
        data=data,
        text=text,
        doc=doc,
        number=number,
        title=title or path.stem,
        issuer=issuer,
        date=_date(given["date"]),
        level=level,
        jurisdiction=jur,
        kind=kind,
        short=_short(options.short) or _slug(stem.removeprefix("cn-")),
        structure=structure,
        unread=unread,
        reader=f"{source.reader} {source.version}",
        media_type=source.media_type,
        encoding=source.encoding,
        derived=None if plain else f"data/sources/{stem}.plain.txt",
        plan_title=plan_title,
        jurisdiction_inferred=inferred,
    )


# What the text may not say, by the option that gives it
UNREAD = {
    "title": N_("the title"),
    "number": N_("the number (文号)"),
    "issuer": N_("the issuer"),
    "date": N_("the date"),
}


def _kind(given: str | None, title: str | None, unread: list[IngestNote]) -> str:
    """The kind given, else the one the title's last word names; where it names none, ``other``
    and said (never guessed)."""
    kind = given or OPTION_OF_KIND.get(kind_of(title or ""))
    if kind is None:
        unread.append(IngestNote.of(N_("the kind of document from its title"), "unread-kind"))
        return "other"
    if kind not in KINDS:
        raise InputError(
            N_("the kind must be one of {kinds}, not {kind}"),
            code="kind",
            kinds=", ".join(KINDS),
            kind=repr(kind),
        )
    return kind


def _jurisdiction(
    path: Path, given: str | None, issuer: str | None, text: str, known: Known
) -> tuple[str, bool]:
    """The jurisdiction given, else the one the issuer's name implies (a city's province from
    the name or from the document it implements); an error naming --jurisdiction otherwise."""
    if given:
        if not re.fullmatch(r"[a-z]{2}(-[a-z0-9]+)*", given):
            raise InputError(
                N_("a jurisdiction must look like cn-yn or cn-yn-kunming, not {given}"),
                code="jurisdiction",
                given=repr(given),
            )
        return given, False
    found = jurisdiction_of(issuer, _implemented_jurisdiction(text, known)) if issuer else None
    if found is None:
        if issuer:
            template = N_(
                "{path}: give the jurisdiction (a code such as cn-yn or cn-yn-kunming): could "
                "not tell it from {issuer}"
            )
        else:
            template = N_(
                "{path}: give the jurisdiction (a code such as cn-yn or cn-yn-kunming): could "
                "not tell it (no issuer read)"
            )
        raise InputError(template, code="jurisdiction", path=path, issuer=repr(issuer))
    return found, True


def _implemented_jurisdiction(text: str, known: Known) -> str | None:
    """The jurisdiction of a document of the corpus the text says it implements (为贯彻落实《…》)."""
    for m in find_mentions(text):
        if _IMPLEMENTS.search(text[max(0, m.span.start - 6) : m.span.start]):
            doc = known.documents.find(m.number, m.title)
            value = known.facts.value(doc, PG.jurisdiction) if doc is not None else None
            if value is not None:
                return str(value)
    return None


def _date(date: str | None) -> str | None:
    if not date:
        return None
    reading = read_date(date)
    if not reading.value:
        raise InputError(
            N_("{date} is not a date ({problem})"),
            code="date",
            date=repr(date),
            problem=reading.problem,
        )
    return reading.value


def _identity(jur: str, number: str | None, digest: str) -> tuple[URIRef, str]:
    """The document's IRI (ELI-like, from its 文号) and the stem of its file names."""
    m = re.match(r"(?P<prefix>.+)〔(?P<year>\d{4})〕(?P<n>\d+)号$", number or "")
    if m:
        doc = URIRef(f"{BASE}eli/{jur}/{iri_segment(m['prefix'])}/{m['year']}/{m['n']}")
        return doc, f"{jur}-{m['year']}-{m['n']}"
    return URIRef(f"{BASE}doc/{jur}/{digest[:12]}"), f"{jur}-{digest[:12]}"


def _free_stem(meta: Graph, doc: URIRef, stem: str, number: str | None) -> str:
    """``stem``, or where another document of the corpus has it (云政发〔2022〕12号 beside
    云政办发〔2022〕12号: the same jurisdiction, year and serial number), the stem with the
    issuer's abbreviation in it (cn-yn-yunzhengfa-2022-12), so file names never clash."""
    taken = meta.subjects(PG.shortName, Literal(_slug(stem.removeprefix("cn-"))))
    m = re.match(r"(?P<prefix>.+)〔(?P<year>\d{4})〕(?P<n>\d+)号$", number or "")
    if m is None or all(other == doc for other in taken):
        return stem
    from pypinyin import lazy_pinyin

    jur = stem.removesuffix(f"-{m['year']}-{m['n']}")
    return f"{jur}-{_slug(''.join(lazy_pinyin(m['prefix'])))}-{m['year']}-{m['n']}"


def _number(number: str | None, given: bool) -> str | None:
    """The 文号, normalised (〔〕 around the year, ASCII digits); a given one must be one."""
    if number is None:
        return None
    normal = normalize_number(number)
    if not DOC_NUMBER.fullmatch(normal):
        if given:
            raise InputError(
                N_("the number must be a 文号 such as 桂政办发〔2021〕81号, not {number}"),
                code="number",
                number=repr(number),
            )
        return None
    return normal


def _short(short: str | None) -> str | None:
    if short is not None and not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,40}", short):
        raise InputError(
            N_(
                "a short name must be lower-case letters, digits and hyphens (such as yn-2022-12), not {short}"
            ),
            code="short",
            short=repr(short),
        )
    return short


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _check_conflicts(corpus: Corpus, p: Plan, meta: Graph) -> None:
    if p.number:
        for doc in meta.subjects(ELI.id_local, Literal(p.number)):
            src = meta.value(doc, PG.sourceText)
            name = meta.value(src, PG.fileName) if src is not None else None
            if (
                name is None
                or str(name) != p.source_name
                or sha256_of(corpus.path(str(name))) != p.digest
            ):
                where = str(name) if name is not None else str(doc)
                raise SourceError(
                    N_("{number} is already in the corpus ({where}) with different content"),
                    code="number-taken",
                    number=p.number,
                    where=where,
                )
    for doc in meta.subjects(PG.shortName, Literal(p.short)):
        if doc != p.doc:
            number = meta.value(doc, ELI.id_local) or doc
            raise InputError(
                N_("short name {short} is already {number}'s: give another"),
                code="short",
                short=repr(p.short),
                number=number,
            )
    target = corpus.path(p.source_name)
    if target.exists() and target.read_bytes() != p.data:
        raise SourceError(
            N_("{file} already exists with different content"),
            code="source-file-taken",
            file=p.source_name,
        )


def _kept_links(corpus: Corpus, p: Plan) -> list[tuple[object, object, object]]:
    """The triples of the links accepted at an earlier ingest of the document (in its file of
    ``data/ttl/``), but those accepted again now; a link whose measure is no longer read is
    dropped and said."""
    path = corpus.path(f"data/ttl/ingested-{p.stem}.ttl")
    if not path.is_file():
        return []
    try:
        earlier = accepted_links(parse_turtle([path]))
    except GraphSyntaxError:
        return []  # edited by hand: refused by _check_edited
    measures = set(provision_iris(p.doc, p.structure))
    again = {link_iri(lower, higher) for lower, higher, _ in p.accepted}
    kept: list[tuple[object, object, object]] = []
    for link, triples in earlier.items():
        lower = next((o for _, pred, o in triples if pred == PG["lower"]), None)
        if link in again:
            continue
        if lower not in measures:
            p.unread.append(
                IngestNote.of(
                    N_("the link {link} accepted before (its measure is no longer read: dropped)"),
                    "kept-link-gone",
                    link=str(link),
                )
            )
            continue
        p.kept.append(str(link))
        kept += triples
    return kept


_EDITED = {
    "edited": N_(
        "{file} was edited by hand after ingest wrote it, and ingest never rewrites an edit: "
        "move the edits into a file of your own in data/ttl/ and remove {file}, then ingest again"
    ),
    "unrecorded": N_(
        "{file} holds no record of what ingest wrote (an earlier version wrote it) and differs "
        "from what ingest would write now: it may hold edits by hand, which ingest never "
        "rewrites; move any into a file of your own in data/ttl/ and remove {file}, then ingest "
        "again"
    ),
}


def _check_edited(corpus: Corpus, p: Plan) -> None:
    """Refuse to rewrite a file ingest wrote that was edited by hand since (never a curator's
    edit lost silently)."""
    for rel, body in p.files.items():
        path = corpus.path(rel)
        how = edited(path.read_text("utf-8", errors="replace"), body) if path.is_file() else ""
        if how:
            raise InputError(_EDITED[how], code=f"ingested-{how}", file=rel)


class Register:
    """The registers of bodies (data/registers/): a name the graph does not know resolves there,
    and the body (what of it the graph lacks: all of it, or a short form) is then written into
    the document's curated file."""

    source = "data/registers/"

    def __init__(self, graph: Graph, held: Callable[[URIRef], Graph]) -> None:
        index = DepartmentIndex.of(graph, parts_of(graph))
        self.graph, self.index, self.held = graph, index, held

    def find(self, p: Plan, reading: Reading) -> URIRef | None:
        """The national body ``reading`` names: any form in a national document; in a lower
        one only a form no province uses (国家统计局, 财政部), never a bare 统计局
        (:func:`policygraph.departments.could_be_local`)."""
        found = self.index.lookup_reading(reading, p.jurisdiction)
        return self.hold(p, found[0]) if found else None

    def counterpart(self, p: Plan, n: NewDepartment, written: str) -> None:
        """The national body a lower one's name mirrors (省发展改革委 → 国家发展和改革委员会): a
        judgement read from the names, recorded with its basis."""
        bare = unprefixed(written)
        if p.jurisdiction == "cn" or bare == normalize(written):
            return
        found = self.index.lookup(bare, "cn")
        if found is not None:
            n.counterpart = self.hold(p, found)
            n.counterpart_label = self.index.pref_label[found]
            n.counterpart_basis = (
                f"judged from the names: {written} without its place is {bare}, a name of "
                f"{n.counterpart_label} in {self.source}"
            )

    def hold(self, p: Plan, iri: URIRef) -> URIRef:
        """Write the body (and the bodies it belongs to) into the document's curated file."""
        if iri not in p.registered:  # what the graph does not have yet (a label, or all)
            curated = self.held(iri)  # what the curated files say of it
            held = (iri, None, None) in curated
            p.registered[iri] = [
                t
                for t in self.graph.triples((iri, None, None))
                if t not in curated and not (held and t[1] == RDFS.comment)
            ]
            for parent in self.graph.objects(iri, ORG.subOrganizationOf):
                if isinstance(parent, URIRef):
                    self.hold(p, parent)
        return iri


def _departments(p: Plan, index: DepartmentIndex, register: Register) -> None:
    """Known names link to their department (in the graph, else in a register); new names become
    departments of the jurisdiction."""
    place = PLACE.match(p.issuer or p.title or "")
    place_name = place.group(1) if place else ""
    new: dict[str, NewDepartment] = {}
    for prov in p.structure.provisions:
        for assignments in prov.assignments:
            for written in assignments.lists():  # level prefixes are inherited within a list
                names = [e.name.text for e in written if not e.catch_all]
                for reading in with_inherited_prefix(names):
                    _department(p, index, register, reading, place_name, new)
    p.new = list(new.values())


def _department(
    p: Plan,
    index: DepartmentIndex,
    register: Register,
    reading: Reading,
    place_name: str,
    new: dict[str, NewDepartment],
) -> None:
    written = reading.written
    found = index.lookup_reading(reading, p.jurisdiction)
    iri = found[0] if found else register.find(p, reading)
    mine = next((n for n in new.values() if n.iri == iri), None)
    if mine is not None:
        if written != mine.label and written not in mine.written:
            mine.written.append(written)
        return
    if iri is not None:
        p.known[written] = iri
        return
    resolved = "".join(reading.forms[0].split())  # as written, stray spaces removed
    label = resolved
    if place_name and resolved[:1] in "省市州县" and not resolved.startswith("市场"):
        label = place_name + resolved[1:]
    dept = new.get(normalize(label))
    if dept is None:
        dept = NewDepartment(
            URIRef(f"{BASE}org/{p.jurisdiction}/{iri_segment(normalize(label))}"),
            label,
            [],
            index.suggest(written, jurisdiction=p.jurisdiction, near=True),
        )
        register.counterpart(p, dept, written)
        new[normalize(label)] = dept
    for form in (written, resolved):
        if form not in dept.written and form != label:
            dept.written.append(form)
    index.add(dept.iri, p.jurisdiction, label, [label, *dept.written])


def _issuer(p: Plan, index: DepartmentIndex, register: Register) -> None:
    """The issuing body: a known department (in the graph or a register), a department of the
    plan, or a new one."""
    if not p.issuer:
        return
    p.issuer_iri = index.lookup(p.issuer, p.jurisdiction) or register.find(
        p, Reading(p.issuer, (p.issuer,), None)
    )
    if p.issuer_iri is not None:
        return
    key = normalize(p.issuer)
    p.issuer_iri = next((n.iri for n in p.new if normalize(n.label) == key), None)
    if p.issuer_iri is None:
        p.issuer_iri = URIRef(f"{BASE}org/{p.jurisdiction}/{iri_segment(key)}")
        p.new.append(NewDepartment(p.issuer_iri, p.issuer, [], []))


def _citations_and_implementation(p: Plan, known: Known) -> None:
    """What the text cites, and the higher documents it says (in its preamble) it implements."""
    index, curated = known.documents, known.facts
    ranks = {str(PG[name]): r for name, r in LEVELS.values()}
    first_item = min((pv.span.start for pv in p.structure.provisions), default=len(p.text))
    first_part = min((pt.span.start for pt in p.structure.parts), default=len(p.text))
    preamble_end = min(first_item, first_part)
    own_titles = {normalize(t) for t in (p.title, p.plan_title) if t}
    for m in find_mentions(p.text):
        if m.number == p.number or (m.title and normalize(m.title) in own_titles):
            continue
        target = index.find(m.number, m.title)
        p.citations.append((m.span.text, str(target) if target else ""))
        trigger = _IMPLEMENTS.search(p.text[max(0, m.span.start - 6) : m.span.start])
        if target is None or m.span.end > preamble_end or not trigger:
            continue
        rank = ranks.get(str(curated.value(target, PG.level)), 0)
        if rank and rank < LEVELS[p.level][1]:
            start = m.span.start - len(trigger.group(0))
            label = str(
                curated.value(target, ELI.id_local) or curated.value(target, PG.shortName) or target
            )
            p.implements.append((target, label, p.text[start : m.span.end]))
        else:
            p.unread.append(
                IngestNote.of(
                    N_("{cited}: cited as implemented, but it is not of a higher level"),
                    "implemented-not-higher",
                    cited=m.span.text,
                )
            )


def _suggest_links(corpus: Corpus, p: Plan, spec: str | None, curated: Graph) -> None:
    """Suggest provision links from the new measures to those of each document the text says it
    implements (the top-1 of each measure, with its margin over the runner-up), and record as
    judgements those the ``--accept-links`` rule accepts."""
    from policygraph.store.embedded import EmbeddedStore
    from policygraph.views import links
    from policygraph.views.tasks import Document

    rule = links.AcceptRule.parse(spec) if spec is not None else None
    p.accept_rule = str(rule) if rule else ""
    if not p.implements:
        if rule is not None:
            p.unread.append(
                IngestNote.of(
                    N_("no link to accept: the text names no higher document it implements"),
                    "accept-links-no-higher",
                )
            )
        return
    restarts = p.structure.restarts_per_part
    lower = [
        links.ProvisionText(
            iri,
            pv.ordinal,
            _shown(pv, restarts),
            pv.title.text,
            pv.span.text,
        )
        for iri, pv in zip(provision_iris(p.doc, p.structure), p.structure.provisions, strict=True)
        if not pv.general
    ]
    for target, label, _ in p.implements:
        # The measures of a document are in its built file alone (the builder is the one
        # writer of pg:Measure): a store of that file, not of the whole corpus (a batch of
        # 10,000 documents loaded the whole corpus for each document implementing another).
        short = curated.value(target, PG.shortName)
        built = corpus.document_file(str(short)) if short is not None else None
        higher = (
            links.provisions(EmbeddedStore([built]), Document(target, label, "", None))
            if built is not None and built.is_file()
            else []  # not built yet (ingested in the same batch): nothing to suggest from
        )
        ranked = links.suggest(lower, higher, top=2)
        taken = links.accepted(ranked, rule) if rule is not None else []
        for s in links.accepted(ranked, links.AcceptRule("margin", 0.0)):
            p.suggested.append(
                (s.lower.label, f"{label} {s.higher.label}{s.higher.title}", s.score)
            )
        for s in taken:
            p.accepted.append((str(s.lower.iri), str(s.higher.iri), s.score))


def vocabulary_labels(corpus: Corpus, lang: str) -> dict[str, str]:
    """The ontology's name in ``lang`` (its skos:prefLabel) of each level and kind, by the word
    of its option (national → 国家, notice → 通知): one vocabulary, the ontology's."""
    graph = parse_turtle([corpus.ontology])
    terms = {**{word: local for word, (local, _) in LEVELS.items()}, **KINDS}
    return {
        word: str(label)
        for word, local in terms.items()
        for label in graph.objects(PG[local], SKOS.prefLabel)
        if isinstance(label, Literal) and label.language == lang
    }


def _shown(pv: Provision, restarts: bool) -> str:
    """How a measure is called in messages: (三), 2.1 (part 2, item 1), (一)2 (a sub-item)."""
    if pv.group is not None:
        return f"{pv.group.label}{pv.label.rstrip('.、．')}"
    return f"{pv.part}.{pv.label.rstrip('.、．')}" if restarts else pv.label


def plan_known(corpus: Corpus, path: Path, options: Options, read: Read, known: Known) -> Plan:
    """:func:`plan` with what it reads of the corpus given (a batch's own :class:`Known`, read
    from the index on disk that the batch brings up to each file it writes)."""
    return _plan(corpus, path, options, read, known)
