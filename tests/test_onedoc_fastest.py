"""One more document, fastest yet (issue 24): the scoped validation keeps only the rows it merges
and merges the kept report's Turtle as text; each must give what the slower way gave."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import copy_home
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, SH
from test_scoped_ingest import QUJING, YUNNAN, fresh, ingest, results

from policygraph import checks
from policygraph.checks import report, scope
from policygraph.checks.report import Report
from policygraph.corpus import Corpus


def _iso(a: str, b: str) -> bool:
    return isomorphic(
        Graph().parse(data=a, format="turtle"), Graph().parse(data=b, format="turtle")
    )


@pytest.fixture
def home(yunnan_home: Corpus) -> Corpus:
    return yunnan_home


def test_the_rows_wanted_are_the_findings_the_merge_keeps(
    home: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The scoped validation with the rows filtered before they are made findings, and with
    every row made a finding (as before): the same report, and the filter leaves rows out."""
    runs: list[tuple[int, int, Report, Report]] = []
    real_findings, real_merge = scope._findings, scope._merge
    every: list[Any] = []

    def findings(store: Any, shapes: Graph, made: Any, wanted: Any) -> Any:
        every.append(real_findings(store, shapes, made, lambda check, row: True))
        return real_findings(store, shapes, made, wanted)

    def merge(old: Report, found: Any, *rest: Any) -> Report | None:
        filtered, whole = real_merge(old, found, *rest), real_merge(old, every[-1], *rest)
        assert filtered is not None and whole is not None
        runs.append((len(found), len(every[-1]), filtered, whole))
        return filtered

    monkeypatch.setattr(scope, "_findings", findings)
    monkeypatch.setattr(scope, "_merge", merge)
    assert ingest(home, QUJING, "cn-yn-qujing") == 0
    assert len(runs) == 1
    wanted, made, filtered, whole = runs[0]
    assert 0 < wanted < made  # the old neighbours' rows were left out
    assert filtered.results == whole.results
    assert _iso(filtered.graph_ttl, whole.graph_ttl)
    kept = checks.validate(home)
    assert results(kept) == results(fresh(home, monkeypatch))
    assert _iso(kept.graph_ttl, fresh(home, monkeypatch).graph_ttl)


