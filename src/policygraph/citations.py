"""Citations: the documents a text names by number (文号) or title (《…》).

Generic over the genre: a 文号 such as ``桂政办发〔2021〕81号``; a title in 《…》 (with 〈…〉 nested);
a number in brackets right after a title belongs to that title; ``(以下简称《若干措施》)`` after a
citation makes the short title an alias of the same document within this text. A cited document
the corpus does not hold becomes a stub with its number and title.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from policygraph.extract import Span
from policygraph.namespaces import BASE, DCT, ELI, PG, PROV, RDF, bind_prefixes

DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,8}[〔\[［(（]\d{4}[〕\]］)）]\d{1,4}号")
_TITLE = re.compile(r"《(?P<title>[^《》]+)》")
_NUMBER_AFTER = re.compile(
    r"^[ \u3000]*[(（](?:编号[:：])?(?P<number>[^()（）]*?〔\d{4}〕\d{1,4}号)[)）]"
)
_ALIAS_AFTER = re.compile(r"^[ \u3000]*[(（]以下简称《(?P<alias>[^《》]+)》[)）]")
_KIND = [
    ("条例", "Regulation"),
    ("方案", "Plan"),
    ("意见", "Opinions"),
    ("措施", "Measures"),
    ("通知", "Notice"),
    ("法", "Law"),
    ("提案", "ProposalKind"),
    ("建议", "SuggestionKind"),
]


def normalize_title(title: str) -> str:
    """Titles are compared after NFKC and with all whitespace removed."""
    return "".join(unicodedata.normalize("NFKC", title).split())


def kind_of(title: str) -> str:
    """The document kind a title's last word suggests (条例 -> Regulation), else OtherKind."""
    for suffix, kind in _KIND:
        if normalize_title(title).endswith(suffix):
            return kind
    return "OtherKind"


@dataclass(frozen=True)
class Mention:
    span: Span  # the whole citation as written: 《title》（number） or a bare number
    title: str | None
    number: str | None
    alias_of: int | None = None  # index of the mention whose abbreviation this is


def find_mentions(text: str) -> list[Mention]:
    """Every citation in ``text``, in order; abbreviations point at the mention they abbreviate."""
    mentions: list[Mention] = []
    aliases: dict[str, int] = {}
    covered: list[tuple[int, int]] = []
    for m in _TITLE.finditer(text):
        if any(s <= m.start() < e for s, e in covered):
            continue  # the alias inside (以下简称《…》) of the previous citation
        title, end, number = m.group("title"), m.end(), None
        after = _NUMBER_AFTER.match(text[end:])
        if after:
            number, end = after.group("number"), end + after.end()
        key = normalize_title(title)
        alias_of = aliases.get(key)
        mentions.append(Mention(Span.of(text, m.start(), end), title, number, alias_of))
        alias = _ALIAS_AFTER.match(text[end:])
        if alias:
            aliases[normalize_title(alias.group("alias"))] = (
                len(mentions) - 1 if alias_of is None else alias_of
            )
            covered.append((end, end + alias.end()))
    taken = [(mt.span.start, mt.span.end) for mt in mentions]
    for m in DOC_NUMBER.finditer(text):
        if not any(s <= m.start() < e for s, e in taken):
            mentions.append(Mention(Span.of(text, m.start(), m.end()), None, m.group(0)))
    return sorted(mentions, key=lambda mt: mt.span.start)


# --- resolution against the corpus, and the citation graph -----------------------------------

_IRI_UNSAFE = re.compile(r'[\s<>"{}|\\^`]')


def citation_graph(meta: Graph, texts: dict[URIRef, str]) -> Graph:
    """Citations of every document whose text is held, with stubs for documents not in the corpus.

    ``meta`` is the curated graph (documents, titles, numbers); ``texts`` maps a source text IRI
    to its decoded text.
    """
    by_number: dict[str, URIRef] = {}
    by_title: dict[str, URIRef] = {}
    for known, id_local in meta.subject_objects(ELI.id_local):
        by_number[str(id_local)] = known  # type: ignore[assignment]
    for p in (ELI.title, DCT.title, PG.titleVariant):
        for known, known_title in meta.subject_objects(p):
            by_title[normalize_title(str(known_title))] = known  # type: ignore[assignment]
    found: list[tuple[URIRef, URIRef, list[Mention]]] = []
    title_number: dict[str, str] = {}  # a title cited with its number anywhere in the corpus
    number_title: dict[str, str] = {}
    for doc, source in sorted(meta.subject_objects(PG.sourceText)):
        if source in texts:
            mentions = find_mentions(texts[source])  # type: ignore[index]
            found.append((doc, source, mentions))  # type: ignore[arg-type]
            for m in mentions:
                if m.title and m.number:
                    title_number[normalize_title(m.title)] = m.number
                    number_title.setdefault(m.number, m.title)
    g = bind_prefixes(Graph())
    stubs: dict[str, tuple[URIRef, Mention]] = {}

    def resolve(m: Mention, resolved: list[URIRef]) -> URIRef:
        if m.alias_of is not None:
            return resolved[m.alias_of]
        number = m.number or (title_number.get(normalize_title(m.title)) if m.title else None)
        if number and number in by_number:
            return by_number[number]
        if m.title and normalize_title(m.title) in by_title:
            return by_title[normalize_title(m.title)]
        key = number or normalize_title(m.title or "")
        if key not in stubs:
            stubs[key] = (URIRef(f"{BASE}doc/cited/{_IRI_UNSAFE.sub('-', key)}"), m)
        return stubs[key][0]

    for doc, source, mentions in found:
        resolved: list[URIRef] = []
        seen: dict[URIRef, int] = {}
        for m in mentions:
            cited = resolve(m, resolved)
            resolved.append(cited)
            if cited == doc or cited in seen:
                continue
            seen[cited] = len(seen) + 1
            node = URIRef(f"{doc}/cites/{seen[cited]}")
            g.add((node, RDF.type, PG.Citation))
            g.add((node, PG.citing, doc))
            g.add((node, PG.cited, cited))
            g.add((node, PG.quote, Literal(m.span.text)))
            g.add((node, PG.quoteStart, Literal(m.span.start)))
            g.add((node, PG.quoteEnd, Literal(m.span.end)))
            g.add((node, PROV.wasDerivedFrom, source))
            g.add((doc, DCT.references, cited))
    for iri, m in sorted(stubs.values()):
        number = m.number or (title_number.get(normalize_title(m.title)) if m.title else None)
        title = m.title or (number_title.get(number) if number else None)
        kind = kind_of(title) if title else "OtherKind"
        cls = {"ProposalKind": PG.Proposal, "SuggestionKind": PG.Proposal, "OtherKind": PG.Document}
        g.add((iri, RDF.type, cls.get(kind, PG.PolicyDocument)))
        g.add((iri, ELI.type_document, PG[kind]))
        g.add((iri, PG.stub, Literal(True)))
        g.add((iri, PG.textHeld, Literal(False)))
        if title:
            g.add((iri, DCT.title, Literal(" ".join(title.split()), lang="zh")))
        if number:
            g.add((iri, ELI.id_local, Literal(number)))
    for s, _, o in list(g.triples((None, DCT.references, None))):
        if _is_policy(meta, g, s) and _is_policy(meta, g, o):
            g.add((s, ELI.cites, o))
    return g


def _is_policy(meta: Graph, g: Graph, doc: Node) -> bool:
    return (doc, RDF.type, PG.PolicyDocument) in meta or (doc, RDF.type, PG.PolicyDocument) in g
