"""Two SHACL-SPARQL constraints the compiled engine runs in Python, because no SPARQL form of them
is linear in the size of one document on Oxigraph.

- ``QuoteAtOffsets``: ``SUBSTR`` of a source text counts characters from its start, so checking
  every quote of a 5 MB document costs quotes × text length (284 s for 23,500 items). Here each
  text is read once and each quote is a slice.
- ``NumberingContinuous``: "the item numbered n - 1 exists" is a join on a computed value, which
  Oxigraph evaluates as a loop over every item of the document for every item (156 s for 23,500
  items; BIND, EXISTS, MINUS and subquery forms were measured and are no better). Here the
  numbers of each sequence are a set.

Each function yields the rows the shape's own ``sh:select`` would (same variables, values as
their lexical forms), for the targets the compiled engine gives it; pySHACL still runs the
SPARQL, and the tests compare both engines on the real graph and on every fixture, so the two
cannot drift apart silently.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any

from rdflib import URIRef

from policygraph.rdf.namespaces import PG as _PG
from policygraph.rdf.namespaces import PGSH as _PGSH

PG = str(_PG)
PGSH = str(_PGSH)
_PREFIXES = (
    f"PREFIX pg: <{PG}>\n"
    "PREFIX eli: <http://data.europa.eu/eli/ontology#>\n"
    "PREFIX prov: <http://www.w3.org/ns/prov#>\n"
)

Row = dict[str, object]


def _rows(store: Any, sparql: str) -> Iterator[dict[str, Any]]:
    """Solutions as dicts of pyoxigraph terms (None where unbound)."""
    solutions = store.query(_PREFIXES + sparql)
    names = [v.value for v in solutions.variables]
    for solution in solutions:
        yield {name: solution[name] for name in names}


def _int(term: Any) -> int | None:
    try:
        return int(term.value)
    except (AttributeError, ValueError):
        return None  # SPARQL: an error, and the row is dropped


def quote_at_offsets(store: Any, targets: set[str]) -> Iterator[Row]:
    """Each quote derived from a target source text that is not at its offsets there."""
    texts: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in _rows(
        store, "SELECT ?this ?content ?file WHERE { ?this pg:content ?content ; pg:fileName ?file }"
    ):
        this = row["this"].value
        if this in targets:
            texts[this].append((row["content"].value, row["file"].value))
    quotes = _rows(
        store,
        "SELECT ?this ?value ?quote ?start ?end WHERE { ?value prov:wasDerivedFrom ?this ; "
        "pg:quote ?quote ; pg:quoteStart ?start ; pg:quoteEnd ?end }",
    )
    for row in quotes:
        this = row["this"].value
        start, end = _int(row["start"]), _int(row["end"])
        if this not in texts or start is None or end is None:
            continue
        quote = row["quote"].value
        for content, file in texts[this]:
            found = content[start:end] if end > start >= 0 else ""
            if found != quote:
                yield {
                    "this": this,
                    "value": row["value"].value,
                    "start": row["start"].value,
                    "end": row["end"].value,
                    "file": file,
                    "quote": quote,
                    "found": found,
                }


def numbering_continuous(store: Any, targets: set[str]) -> Iterator[Row]:
    """Numbers used twice, and numbers missing before an item, in each target document's parts
    and items (per part where the document restarts its numbering in each part)."""
    labels: dict[str, list[str]] = defaultdict(list)
    numbers = {
        r["this"].value: r["number"]
        for r in _rows(store, "SELECT ?this ?number WHERE { ?this eli:id_local ?number }")
    }
    shorts = {
        r["this"].value: r["short"]
        for r in _rows(store, "SELECT ?this ?short WHERE { ?this pg:shortName ?short }")
    }
    for this in targets:
        term = numbers.get(this) or shorts.get(this)
        labels[this].append(term.value if term is not None else this)
    restart = {
        r["this"].value
        for r in _rows(store, "SELECT ?this WHERE { ?this pg:numberingRestartsPerPart true }")
    }
    parts = _rows(  # parts, and 一、 paragraphs that are measures numbered as parts
        store,
        "SELECT DISTINCT ?this ?a ?n ?la WHERE { { ?a a pg:Part } UNION "
        "{ ?a pg:numberedAsPart true } ?a eli:is_part_of ?this ; pg:ordinal ?n ; pg:label ?la }",
    )
    yield from _gaps_and_repeats(parts, "parts", lambda row: row["this"].value, targets, labels)
    items = _under(
        _rows(
            store,
            "SELECT DISTINCT ?a ?pa ?up ?n ?la WHERE { { ?a a pg:Measure } UNION "
            "{ ?a a pg:GeneralProvision } UNION { ?a a pg:Group } "
            "?a eli:is_part_of ?pa ; pg:ordinal ?n ; pg:label ?la . "
            "FILTER NOT EXISTS { ?a pg:numberedAsPart true } "
            "OPTIONAL { ?pa eli:is_part_of ?up } }",
        )
    )

    def sequence(row: dict[str, Any]) -> str:
        this = row["this"].value
        return f"{this} {row['pa'].value}" if this in restart else this

    yield from _gaps_and_repeats(items, "items", sequence, targets, labels)


def _under(rows: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Each item once for the document it is in directly (?pa) and once for the document its
    part is in (?up): the shape's ``?pa eli:is_part_of? $this``."""
    for row in rows:
        yield {**row, "this": row["pa"]}
        if row["up"] is not None:
            yield {**row, "this": row["up"]}


def _gaps_and_repeats(
    rows: Iterator[dict[str, Any]],
    kind: str,
    sequence: Callable[[dict[str, Any]], str],
    targets: set[str],
    labels: dict[str, list[str]],
) -> Iterator[Row]:
    by_sequence: dict[str, list[tuple[str, str, int, str, str]]] = defaultdict(list)
    for row in rows:
        this = row["this"].value
        n = _int(row["n"])
        if this in targets and n is not None:
            entry = (this, row["a"].value, n, row["n"].value, row["la"].value)
            by_sequence[sequence(row)].append(entry)
    for entries in by_sequence.values():
        used: dict[int, list[tuple[str, str]]] = defaultdict(list)
        for _, a, n, _, la in entries:
            used[n].append((a, la))
        for this, a, n, lexical, la in entries:
            twins = [(b, lb) for b, lb in used[n] if b > a]
            for doc in labels[this]:
                for _, lb in twins:
                    yield {
                        "this": this,
                        "doc": doc,
                        "what": f"{kind}: number {lexical} is used twice",
                        "detail": f"{la} and {lb}",
                        "what_zh": f"{_KIND_ZH[kind]}：编号 {lexical} 用了两次",
                        "detail_zh": f"{la} 与 {lb}",
                    }
                if not twins and n > 1 and n - 1 not in used:
                    yield {
                        "this": this,
                        "doc": doc,
                        "what": f"{kind}: a number is missing",
                        "detail": f"nothing is numbered {n - 1} before {la}",
                        "what_zh": f"{_KIND_ZH[kind]}：缺少一个编号",
                        "detail_zh": f"{la} 之前没有编号为 {n - 1} 的{_KIND_ZH[kind]}",
                    }


# The shape's own words for the two kinds of sequence, in its @zh message's language
_KIND_ZH = {"parts": "部分", "items": "条目"}


NATIVE: dict[URIRef, Callable[[Any, set[str]], Iterator[Row]]] = {
    URIRef(PGSH + "QuoteAtOffsets"): quote_at_offsets,
    URIRef(PGSH + "NumberingContinuous"): numbering_continuous,
}
