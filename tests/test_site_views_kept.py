"""The corpus-wide views the site reads (issue 24), read faster: each must give what the one
slow query it replaces gave, row for row and in the same order. The old query and its Python are
kept here, as they were, and run on the fixture graph and on graphs made to hit the corners
(nodes of several classes, classes with several labels or none, …)."""

from __future__ import annotations

from pathlib import Path

import pytest

from policygraph.corpus import Corpus
from policygraph.store.embedded import EmbeddedStore
from policygraph.views import internal, network, site
from policygraph.views.site import Words

HERE = Path(__file__).resolve().parent
HOME = Corpus.locate(HERE.parent)
MINI = HERE / "fixtures" / "mini"

OLD_SUBJECTS = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?node ?class ?zh ?en WHERE {
  ?node a ?class .
  FILTER(isIRI(?node))
  FILTER(!STRSTARTS(STR(?node), "https://w3id.org/policygraph/ontology"))
  OPTIONAL { ?class rdfs:label ?zh FILTER(LANG(?zh) = "zh") }
  OPTIONAL { ?class rdfs:label ?en FILTER(LANG(?en) = "en") }
}
ORDER BY ?node ?class
"""

CORNERS = """
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix pg: <https://w3id.org/policygraph/ontology#> .
@prefix ex: <https://example.org/x/> .
ex:a a pg:Measure, pg:Part, ex:Unlabelled .
ex:b a ex:Unlabelled, ex:EnglishOnly .
ex:b2 a ex:EnglishOnly .
ex:c a ex:TwoLabels .
ex:d a ex:TwoLabels, pg:Measure .
ex:e a pg:Department ; a ex:Unlabelled .
_:blank a pg:Measure .
ex:EnglishOnly rdfs:label "english only"@en .
ex:TwoLabels rdfs:label "甲"@zh, "乙"@zh, "one"@en .
pg:Part rdfs:label "部分"@zh .
"""


def old_subjects(store: EmbeddedStore) -> dict[str, tuple[str, Words]]:
    """site.subjects as it was: one query with the labels in two OPTIONALs."""
    out: dict[str, tuple[str, Words]] = {}
    for r in store.select(OLD_SUBJECTS).dicts():
        node = str(r["node"])
        local = str(r["class"]).rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        if r["zh"] is not None and (node not in out or out[node][1].zh == out[node][0]):
            out[node] = (local, Words(str(r["zh"]), str(r["en"] or r["zh"])))
        elif node not in out:
            out[node] = (local, Words(local, local))
    return out


def stores(tmp_path: Path) -> list[EmbeddedStore]:
    corners = tmp_path / "corners.ttl"
    corners.write_text(CORNERS, encoding="utf-8")
    mini = sorted(MINI.glob("*.ttl"))
    return [EmbeddedStore([HOME.ontology, *mini]), EmbeddedStore([HOME.ontology, corners])]


@pytest.mark.parametrize("which", [0, 1], ids=["mini", "corners"])
def test_subjects_as_the_one_query_gave(tmp_path: Path, which: int) -> None:
    store = stores(tmp_path)[which]
    new, old = site.subjects(store), old_subjects(store)
    assert new  # the graph has nodes to name
    assert list(new.items()) == list(old.items())


def test_subjects_a_class_with_two_chinese_labels_names_by_one(tmp_path: Path) -> None:
    found = site.subjects(stores(tmp_path)[1])
    assert found["https://example.org/x/c"][1].zh in ("甲", "乙")
    assert found["https://example.org/x/b"] == ("EnglishOnly", Words("EnglishOnly", "EnglishOnly"))
    assert found["https://example.org/x/a"][0] == "Measure"  # the first class, by its IRI
    assert "_:blank" not in found and not any(n.startswith("https://w3id") for n in found)


QUOTE_CORNERS = """
@prefix pg: <https://w3id.org/policygraph/ontology#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix ex: <https://example.org/q/> .
ex:src pg:fileName "a.txt" . ex:src2 pg:fileName "b.txt" .
ex:plain pg:quote "甲" ; pg:quoteStart 5 ; pg:quoteEnd 6 ; prov:wasDerivedFrom ex:src .
ex:two a pg:Measure, pg:Part ; pg:quote "乙丙" ; pg:quoteStart 5 ; pg:quoteEnd 7 ;
    prov:wasDerivedFrom ex:src .
ex:later a pg:Deadline ; pg:quote "丁" ; pg:quoteStart 1 ; pg:quoteEnd 2 ;
    prov:wasDerivedFrom ex:src2 .
