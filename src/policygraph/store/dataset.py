"""The whole dataset in one store: every file of the corpus in a named graph of its own, the
sources' metadata, optionally the ontology and shapes, and a VoID/DCAT description of it all.

Named graphs: ``{BASE}graph/<file stem>`` for each file of ``data/ttl/`` (doc-gx, departments,
implementation-links, responses, targets, …), ``{BASE}graph/sources`` for ``data/sources/*.ttl``,
``{BASE}graph/ontology`` (always: the data's vocabularies of roles, levels and kinds, and its class
hierarchy, which queries need), ``{BASE}graph/shapes`` with ``with_ontology`` (the ontology's SHACL
shapes), and ``{BASE}graph/void`` for the description. One file of it loads into any quad store (GraphDB, Fuseki, Oxigraph,
Virtuoso) as it is.
"""

from __future__ import annotations

from typing import Any

from policygraph.corpus import Corpus
from policygraph.rdf.formats import BY_NAME, GRAPH_FORMATS
from policygraph.rdf.namespaces import BASE, PG
from policygraph.store.embedded import load_into
from policygraph.store.sparql import internal

DATASET = BASE + "dataset"
LICENCE = "https://www.apache.org/licenses/LICENSE-2.0"
_VOID = "http://rdfs.org/ns/void#"
_DCAT = "http://www.w3.org/ns/dcat#"
_DCT = "http://purl.org/dc/terms/"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_XSD = "http://www.w3.org/2001/XMLSchema#"
MEDIA_TYPES = {f.name: f.media_type for f in GRAPH_FORMATS}


def graph_name(stem: str) -> str:
    return f"{BASE}graph/{stem}"


def dataset(corpus: Corpus, with_ontology: bool = False) -> Any:
    """A pyoxigraph store holding the dataset, one named graph per part, and its description."""
    import pyoxigraph as ox

    store = ox.Store()
    for path in sorted(corpus.ttl.glob("*.ttl")):
        load_into(store, [path], graph_name(path.stem))
    load_into(store, sorted(corpus.sources.glob("*.ttl")), graph_name("sources"))
    load_into(store, [corpus.ontology], graph_name("ontology"))
    if with_ontology:
        load_into(store, sorted(corpus.shapes.glob("*.ttl")), graph_name("shapes"))
    _describe(store)
    return store


def _describe(store: Any) -> None:
    """VoID and DCAT: the dataset, its triples, its classes, each named graph, the licence, the
    distributions (the formats ``policygraph export`` writes), and the source files."""
    import pyoxigraph as ox

    void = ox.NamedNode(graph_name("void"))
    dataset_node = ox.NamedNode(DATASET)
    triples = len(store)
    quads: list[tuple[Any, str, Any]] = [
        (dataset_node, _RDF + "type", ox.NamedNode(_VOID + "Dataset")),
        (dataset_node, _RDF + "type", ox.NamedNode(_DCAT + "Dataset")),
        (
            dataset_node,
            _DCT + "title",
            ox.Literal("policygraph: Chinese policy provisions", language="en"),
        ),
        (dataset_node, _DCT + "title", ox.Literal("政策条款知识图谱", language="zh")),
        (dataset_node, _DCT + "license", ox.NamedNode(LICENCE)),
        (dataset_node, _VOID + "triples", _integer(triples)),
        (dataset_node, _VOID + "uriSpace", ox.Literal(BASE)),
    ]
    sizes = {  # counted by the store, not by iterating a million quads in Python
        row["g"]: int(row["n"].value) for row in store.query(internal("graph-sizes"))
    }
    for graph in sorted(store.named_graphs(), key=str):
        if isinstance(graph, ox.NamedNode):
            part = ox.NamedNode(graph.value + "#subset")
            quads += [
                (dataset_node, _VOID + "subset", part),
                (part, _RDF + "type", ox.NamedNode(_VOID + "Dataset")),
                (part, _VOID + "sparqlGraph", graph),
                (part, _VOID + "triples", _integer(sizes.get(graph, 0))),
            ]
    quads += _classes(store, dataset_node)
    for fmt, media in MEDIA_TYPES.items():
        distribution = ox.NamedNode(f"{DATASET}/distribution/{fmt}")
        quads += [
            (dataset_node, _DCAT + "distribution", distribution),
            (distribution, _RDF + "type", ox.NamedNode(_DCAT + "Distribution")),
            (distribution, _DCAT + "mediaType", ox.Literal(media)),
            (distribution, _DCT + "license", ox.NamedNode(LICENCE)),
        ]
    file_name = ox.NamedNode(PG.fileName)
    for q in store.quads_for_pattern(None, file_name, None, None):
        quads.append((dataset_node, _DCT + "source", q.subject))
    for s, p, o in quads:
        store.add(ox.Quad(s, ox.NamedNode(p), o, void))


def _classes(store: Any, dataset_node: Any) -> list[tuple[Any, str, Any]]:
    import pyoxigraph as ox

    counts = {row["c"].value: int(row["n"].value) for row in store.query(internal("class-sizes"))}
    out: list[tuple[Any, str, Any]] = [(dataset_node, _VOID + "classes", _integer(len(counts)))]
    for k, (cls, n) in enumerate(sorted(counts.items()), start=1):
        part = ox.NamedNode(f"{DATASET}/class/{k}")
        out += [
            (dataset_node, _VOID + "classPartition", part),
            (part, _VOID + "class", ox.NamedNode(cls)),
            (part, _VOID + "entities", _integer(n)),
        ]
    return out


def _integer(n: int) -> Any:
    import pyoxigraph as ox

    return ox.Literal(str(n), datatype=ox.NamedNode(_XSD + "integer"))


def merged(store: Any) -> Any:
    """The dataset's triples in one default graph (what a format without graphs can hold)."""
    import pyoxigraph as ox

    out = ox.Store()
    for graph in store.named_graphs():  # each graph copied by the store, not quad by quad
        data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
        out.bulk_load(data, format=ox.RdfFormat.N_TRIPLES)
    out.bulk_load(
        store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()),
        format=ox.RdfFormat.N_TRIPLES,
    )
    return out


def ntriples(store: Any) -> tuple[bytes, int]:
    """The dataset's triples as N-Triples (a triple in two graphs may be written twice, which a
    server stores once), and how many distinct triples that is: what ``load`` sends."""
    import pyoxigraph as ox

    graphs = [*store.named_graphs(), ox.DefaultGraph()]
    data = b"".join(store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=g) for g in graphs)
    # One serializer writes one triple as one line: the distinct lines are the distinct triples
    # (counted so in a third of the time of a DISTINCT query over the union of the graphs).
    lines = set(data.split(b"\n"))
    lines.discard(b"")
    return data, len(lines)


def serialize(store: Any, fmt: str) -> bytes:
    """The dataset as ``fmt``: with its named graphs (nq, trig, jsonld), or merged into one
    default graph (ttl, nt, which have none)."""
    import pyoxigraph as ox

    from policygraph.rdf import PREFIXES

    graph_format = BY_NAME[fmt]
    prefixes = {p: str(ns) for p, ns in PREFIXES.items()} if fmt in ("ttl", "trig") else None
    if not graph_format.datasets:
        data = merged(store).dump(
            format=graph_format.ox(), from_graph=ox.DefaultGraph(), prefixes=prefixes
        )
    else:
        data = store.dump(format=graph_format.ox(), prefixes=prefixes)
    assert isinstance(data, bytes)
    return data
