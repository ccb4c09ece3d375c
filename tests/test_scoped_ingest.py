"""Issue 24: the report `ingest` keeps must be the report of the corpus it leaves.

`ingest` validates before it keeps a document and keeps that report (checks/kept.py), so that
`validate` right after it runs nothing. Whatever way `ingest` comes to its report (today the
whole corpus; a validation scoped to what the document changed is the next step of issue 24),
`validate` right after it must give what a fresh whole-corpus validation gives: here on a corpus
where the new document brings a warning (and is added) and where it brings a violation (and is
refused)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from conftest import copy_home
from rdflib import Graph
from rdflib.compare import isomorphic
from typer.testing import CliRunner

from policygraph import checks
from policygraph.checks import scope
from policygraph.checks.report import Report
from policygraph.cli.app import app
from policygraph.corpus import Corpus

FIX = Path(__file__).resolve().parent / "fixtures" / "ingest"
YUNNAN, QUJING = FIX / "yunnan-measures.txt", FIX / "qujing-plan.txt"
QJ = "https://w3id.org/policygraph/eli/cn-yn-qujing/曲政办发/2023/8"
runner = CliRunner()


def ingest(home: Corpus, path: Path, jurisdiction: str) -> int:
    args = ["ingest", str(path), "--jurisdiction", jurisdiction, "--home", str(home.root)]
    return runner.invoke(app, args).exit_code


def results(report: Report) -> set[tuple[str, str, str, str, str]]:
    return {(r.severity, r.rule, r.focus, r.value, r.message) for r in report.results}


def fresh(home: Corpus, monkeypatch: pytest.MonkeyPatch) -> Report:
    """The whole corpus validated now, nothing kept read or written."""
    with monkeypatch.context() as m:
        m.setenv("POLICYGRAPH_CACHE", "off")
        return checks.validate(home)


@pytest.fixture
def scoped(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """For each ingest, whether its report was made by the scoped validation."""
    made: list[bool] = []
    real = scope.validate_added

    def spy(corpus: Corpus, was: scope.Before) -> Report | None:
        report = real(corpus, was)
        made.append(report is not None)
        return report

    monkeypatch.setattr(scope, "validate_added", spy)
    return made


@pytest.fixture
def home(yunnan_home: Corpus) -> Corpus:
    return yunnan_home


def test_a_document_that_brings_a_warning(
    home: Corpus, runs: list[object], scoped: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert ingest(home, QUJING, "cn-yn-qujing") == 0
    assert scoped == [True]  # validated by what it added
    after = len(runs)
    kept = checks.validate(home)
    assert len(runs) == after  # validate read what ingest kept
    warned = {r.focus for r in kept.of("Warning") if r.rule == "AnnotationUnderstood"}
    assert f"{QJ}/measure/5/unread/1" in warned  # the warning the document brings
    assert results(kept) == results(fresh(home, monkeypatch))
    again = Graph().parse(data=fresh(home, monkeypatch).graph_ttl, format="turtle")
    assert isomorphic(Graph().parse(data=kept.graph_ttl, format="turtle"), again)


def test_a_document_that_brings_a_violation(
    home: Corpus, runs: list[object], scoped: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    # a maintainer's own shape that the Qujing document (and no other) fails
    (home.shapes / "local.shapes.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "<urn:x:shape> a sh:NodeShape ; "
        "sh:targetClass <https://w3id.org/policygraph/ontology#PolicyDocument> ;\n"
        "  sh:property [ sh:path <http://data.europa.eu/eli/ontology#id_local> ; "
        'sh:pattern "^[^曲]" ] .\n',
        encoding="utf-8",
    )
    assert checks.validate(home).of("Violation") == []
    assert ingest(home, QUJING, "cn-yn-qujing") == 1  # refused
    assert scoped[:1] == [True]  # the violation found by what the document added
    assert not list(home.sources.glob("cn-yn-qujing-*"))
    after = len(runs)
    kept = checks.validate(home)
    assert len(runs) == after  # the corpus as it was: validated by ingest, kept
    assert kept.of("Violation") == []
    assert results(kept) == results(fresh(home, monkeypatch))


# --- documents of the genre's shape, one after another (benchmarks/documents.py) ---------------


def test_generated_documents_one_by_one(
    tmp_path: Path, scoped: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A corpus of generated documents (a province's cities), then more one by one: a city
    whose province is not held (cited as a stub), the province implementing the national
    document (its ingest takes the stub out of citations.ttl: a change left to a whole-corpus
    validation), then cities implementing it. After each, the kept report is a fresh
    whole-corpus validation's."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from documents import generate

    docs = generate(tmp_path / "docs", 34, seed=11)
    province, cities = docs[0], docs[1:]  # 云南省 and its cities
    # a city before its province (which it cites: a stub), the province, then other cities
    later = [cities[0], province, *cities[-3:]]
    first = [d for d in docs if d not in later]
    home = copy_home(tmp_path / "home")
    crawl = tmp_path / "first"
    crawl.mkdir()
    for d in first:
        (crawl / d.name).write_bytes(d.read_bytes())
    args = ["ingest", str(crawl), "--home", str(home.root)]
    assert runner.invoke(app, args).exit_code == 0
    for d in later:
        assert runner.invoke(app, ["ingest", str(d), "--home", str(home.root)]).exit_code == 0
        assert results(checks.validate(home)) == results(fresh(home, monkeypatch)), d.name
    # the province's ingest took its stub out of citations.ttl: the whole corpus validated
    assert scoped[0] is True and scoped[1] is False, scoped
    assert scoped.count(True) >= 3, scoped  # the cities: validated by what they add


# --- what the scoped validation refuses to judge: then the whole corpus ------------------------


def test_a_shape_not_read_means_the_whole_corpus(
    home: Corpus, scoped: list[bool], runs: list[object], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A maintainer's shape reading backwards (sh:inversePath) is not one the scoped validation
    has read: the whole corpus is validated, and the result is still the corpus's."""
    (home.shapes / "local.shapes.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "<urn:x:shape> a sh:NodeShape ; "
        "sh:targetClass <https://w3id.org/policygraph/ontology#Department> ;\n"
        "  sh:property [ sh:path [ sh:inversePath "
        "<https://w3id.org/policygraph/ontology#department> ] ; sh:maxCount 1000 ] .\n",
        encoding="utf-8",
    )
    checks.validate(home)
    before = len(runs)
    assert ingest(home, QUJING, "cn-yn-qujing") == 0
    assert scoped == [False] and len(runs) > before
    assert results(checks.validate(home)) == results(fresh(home, monkeypatch))