ex:nofile pg:quote "戊" ; pg:quoteStart 0 ; pg:quoteEnd 1 ; prov:wasDerivedFrom ex:gone .
"""


def old_quotes(store: EmbeddedStore) -> list[site.Quote]:
    """site.quotes as it was: each row a dictionary, each value made text again."""
    out = {}
    for r in store.select(internal.query("site-quotes")).dicts():
        node = str(r["node"])
        kind = str(r["class"] or "").rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        if node in out and not kind:
            continue
        start, end = int(str(r["start"])), int(str(r["end"]))
        source, file, quote = str(r["source"]), str(r["file"]), str(r["quote"])
        out[node] = site.Quote(node, kind, source, file, start, end, quote)
    return sorted(out.values(), key=lambda q: (q.source, q.start, -q.end))


@pytest.mark.parametrize("which", ["project", "corners"])
def test_quotes_as_before(tmp_path: Path, which: str) -> None:
    corners = tmp_path / "corners.ttl"
    corners.write_text(QUOTE_CORNERS, encoding="utf-8")
    files = HOME.graph_files() if which == "project" else [HOME.ontology, corners]
    store = EmbeddedStore(files)
    new = site.quotes(store)
    assert len(new) >= (100 if which == "project" else 3)
    assert new == old_quotes(store)
    if which == "corners":  # by source, start, longest first; the one without a file left out
        assert [(q.node.rsplit("/", 1)[-1], q.kind) for q in new] == [
            ("two", new[0].kind),
            ("plain", ""),
            ("later", "Deadline"),
        ]
        assert new[0].kind in ("Measure", "Part")


NETWORK_CORNERS = """
@prefix pg: <https://w3id.org/policygraph/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix ex: <https://example.org/y/> .
ex:lead skos:notation "lead" . ex:co skos:notation "co-lead" . ex:resp skos:notation "responsible" .
ex:twice skos:notation "lead", "responsible" .
ex:r1 pg:provision ex:m1 ; pg:department ex:d1 ; pg:role ex:lead .
ex:r2 pg:provision ex:m1 ; pg:department ex:d2, ex:d3 ; pg:role ex:co .
ex:r3 pg:provision ex:m1, ex:m2 ; pg:department ex:d4 ; pg:role ex:twice .
ex:r4 pg:provision ex:m2 ; pg:department ex:d1 ; pg:role ex:co .
ex:r5 pg:provision ex:m2 ; pg:department ex:d2 .
ex:r6 pg:provision ex:m3 ; pg:department ex:d5 ; pg:role ex:resp .
ex:r7 pg:provision ex:m3 ; pg:department ex:d5 ; pg:role ex:lead .
ex:r8 pg:provision ex:m0 ; pg:department ex:d3 ; pg:role ex:lead .
ex:r9 pg:provision ex:m0 ; pg:department ex:d1 ; pg:role ex:co, ex:resp .
ex:d1 a pg:Department . ex:d2 a pg:Department . ex:d3 a pg:Department .
ex:d4 a pg:Department . ex:d5 a pg:Department .
"""


def old_pairs(store: EmbeddedStore, said: object = None) -> list[tuple[str, ...]]:
    """collaboration-pairs.rq's rows, as collaboration_network read them."""
    rows = store.select(internal.query("collaboration-pairs")).dicts()
    keys = ("measure", "a", "role_a", "b", "role_b")
    return [tuple(str(r[k]) for k in keys) for r in rows]


@pytest.mark.parametrize("which", [0, 1], ids=["mini", "corners"])
def test_network_pairs_as_the_one_query_gave(tmp_path: Path, which: int) -> None:
    corners = tmp_path / "network.ttl"
    corners.write_text(NETWORK_CORNERS, encoding="utf-8")
    store = [stores(tmp_path)[0], EmbeddedStore([HOME.ontology, corners])][which]
    new, old = network.collaboration_pairs(store), old_pairs(store)
    assert new
    assert new == sorted(old, key=lambda r: (r[0], r[1], r[3], r[2], r[4]))
    assert [r[:2] + r[3:4] for r in new] == [r[:2] + r[3:4] for r in old]  # the query's order


def test_network_as_before(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The network's nodes and edges, with what they carry, in the order they were added, as
    on the rows of collaboration-pairs.rq."""
    store = stores(tmp_path)[0]
    g = network.collaboration_network(store)
    assert g.number_of_edges() > 0
    monkeypatch.setattr(network, "collaboration_pairs", old_pairs)
    old = network.collaboration_network(store)
    assert list(g.nodes(data=True)) == list(old.nodes(data=True))
    assert list(g.edges(data=True)) == list(old.edges(data=True))


ROLE_CORNERS = """
@prefix pg: <https://w3id.org/policygraph/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix ex: <https://example.org/z/> .
ex:other skos:notation "lead" .
ex:r1 pg:provision ex:m1 ; pg:department ex:d1 ; pg:role pg:Lead .
ex:r2 pg:provision ex:m1 ; pg:department ex:d1, ex:d2 ; pg:role pg:CoLead .
ex:r3 pg:department ex:d2 ; pg:role pg:Lead, pg:Responsible .
ex:r4 pg:provision ex:m2 ; pg:department ex:d3 ; pg:role ex:other .
ex:r5 pg:provision ex:m2 ; pg:department ex:d3 .
ex:r6 pg:provision ex:m2 ; pg:role pg:Lead .
ex:r7 pg:provision ex:m3 ; pg:department ex:d1 ; pg:role pg:Lead .
"""


@pytest.mark.parametrize("which", [0, 1], ids=["mini", "corners"])
def test_role_counts_from_the_networks_triples_as_department_roles_counts(
    tmp_path: Path, which: int
) -> None:
    """The site counts each department's roles from the triples the network reads (no query
    of its own): what department-roles.rq counts, a role node not the ontology's three (one
    whose notation is "lead" among them) not counted, a responsibility of two departments or
    two roles counted for each."""
    corners = tmp_path / "roles.ttl"
    corners.write_text(ROLE_CORNERS, encoding="utf-8")
    store = [stores(tmp_path)[0], EmbeddedStore([HOME.ontology, corners])][which]
    old: dict[str, dict[str, int]] = {}
    for r in store.select(internal.query("department-roles")).dicts():
        old.setdefault(str(r["department"]), {})[str(r["role"])] = int(str(r["n"]))
    assert old
    assert network.role_counts(network.role_triples(store)) == old
    assert network.departments(store, network.role_triples(store)) == network.departments(store)
