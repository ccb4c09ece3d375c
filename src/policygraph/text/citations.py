"""Citations: the documents a text names by number (文号) or title (《…》).

Generic over the genre: a 文号 such as ``桂政办发〔2021〕81号``; a title in 《…》 (with 〈…〉 nested);
a number in brackets right after a title belongs to that title; ``(以下简称《若干措施》)`` after a
citation makes the short title an alias of the same document within this text. A cited document
the corpus does not hold becomes a stub with its number and title.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from rdflib import Graph, URIRef
from rdflib.term import Node

from policygraph.rdf import DCT, ELI, PG
from policygraph.text.names import normalize
from policygraph.text.spans import Span

# A 文号 as publishers write it: 〔〕 or [] ［］ () （） 【】 〖〗 around the year, spaces around
# them, 号 or 號 (normalize_number gives the one form the corpus records)
_SP = "[ \u3000]*"
DOC_NUMBER = re.compile(
    rf"[\u4e00-\u9fff]{{1,8}}{_SP}[〔\[［(（【〖]{_SP}\d{{4}}{_SP}[〕\]］)）】〗]{_SP}\d{{1,4}}{_SP}[号號]"
)
_NUMBER_YEAR = re.compile(r"[〔\[(【〖［]\s*(\d{4})\s*[〕\])】〗］]\s*0*(\d)")


def normalize_number(number: str) -> str:
    """A 文号 as the corpus records it: 〔〕 around the year, ASCII digits, no spaces, no
    invisible characters, simplified characters, no leading zero in the serial number
    (桂政办发[2021]81号, 桂政办发（２０２１）81号, 桂政辦發【2021】081號 are 桂政办发〔2021〕81号)."""
    plain = normalize(number)  # NFKC, no whitespace or zero-width characters, t2s
    return _NUMBER_YEAR.sub(lambda m: f"〔{m.group(1)}〕{m.group(2)}", plain, count=1)


_TITLE = re.compile(r"《(?P<title>[^《》]+)》")
_NUMBER_AFTER = re.compile(
    r"^[ \u3000]*[(（](?:编号[:：])?(?P<number>[^()（）]*?〔\d{4}〕\d{1,4}号)[)）]"
)
_ALIAS_AFTER = re.compile(r"^[ \u3000]*[(（]以下简称《(?P<alias>[^《》]+)》[)）]")


@dataclass(frozen=True)
class Mention:
    span: Span  # the whole citation as written: 《title》（number） or a bare number
    title: str | None
    number: str | None
    alias_of: int | None = None  # index of the mention whose abbreviation this is
    # the title and number as compared (:func:`normalize`, :func:`normalize_number`), where
    # made already (kept with the mentions: the build resolves every text's, 20,000 at 10,000
    # documents, most numbers cited once); else made when asked
    keys: tuple[str | None, str | None] | None = field(default=None, compare=False, repr=False)

    @property
    def title_key(self) -> str | None:
        if self.keys is not None:
            return self.keys[0]
        return normalize(self.title) if self.title else None

    @property
    def number_key(self) -> str | None:
        if self.keys is not None:
            return self.keys[1]
        return normalize_number(self.number) if self.number else None

    def keyed(self) -> Mention:
        """This mention with its keys made."""
        return replace(self, keys=(self.title_key, self.number_key))


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
        key = normalize(title)
        alias_of = aliases.get(key)
        mentions.append(Mention(Span.of(text, m.start(), end), title, number, alias_of))
        alias = _ALIAS_AFTER.match(text[end:])
        if alias:
            aliases[normalize(alias.group("alias"))] = (
                len(mentions) - 1 if alias_of is None else alias_of
            )
            covered.append((end, end + alias.end()))
    taken = [(mt.span.start, mt.span.end) for mt in mentions]
    for m in DOC_NUMBER.finditer(text):
        if not any(s <= m.start() < e for s, e in taken):
            mentions.append(Mention(Span.of(text, m.start(), m.end()), None, m.group(0)))
    return sorted(mentions, key=lambda mt: mt.span.start)


# --- the documents of a corpus, by number and by title ------------------------------------


_INDEXES: dict[int, tuple[Graph, DocumentIndex, int]] = {}
# for each title (True) and number (False) as compared, the rank and place of the row that won it
Won = dict[tuple[bool, str], tuple[int, int]]
_TITLES: dict[Node, int] = {
    ELI.title: 0,
    DCT.title: 1,
    PG.titleVariant: 2,
}  # later ones win, as they always did


class DocumentIndex:
    """Every document of a metadata graph by 文号 (eli:id_local) and by normalised title
    (eli:title, dct:title, pg:titleVariant): how a citation finds what it names."""

    def __init__(self, meta: Graph) -> None:
        self.by_number: dict[str, URIRef] = {}
        self.by_title: dict[str, URIRef] = {}
        self.grow(meta)

    @classmethod
    def of(
        cls, meta: Graph, parts: Sequence[Iterable[tuple[Node, Node, Node]]] | None
    ) -> DocumentIndex:
        """The index of ``meta``; where ``meta`` grows file by file (``parts``: its files'
        graphs, as the corpus's cached graphs do), the index made before grown by the new
        files."""
        if parts is None:
            return cls(meta)
        known = _INDEXES.get(id(meta))
        if known is None or known[0] is not meta:
            known = (meta, cls(meta), len(parts))
        for part in parts[known[2] :]:
            known[1].grow(part)
        _INDEXES[id(meta)] = (meta, known[1], len(parts))
        return known[1]

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[str, str, str, str | None]]) -> DocumentIndex:
        """The index of the documents ``rows`` state (subject, predicate, the object's value
        and language: eli:id_local, eli:title, dct:title, pg:titleVariant, as
        ``checks.mentions`` keeps them, in the order of the files), as :meth:`grow` indexes
        them. Where two documents share a title, the later file's wins, as in an index grown
        file by file (:meth:`of`); the index of a whole graph took them in the order of
        rdflib's set of triples, which varies from process to process. Read as strings, no
        term made but the documents' (a literal of each row took half the time at 10,000)."""
        index = cls(Graph())
        index.add_rows(enumerate(rows), {})
        return index

    def add_rows(
        self, rows: Iterable[tuple[int, tuple[str, str, str, str | None]]], won: Won
    ) -> None:
        """Index ``rows`` (as :meth:`from_rows` takes them), each given with its place among
        the rows of the index: where a number or title is had by several rows, the row that
        wins (``won``: for each, its rank and place, kept up to date) is the later one, and of
        titles, eli:title's, then dct:title's, then a variant's, in turn (what :meth:`grow`
        gives). Rows added to those of an index go in by their places among them all."""
        number, order = str(ELI.id_local), {str(p): rank for p, rank in _TITLES.items()}
        for at, (s, p, value, _) in rows:
            if p == number:
                key, rank = (False, normalize_number(value)), 0
            elif p in order:
                key, rank = (True, normalize(value)), order[p]
            else:
                continue
            if key not in won or won[key] < (rank, at):
                won[key] = (rank, at)
                (self.by_title if key[0] else self.by_number)[key[1]] = URIRef(s)

    def grow(self, meta: Iterable[tuple[Node, Node, Node]]) -> None:
        """Index the documents ``meta`` names (a graph, or a file's triples added to the one
        indexed)."""
        titles = []
        for doc, p, value in meta:
            if not isinstance(doc, URIRef):
                continue
            if p == ELI.id_local:
                self.by_number[normalize_number(str(value))] = doc
            elif p in _TITLES:
                titles.append((_TITLES[p], doc, value))
        for _, doc, title in sorted(titles, key=lambda t: t[0]):  # eli, dct, variants: in turn
            self.by_title[normalize(str(title))] = doc

    def find(self, number: str | None, title: str | None) -> URIRef | None:
        """The document cited by this number, else by this title; None when not in the corpus."""
        return self.find_keys(
            normalize_number(number) if number else None, normalize(title) if title else None
        )

    def find_keys(self, number: str | None, title: str | None) -> URIRef | None:
        """:meth:`find` of a number and a title as compared (normalised already)."""
        if number is not None and number in self.by_number:
            return self.by_number[number]
        if title is not None:
            return self.by_title.get(title)
        return None