def test_an_edited_query_is_not_the_query_read() -> None:
    from rdflib.namespace import SH

    from policygraph.corpus import Corpus

    shapes = checks.shapes_graph(Corpus.of(None))
    assert scope.reading(shapes) is not None
    constraint = next(iter(shapes.objects(None, SH.sparql)))
    select = shapes.value(constraint, SH.select)
    shapes.set((constraint, SH.select, type(select)(str(select).replace("SELECT", "SELECT "))))
    assert scope.reading(shapes) is not None  # the same words
    shapes.set((constraint, SH.select, type(select)(str(select) + " LIMIT 1")))
    assert scope.reading(shapes) is None


def test_a_citation_taken_out_is_not_a_growth(tmp_path: Path) -> None:
    path = tmp_path / "citations.ttl"
    two = "<urn:x:a> <urn:x:p> <urn:x:b> .\n<urn:x:a> <urn:x:p> <urn:x:c> .\n"
    path.write_text(two, encoding="utf-8")
    assert scope._grown(two.splitlines()[0].encode() + b"\n", path) is not None  # one added
    path.write_text(two.splitlines()[0] + "\n", encoding="utf-8")
    assert scope._grown(two.encode(), path) is None  # one taken out
    path.write_text("<urn:x:a> <urn:x:p> [ <urn:x:q> 1 ] .\n", encoding="utf-8")
    assert scope._grown(b"", path) is None  # a blank node: triples not told apart


def test_the_index_follows_a_file_edited_by_hand(tmp_path: Path) -> None:
    """The index of which file names which IRI is never stale: a curated file edited by hand
    (same name, other content) is read again before the index is asked anything."""
    from policygraph.checks.mentions import Mentions

    home = copy_home(tmp_path / "home")
    index = Mentions.open(home)
    assert index is not None
    index.refresh()
    mine = home.ttl / "mine.ttl"
    mine.write_text("<urn:x:new> a <urn:x:Thing> .\n", encoding="utf-8")
    assert index.refresh()[0] == [mine]
    assert index.known(["urn:x:new", "urn:x:Thing"]) == {"urn:x:new", "urn:x:Thing"}
    assert index.describing(["urn:x:new"]) == {mine}
    mine.write_text("<urn:x:other> a <urn:x:Thing> .\n", encoding="utf-8")
    index.refresh()
    assert index.known(["urn:x:new", "urn:x:other"]) == {"urn:x:other"}
    mine.unlink()
    assert index.refresh()[1] == ["data/ttl/mine.ttl"]
    assert index.known(["urn:x:other"]) == set()
    assert index.refresh() == ([], [])  # up to date: nothing read again
    index.close()