def test_the_turtle_merged_as_text_is_the_graph_merged(
    home: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The kept report's Turtle merged as text, and read into a graph and written (as before):
    the same graph, and what the text merge writes is what turtle() writes of that graph."""
    merged: list[tuple[str, str]] = []
    real = scope._graph

    def graph(old: str, added: str, dropped: set[tuple[str, str]], *rest: Any) -> str:
        text = report.merged_turtle(old, added, dropped, *rest)
        assert text is not None  # both in turtle()'s form
        monkeypatch.setattr(scope, "merged_turtle", lambda *_: None)
        merged.append((text, real(old, added, dropped, rest[0])))
        return text

    monkeypatch.setattr(scope, "_graph", graph)
    assert ingest(home, QUJING, "cn-yn-qujing") == 0
    assert len(merged) == 1
    text, whole = merged[0]
    assert _iso(text, whole)
    g = Graph().parse(data=text, format="turtle")
    assert _iso(report.turtle(g), text)
    kept = checks.validate(home)
    assert _iso(kept.graph_ttl, fresh(home, monkeypatch).graph_ttl)


def _report(results: list[tuple[str, str, str]], path: bool = False) -> Graph:
    """A report graph: each result's label, source shape and focus node; with ``path``, each
    result's path a blank node (an alternative path, shared by all)."""
    g = Graph()
    top = BNode()
    g.add((top, RDF.type, SH.ValidationReport))
    g.add((top, SH.conforms, Literal(not results)))
    shared = BNode()
    g.add((shared, SH.alternativePath, URIRef("urn:p")))
    for label, shape, focus in results:
        r = BNode(label)
        g.add((top, SH.result, r))
        g.add((r, RDF.type, SH.ValidationResult))
        g.add((r, SH.sourceShape, URIRef(shape)))
        g.add((r, SH.focusNode, URIRef(focus)))
        g.add((r, SH.resultMessage, Literal(f"{focus} fails ;\n    sh:focusNode <urn:x> .\n\n")))
        if path:
            g.add((r, SH.resultPath, shared))
    return g


def test_the_text_merge_drops_adds_and_keeps_a_shared_path() -> None:
    old = _report([("a1", "urn:Used", "urn:d1"), ("a2", "urn:Used", "urn:d2")], path=True)
    added = _report([("b1", "urn:Other", "urn:n1")])
    text = report.merged_turtle(
        report.turtle(old), report.turtle(added), {("urn:Used", "urn:d1")}, False
    )
    assert text is not None
    g = Graph().parse(data=text, format="turtle")
    top = g.value(None, RDF.type, SH.ValidationReport)
    focus = {str(g.value(r, SH.focusNode)) for r in g.objects(top, SH.result)}
    assert focus == {"urn:d2", "urn:n1"}
    kept = g.value(g.value(None, SH.focusNode, URIRef("urn:d2")), SH.resultPath)
    # the path a dropped result shared with a kept one stays
    assert kept is not None and g.value(kept, SH.alternativePath) == URIRef("urn:p")
    assert g.value(top, SH.conforms) == Literal(False)
    # a message whose words look like the writer's own lines is one literal, on one line
    said = g.value(g.value(None, SH.focusNode, URIRef("urn:n1")), SH.resultMessage)
    assert str(said).endswith("<urn:x> .\n\n")
    assert _iso(text, report.turtle(g))
    more = report.turtle(_report([("c1", "urn:S", "urn:n2")]))
    assert report.merged_turtle(text, more, set(), False) is not None  # in turtle()'s form


def test_the_text_merge_refuses_what_it_cannot_read() -> None:
    old = report.turtle(_report([("a1", "urn:S", "urn:d1")]))
    added = report.turtle(_report([("b1", "urn:S", "urn:n1")]))
    assert report.merged_turtle(old, added, set(), False) is not None
    assert report.merged_turtle(old, old, set(), False) is None  # the same labels
    three = old.replace('"urn:d1 fails', '"""urn:d1 fails', 1)
    assert report.merged_turtle(three, added, set(), False) is None  # not turtle()'s own form
    assert report.merged_turtle(old.replace(" ;\n    ", " ;\n  ", 1), added, set(), False) is None


# --- the build's values read from the index's rows -----------------------------------------


def _rows_graph(rows: list[tuple[str, str, str, str | None, str | None]]) -> Graph:
    from policygraph.checks.mentions import _term
    from policygraph.checks.rows import Rows

    return Graph(store=Rows(rows, _term), bind_namespaces="none")


def test_source_files_from_rows_are_those_of_the_graph(monkeypatch: pytest.MonkeyPatch) -> None:
    """What ``source_files`` and the build's ``anchors.values`` read of the rows directly is what
    ``Graph.value`` and ``Graph.subjects`` give over the same store: the first row of a value
    asked, a returned form left out, a pg:describes that is no IRI none."""
    from policygraph.build import anchors
    from policygraph.checks.rows import Rows
    from policygraph.corpus import source_files
    from policygraph.rdf import PG

    pg, iri, xsd = str(PG), "@iri", "http://www.w3.org/2001/XMLSchema#string"
    rdf_type = str(RDF.type)
    rows = [
        ("urn:s1", pg + "fileName", "data/sources/a.txt", None, xsd),
        ("urn:s1", pg + "sha256", "aa", None, xsd),
        ("urn:s1", pg + "fileName", "data/sources/b.txt", None, xsd),  # the first is read
        ("urn:s1", pg + "describes", "urn:d1", iri, None),
        ("urn:s1", pg + "extractionProfile", "measures", None, xsd),
        ("urn:s2", pg + "fileName", "data/sources/c.txt", None, xsd),
        ("urn:s2", pg + "sha256", "cc", None, xsd),
        ("urn:s2", pg + "describes", "urn:d2", None, xsd),  # a literal: describes nothing
        ("urn:s2", pg + "textFileName", "data/sources/c.plain.txt", None, xsd),
        ("urn:r", pg + "fileName", "data/returns/r.xlsx", None, xsd),
        ("urn:r", pg + "sha256", "rr", None, xsd),
        ("urn:r", rdf_type, pg + "ReturnedForm", iri, None),
        ("urn:s2", rdf_type, pg + "ReturnedForm", None, xsd),  # a literal: not the class
        ("urn:d1", pg + "shortName", "d-one", None, xsd),
        ("urn:d1", pg + "jurisdiction", "cn-yn", None, xsd),
    ]
    fast = source_files(_rows_graph(rows))
    asked = [(URIRef(f"urn:d{k}"), p) for k in (1, 2) for p in (PG.shortName, PG.jurisdiction)]
    values = [anchors.values(_rows_graph(rows))(s, p) for s, p in asked]
    monkeypatch.delattr(Rows, "first")  # the graph's own reading, over the same store
    slow = source_files(_rows_graph(rows))
    assert fast == slow
    assert [s.file_name for s in fast] == ["data/sources/a.txt", "data/sources/c.txt"]
    assert fast[1].describes is None and fast[1].text_file == "data/sources/c.plain.txt"
    assert values == [_rows_graph(rows).value(s, p) for s, p in asked]
    assert values[:2] == [Literal("d-one"), Literal("cn-yn")]


def test_the_documents_with_texts_from_rows_are_those_of_the_graph(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The citations' documents and source texts read of the rows directly are what
    ``Graph.subject_objects`` gives over the same store: IRIs only, each pair once, sorted."""
    from policygraph.build import citations
    from policygraph.checks.rows import Rows
    from policygraph.rdf import PG

    p, iri, xsd = str(PG.sourceText), "@iri", "http://www.w3.org/2001/XMLSchema#string"
    rows = [
        ("urn:d2", p, "urn:s2", iri, None),
        ("urn:d1", p, "urn:s1", iri, None),
        ("urn:d1", p, "urn:s0", iri, None),  # a document of two texts
        ("urn:d3", p, "urn:s3", None, xsd),  # a literal: no text
        ("urn:d2", p, "urn:s2", iri, None),  # twice
        ("urn:d4", str(PG.fileName), "urn:s4", iri, None),  # another predicate
    ]
    fast = citations._with_texts(_rows_graph(rows))
    monkeypatch.delattr(Rows, "pairs")  # the graph's own reading, over the same store
    slow = citations._with_texts(_rows_graph(rows))
    assert fast == slow
    assert fast == [(URIRef(f"urn:d{d}"), URIRef(f"urn:s{s}")) for d, s in [(1, 0), (1, 1), (2, 2)]]


def test_the_document_index_from_rows_is_the_index_grown_from_their_triples() -> None:
    """Read as strings, the rows give the index their triples give (the later file's title
    wins; eli:title, dct:title, then variants, in turn; numbers as normalised)."""
    from policygraph.rdf import DCT, ELI, PG
    from policygraph.text.citations import DocumentIndex

    rows = [
        ("urn:a", str(PG.titleVariant), "《甲》", None),
        ("urn:a", str(ELI.title), "关于甲的意见", None),
        ("urn:b", str(DCT.title), "关于甲的意见", None),  # a later file's, and dct: wins
        ("urn:b", str(ELI.id_local), "国发〔2020〕 7号", None),
        ("urn:c", str(ELI.id_local), "国发[2020]7号", None),  # the same number, later
        ("urn:c", str(DCT.title), "乙", None),
    ]
    fast = DocumentIndex.from_rows(rows)
    grown = DocumentIndex(Graph())
    grown.grow((URIRef(s), URIRef(p), Literal(v)) for s, p, v, _ in rows)
    assert (fast.by_number, fast.by_title) == (grown.by_number, grown.by_title)
    assert fast.find("国发〔2020〕7号", None) == URIRef("urn:c")
    assert fast.find(None, "关于甲的意见") == URIRef("urn:b")


def test_the_build_from_the_index_is_the_build_from_the_graph(
    home: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An ingest whose build reads the index's rows directly, and one whose build reads them
    through the graph (as before): the same files."""
    from policygraph.checks.rows import Rows

    other = copy_home(home.root.parent / "other")
    assert ingest(home, QUJING, "cn-yn-qujing") == 0
    with monkeypatch.context() as m:
        m.delattr(Rows, "first")
        m.setenv("POLICYGRAPH_CACHE", str(home.root.parent / "cache-other"))
        assert ingest(other, YUNNAN, "cn-yn") == 0
        assert ingest(other, QUJING, "cn-yn-qujing") == 0
    for folder in ("data/ttl", "data/sources"):
        mine = {p.name: p.read_bytes() for p in (home.root / folder).iterdir()}
        theirs = {p.name: p.read_bytes() for p in (other.root / folder).iterdir()}
        assert mine == theirs, folder


@pytest.mark.parametrize("shapes_kept", [True, False])
def test_old_and_new_results_name_one_constraint_as_a_whole_validation_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shapes_kept: bool
) -> None:
    """Generated documents (each with measures naming no lead: MeasureHasLead, a SHACL-SPARQL
    constraint, a blank node of the shapes graph), then one more: the kept report's graph is
    a fresh validation's, its old and new results naming one constraint node, merged as text.
    With the shapes kept, the two reports name the constraint alike; read anew by the one more
    document's process, by other labels: merged without the constraints' labels, the graph
    would not be a fresh validation's."""
    import sys

    from typer.testing import CliRunner

    from policygraph.cli.app import app

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from documents import generate

    monkeypatch.setenv("POLICYGRAPH_CACHE", str(tmp_path / "cache"))
    docs = generate(tmp_path / "docs", 14, seed=11)
    # two cities stating the lead rule in prose, with a catch-all in a list (no lead named)
    ruled = [d for d in docs if "排在第一位的为牵头单位" in d.read_text(encoding="utf-8")]
    ruled = [d for d in ruled if "各有关部门" in d.read_text(encoding="utf-8")]
    assert len(ruled) >= 2, [d.name for d in ruled]
    one_more = ruled[-1]
    home = copy_home(tmp_path / "home")
    crawl = tmp_path / "first"
    crawl.mkdir()
    for d in docs:
        if d != one_more:
            (crawl / d.name).write_bytes(d.read_bytes())
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", str(crawl), "--home", str(home.root)]).exit_code == 0
    merged: list[str | None] = []
    unlabelled: list[str | None] = []
    real = scope._graph

    def graph(old: str, added: str, dropped: set[tuple[str, str]], *rest: Any) -> str:
        merged.append(report.merged_turtle(old, added, dropped, *rest))  # as the merge does
        unlabelled.append(report.merged_turtle(old, added, dropped, rest[0]))
        return real(old, added, dropped, *rest)

    monkeypatch.setattr(scope, "_graph", graph)
    if not shapes_kept:
        for kept_shapes in (tmp_path / "cache").glob("shapes/*.marshal"):
            kept_shapes.unlink()  # read anew: its constraint nodes labelled anew
    args = ["ingest", str(one_more), "--home", str(home.root)]
    assert runner.invoke(app, args).exit_code == 0
    assert len(merged) == 1 and merged[0] is not None  # validated by what it added, as text
    kept, again = checks.validate(home), fresh(home, monkeypatch)
    assert results(kept) == results(again)
    lead = {r.focus.split("/measure/")[0] for r in kept.results if r.rule == "MeasureHasLead"}
    assert len(lead) == 2  # the old city's results and the new one's: one constraint
    assert _iso(kept.graph_ttl, again.graph_ttl) and _iso(merged[0], again.graph_ttl)
    if not shapes_kept:
        assert unlabelled[0] is not None and not _iso(unlabelled[0], again.graph_ttl)
