"""The built graph against facts read off the source texts by hand."""

from __future__ import annotations

import pytest
from conftest import CN, DEPT, GX, LZ
from expected import EXPECTED
from rdflib import URIRef

from policygraph.corpus import Corpus
from policygraph.store.embedded import EmbeddedStore

ROLES = """
PREFIX pg: <https://w3id.org/policygraph/ontology#>
SELECT ?role ?position ?dept ?written WHERE {
  ?r pg:provision ?measure ; pg:role/<http://www.w3.org/2004/02/skos/core#notation> ?role ;
     pg:position ?position ; pg:department ?dept ; pg:quote ?written .
} ORDER BY ?role ?position
"""


def lists(store: EmbeddedStore, n: int) -> dict[str, list[tuple[str, str]]]:
    rows = store.select(ROLES, {"measure": URIRef(f"{GX}/measure/{n}")})
    out: dict[str, list[tuple[str, str]]] = {"lead": [], "co-lead": []}
    for role, _, dept, written in rows.rows:
        out[str(role)].append((str(dept).removeprefix(DEPT), str(written)))
    return out


@pytest.mark.parametrize("n", sorted(EXPECTED))
def test_lead_and_co_lead_lists(store: EmbeddedStore, n: int) -> None:
    assert lists(store, n) == EXPECTED[n]


def test_inherited_prefix_recorded(store: EmbeddedStore) -> None:
    rows = store.select(
        "PREFIX pg: <https://w3id.org/policygraph/ontology#> "
        "SELECT ?p WHERE { ?r pg:quote ?q ; pg:provision ?m ; pg:inheritedPrefix ?p }",
        {"m": URIRef(f"{GX}/measure/19"), "q": __import__("rdflib").Literal("党委编办")},
    )
    assert [str(r[0]) for r in rows.rows] == ["自治区"]


def count(store: EmbeddedStore, where: str, bindings: dict | None = None) -> int:
    q = (
        "PREFIX pg: <https://w3id.org/policygraph/ontology#> "
        "PREFIX eli: <http://data.europa.eu/eli/ontology#> "
        f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}"
    )
    return int(store.select(q, bindings).rows[0][0])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("doc", "parts", "provisions", "measures"),
    [(GX, 7, 27, 24), (LZ, 5, 21, 21), (CN, 7, 21, 18)],
)
def test_document_counts(
    store: EmbeddedStore, doc: str, parts: int, provisions: int, measures: int
) -> None:
    b = {"d": URIRef(doc)}
    assert count(store, "?p a pg:Part ; eli:is_part_of ?d", b) == parts
    assert (
        count(
            store,
            "{ ?p a pg:Measure } UNION { ?p a pg:GeneralProvision } ?p eli:is_part_of/eli:is_part_of ?d",
            b,
        )
        == provisions
    )
    assert count(store, "?p a pg:Measure ; eli:is_part_of/eli:is_part_of ?d", b) == measures


def test_every_guangxi_measure_has_a_lead(store: EmbeddedStore) -> None:
    q = "?m a pg:Measure ; eli:is_part_of/eli:is_part_of ?d . FILTER NOT EXISTS { ?r pg:provision ?m ; pg:role pg:Lead }"
    assert count(store, q, {"d": URIRef(GX)}) == 0


def test_national_body_text_not_held(store: EmbeddedStore) -> None:
    b = {"d": URIRef(CN)}
    assert (
        count(store, "?p a pg:Measure ; eli:is_part_of/eli:is_part_of ?d ; pg:textHeld false", b)
        == 18
    )


def test_collective_has_fourteen_members(store: EmbeddedStore) -> None:
    q = "?c <http://www.w3.org/ns/org#hasMember> ?m"
    assert count(store, q, {"c": URIRef(DEPT + "gx/prefecture-city-governments")}) == 14


def test_every_quote_is_at_its_offsets(home: Corpus, store: EmbeddedStore) -> None:
    rows = store.select(
        "PREFIX pg: <https://w3id.org/policygraph/ontology#> PREFIX prov: <http://www.w3.org/ns/prov#> "
        "SELECT ?node ?quote ?start ?end ?file WHERE { ?node pg:quote ?quote ; "
        "prov:wasDerivedFrom ?src . ?src pg:fileName ?file . "
        "OPTIONAL { ?node pg:quoteStart ?start ; pg:quoteEnd ?end } }"
    )
    texts: dict[str, str] = {}
    # Extracted: gx 7 parts, 27 items, 153 names, 18 amounts; lz 5 + 21; cn 7 + 21.
    # Curated: 17 dates; 45 links (2 documents, 22 lz articles, 21 gx measures); 16 reports;
    # 7 counts, 3 amounts, 2 beneficiary lists; 8 targets, 16 figures. Found: 20 citations
    # (press conference 2, CPPCC letter 5, Guangxi measures 1, Liuzhou interpretation 5, NPC letter 7).
    extracted = (7 + 27 + 153 + 18) + (5 + 21) + (7 + 21)
    curated = 17 + 45 + 16 + 7 + 3 + 2 + 8 + 16
    assert len(rows) == extracted + curated + 20
    for node, quote, start, end, file in rows.rows:
        assert start is not None, f"{node} has no offsets"
        text = texts.setdefault(str(file), (home.root / str(file)).read_text(encoding="utf-8"))
        assert text[int(start) : int(end)] == str(quote), f"{node}: quote not at its offsets"  # type: ignore[arg-type]
