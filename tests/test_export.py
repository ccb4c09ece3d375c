"""`policygraph export` (issue 13): the whole dataset in one file, named graphs and a VoID/DCAT
description, round-tripped through rdflib and Oxigraph; loaded as it is, it answers the
catalogue's queries as the embedded store does."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph
from typer.testing import CliRunner

from policygraph.cli.app import app
from policygraph.corpus import Corpus
from policygraph.store import sparql
from policygraph.store.embedded import EmbeddedStore
from policygraph.store.results import Rows, multiset

runner = CliRunner()
GRAPH = "https://w3id.org/policygraph/graph/"
RDFLIB = {"ttl": "turtle", "nt": "nt", "nq": "nquads", "trig": "trig", "jsonld": "json-ld"}
OX = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nq": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
}


def export(tmp_path: Path, fmt: str, *extra: str) -> Path:
    out = tmp_path / f"policygraph.{fmt}"
    result = runner.invoke(app, ["export", "-o", str(out), *extra])
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.parametrize("fmt", sorted(RDFLIB))
def test_round_trip_into_rdflib_and_oxigraph(tmp_path: Path, fmt: str) -> None:
    out = export(tmp_path, fmt)
    store = ox.Store()
    store.load(path=str(out), format=OX[fmt])
    graphs = {str(q.graph_name.value) for q in store if isinstance(q.graph_name, ox.NamedNode)}
    if fmt in ("nq", "trig", "jsonld"):
        assert {
            GRAPH + "doc-gx",
            GRAPH + "departments",
            GRAPH + "sources",
            GRAPH + "void",
        } <= graphs
        parsed: Graph = Dataset()
    else:
        assert graphs == set()
        parsed = Graph()
    parsed.parse(out, format=RDFLIB[fmt])
    assert len(store) > 5000 and len(parsed) == len(store)


def test_void_describes_the_dataset(tmp_path: Path) -> None:
    store = ox.Store()
    store.load(path=str(export(tmp_path, "nq", "--with-ontology")), format=ox.RdfFormat.N_QUADS)
    ask = """
        PREFIX void: <http://rdfs.org/ns/void#> PREFIX dct: <http://purl.org/dc/terms/>
        PREFIX dcat: <http://www.w3.org/ns/dcat#>
        SELECT ?triples ?classes (COUNT(DISTINCT ?dist) AS ?d) (COUNT(DISTINCT ?src) AS ?s) WHERE {
          GRAPH <https://w3id.org/policygraph/graph/void> {
            <https://w3id.org/policygraph/dataset> void:triples ?triples ; void:classes ?classes ;
              dct:license ?l ; dcat:distribution ?dist ; dct:source ?src .
          } } GROUP BY ?triples ?classes"""
    (row,) = list(store.query(ask))
    assert int(row["triples"].value) > 5000 and int(row["classes"].value) > 20
    assert int(row["d"].value) == 5 and int(row["s"].value) == 6
    shapes = GRAPH + "shapes"
    assert any(True for _ in store.quads_for_pattern(None, None, None, ox.NamedNode(shapes)))


def test_loaded_as_it_is_it_answers_the_catalogue(tmp_path: Path, home: Corpus) -> None:
    """Loaded into a quad store and queried over the union of its graphs, the export answers
    every query of queries/ as the embedded store does: titles and 文号 included."""
    store = ox.Store()
    store.load(path=str(export(tmp_path, "nq")), format=ox.RdfFormat.N_QUADS)
    embedded = EmbeddedStore(home.graph_files())
    params = {
        "doc": "https://w3id.org/policygraph/eli/cn-gx/guizhengbanfa/2021/81",
        "dept": "https://w3id.org/policygraph/org/gx/liuzhou/government",
        "measure": "https://w3id.org/policygraph/eli/cn-gx/guizhengbanfa/2021/81/measure/9",
        "from": "https://w3id.org/policygraph/eli/cn-gx/guizhengbanfa/2021/81",
        "to": "https://w3id.org/policygraph/eli/cn/guofa/2020/7",
    }
    for q in sparql.list_queries(home.queries):
        from rdflib import Literal, URIRef

        bindings = {
            p.name: URIRef(params[p.name]) if p.name in params else Literal("科技厅")
            for p in q.params
        }
        text = sparql.bind(q.text, bindings)
        solutions = store.query(text, use_default_graph_as_union=True)
        rows = Rows(
            [v.value for v in solutions.variables],
            [tuple(_term(s[v]) for v in solutions.variables) for s in solutions],
        )
        expected = embedded.select(q.text, bindings)
        assert multiset(rows, tuple(q.unordered)) == multiset(expected, tuple(q.unordered)), q.name


def _term(term: object) -> object:
    from rdflib import BNode, Literal, URIRef

    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    assert isinstance(term, ox.Literal)
    if term.language:
        return Literal(term.value, lang=term.language)
    return Literal(term.value, datatype=URIRef(term.datatype.value))
